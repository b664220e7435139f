/*
 * store/macros.c - macros.
 */
#include "store/macros.h"

#include "lib/db.h"
#include "store/conversation.h"
#include "store/messages.h"
#include "store/store.h"

/*
 * The stored actions (an array; upstream's default for a macro without
 * any is the empty object, read as none) with upstream's display_value: the name of the team,
 * agent, priority or status the action names ([] for tags or a row gone).
 */
#define ACTIONS_JSON                                                                               \
    "(SELECT coalesce(json_agg(json_build_object('type', x->>'type', 'value', x->'value',"         \
    " 'display_value', coalesce(CASE x->>'type'"                                                   \
    "  WHEN 'assign_team' THEN (SELECT json_build_array(t.name) FROM teams t"                      \
    "   WHERE t.id::text = x->'value'->>0)"                                                        \
    "  WHEN 'assign_user' THEN (SELECT json_build_array(trim(u.first_name || ' ' ||"               \
    "   coalesce(u.last_name, ''))) FROM users u WHERE u.id::text = x->'value'->>0)"               \
    "  WHEN 'set_priority' THEN (SELECT json_build_array(p.name)"                                  \
    "   FROM conversation_priorities p WHERE p.id::text = x->'value'->>0)"                         \
    "  WHEN 'set_status' THEN (SELECT json_build_array(s.name)"                                    \
    "   FROM conversation_statuses s WHERE s.id::text = x->'value'->>0)"                           \
    "  END, '[]'::json)) ORDER BY e.n), '[]'::json)"                                               \
    " FROM jsonb_array_elements(CASE jsonb_typeof(m.actions) WHEN 'array' THEN m.actions"          \
    "  ELSE '[]' END) WITH ORDINALITY e(x, n))"

/* One macro (upstream's Macro, ids as strings) over macros m. */
#define MACRO_JSON                                                                                 \
    "json_build_object('id', m.id, 'created_at', m.created_at, 'updated_at', m.updated_at,"        \
    " 'name', m.name, 'actions', " ACTIONS_JSON ", 'visibility', m.visibility,"                    \
    " 'visible_when', m.visible_when, 'message_content', m.message_content,"                       \
    " 'user_id', m.user_id::text, 'team_id', m.team_id::text, 'usage_count', m.usage_count)"

/* Over macros m: a macro user $1 sees; $2 true sees every one (macros:manage). */
#define MACRO_VISIBLE                                                                              \
    "($2::boolean OR m.visibility = 'all'"                                                         \
    " OR (m.visibility = 'team' AND m.team_id IN"                                                  \
    "  (SELECT team_id FROM team_members WHERE user_id = $1::int))"                                \
    " OR (m.visibility = 'user' AND m.user_id = $1::int))"

/* $1 user id, $2 all */
static const struct db_stmt list_stmt = {"macros_json",
                                         "SELECT coalesce(json_agg(" MACRO_JSON
                                         " ORDER BY m.updated_at DESC, m.id DESC), '[]')::text"
                                         " FROM macros m WHERE " MACRO_VISIBLE,
                                         2, 1};

enum app_err store_macros_json(struct db *db, struct arena *a, int64_t user_id, int all,
                               const char **json, size_t *len)
{
    const char *p[] = {store_i64(a, user_id), store_bool(all)};
    return store_json(db, a, &list_stmt, p, json, len);
}

/* $1 id */
static const struct db_stmt get_stmt = {
    "macro_json", "SELECT " MACRO_JSON "::text FROM macros m WHERE m.id = $1::int", 1, 1};

enum app_err store_macro_json(struct db *db, struct arena *a, int64_t id, const char **json,
                              size_t *len)
{
    return store_json_by_id(db, a, &get_stmt, id, json, len);
}

/* $1 id */
static const struct db_stmt exists_stmt = {"macro_exists",
                                           "SELECT id FROM macros WHERE id = $1::int", 1, 1};

enum app_err store_macro_exists(struct db *db, struct arena *a, int64_t id)
{
    const char *p[] = {store_i64(a, id)};
    return store_found(db, a, &exists_stmt, p, NULL);
}

