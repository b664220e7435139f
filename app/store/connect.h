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

/*
 * For a service's event loop (LISTEN/NOTIFY, see lib/db.h): store_ensure()
 * connects if needed (APP_ERR_UNAVAILABLE while the database is away, with
 * backoff); store_session() changes with each new connection (a LISTEN is
 * then issued again); store_listen() runs a LISTEN command (constant text);
 * store_socket() is the socket to poll (-1 if none); store_notified() reads
 * it and returns the notifications that arrived (-1: connection lost).
 */
enum app_err store_ensure(struct db *db);
unsigned long store_session(const struct db *db);
enum app_err store_listen(struct db *db, const char *listen_sql);
int store_socket(const struct db *db);
int store_notified(struct db *db);

/* Closes the connection and frees it; NULL is a no-op. */
void store_close(struct db *db);

#endif
