/*
 * store/agents.c - agents: the agent object, its writes with their roles
 * and teams, API keys, availability.
 */
#include "store/agents.h"

#include "lib/db.h"
#include "store/store.h"
#include "store/user_sql.h"

/* $1 id */
static const struct db_stmt exists_stmt = {
    "agent_exists",
    "SELECT id FROM users WHERE id = $1::int AND type = 'agent'"
    " AND deleted_at IS NULL",
    1, 1};

enum app_err store_agent_exists(struct db *db, struct arena *a, int64_t id)
{
    const char *p[] = {store_i64(a, id)};
    return store_found(db, a, &exists_stmt, p, NULL);
}

/* $1 id */
static const struct db_stmt json_stmt = {"agent_json", USER_JSON_SQL "u.type = 'agent'", 1, 1};

enum app_err store_agent_json(struct db *db, struct arena *a, int64_t id, const char **json,
                              size_t *len)
{
    return store_json_by_id(db, a, &json_stmt, id, json, len);
}

static const struct db_stmt list_stmt = {
    "agents_json",
    "SELECT coalesce(json_agg(json_build_object('id', u.id, 'type', u.type,"
    " 'first_name', u.first_name, 'last_name', coalesce(u.last_name, ''),"
    " 'email', u.email, 'enabled', u.enabled, 'avatar_url', u.avatar_url,"
    " 'external_user_id', u.external_user_id, 'availability_status',"
    " u.availability_status, 'created_at', u.created_at, 'updated_at',"
    " u.updated_at) ORDER BY u.updated_at DESC, u.id DESC), '[]')::text"
    " FROM users u WHERE u.type = 'agent' AND u.deleted_at IS NULL",
    0, 1};

enum app_err store_agents_json(struct db *db, struct arena *a, const char **json, size_t *len)
{
    return store_json_found(db, a, &list_stmt, NULL, json, len);
}

static const struct db_stmt compact_stmt = {
    "agents_compact_json",
    "SELECT coalesce(json_agg(json_build_object('id', id, 'type', type,"
    " 'first_name', first_name, 'last_name', coalesce(last_name, ''),"
    " 'avatar_url', avatar_url, 'enabled', enabled,"
    " 'availability_status', availability_status)"
    " ORDER BY first_name, last_name, id), '[]')::text FROM users"
    " WHERE type IN ('agent', 'ai_assistant') AND deleted_at IS NULL",
    0, 1};

enum app_err store_agents_compact_json(struct db *db, struct arena *a, const char **json,
                                       size_t *len)
{
    return store_json_found(db, a, &compact_stmt, NULL, json, len);
}

/* $1 user id */
static const struct db_stmt roles_clear_stmt = {
    "user_roles_clear", "DELETE FROM user_roles WHERE user_id = $1::int", 1, 0};

/* $1 user id, $2 role names (JSON array) */
static const struct db_stmt roles_add_stmt = {
    "user_roles_add",
    "INSERT INTO user_roles (user_id, role_id) SELECT $1::int, r.id FROM"
    " roles r WHERE r.name IN (SELECT jsonb_array_elements_text($2::jsonb))"
    " ON CONFLICT DO NOTHING",
    2, 0};

/* The user's roles become the named ones (none if NULL), inside the caller's transaction. */
static enum app_err roles_replace(struct db *db, struct arena *a, const char *id, const char *roles)
{
    const char *p[] = {id, roles};
    enum app_err e = store_one(db, a, &roles_clear_stmt, p, NULL, NULL);
    if (e == APP_OK && roles != NULL)
        e = store_one(db, a, &roles_add_stmt, p, NULL, NULL);
    return e;
}

/* $1 user id */
static const struct db_stmt teams_clear_stmt = {
    "user_teams_clear", "DELETE FROM team_members WHERE user_id = $1::int", 1, 0};

/* $1 user id, $2 team names (JSON array) */
static const struct db_stmt teams_add_stmt = {
    "user_teams_add",
    "INSERT INTO team_members (team_id, user_id) SELECT t.id, $1::int FROM"
    " teams t WHERE t.name IN (SELECT jsonb_array_elements_text($2::jsonb))"
    " ON CONFLICT DO NOTHING",
    2, 0};

