/*
 * store/migrations.h - the schema_migrations bookkeeping.
 */
#ifndef STORE_MIGRATIONS_H
#define STORE_MIGRATIONS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/db.h" /* transitional */
#include "lib/err.h"

struct arena;
struct db;
struct db_res;
struct db_stmt;
struct cq_query;
struct q_message_new;
struct sbuf;

/* Transitional: the statements, until each handler calls a typed function. */
extern const struct db_stmt CLI_MIGRATION_APPLIED[1];
extern const struct db_stmt CLI_MIGRATION_RECORD[1];

#endif
