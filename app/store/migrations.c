/*
 * store/migrations.c - see migrations.h.
 */
#include "store/migrations.h"

#include "lib/db.h"
#include "store/store.h"

/* The advisory lock's key: serialises `deskd migrate` runs. */
#define MIGRATION_LOCK "7265001"

enum app_err store_migrations_prepare(struct db *db)
{
    return db_script(db, "SET client_min_messages = warning;"
                         "SELECT pg_advisory_lock(" MIGRATION_LOCK ");"
                         "CREATE TABLE IF NOT EXISTS schema_migrations ("
                         " version TEXT PRIMARY KEY,"
                         " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
}

/* $1 version */
static const struct db_stmt applied_stmt = {
    "migration_applied", "SELECT 1 FROM schema_migrations WHERE version = $1::text", 1, 1};

enum app_err store_migration_applied(struct db *db, struct arena *a, const char *version,
                                     int *applied)
{
    const char *p[] = {version};
    long rows;
    enum app_err e = store_one(db, a, &applied_stmt, p, NULL, &rows);
    *applied = e == APP_OK && rows > 0;
    return e;
}

/* $1 version */
static const struct db_stmt record_stmt = {
    "migration_record", "INSERT INTO schema_migrations (version) VALUES ($1::text)", 1, 0};

enum app_err store_migration_apply(struct db *db, struct arena *a, const char *version,
                                   const char *script)
{
    const char *p[] = {version};
    enum app_err e = store_begin(db);

    if (e != APP_OK)
        return e;
    e = db_script(db, script);
    if (e == APP_OK)
        e = store_one(db, a, &record_stmt, p, NULL, NULL);
    return store_end(db, e);
}
