/*
 * store/connect.h - a process's database connection: the command-line
 * tools connect at once and give up if they cannot; a worker opens its
 * connection after fork, keeps it across requests, and lets lib/db
 * reconnect with backoff while the database is away.
 */
#ifndef STORE_CONNECT_H
#define STORE_CONNECT_H

#include "lib/err.h"

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

/* After each request: a transaction left open is rolled back (and logged as a bug). */
void store_end_request(struct db *db);

/* Closes the connection and frees it; NULL is a no-op. */
void store_close(struct db *db);

#endif