/* $1 user id, $2 all, $3 id */
static const struct db_stmt visible_stmt = {
    "macro_visible", "SELECT m.id FROM macros m WHERE m.id = $3::int AND " MACRO_VISIBLE, 3, 1};

enum app_err store_macro_visible(struct db *db, struct arena *a, int64_t id, int64_t user_id,
                                 int all)
{
    const char *p[] = {store_i64(a, user_id), store_bool(all), store_i64(a, id)};
    return store_found(db, a, &visible_stmt, p, NULL);
}

/* $1 id: each row an action names, locked against deletion while a transaction is open. */
static const struct db_stmt team_stmt = {
    "macro_team", "SELECT id FROM teams WHERE id = $1::int FOR KEY SHARE", 1, 1};
static const struct db_stmt agent_stmt = {
    "macro_agent",
    "SELECT id FROM users WHERE id = $1::int"
    " AND type = 'agent' AND deleted_at IS NULL FOR KEY SHARE",
    1, 1};
static const struct db_stmt status_stmt = {
    "macro_status", "SELECT id FROM conversation_statuses WHERE id = $1::int FOR KEY SHARE", 1, 1};
static const struct db_stmt priority_stmt = {
    "macro_priority", "SELECT id FROM conversation_priorities WHERE id = $1::int FOR KEY SHARE", 1,
    1};

/* $1 tag names (JSON array): the first that is no tag, the others locked. */
static const struct db_stmt tags_stmt = {
    "macro_tags",
    "WITH l AS (SELECT name FROM tags WHERE name IN"
    " (SELECT jsonb_array_elements_text($1::jsonb)) FOR KEY SHARE)"
    " SELECT v FROM jsonb_array_elements_text($1::jsonb) v"
    " WHERE v NOT IN (SELECT name FROM l) LIMIT 1",
    1, 1};

enum app_err store_macro_actions_check(struct db *db, struct arena *a,
                                       const struct store_macro_action *acts, size_t n, size_t *bad,
                                       const char **missing)
{
    *missing = NULL;
    for (size_t i = 0; i < n; i++) {
        const struct db_stmt *st = NULL;
        enum app_err e;
        *bad = i;
        switch (acts[i].type) {
        case STORE_MACRO_ASSIGN_TEAM:
            st = &team_stmt;
            break;
        case STORE_MACRO_ASSIGN_USER:
            st = &agent_stmt;
            break;
        case STORE_MACRO_SET_STATUS:
            st = &status_stmt;
            break;
        case STORE_MACRO_SET_PRIORITY:
            st = &priority_stmt;
            break;
        default:
            break;
        }
        if (st != NULL) {
            const char *p[] = {store_i64(a, acts[i].id)};
            e = store_found(db, a, st, p, NULL);
            if (e == APP_ERR_NOT_FOUND)
                return APP_ERR_INPUT;
        } else {
            const char *p[] = {acts[i].tags};
            e = store_one(db, a, &tags_stmt, p, missing, NULL);
            if (e == APP_OK && *missing != NULL)
                return APP_ERR_INPUT;
        }
        if (e != APP_OK)
            return e;
    }
    return APP_OK;
}

/* $1 name, $2 message_content, $3 user id, $4 team id, $5 visibility, $6 visible_when, $7 actions
 */
static const struct db_stmt create_stmt = {
    "macro_create",
    "WITH m AS (INSERT INTO macros (name, message_content, user_id, team_id, visibility,"
    " visible_when, actions) VALUES ($1::text, $2::text, $3::int, $4::int,"
    " $5::macro_visibility, ARRAY(SELECT jsonb_array_elements_text($6::jsonb))::"
    "macro_visible_when[], $7::jsonb) RETURNING *) SELECT " MACRO_JSON "::text FROM m",
    7, 0};

enum app_err store_macro_create(struct db *db, struct arena *a, const struct store_macro_in *in,
                                const char **json, size_t *len)
{
    const char *p[] = {in->name,
                       in->message_content,
                       store_id_or_null(a, in->user_id),
                       store_id_or_null(a, in->team_id),
                       in->visibility,
                       in->visible_when,
                       in->actions};
    return store_json_found(db, a, &create_stmt, p, json, len);
}

