/*
 * db.h - the only libpq user.
 *
 * A struct db is one connection owned by one process, opened after fork.
 * Statements are static struct db_stmt objects owned by their callers; each
 * is prepared on the connection the first time it runs there (again after
 * a reconnect), so a module declares its SQL next to the code that uses it
 * and nothing lists every statement.  Parameters are always bound; SQLSTATEs
 * map to app_err; a lost server is reconnected with backoff.  Results are
 * handed out as struct db_res, freed with the request arena.
 */
#ifndef LIB_DB_H
#define LIB_DB_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct arena;
struct db;
struct db_res;

/*
 * One SQL statement.  Declare it static const next to the function that
 * runs it; its address identifies it, so it must live as long as the
 * program.  name is for logs only.
 */
struct db_stmt {
    const char *name;
    const char *sql;
    int nparams;
    int readonly; /* safe to retry once after a reconnect */
};

/*
 * Creates an unconnected handle.  conninfo is a libpq connection string or
 * URI.  statement_timeout_ms 0 means none.  Caller frees with db_free().
 */
struct db *db_new(const char *conninfo, const char *appname, int statement_timeout_ms);

/* Cancels a running statement, closes the connection and frees.  NULL is a no-op. */
void db_free(struct db *db);

/*
 * Makes sure the connection is up, connecting if needed.  After
 * a failure, further attempts wait for a backoff (up to one second).
 * Returns APP_OK or APP_ERR_UNAVAILABLE.
 */
enum app_err db_ensure(struct db *db);

/*
 * Runs st (preparing it on this connection first if it is new here) with
 * st->nparams text parameters (NULL entries are SQL NULL).  On success *out
 * (if out is non-NULL) holds the result, freed at the next arena reset.  A
 * lost connection is reset, and a readonly statement outside a transaction
 * is retried once.  Nothing runs once the arena has refused an allocation
 * (arena_exhausted: a parameter may be a NULL it refused): APP_ERR_INTERNAL.
 * Returns
 * APP_OK, APP_ERR_CONFLICT (23505), APP_ERR_INPUT (22xxx, 23503, 23514),
 * APP_ERR_UNAVAILABLE (connection, 57014 timeout) or APP_ERR_INTERNAL.
 */
enum app_err db_run(struct db *db, struct arena *a, const struct db_stmt *st,
                    const char *const *params, struct db_res **out);

/* PostgreSQL's own limit on the parameters of one statement. */
#define DB_MAX_PARAMS 65535

/*
 * Runs one SQL command assembled from constant fragments, with parameters
 * (never user text in sql).  All parameters are typed text, so the SQL must
 * cast them ($1::bigint) and may leave some unused.  At most DB_MAX_PARAMS.
 * Same contract as db_run().
 */
enum app_err db_exec(struct db *db, struct arena *a, const char *sql, int nparams,
                     const char *const *params, struct db_res **out);

/*
 * Like db_exec(), but the statement is prepared on first use and kept
 * (per connection, keyed by its text, at most 64, least recently used
 * evicted), so SQL assembled from a bounded set of fragments is planned
 * once per shape instead of once per request.
 */
enum app_err db_exec_cached(struct db *db, struct arena *a, const char *sql, int nparams,
                            const char *const *params, struct db_res **out);
/* db_exec_cached() with every result column in binary (the db_bin_* accessors). */
enum app_err db_exec_cached_binary(struct db *db, struct arena *a, const char *sql, int nparams,
                                   const char *const *params, struct db_res **out);

/* Runs a script of several statements (migrations).  No parameters. */
enum app_err db_script(struct db *db, const char *sql);

/*
 * BEGIN / COMMIT / ROLLBACK.  They nest: inside an open transaction,
 * db_begin() sets a savepoint, db_commit() releases it and db_rollback()
 * rolls back to it, so a function that runs its own transaction can run
 * inside a caller's.  db_commit() cleans up after its own failure (do not
 * roll back after it).
 */
enum app_err db_begin(struct db *db);
enum app_err db_commit(struct db *db);
void db_rollback(struct db *db);

/*
 * on: from here to the end of the current transaction level, each
 * statement run at this level (not inside a nested db_begin()) gets its own
 * savepoint, so a failed one leaves the transaction usable, as if it had
 * run on its own.  off (or the end of the request) stops it.
 */
void db_guard(struct db *db, int on);

/* Transaction levels open (0: none, also after the connection was lost). */
int db_depth(const struct db *db);

/*
 * End-of-request check: a connection left inside a transaction is rolled
 * back (and logged as a bug); one in an unknown state is reset.
 */
void db_end_request(struct db *db);

/* SQLSTATE and constraint name of the last failed statement ("" if none). */
const char *db_last_sqlstate(const struct db *db);
const char *db_last_constraint(const struct db *db);

/* Closes the connection so the next call reconnects (tests, SIGHUP). */
void db_disconnect(struct db *db);

/*
 * Notifications (a consumer process's LISTEN).  db_generation() counts the
 * connections the handle made: when it changes, the session is new and its
 * LISTENs are gone, so listen again (and catch up).  db_socket() is the
 * connection's socket to wait on, or -1 while it is down.
 */
unsigned long db_generation(const struct db *db);
int db_socket(const struct db *db);

/* LISTEN channel: a constant identifier of the caller's (lower case, '_'). */
enum app_err db_listen(struct db *db, const char *channel);

/*
 * Reads what the server sent, without blocking, and calls fn for each
 * notification received (on any channel).  Returns how many, or -1 when
 * the connection is lost (the next db_ensure() reconnects).
 */
int db_notifications(struct db *db, void (*fn)(void *arg, const char *channel, const char *payload),
                     void *arg);

int db_ntuples(const struct db_res *r);
int db_nfields(const struct db_res *r);
/* Value at row/col, or NULL for SQL NULL.  Borrowed until the arena reset. */
const char *db_value(const struct db_res *r, int row, int col);
size_t db_length(const struct db_res *r, int row, int col);
/*
 * Like db_run(), but every result column comes in PostgreSQL's binary
 * format; read it with the db_bin_* accessors below.
 */
enum app_err db_run_binary(struct db *db, struct arena *a, const struct db_stmt *st,
                           const char *const *params, struct db_res **out);

/* Binary accessors: 0 if the value is SQL NULL (or not of the expected size), else 1. */
int db_bin_int(const struct db_res *r, int row, int col, int64_t *out); /* int2/4/8 */
int db_bin_bool(const struct db_res *r, int row, int col, int *out);
int db_bin_timestamptz(const struct db_res *r, int row, int col,
                       int64_t *us); /* since 2000-01-01 */
/* uuid as 36 characters plus NUL into out[37]. */
int db_bin_uuid(const struct db_res *r, int row, int col, char out[37]);

/* Rows affected by a command ("" -> 0). */
long db_affected(const struct db_res *r);

#endif
