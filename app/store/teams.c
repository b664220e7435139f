/*
 * store/teams.c - teams and their members.
 */
#include "store/teams.h"

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

/* A team as upstream sends it; the time zone is a string, empty when unset. */
#define TEAM_COLUMNS                                                                               \
    "id, created_at, updated_at, emoji, name, conversation_assignment_type,"                       \
    " coalesce(timezone, '') AS timezone, business_hours_id, sla_policy_id,"                       \
    " max_auto_assigned_conversations"

const struct db_stmt STMT_TEAM_EXISTS[1] = {
    {"team_exists", "SELECT id FROM teams WHERE id = $1::int", 1, 1}};

const struct db_stmt STMT_UNKNOWN_TEAM[1] = {
    {"unknown_team",
     "SELECT n FROM jsonb_array_elements_text($1::jsonb) n WHERE NOT EXISTS"
     " (SELECT 1 FROM teams t WHERE t.name = n) LIMIT 1",
     1, 0}};

const struct db_stmt STMT_TEAM_INSERT[1] = {
    {"team_insert",
     "INSERT INTO teams (name, emoji, conversation_assignment_type, timezone,"
     " business_hours_id, sla_policy_id, max_auto_assigned_conversations)"
     " VALUES ($1::text, $2::text, $3::conversation_assignment_type, $4::text,"
     " $5::int, $6::int, $7::int) RETURNING id",
     7, 0}};

const struct db_stmt STMT_TEAM_UPDATE[1] = {
    {"team_update",
     "UPDATE teams SET name = $2::text, emoji = $3::text,"
     " conversation_assignment_type = $4::conversation_assignment_type,"
     " timezone = $5::text, business_hours_id = $6::int, sla_policy_id = $7::int,"
     " max_auto_assigned_conversations = $8::int, updated_at = now()"
     " WHERE id = $1::int RETURNING id",
     8, 0}};

const struct db_stmt STMT_TEAM_DELETE[1] = {
    {"team_delete", "DELETE FROM teams WHERE id = $1::int RETURNING id", 1, 0}};

const struct db_stmt STMT_TEAMS_JSON[1] = {
    {"teams_json",
     "SELECT coalesce(json_agg(row_to_json(t) ORDER BY t.updated_at DESC,"
     " t.id DESC), '[]')::text FROM (SELECT " TEAM_COLUMNS " FROM teams) t",
     0, 1}};

const struct db_stmt STMT_TEAM_JSON[1] = {{"team_json",
                                           "SELECT row_to_json(t)::text FROM (SELECT " TEAM_COLUMNS
                                           " FROM teams"
                                           " WHERE id = $1::int) t",
                                           1, 1}};

const struct db_stmt STMT_TEAMS_COMPACT_JSON[1] = {
    {"teams_compact_json",
     "SELECT coalesce(json_agg(json_build_object('id', id, 'name', name,"
     " 'emoji', emoji) ORDER BY name), '[]')::text FROM teams",
     0, 1}};

const struct db_stmt STMT_MY_TEAMS_JSON[1] = {
    {"my_teams_json",
     "SELECT coalesce(json_agg(row_to_json(t) ORDER BY t.name), '[]')::text"
     " FROM (SELECT " TEAM_COLUMNS " FROM teams WHERE id IN"
     " (SELECT team_id FROM team_members WHERE user_id = $1::int)) t",
     1, 1}};

const struct db_stmt STMT_TEAM_MEMBER[1] = {
    {"team_member", "SELECT 1 FROM team_members WHERE team_id = $1::int AND user_id = $2::int", 2,
     1}};

enum app_err q_team_member(struct db *db, struct arena *a, const char *team_id, const char *user_id,
                           int *member)
{
    const char *params[2] = {team_id, user_id};
    struct db_res *res;
    enum app_err e = db_run(db, a, STMT_TEAM_MEMBER, params, &res);
    *member = e == APP_OK && db_ntuples(res) > 0;
    return e;
}

enum app_err store_team_exists(struct db *db, struct arena *a, int64_t id)
{
    const char *p[] = {store_i64(a, id)};
    return store_found(db, a, STMT_TEAM_EXISTS, p, NULL);
}

enum app_err store_team_member(struct db *db, struct arena *a, int64_t team_id, int64_t user_id,
                               int *member)
{
    const char *p[] = {store_i64(a, team_id), store_i64(a, user_id)};
    enum app_err e = store_found(db, a, STMT_TEAM_MEMBER, p, NULL);
    *member = e == APP_OK;
    return e == APP_ERR_NOT_FOUND ? APP_OK : e;
}
