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

enum app_err store_open(const char *conninfo, const char *appname, int statement_timeout_ms,
                        struct db **db)
{
    *db = db_new(conninfo, appname, statement_timeout_ms);
    return db_ensure(*db);
}

struct db *store_new(const char *conninfo, const char *appname, int statement_timeout_ms)
{
    return db_new(conninfo, appname, statement_timeout_ms);
}

void store_end_request(struct db *db)
{
    db_end_request(db);
}

void store_close(struct db *db)
{
    db_free(db);
}

enum app_err store_ensure(struct db *db)
{
    return db_ensure(db);
}

enum app_err store_listen(struct db *db, const char *channel)
{
    return db_listen(db, channel);
}

int store_socket(const struct db *db)
{
    return db_socket(db);
}

unsigned long store_generation(const struct db *db)
{
    return db_generation(db);
}

int store_notifications(struct db *db,
                        void (*fn)(void *arg, const char *channel, const char *payload), void *arg)
{
    return db_notifications(db, fn, arg);
}
