/*
 * store/connect.c - see connect.h.
 */
#include "store/connect.h"

#include <stddef.h>
#include <stdlib.h>

#include "lib/db.h"
#include "store/store.h"

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

enum app_err store_read_position(struct db *db, struct arena *a, const char *lsn, long *lag_ms,
                                 int *caught_up)
{
    /*
     * $1 lsn or NULL.  A standby that replayed all it received is not
     * behind (pg_last_xact_replay_timestamp() stays old while the primary
     * is idle); else the age of the last transaction it replayed.
     */
    static const struct db_stmt st = {
        "read_position",
        "SELECT CASE WHEN NOT pg_is_in_recovery()"
        "              OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
        "         ELSE COALESCE((extract(epoch FROM now() - pg_last_xact_replay_timestamp())"
        "                        * 1000)::bigint, 2147483647) END,"
        "       NOT pg_is_in_recovery() OR $1::pg_lsn IS NULL"
        "           OR pg_last_wal_replay_lsn() >= $1::pg_lsn",
        1, 1};
    const char *params[] = {lsn};
    struct db_res *res;
    enum app_err e = db_run(db, a, &st, params, &res);

    if (e != APP_OK)
        return e;
    if (db_ntuples(res) != 1 || db_value(res, 0, 0) == NULL || db_value(res, 0, 1) == NULL)
        return APP_ERR_INTERNAL;
    *lag_ms = strtol(db_value(res, 0, 0), NULL, 10);
    *caught_up = db_value(res, 0, 1)[0] == 't';
    return APP_OK;
}

enum app_err store_write_position(struct db *db, struct arena *a, const char **lsn)
{
    static const struct db_stmt st = {"write_position", "SELECT pg_current_wal_lsn()::text", 0, 1};

    return store_found(db, a, &st, NULL, lsn);
}