/* As roles_replace(), for the user's teams. */
static enum app_err teams_replace(struct db *db, struct arena *a, const char *id, const char *teams)
{
    const char *p[] = {id, teams};
    enum app_err e = store_one(db, a, &teams_clear_stmt, p, NULL, NULL);
    if (e == APP_OK && teams != NULL)
        e = store_one(db, a, &teams_add_stmt, p, NULL, NULL);
    return e;
}

/* The enabled flag as a parameter: NULL for -1 (unchanged). */
static const char *enabled_param(int enabled)
{
    return enabled < 0 ? NULL : store_bool(enabled);
}

/*
 * Runs st (an agent write returning the agent's id) with p, then sets the
 * agent's roles and its teams when given, in one transaction.
 */
static enum app_err agent_write(struct db *db, struct arena *a, const struct db_stmt *st,
                                const char *const *p, const struct store_agent_in *in, int64_t *id)
{
    enum app_err e = store_begin(db);
    if (e != APP_OK)
        return e;
    e = store_found_i64(db, a, st, p, id);
    const char *idp = e == APP_OK ? store_i64(a, *id) : NULL;
    if (e == APP_OK)
        e = roles_replace(db, a, idp, in->roles);
    if (e == APP_OK && in->teams != NULL)
        e = teams_replace(db, a, idp, in->teams);
    return store_end(db, e);
}

/* $1 email, $2 first name, $3 last name, $4 password hash, $5 enabled, $6 availability */
static const struct db_stmt create_stmt = {
    "agent_insert",
    "INSERT INTO users (type, email, first_name, last_name, password, enabled,"
    " availability_status) VALUES ('agent', $1::text, $2::text,"
    " nullif($3::text, ''), $4::text, coalesce($5::boolean, TRUE),"
    " coalesce($6::user_availability_status, 'offline')) RETURNING id",
    6, 0};

enum app_err store_agent_create(struct db *db, struct arena *a, const struct store_agent_in *in,
                                int64_t *id)
{
    const char *p[] = {in->email,
                       in->first_name,
                       in->last_name,
                       in->password_hash,
                       enabled_param(in->enabled),
                       in->availability};
    return agent_write(db, a, &create_stmt, p, in, id);
}

/*
 * $1 id, $2 email, $3 first name, $4 last name, $5 enabled, $6 availability,
 * $7 password hash
 */
static const struct db_stmt update_stmt = {
    "agent_update",
    "UPDATE users SET email = $2::text, first_name = $3::text,"
    " last_name = nullif($4::text, ''), enabled = coalesce($5::boolean, enabled),"
    " availability_status = coalesce($6::user_availability_status,"
    " availability_status), password = coalesce($7::text, password),"
    " updated_at = now() WHERE id = $1::int AND type = 'agent'"
    " AND deleted_at IS NULL RETURNING id",
    7, 0};

enum app_err store_agent_update(struct db *db, struct arena *a, int64_t id,
                                const struct store_agent_in *in)
{
    const char *p[] = {
        store_i64(a, id),           in->email,        in->first_name,   in->last_name,
        enabled_param(in->enabled), in->availability, in->password_hash};
    int64_t found;
    return agent_write(db, a, &update_stmt, p, in, &found);
}

/* $1 id */
static const struct db_stmt delete_stmt = {
    "agent_soft_delete",
    "UPDATE users SET deleted_at = now(), enabled = FALSE, api_key = NULL,"
    " api_secret = NULL, updated_at = now() WHERE id = $1::int"
    " AND type = 'agent' AND deleted_at IS NULL RETURNING id",
    1, 0};

/* $1 user id; open means any status not in the resolved category */
static const struct db_stmt unassign_open_stmt = {
    "agent_unassign_open",
    "UPDATE conversations c SET assigned_user_id = NULL,"
    " updated_at = now() FROM conversation_statuses s"
    " WHERE c.assigned_user_id = $1::bigint AND s.id = c.status_id"
    " AND s.category <> 'resolved'",
    1, 0};

/* $1 user id */
static const struct db_stmt sessions_revoke_stmt = {
    "user_sessions_revoke",
    "UPDATE sessions SET revoked_at = now() WHERE user_id = $1::int"
    " AND revoked_at IS NULL",
    1, 0};

enum app_err store_agent_delete(struct db *db, struct arena *a, int64_t id)
{
    const char *p[] = {store_i64(a, id)};
    enum app_err e = store_begin(db);

