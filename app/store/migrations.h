/*
 * store/migrations.h - applying schema migrations and their bookkeeping in
 * schema_migrations.
 */
#ifndef STORE_MIGRATIONS_H
#define STORE_MIGRATIONS_H

#include "lib/err.h"

struct arena;
struct db;

/*
 * Takes the migration lock, held until the connection closes, so that
 * concurrent runs serialise, and makes sure schema_migrations exists.
 */
enum app_err store_migrations_prepare(struct db *db);

/* *applied 1 if the migration called version is recorded as applied. */
enum app_err store_migration_applied(struct db *db, struct arena *a, const char *version,
                                     int *applied);

/* Runs script (several statements) and records version as applied, in one transaction. */
enum app_err store_migration_apply(struct db *db, struct arena *a, const char *version,
                                   const char *script);

#endif
