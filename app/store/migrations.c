/*
 * store/migrations.c - the schema_migrations bookkeeping.
 */
#include "store/migrations.h"

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

const struct db_stmt CLI_MIGRATION_APPLIED[1] = {
    {"cli_migration_applied", "SELECT 1 FROM schema_migrations WHERE version = $1::text", 1, 1}};

const struct db_stmt CLI_MIGRATION_RECORD[1] = {
    {"cli_migration_record", "INSERT INTO schema_migrations (version) VALUES ($1::text)", 1, 0}};
