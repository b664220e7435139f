/*
 * store/views.c - saved views.
 */
#include "store/views.h"

#include <stdlib.h>

#include "lib/db.h"
#include "store/store.h"

/* A view as upstream sends it, over views v: user_id and team_id only when set. */
#define VIEW_OBJECT                                                                                \
    "(jsonb_build_object('id', v.id, 'created_at', v.created_at, 'updated_at', v.updated_at,"      \
    " 'name', v.name, 'filters', v.filters, 'visibility', v.visibility)"                           \
    " || CASE WHEN v.user_id IS NULL THEN '{}'::jsonb"                                             \
    " ELSE jsonb_build_object('user_id', v.user_id) END"                                           \
    " || CASE WHEN v.team_id IS NULL THEN '{}'::jsonb"                                             \
    " ELSE jsonb_build_object('team_id', v.team_id) END)"

/* $1 user id */
static const struct db_stmt mine_stmt = {"views_mine_json",
                                         "SELECT coalesce(jsonb_agg(" VIEW_OBJECT
                                         " ORDER BY v.name, v.id), '[]')::text FROM views v"
                                         " WHERE v.visibility = 'user' AND v.user_id = $1::int",
                                         1, 0};

enum app_err store_views_mine_json(struct db *db, struct arena *a, int64_t user_id,
                                   const char **json, size_t *len)
{
    const char *p[] = {store_i64(a, user_id)};
    return store_json(db, a, &mine_stmt, p, json, len);
}

static const struct db_stmt shared_stmt = {
    "views_shared_json",
    "SELECT coalesce(jsonb_agg(" VIEW_OBJECT " ORDER BY v.updated_at DESC,"
    " v.id DESC), '[]')::text FROM views v WHERE v.visibility <> 'user'",
    0, 0};

enum app_err store_views_shared_json(struct db *db, struct arena *a, const char **json, size_t *len)
{
    return store_json(db, a, &shared_stmt, NULL, json, len);
}

/* $1 user id */
static const struct db_stmt visible_stmt = {
    "views_visible_json",
    "SELECT coalesce(jsonb_agg(" VIEW_OBJECT " ORDER BY v.name, v.id),"
    " '[]')::text FROM views v WHERE v.visibility = 'all'"
    " OR (v.visibility = 'team' AND v.team_id IN (SELECT team_id FROM"
    " team_members WHERE user_id = $1::int))",
    1, 0};

enum app_err store_views_visible_json(struct db *db, struct arena *a, int64_t user_id,
                                      const char **json, size_t *len)
{
    const char *p[] = {store_i64(a, user_id)};
    return store_json(db, a, &visible_stmt, p, json, len);
}

/* $1 id */
static const struct db_stmt get_stmt = {"view_get",
                                        "SELECT " VIEW_OBJECT
                                        "::text, v.visibility::text, v.user_id, v.team_id,"
                                        " v.filters::text FROM views v WHERE v.id = $1::int",
                                        1, 0};

enum app_err store_view_get(struct db *db, struct arena *a, int64_t id, struct store_view *out)
{
    const char *p[] = {store_i64(a, id)};
    struct db_res *res;
    enum app_err e = db_run(db, a, &get_stmt, p, &res);

    *out = (struct store_view){0};
    if (e != APP_OK)
        return e;
    if (db_ntuples(res) == 0)
        return APP_ERR_NOT_FOUND;
    const char *user_id = db_value(res, 0, 2), *team_id = db_value(res, 0, 3);
    out->json = db_value(res, 0, 0);
    out->len = db_length(res, 0, 0);
    out->visibility = db_value(res, 0, 1);
    out->user_id = user_id ? strtoll(user_id, NULL, 10) : 0;
    out->team_id = team_id ? strtoll(team_id, NULL, 10) : 0;
    out->filters = db_value(res, 0, 4);
    return out->json && out->visibility && out->filters ? APP_OK : APP_ERR_INTERNAL;
}

/* $1 name, $2 filters, $3 visibility, $4 user id, $5 team id */
static const struct db_stmt create_stmt = {
    "view_insert",
    "INSERT INTO views AS v (name, filters, visibility, user_id, team_id)"
    " VALUES ($1::text, $2::jsonb, $3::view_visibility, $4::int, $5::int)"
    " RETURNING " VIEW_OBJECT "::text",
    5, 0};

enum app_err store_view_create(struct db *db, struct arena *a, const struct store_view_in *in,
                               const char **json, size_t *len)
{
    const char *p[] = {in->name, in->filters, in->visibility, store_id_or_null(a, in->user_id),
                       store_id_or_null(a, in->team_id)};
    return store_json_found(db, a, &create_stmt, p, json, len);
}

/* $1 id, $2 name, $3 filters, $4 visibility, $5 team id */
static const struct db_stmt update_stmt = {
    "view_update",
    "UPDATE views v SET name = $2::text, filters = $3::jsonb,"
    " visibility = $4::view_visibility, team_id = $5::int, updated_at = now()"
    " WHERE v.id = $1::int RETURNING " VIEW_OBJECT "::text",
    5, 0};

enum app_err store_view_update(struct db *db, struct arena *a, int64_t id,
                               const struct store_view_in *in, const char **json, size_t *len)
{
    const char *p[] = {store_i64(a, id), in->name, in->filters, in->visibility,
                       store_id_or_null(a, in->team_id)};
    return store_json_found(db, a, &update_stmt, p, json, len);
}

/* $1 id */
static const struct db_stmt delete_stmt = {
    "view_delete", "DELETE FROM views WHERE id = $1::int RETURNING id", 1, 0};

enum app_err store_view_delete(struct db *db, struct arena *a, int64_t id)
{
    const char *p[] = {store_i64(a, id)};
    return store_one(db, a, &delete_stmt, p, NULL, NULL);
}
