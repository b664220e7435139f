/*
 * store/store.c - generic statement runners shared by the store modules.
 */
#include "store/store.h"

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

enum app_err q_json(struct db *db, struct arena *a, const struct db_stmt *s,
                    const char *const *params, const char **json, size_t *len)
{
    struct db_res *res;
    enum app_err e = db_run(db, a, s, params, &res);

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

enum app_err q_one(struct db *db, struct arena *a, const struct db_stmt *s,
                   const char *const *params, const char **first, long *rows)
{
    struct db_res *res;
    enum app_err e = db_run(db, a, s, params, &res);

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
