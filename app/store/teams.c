/*
 * store/teams.c - teams and their members.
 */
#include "store/teams.h"

#include "lib/db.h"
#include "store/store.h"

/* A team as upstream sends it; the time zone is a string, empty when unset. */
#define TEAM_COLUMNS                                                                               \
    "id, created_at, updated_at, emoji, name, conversation_assignment_type,"                       \
    " coalesce(timezone, '') AS timezone, business_hours_id, sla_policy_id,"                       \
    " max_auto_assigned_conversations"

/* The one team the rows named t hold, as JSON text. */
#define TEAM_JSON_OF(rows)                                                                         \
    "SELECT row_to_json(t)::text FROM (SELECT " TEAM_COLUMNS " FROM " rows ") t"

/* $1 id */
static const struct db_stmt exists_stmt = {"team_exists", "SELECT id FROM teams WHERE id = $1::int",
                                           1, 1};

enum app_err store_team_exists(struct db *db, struct arena *a, int64_t id)
{
    const char *p[] = {store_i64(a, id)};
    return store_found(db, a, &exists_stmt, p, NULL);
}

/* $1 team id, $2 user id */
static const struct db_stmt member_stmt = {
    "team_member", "SELECT 1 FROM team_members WHERE team_id = $1::int AND user_id = $2::int", 2,
    1};

enum app_err store_team_member(struct db *db, struct arena *a, int64_t team_id, int64_t user_id,
                               int *member)
{
    const char *p[] = {store_i64(a, team_id), store_i64(a, user_id)};
    return store_exists(db, a, &member_stmt, p, member);
}

static const struct db_stmt list_stmt = {"teams_json",
                                         "SELECT coalesce(json_agg(row_to_json(t) ORDER BY"
                                         " t.updated_at DESC, t.id DESC), '[]')::text"
                                         " FROM (SELECT " TEAM_COLUMNS " FROM teams) t",
                                         0, 1};

enum app_err store_teams_json(struct db *db, struct arena *a, const char **json, size_t *len)
{
    return store_json_found(db, a, &list_stmt, NULL, json, len);
}

static const struct db_stmt compact_stmt = {
    "teams_compact_json",
    "SELECT coalesce(json_agg(json_build_object('id', id, 'name', name,"
    " 'emoji', emoji) ORDER BY name), '[]')::text FROM teams",
    0, 1};

enum app_err store_teams_compact_json(struct db *db, struct arena *a, const char **json,
                                      size_t *len)
{
    return store_json_found(db, a, &compact_stmt, NULL, json, len);
}

/* $1 user id */
static const struct db_stmt of_agent_stmt = {
    "my_teams_json",
    "SELECT coalesce(json_agg(row_to_json(t) ORDER BY t.name), '[]')::text"
    " FROM (SELECT " TEAM_COLUMNS " FROM teams WHERE id IN"
    " (SELECT team_id FROM team_members WHERE user_id = $1::int)) t",
    1, 1};

enum app_err store_teams_of_agent_json(struct db *db, struct arena *a, int64_t user_id,
                                       const char **json, size_t *len)
{
    return store_json_by_id(db, a, &of_agent_stmt, user_id, json, len);
}

/* $1 id */
static const struct db_stmt one_stmt = {"team_json", TEAM_JSON_OF("teams WHERE id = $1::int"), 1,
                                        1};

enum app_err store_team_json(struct db *db, struct arena *a, int64_t id, const char **json,
                             size_t *len)
{
    return store_json_by_id(db, a, &one_stmt, id, json, len);
}

/* $1 names, a JSON array of strings */
static const struct db_stmt unknown_stmt = {
    "unknown_team",
    "SELECT n FROM jsonb_array_elements_text($1::jsonb) n WHERE NOT EXISTS"
    " (SELECT 1 FROM teams t WHERE t.name = n) LIMIT 1",
    1, 0};

enum app_err store_teams_unknown(struct db *db, struct arena *a, const char *names,
                                 const char **unknown)
{
    const char *p[] = {names};
    return store_one(db, a, &unknown_stmt, p, unknown, NULL);
}

/* The team's fields as the parameters $1 to $7 of its writes. */
static void team_params(struct arena *a, const struct store_team_in *in, const char *p[7])
{
    p[0] = in->name;
    p[1] = in->emoji;
    p[2] = in->assignment_type;
    p[3] = in->timezone;
    p[4] = store_id_or_null(a, in->business_hours_id);
    p[5] = store_id_or_null(a, in->sla_policy_id);
    p[6] = store_i64(a, in->max_auto_assigned);
}

/*
 * $1 name, $2 emoji, $3 assignment type, $4 time zone, $5 business hours,
 * $6 SLA policy, $7 max auto-assigned conversations
 */
static const struct db_stmt create_stmt = {
    "team_create",
    "WITH w AS (INSERT INTO teams (name, emoji, conversation_assignment_type, timezone,"
    " business_hours_id, sla_policy_id, max_auto_assigned_conversations)"
    " VALUES ($1::text, $2::text, $3::conversation_assignment_type, $4::text,"
    " $5::int, $6::int, $7::int) RETURNING *) " TEAM_JSON_OF("w"),
    7, 0};

enum app_err store_team_create(struct db *db, struct arena *a, const struct store_team_in *in,
                               const char **json, size_t *len)
{
    const char *p[7];
    team_params(a, in, p);
    return store_json_found(db, a, &create_stmt, p, json, len);
}

/* $1 to $7 as create_stmt's, $8 id */
static const struct db_stmt update_stmt = {
    "team_update",
    "WITH w AS (UPDATE teams SET name = $1::text, emoji = $2::text,"
    " conversation_assignment_type = $3::conversation_assignment_type,"
    " timezone = $4::text, business_hours_id = $5::int, sla_policy_id = $6::int,"
    " max_auto_assigned_conversations = $7::int, updated_at = now()"
    " WHERE id = $8::int RETURNING *) " TEAM_JSON_OF("w"),
    8, 0};

enum app_err store_team_update(struct db *db, struct arena *a, int64_t id,
                               const struct store_team_in *in, const char **json, size_t *len)
{
    const char *p[8];
    team_params(a, in, p);
    p[7] = store_i64(a, id);
    return store_json_found(db, a, &update_stmt, p, json, len);
}

/* $1 id; team_members and the conversations' team go by the foreign keys */
static const struct db_stmt delete_stmt = {
    "team_delete", "DELETE FROM teams WHERE id = $1::int RETURNING id", 1, 0};

enum app_err store_team_delete(struct db *db, struct arena *a, int64_t id)
{
    const char *p[] = {store_i64(a, id)};
    return store_found(db, a, &delete_stmt, p, NULL);
}
