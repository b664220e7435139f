/*
 * store/store.c - see store.h.
 */
#include "store/store.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/db.h"
#include "lib/xalloc.h"
#include "lists/query.h"

enum app_err store_json(struct db *db, struct arena *a, const struct db_stmt *st,
                        const char *const *params, const char **json, size_t *len)
{
    struct db_res *res;
    enum app_err e = db_run(db, a, st, params, &res);

    *json = NULL;
    *len = 0;
    if (e != APP_OK)
        return e;
    if (db_ntuples(res) == 0)
        return APP_OK;
    *json = db_value(res, 0, 0);
    *len = db_length(res, 0, 0);
    return *json ? APP_OK : APP_ERR_INTERNAL;
}

enum app_err store_json_found(struct db *db, struct arena *a, const struct db_stmt *st,
                              const char *const *params, const char **json, size_t *len)
{
    enum app_err e = store_json(db, a, st, params, json, len);
    return e == APP_OK && *json == NULL ? APP_ERR_NOT_FOUND : e;
}

enum app_err store_json_by_id(struct db *db, struct arena *a, const struct db_stmt *st, int64_t id,
                              const char **json, size_t *len)
{
    const char *p[] = {store_i64(a, id)};
    return store_json_found(db, a, st, p, json, len);
}

enum app_err store_one(struct db *db, struct arena *a, const struct db_stmt *st,
                       const char *const *params, const char **first, long *rows)
{
    struct db_res *res;
    enum app_err e = db_run(db, a, st, params, &res);

    if (first != NULL)
        *first = NULL;
    if (rows != NULL)
        *rows = 0;
    if (e != APP_OK)
        return e;
    int nt = db_ntuples(res);
    if (first != NULL && nt > 0)
        *first = db_value(res, 0, 0);
    if (rows != NULL)
        *rows = nt > 0 ? nt : db_affected(res);
    return APP_OK;
}

enum app_err store_found(struct db *db, struct arena *a, const struct db_stmt *st,
                         const char *const *params, const char **first)
{
    long rows;
    enum app_err e = store_one(db, a, st, params, first, &rows);
    return e == APP_OK && rows == 0 ? APP_ERR_NOT_FOUND : e;
}

enum app_err store_exists(struct db *db, struct arena *a, const struct db_stmt *st,
                          const char *const *params, int *yes)
{
    long rows;
    enum app_err e = store_one(db, a, st, params, NULL, &rows);
    *yes = e == APP_OK && rows > 0;
    return e;
}

enum app_err store_found_i64(struct db *db, struct arena *a, const struct db_stmt *st,
                             const char *const *params, int64_t *v)
{
    const char *s;
    enum app_err e = store_found(db, a, st, params, &s);
    *v = e == APP_OK && s != NULL ? strtoll(s, NULL, 10) : 0;
    return e;
}

const char *store_i64(struct arena *a, int64_t v)
{
    return arena_printf(a, "%" PRId64, v);
}

const char *store_id_or_null(struct arena *a, int64_t id)
{
    return id > 0 ? store_i64(a, id) : NULL;
}

const char *store_bool(int v)
{
    return v ? "true" : "false";
}

enum app_err store_list_page(struct db *db, struct arena *a, const struct cq_query *q,
                             int64_t *total, const char **results, size_t *len)
{
    struct db_res *res;
    enum app_err e = db_exec_cached(db, a, q->list_sql, q->nparams, q->params, &res);

    if (e != APP_OK)
        return e;
    if (db_ntuples(res) != 1 || db_value(res, 0, 0) == NULL || db_value(res, 0, 1) == NULL)
        return APP_ERR_INTERNAL;
    *total = strtoll(db_value(res, 0, 0), NULL, 10);
    *results = db_value(res, 0, 1);
    *len = db_length(res, 0, 1);
    return APP_OK;
}

enum app_err store_begin(struct db *db)
{
    return db_begin(db);
}

enum app_err store_end(struct db *db, enum app_err e)
{
    if (e == APP_OK)
        return db_commit(db);
    db_rollback(db);
    return e;
}

enum app_err store_cached_json(struct db *db, struct arena *a, struct store_cached *c,
                               int64_t version, const char **json, size_t *len)
{
    if (c->json != NULL && version != 0 && c->version == version) {
        *json = c->json;
        *len = c->len;
        return APP_OK;
    }
    enum app_err e = store_json_found(db, a, c->st, NULL, json, len);
    if (e == APP_ERR_NOT_FOUND)
        e = APP_ERR_INTERNAL; /* an aggregate always returns its row */
    if (e == APP_OK && version != 0) {
        char *copy = xmalloc(*len + 1);
        memcpy(copy, *json, *len + 1);
        free(c->json);
        c->json = copy;
        c->len = *len;
        c->version = version;
    }
    return e;
}
