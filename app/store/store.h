/*
 * store/store.h - what the store modules share: running a statement for
 * one JSON value or one column, ids as parameters, ending a transaction,
 * and a per-worker cache of reference lists.  For app/store only: handlers
 * call the typed functions of store/<resource>.h.
 *
 * The conventions of every store/<resource>.c:
 * - each statement is a static const struct db_stmt next to the one
 *   function that runs it, its parameters named in a comment ($1 id, ...);
 * - functions are store_<resource>_<verb>(db, arena, typed inputs, outputs);
 *   ids are int64_t, flags int, text const char * (NULL is SQL NULL);
 * - JSON built by PostgreSQL comes back as (const char **json, size_t *len),
 *   borrowed until the arena reset;
 * - a row that is not there is APP_ERR_NOT_FOUND, a unique violation
 *   APP_ERR_CONFLICT, other refusals of the database APP_ERR_INPUT; the
 *   handler words the message;
 * - a function that writes more than one statement opens and ends its own
 *   transaction (store_end), so a handler never sees one; the few that run
 *   inside another store function's transaction (store_media_write,
 *   store_message_add) say so and are called from app/store only.
 */
#ifndef STORE_STORE_H
#define STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct arena;
struct db;
struct db_stmt;

/*
 * Runs st; *json is the first column of its first row (NULL with APP_OK
 * if there is no row).
 */
enum app_err store_json(struct db *db, struct arena *a, const struct db_stmt *st,
                        const char *const *params, const char **json, size_t *len);

/* As store_json(), but no row is APP_ERR_NOT_FOUND. */
enum app_err store_json_found(struct db *db, struct arena *a, const struct db_stmt *st,
                              const char *const *params, const char **json, size_t *len);

/* store_json_found() for a statement whose one parameter is an id. */
enum app_err store_json_by_id(struct db *db, struct arena *a, const struct db_stmt *st, int64_t id,
                              const char **json, size_t *len);

/*
 * Runs st; *first (if non-NULL) is the first column of the first row
 * (NULL if no row or SQL NULL), *rows (if non-NULL) the number of rows
 * returned or affected.
 */
enum app_err store_one(struct db *db, struct arena *a, const struct db_stmt *st,
                       const char *const *params, const char **first, long *rows);

/* *yes 1 if st returns or affects a row, else 0. */
enum app_err store_exists(struct db *db, struct arena *a, const struct db_stmt *st,
                          const char *const *params, int *yes);

/* As store_one(), but a statement that returns or affects no row is APP_ERR_NOT_FOUND. */
enum app_err store_found(struct db *db, struct arena *a, const struct db_stmt *st,
                         const char *const *params, const char **first);

/* As store_found(), the first column read as an integer into *v (0 if not found). */
enum app_err store_found_i64(struct db *db, struct arena *a, const struct db_stmt *st,
                             const char *const *params, int64_t *v);

/*
 * v as a decimal parameter in the arena.  NULL if the arena refused, in
 * which case db_run() refuses to run (lib/db.h), so the NULL never reaches
 * SQL as a value.
 */
const char *store_i64(struct arena *a, int64_t v);

/* An optional id as a parameter: NULL (SQL NULL) for 0 or less, else as store_i64(). */
const char *store_id_or_null(struct arena *a, int64_t id);

/* A flag as a boolean parameter: "true" or "false". */
const char *store_bool(int v);

struct cq_query;

/*
 * Runs a list the list engine compiled into one statement that answers
 * one row: the exact total and the page as a JSON array (*results,
 * borrowed).  For the lists whose items PostgreSQL writes (contacts, the
 * activity log).
 */
enum app_err store_list_page(struct db *db, struct arena *a, const struct cq_query *q,
                             int64_t *total, const char **results, size_t *len);

/* Opens a transaction. */
enum app_err store_begin(struct db *db);

/* Ends the open transaction: commits if e is APP_OK, else rolls back.  Returns the outcome. */
enum app_err store_end(struct db *db, enum app_err e);

/*
 * A per-worker copy of a small list that every screen of a client reads
 * (statuses, priorities, prompts), tagged with the reference-data version
 * it was built at (sql/003_cache_versions.sql).  The copy is served only
 * when version, read with this request's credentials, is the same, so a
 * committed change is never missed; version 0 (unknown) always reads.
 */
struct store_cached {
    const struct db_stmt *st; /* no parameters, one row with one JSON column */
    int64_t version;
    char *json; /* malloc'd */
    size_t len;
};

enum app_err store_cached_json(struct db *db, struct arena *a, struct store_cached *c,
                               int64_t version, const char **json, size_t *len);

#endif
