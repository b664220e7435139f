/*
 * store/connect.h - a process's database connection: the command-line
 * tools connect at once and give up if they cannot; a worker opens its
 * connection after fork, keeps it across requests, and lets lib/db
 * reconnect with backoff while the database is away.
 */
#ifndef STORE_CONNECT_H
#define STORE_CONNECT_H

#include "lib/err.h"

struct arena;
struct db;

/*
 * Connects to conninfo (a libpq connection string or URI) as appname,
 * without a statement timeout.  APP_ERR_UNAVAILABLE (and *db NULL) if the
 * database cannot be reached.
 */
enum app_err store_connect(const char *conninfo, const char *appname, struct db **db);

/*
 * A worker's connection (statement_timeout_ms 0: none).  The handle is
 * always returned; APP_ERR_UNAVAILABLE says the database is not reachable
 * yet (requests are then answered 503 until it is).
 */
enum app_err store_open(const char *conninfo, const char *appname, int statement_timeout_ms,
                        struct db **db);

/* store_open's handle without connecting yet: the first query connects. */
struct db *store_new(const char *conninfo, const char *appname, int statement_timeout_ms);

/* After each request: a transaction left open is rolled back (and logged as a bug). */
void store_end_request(struct db *db);

/*
 * A consumer process's notifications (services/): connect if needed
 * (APP_ERR_UNAVAILABLE while the database is away), LISTEN on a channel,
 * the socket to wait on (-1 while down), the count of connections made
 * (a change: the LISTENs are gone), and the notifications received so far
 * (without blocking; -1 when the connection is lost).  See lib/db.h.
 */
enum app_err store_ensure(struct db *db);
enum app_err store_listen(struct db *db, const char *channel);
int store_socket(const struct db *db);
unsigned long store_generation(const struct db *db);
int store_notifications(struct db *db,
                        void (*fn)(void *arg, const char *channel, const char *payload), void *arg);

/*
 * The read connection (DESKD_DATABASE_READ_URL): may a request read there?
 * *lag_ms is how far the server trails its primary (0 when it applied
 * everything it received, or is itself a primary); *caught_up is 1 when it
 * has replayed the WAL position lsn (a client's last write, "X/Y" as
 * store_write_position() gives it; NULL: no write to wait for).
 */
enum app_err store_read_position(struct db *db, struct arena *a, const char *lsn, long *lag_ms,
                                 int *caught_up);

/* The primary's current WAL position ("X/Y"), after a request wrote: *lsn in the arena. */
enum app_err store_write_position(struct db *db, struct arena *a, const char **lsn);

/* Closes the connection and frees it; NULL is a no-op. */
void store_close(struct db *db);

#endif