/* $1 id, then as create_stmt from $2 */
static const struct db_stmt update_stmt = {
    "macro_update",
    "WITH m AS (UPDATE macros SET name = $2::text, message_content = $3::text,"
    " user_id = $4::int, team_id = $5::int, visibility = $6::macro_visibility,"
    " visible_when = ARRAY(SELECT jsonb_array_elements_text($7::jsonb))::macro_visible_when[],"
    " actions = $8::jsonb, updated_at = now() WHERE id = $1::int RETURNING *)"
    " SELECT " MACRO_JSON "::text FROM m",
    8, 0};

enum app_err store_macro_update(struct db *db, struct arena *a, int64_t id,
                                const struct store_macro_in *in, const char **json, size_t *len)
{
    const char *p[] = {store_i64(a, id),
                       in->name,
                       in->message_content,
                       store_id_or_null(a, in->user_id),
                       store_id_or_null(a, in->team_id),
                       in->visibility,
                       in->visible_when,
                       in->actions};
    return store_json_found(db, a, &update_stmt, p, json, len);
}

/* $1 id */
static const struct db_stmt delete_stmt = {
    "macro_delete", "DELETE FROM macros WHERE id = $1::int RETURNING id", 1, 0};

enum app_err store_macro_delete(struct db *db, struct arena *a, int64_t id)
{
    const char *p[] = {store_i64(a, id)};
    return store_found(db, a, &delete_stmt, p, NULL);
}

/* $1 id */
static const struct db_stmt used_stmt = {
    "macro_used", "UPDATE macros SET usage_count = usage_count + 1 WHERE id = $1::int RETURNING id",
    1, 0};

/* One checked action, by the conversation store's statements. */
static enum app_err apply_one(struct db *db, struct arena *a, int64_t conv_id,
                              const struct store_macro_action *act, int64_t actor)
{
    switch (act->type) {
    case STORE_MACRO_ASSIGN_TEAM:
        return store_conversation_assign(db, a, conv_id, STORE_ASSIGNEE_TEAM, act->id, actor);
    case STORE_MACRO_ASSIGN_USER:
        return store_conversation_assign(db, a, conv_id, STORE_ASSIGNEE_AGENT, act->id, actor);
    case STORE_MACRO_SET_STATUS:
        return store_conversation_set_status(db, a, conv_id, act->id, 0, actor, NULL);
    case STORE_MACRO_SET_PRIORITY:
        return store_conversation_set_priority(db, a, conv_id, act->id, actor);
    case STORE_MACRO_ADD_TAGS:
        return store_conversation_tags(db, a, conv_id, STORE_TAGS_ADD, act->tags, actor);
    case STORE_MACRO_SET_TAGS:
        return store_conversation_tags(db, a, conv_id, STORE_TAGS_SET, act->tags, actor);
    case STORE_MACRO_REMOVE_TAGS:
        return store_conversation_tags(db, a, conv_id, STORE_TAGS_REMOVE, act->tags, actor);
    }
    return APP_ERR_INTERNAL;
}

enum app_err store_macro_apply(struct db *db, struct arena *a, int64_t macro_id, int64_t conv_id,
                               const struct store_macro_action *acts, size_t n,
                               const struct store_message_new *msg, int64_t actor, size_t *bad,
                               const char **missing)
{
    const char *p[] = {store_i64(a, macro_id)};
    int64_t msg_id;
    enum app_err e = store_begin(db);

    *missing = NULL;
    *bad = 0;
    if (e != APP_OK)
        return e;
    e = store_found(db, a, &used_stmt, p, NULL);
    if (e == APP_OK)
        e = store_macro_actions_check(db, a, acts, n, bad, missing);
    for (size_t i = 0; e == APP_OK && i < n; i++)
        e = apply_one(db, a, conv_id, &acts[i], actor);
    if (e == APP_OK && msg != NULL)
        e = store_message_add(db, a, msg, &msg_id);
    return store_end(db, e);
}
