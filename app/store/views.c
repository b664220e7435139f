/*
 * store/views.c - personal and shared views.
 */
#include "store/views.h"

#include <stdlib.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/db.h"
#include "lib/jsonw.h"
#include "lib/sbuf.h"
#include "lists/items.h"
#include "lists/query.h"
#include "store/queries.h"
#include "store/user_sql.h"

/* A view as upstream sends it: user_id and team_id only when set. */
#define VIEW_OBJECT                                                                                \
    "(jsonb_build_object('id', v.id, 'created_at', v.created_at, 'updated_at', v.updated_at,"      \
    " 'name', v.name, 'filters', v.filters, 'visibility', v.visibility)"                           \
    " || CASE WHEN v.user_id IS NULL THEN '{}'::jsonb"                                             \
    " ELSE jsonb_build_object('user_id', v.user_id) END"                                           \
    " || CASE WHEN v.team_id IS NULL THEN '{}'::jsonb"                                             \
    " ELSE jsonb_build_object('team_id', v.team_id) END)"

const struct db_stmt STMT_VIEWS_MINE_JSON[1] = {
    {"views_mine_json",
     "SELECT coalesce(jsonb_agg(" VIEW_OBJECT " ORDER BY v.name, v.id),"
     " '[]')::text FROM views v WHERE v.visibility = 'user'"
     " AND v.user_id = $1::int",
     1, 0}};

const struct db_stmt STMT_VIEWS_SHARED_JSON[1] = {
    {"views_shared_json",
     "SELECT coalesce(jsonb_agg(" VIEW_OBJECT " ORDER BY v.updated_at DESC,"
     " v.id DESC), '[]')::text FROM views v WHERE v.visibility <> 'user'",
     0, 0}};

/* Shared views I may open: for everyone, or for one of my teams. */
const struct db_stmt STMT_VIEWS_VISIBLE_JSON[1] = {
    {"views_visible_json",
     "SELECT coalesce(jsonb_agg(" VIEW_OBJECT " ORDER BY v.name, v.id),"
     " '[]')::text FROM views v WHERE v.visibility = 'all'"
     " OR (v.visibility = 'team' AND v.team_id IN (SELECT team_id FROM"
     " team_members WHERE user_id = $1::int))",
     1, 0}};

const struct db_stmt STMT_VIEW_GET[1] = {{"view_get",
                                          "SELECT " VIEW_OBJECT
                                          "::text, v.visibility::text, v.user_id, v.team_id,"
                                          " v.filters::text FROM views v WHERE v.id = $1::int",
                                          1, 0}};

const struct db_stmt STMT_VIEW_INSERT[1] = {
    {"view_insert",
     "INSERT INTO views AS v (name, filters, visibility, user_id, team_id)"
     " VALUES ($1::text, $2::jsonb, $3::view_visibility, $4::int, $5::int)"
     " RETURNING " VIEW_OBJECT "::text",
     5, 0}};

const struct db_stmt STMT_VIEW_UPDATE[1] = {
    {"view_update",
     "UPDATE views v SET name = $2::text, filters = $3::jsonb,"
     " visibility = $4::view_visibility, team_id = $5::int, updated_at = now()"
     " WHERE v.id = $1::int RETURNING " VIEW_OBJECT "::text",
     5, 0}};

const struct db_stmt STMT_VIEW_DELETE[1] = {
    {"view_delete", "DELETE FROM views WHERE id = $1::int RETURNING id", 1, 0}};

enum app_err q_view(struct db *db, struct arena *a, const char *id, struct q_view *out)
{
    const char *params[1] = {id};
    struct db_res *res;
    enum app_err e = db_run(db, a, STMT_VIEW_GET, params, &res);

    memset(out, 0, sizeof(*out));
    if (e != APP_OK || db_ntuples(res) == 0)
        return e;
    out->found = 1;
    out->json = db_value(res, 0, 0);
    out->visibility = db_value(res, 0, 1);
    out->user_id = db_value(res, 0, 2);
    out->team_id = db_value(res, 0, 3);
    out->filters = db_value(res, 0, 4);
    return APP_OK;
}
