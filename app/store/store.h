/*
 * store/store.h - generic statement runners shared by the store modules.
 */
#ifndef STORE_STORE_H
#define STORE_STORE_H

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

/*
 * Runs a statement that returns one row with one JSON text column.
 * *json is borrowed until the arena reset; NULL (with APP_OK) if no row.
 */
enum app_err q_json(struct db *db, struct arena *a, const struct db_stmt *s,
                    const char *const *params, const char **json, size_t *len);

/*
 * Runs statement s with params; *first is the first column of the first row
 * (borrowed, NULL if no row or SQL NULL), *rows the number of rows returned
 * or affected.
 */
enum app_err q_one(struct db *db, struct arena *a, const struct db_stmt *s,
                   const char *const *params, const char **first, long *rows);

#endif
