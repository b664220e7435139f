/*
 * store/agents.c - agents: the agent object, its writes, roles and teams links, API keys,
 * availability.
 */
#include "store/agents.h"

#include <stdlib.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/db.h"
#include "lib/jsonw.h"
#include "lib/sbuf.h"
#include "lists/items.h"
#include "lists/query.h"
#include "store/queries.h"
#include "store/store.h"
#include "store/user_sql.h"

#define AGENT_JSON_SQL USER_JSON_SQL "u.type = 'agent'"

const struct db_stmt STMT_AGENT_JSON[1] = {{"agent_json", AGENT_JSON_SQL, 1, 1}};

const struct db_stmt STMT_AGENT_EXISTS[1] = {
    {"agent_exists",
     "SELECT id FROM users WHERE id = $1::int AND type = 'agent'"
     " AND deleted_at IS NULL",
     1, 1}};

/* A new key for an agent (not an AI assistant); RETURNING tells whether one was found. */
const struct db_stmt STMT_API_KEY_SET[1] = {
    {"api_key_set",
     "UPDATE users SET api_key = $2::text, api_secret = $3::text,"
     " api_key_last_used_at = NULL, updated_at = now()"
     " WHERE id = $1::int AND type = 'agent' AND deleted_at IS NULL RETURNING id",
     3, 0}};

const struct db_stmt STMT_API_KEY_REVOKE[1] = {
    {"api_key_revoke",
     "UPDATE users SET api_key = NULL, api_secret = NULL,"
     " api_key_last_used_at = NULL, updated_at = now()"
     " WHERE id = $1::int AND type = 'agent' AND deleted_at IS NULL"
     " RETURNING id",
     1, 0}};

/* Agents as upstream's UserCompact, newest change first. */
const struct db_stmt STMT_AGENTS_JSON[1] = {
    {"agents_json",
     "SELECT coalesce(json_agg(json_build_object('id', u.id, 'type', u.type,"
     " 'first_name', u.first_name, 'last_name', coalesce(u.last_name, ''),"
     " 'email', u.email, 'enabled', u.enabled, 'avatar_url', u.avatar_url,"
     " 'external_user_id', u.external_user_id, 'availability_status',"
     " u.availability_status, 'created_at', u.created_at, 'updated_at',"
     " u.updated_at) ORDER BY u.updated_at DESC, u.id DESC), '[]')::text"
     " FROM users u WHERE u.type = 'agent' AND u.deleted_at IS NULL",
     0, 1}};

/* Agents and AI assistants for pickers, by name. */
const struct db_stmt STMT_AGENTS_COMPACT_JSON[1] = {
    {"agents_compact_json",
     "SELECT coalesce(json_agg(json_build_object('id', id, 'type', type,"
     " 'first_name', first_name, 'last_name', coalesce(last_name, ''),"
     " 'avatar_url', avatar_url, 'enabled', enabled,"
     " 'availability_status', availability_status)"
     " ORDER BY first_name, last_name, id), '[]')::text FROM users"
     " WHERE type IN ('agent', 'ai_assistant') AND deleted_at IS NULL",
     0, 1}};

/* Agent writes; names are JSON arrays of role or team names. */
const struct db_stmt STMT_AGENT_INSERT[1] = {
    {"agent_insert",
     "INSERT INTO users (type, email, first_name, last_name, password, enabled,"
     " availability_status) VALUES ('agent', $1::text, $2::text,"
     " nullif($3::text, ''), $4::text, coalesce($5::boolean, TRUE),"
     " coalesce($6::user_availability_status, 'offline')) RETURNING id",
     6, 0}};

const struct db_stmt STMT_AGENT_UPDATE[1] = {
    {"agent_update",
     "UPDATE users SET email = $2::text, first_name = $3::text,"
     " last_name = nullif($4::text, ''), enabled = coalesce($5::boolean, enabled),"
     " availability_status = coalesce($6::user_availability_status,"
     " availability_status), password = coalesce($7::text, password),"
     " updated_at = now() WHERE id = $1::int AND type = 'agent'"
     " AND deleted_at IS NULL RETURNING id",
     7, 0}};

