/*
 * store/migrations.h - applying schema migrations and their bookkeeping in
 * schema_migrations, and recognising what a database holds before any of
 * it is changed (an empty one, deskd's, or Libredesk's to adopt).
 */
#ifndef STORE_MIGRATIONS_H
#define STORE_MIGRATIONS_H

#include "lib/err.h"

struct arena;
struct db;

/*
 * Takes the migration lock, held until the connection closes, so that
 * concurrent runs serialise.  Creates nothing: schema_migrations is made
 * by the first step, inside its transaction.
 */
enum app_err store_migrations_lock(struct db *db);

/* What the database holds, read before anything is changed. */
struct store_db_state {
    int history;      /* schema_migrations exists */
    long applied;     /* its rows */
    int tables;       /* tables in the schema, schema_migrations aside */
    int libredesk;    /* Libredesk's core tables (users, conversations, inboxes, settings) */
    char version[32]; /* Libredesk's last recorded migration (settings "migrations"), or "" */
};

enum app_err store_migrations_inspect(struct db *db, struct arena *a, struct store_db_state *out);

/* *applied 1 if the migration called version is recorded as applied (0 if there is no history). */
enum app_err store_migration_applied(struct db *db, struct arena *a, const char *version,
                                     int *applied);

/*
 * Runs script (several statements) and records version as applied, in one
 * transaction, which also creates schema_migrations if it is not there: a
 * failed step leaves nothing behind.
 */
enum app_err store_migration_apply(struct db *db, struct arena *a, const char *version,
                                   const char *script);

/* *yes 1 if a table (or view) called name exists in the schema. */
enum app_err store_migrations_table_exists(struct db *db, struct arena *a, const char *name,
                                           int *yes);

/* The most indexes store_migration_apply_indexed() builds in one step. */
#define MAX_STEP_INDEXES 64

/*
 * A step that builds indexes on tables already in use (adopting a
 * database): builds[i] (CREATE INDEX CONCURRENTLY IF NOT EXISTS
 * indexes[i] ...) each on its own, outside any transaction, so that the
 * tables stay writable meanwhile; then script and the record of version
 * in one transaction, as store_migration_apply().  An index an earlier run
 * left invalid is dropped and built again; if anything fails, the indexes
 * this run built are dropped, so a failed step leaves nothing behind.  At
 * most MAX_STEP_INDEXES.
 */
enum app_err store_migration_apply_indexed(struct db *db, struct arena *a, const char *version,
                                           const char *const *indexes, const char *const *builds,
                                           int n, const char *script);

#endif
