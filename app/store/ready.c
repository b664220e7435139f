/*
 * store/ready.c - the readiness query: the database answers and records
 * every migration the worker knows of.
 */
#include "store/ready.h"

#include <stdlib.h>

#include "lib/db.h"
#include "store/store.h"

/* $1 versions (text[]).  If schema_migrations is missing the call fails. */
static const struct db_stmt missing_stmt = {
    "ready_missing",
    "SELECT count(*) FROM unnest($1::text[]) AS v(version)"
    " WHERE NOT EXISTS (SELECT 1 FROM schema_migrations m WHERE m.version = v.version)",
    1, 1};

enum app_err store_ready_missing(struct db *db, struct arena *a, const char *versions,
                                 long *missing)
{
    const char *p[] = {versions};
    const char *first = NULL;
    enum app_err e = store_one(db, a, &missing_stmt, p, &first, NULL);
    if (e != APP_OK)
        return e;
    if (first == NULL)
        return APP_ERR_INTERNAL;
    *missing = strtol(first, NULL, 10);
    return APP_OK;
}
