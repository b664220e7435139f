/*
 * store/connect.h - a database connection of its own, for the command-line
 * tools (the server's workers open theirs in server/worker.c).
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

/* Closes the connection and frees it; NULL is a no-op. */
void store_close(struct db *db);

#endif