const struct db_stmt STMT_AGENT_SOFT_DELETE[1] = {
    {"agent_soft_delete",
     "UPDATE users SET deleted_at = now(), enabled = FALSE, api_key = NULL,"
     " api_secret = NULL, updated_at = now() WHERE id = $1::int"
     " AND type = 'agent' AND deleted_at IS NULL RETURNING id",
     1, 0}};

/* Open means any status not in the resolved category. */
const struct db_stmt STMT_AGENT_UNASSIGN_OPEN[1] = {
    {"agent_unassign_open",
     "UPDATE conversations c SET assigned_user_id = NULL,"
     " updated_at = now() FROM conversation_statuses s"
     " WHERE c.assigned_user_id = $1::bigint AND s.id = c.status_id"
     " AND s.category <> 'resolved'",
     1, 0}};

const struct db_stmt STMT_USER_SESSIONS_REVOKE[1] = {
    {"user_sessions_revoke",
     "UPDATE sessions SET revoked_at = now() WHERE user_id = $1::int"
     " AND revoked_at IS NULL",
     1, 0}};

const struct db_stmt STMT_USER_ROLES_CLEAR[1] = {
    {"user_roles_clear", "DELETE FROM user_roles WHERE user_id = $1::int", 1, 0}};

const struct db_stmt STMT_USER_ROLES_ADD[1] = {
    {"user_roles_add",
     "INSERT INTO user_roles (user_id, role_id) SELECT $1::int, r.id FROM"
     " roles r WHERE r.name IN (SELECT jsonb_array_elements_text($2::jsonb))"
     " ON CONFLICT DO NOTHING",
     2, 0}};

const struct db_stmt STMT_USER_TEAMS_CLEAR[1] = {
    {"user_teams_clear", "DELETE FROM team_members WHERE user_id = $1::int", 1, 0}};

const struct db_stmt STMT_USER_TEAMS_ADD[1] = {
    {"user_teams_add",
     "INSERT INTO team_members (team_id, user_id) SELECT t.id, $1::int FROM"
     " teams t WHERE t.name IN (SELECT jsonb_array_elements_text($2::jsonb))"
     " ON CONFLICT DO NOTHING",
     2, 0}};

const struct db_stmt STMT_AVAILABILITY_SET[1] = {
    {"availability_set",
     "UPDATE users SET availability_status ="
     " $2::user_availability_status, last_active_at = now(),"
     " updated_at = now() WHERE id = $1::int",
     2, 0}};

const struct db_stmt CLI_AGENT_INSERT[1] = {
    {"cli_agent_insert",
     "INSERT INTO users (type, email, first_name, last_name, password,"
     " availability_status) VALUES ('agent', lower($1::text), $2::text,"
     " $3::text, $4::text, 'offline') RETURNING id",
     4, 0}};

const struct db_stmt CLI_USER_ROLE_INSERT[1] = {
    {"cli_user_role_insert", "INSERT INTO user_roles (user_id, role_id) VALUES ($1::int, $2::int)",
     2, 0}};

const struct db_stmt CLI_AGENT_SET_API_KEY[1] = {
    {"cli_agent_set_api_key",
     "UPDATE users SET api_key = $2::text, api_secret = $3::text,"
     " api_key_last_used_at = NULL, updated_at = now()"
     " WHERE lower(email) = lower($1::text) AND type = 'agent'"
     " AND deleted_at IS NULL RETURNING id",
     3, 0}};

enum app_err store_agent_exists(struct db *db, struct arena *a, int64_t id)
{
    const char *p[] = {store_i64(a, id)};
    return store_found(db, a, STMT_AGENT_EXISTS, p, NULL);
}
