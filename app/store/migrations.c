/*
 * store/migrations.c - see migrations.h.
 */
#include "store/migrations.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/db.h"
#include "store/store.h"

/* The advisory lock's key: serialises `deskd migrate` runs. */
#define MIGRATION_LOCK "7265001"

#define HISTORY_TABLE                                                                              \
    "CREATE TABLE IF NOT EXISTS schema_migrations ("                                               \
    " version TEXT PRIMARY KEY,"                                                                   \
    " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"

enum app_err store_migrations_lock(struct db *db)
{
    return db_script(db, "SET client_min_messages = warning;"
                         "SELECT pg_advisory_lock(" MIGRATION_LOCK ")");
}

/* Only catalogs: prepares on any database. */
static const struct db_stmt inspect_stmt = {
    "migrations_inspect",
    "SELECT to_regclass('schema_migrations') IS NOT NULL,"
    " (SELECT count(*) FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace"
    "  AND c.relkind IN ('r', 'p') AND c.relname <> 'schema_migrations'),"
    " to_regclass('users') IS NOT NULL AND to_regclass('conversations') IS NOT NULL"
    " AND to_regclass('inboxes') IS NOT NULL AND to_regclass('settings') IS NOT NULL",
    0, 1};

/* Prepared only once the table is known to exist. */
static const struct db_stmt history_count_stmt = {"migrations_count",
                                                  "SELECT count(*) FROM schema_migrations", 0, 1};

/* Upstream records each of its migrations in settings: {"migrations": ["v0.3.0", ...]}. */
static const struct db_stmt libredesk_version_stmt = {
    "migrations_libredesk_version",
    "SELECT CASE WHEN jsonb_typeof(value) = 'array' THEN value ->> -1 END"
    " FROM settings WHERE key = 'migrations'",
    0, 1};

enum app_err store_migrations_inspect(struct db *db, struct arena *a, struct store_db_state *out)
{
    struct db_res *res;
    enum app_err e = db_run(db, a, &inspect_stmt, NULL, &res);

    memset(out, 0, sizeof(*out));
    if (e != APP_OK)
        return e;
    const char *v = db_value(res, 0, 0);
    out->history = v != NULL && v[0] == 't';
    v = db_value(res, 0, 1);
    out->tables = v != NULL ? (int)strtol(v, NULL, 10) : 0;
    v = db_value(res, 0, 2);
    out->libredesk = v != NULL && v[0] == 't';
    if (out->history) {
        const char *n;
        e = store_one(db, a, &history_count_stmt, NULL, &n, NULL);
        if (e != APP_OK)
            return e;
        out->applied = n != NULL ? strtol(n, NULL, 10) : 0;
    }
    if (out->libredesk) {
        const char *ver;
        e = store_one(db, a, &libredesk_version_stmt, NULL, &ver, NULL);
        if (e != APP_OK)
            return e;
        if (ver != NULL)
            snprintf(out->version, sizeof(out->version), "%s", ver);
    }
    return APP_OK;
}

/* $1 table name */
static const struct db_stmt table_exists_stmt = {
    "migrations_table_exists",
    "SELECT 1 FROM pg_class WHERE relnamespace = current_schema()::regnamespace"
    " AND relname = $1::text AND relkind IN ('r', 'p', 'v', 'm')",
    1, 1};

enum app_err store_migrations_table_exists(struct db *db, struct arena *a, const char *name,
                                           int *yes)
{
    const char *p[] = {name};
    return store_exists(db, a, &table_exists_stmt, p, yes);
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

/*
 * $1 version.  Not a prepared statement: the table may be created in the
 * same transaction, and a plan kept after a rolled-back one would name a
 * table that never was.
 */
static enum app_err record(struct db *db, struct arena *a, const char *version)
{
    const char *p[] = {version};
    return db_exec(db, a, "INSERT INTO schema_migrations (version) VALUES ($1::text)", 1, p, NULL);
}

enum app_err store_migration_apply(struct db *db, struct arena *a, const char *version,
                                   const char *script)
{
    enum app_err e = store_begin(db);

    if (e != APP_OK)
        return e;
    e = db_script(db, HISTORY_TABLE);
    if (e == APP_OK)
        e = db_script(db, script);
    if (e == APP_OK)
        e = record(db, a, version);
    return store_end(db, e);
}

/*
 * $1 index name: the index as an identifier, and whether a failed
 * concurrent build left it invalid (no row: there is no such index).
 */
static const char index_sql[] =
    "SELECT quote_ident(c.relname), NOT i.indisvalid FROM pg_class c"
    " JOIN pg_index i ON i.indexrelid = c.oid"
    " WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = $1::text";

/* Drops index name if it exists and (invalid_only) is invalid; *existed 1 if it was there. */
static enum app_err drop_index(struct db *db, struct arena *a, const char *name, int invalid_only,
                               int *existed)
{
    const char *p[] = {name};
    struct db_res *res;
    enum app_err e = db_exec(db, a, index_sql, 1, p, &res);

    *existed = 0;
    if (e != APP_OK || db_ntuples(res) == 0)
        return e;
    const char *invalid = db_value(res, 0, 1);
    if (invalid_only && !(invalid != NULL && invalid[0] == 't')) {
        *existed = 1;
        return APP_OK;
    }
    char sql[192];
    snprintf(sql, sizeof(sql), "DROP INDEX CONCURRENTLY IF EXISTS %s", db_value(res, 0, 0));
    return db_script(db, sql);
}

enum app_err store_migration_apply_indexed(struct db *db, struct arena *a, const char *version,
                                           const char *const *indexes, const char *const *builds,
                                           int n, const char *script)
{
    int existed[MAX_STEP_INDEXES];
    enum app_err e = APP_OK;

    if (n > MAX_STEP_INDEXES)
        return APP_ERR_INTERNAL;
    for (int i = 0; i < n; i++)
        existed[i] = 1;
    /* An invalid index (an earlier run's failed build) is dropped and built again. */
    for (int i = 0; e == APP_OK && i < n; i++)
        e = drop_index(db, a, indexes[i], 1, &existed[i]);
    for (int i = 0; e == APP_OK && i < n; i++)
        e = db_script(db, builds[i]);
    if (e == APP_OK)
        e = store_migration_apply(db, a, version, script);
    if (e != APP_OK) {
        /* Nothing of the step stays: the indexes it built (valid or not) go. */
        for (int i = 0; i < n; i++) {
            int was;
            if (!existed[i])
                drop_index(db, a, indexes[i], 0, &was);
        }
    }
    return e;
}
