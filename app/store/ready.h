/*
 * store/ready.h - what GET /ready asks of the database.
 */
#ifndef STORE_READY_H
#define STORE_READY_H

#include "lib/err.h"

struct arena;
struct db;

/*
 * *missing is how many of versions (a PostgreSQL text[] literal of
 * migration file names) schema_migrations does not record.  Fails if the
 * database does not answer or the table is not there.
 */
enum app_err store_ready_missing(struct db *db, struct arena *a, const char *versions,
                                 long *missing);

#endif