    if (e != APP_OK)
        return e;
    e = store_found(db, a, &delete_stmt, p, NULL);
    if (e == APP_OK)
        e = roles_replace(db, a, p[0], NULL);
    if (e == APP_OK)
        e = teams_replace(db, a, p[0], NULL);
    if (e == APP_OK)
        e = store_one(db, a, &unassign_open_stmt, p, NULL, NULL);
    if (e == APP_OK)
        e = store_one(db, a, &sessions_revoke_stmt, p, NULL, NULL);
    return store_end(db, e);
}

/* $1 id, $2 status */
static const struct db_stmt availability_stmt = {
    "availability_set",
    "UPDATE users SET availability_status ="
    " $2::user_availability_status, last_active_at = now(),"
    " updated_at = now() WHERE id = $1::int",
    2, 0};

enum app_err store_agent_availability_set(struct db *db, struct arena *a, int64_t id,
                                          const char *status)
{
    const char *p[] = {store_i64(a, id), status};
    return store_one(db, a, &availability_stmt, p, NULL, NULL);
}

/* A new key ($2) and secret hash ($3) for the live agent the condition names. */
#define API_KEY_SET(live_agent)                                                                    \
    "UPDATE users SET api_key = $2::text, api_secret = $3::text,"                                  \
    " api_key_last_used_at = NULL, updated_at = now() WHERE " live_agent                           \
    " AND type = 'agent' AND deleted_at IS NULL RETURNING id"

/* $1 id, $2 key, $3 secret's hash; an AI assistant has no key */
static const struct db_stmt api_key_set_stmt = {"api_key_set", API_KEY_SET("id = $1::int"), 3, 0};

enum app_err store_agent_api_key_set(struct db *db, struct arena *a, int64_t id, const char *key,
                                     const char *hash)
{
    const char *p[] = {store_i64(a, id), key, hash};
    return store_found(db, a, &api_key_set_stmt, p, NULL);
}

/* $1 email, $2 key, $3 secret's hash */
static const struct db_stmt api_key_set_by_email_stmt = {
    "api_key_set_by_email", API_KEY_SET("lower(email) = lower($1::text)"), 3, 0};

enum app_err store_agent_api_key_set_by_email(struct db *db, struct arena *a, const char *email,
                                              const char *key, const char *hash)
{
    const char *p[] = {email, key, hash};
    return store_found(db, a, &api_key_set_by_email_stmt, p, NULL);
}

/* $1 id */
static const struct db_stmt api_key_revoke_stmt = {
    "api_key_revoke",
    "UPDATE users SET api_key = NULL, api_secret = NULL,"
    " api_key_last_used_at = NULL, updated_at = now()"
    " WHERE id = $1::int AND type = 'agent' AND deleted_at IS NULL"
    " RETURNING id",
    1, 0};

enum app_err store_agent_api_key_revoke(struct db *db, struct arena *a, int64_t id)
{
    const char *p[] = {store_i64(a, id)};
    return store_found(db, a, &api_key_revoke_stmt, p, NULL);
}

/* $1 email, $2 first name, $3 last name, $4 password hash */
static const struct db_stmt create_cli_stmt = {
    "cli_agent_insert",
    "INSERT INTO users (type, email, first_name, last_name, password,"
    " availability_status) VALUES ('agent', lower($1::text), $2::text,"
    " $3::text, $4::text, 'offline') RETURNING id",
    4, 0};

/* $1 user id, $2 role id */
static const struct db_stmt role_grant_stmt = {
    "cli_user_role_insert", "INSERT INTO user_roles (user_id, role_id) VALUES ($1::int, $2::int)",
    2, 0};

enum app_err store_agent_create_with_role(struct db *db, struct arena *a, const char *email,
                                          const char *first_name, const char *last_name,
                                          const char *password_hash, int64_t role_id)
{
    const char *p[] = {email, first_name, last_name, password_hash};
    const char *id;
    enum app_err e = store_begin(db);

    if (e != APP_OK)
        return e;
    e = store_found(db, a, &create_cli_stmt, p, &id);
    if (e == APP_OK) {
        const char *grant[] = {id, store_i64(a, role_id)};
        e = store_one(db, a, &role_grant_stmt, grant, NULL, NULL);
    }
    return store_end(db, e);
}
