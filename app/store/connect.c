/*
 * store/connect.c - see connect.h.
 */
#include "store/connect.h"

#include <stddef.h>

#include "lib/db.h"

enum app_err store_connect(const char *conninfo, const char *appname, struct db **db)
{
    *db = db_new(conninfo, appname, 0);
    enum app_err e = db_ensure(*db);
    if (e != APP_OK) {
        db_free(*db);
        *db = NULL;
    }
    return e;
}

void store_close(struct db *db)
{
    db_free(db);
}
