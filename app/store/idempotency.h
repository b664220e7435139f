/*
 * store/idempotency.h - stored answers to writes sent with an
 * Idempotency-Key (sql/022_idempotency_keys.sql).  Used by
 * server/idempotency.c, which runs the whole request inside the
 * transaction these functions open and end.
 */
#ifndef STORE_IDEMPOTENCY_H
#define STORE_IDEMPOTENCY_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct arena;
struct db;

/* One stored answer; strings borrowed until the arena reset. */
struct store_idem {
    const char *fingerprint; /* hex SHA-256 of the request */
    int status;
    const char *content_type; /* NULL: the default */
    const char *headers_json; /* [[name, value], ...] */
    const char *body;
    size_t body_len;
};

/* The answer stored for (user, key), APP_ERR_NOT_FOUND if none. */
enum app_err store_idempotency_find(struct db *db, struct arena *a, int64_t user_id,
                                    const char *key, struct store_idem *out);

/*
 * Opens the request's transaction and takes the (user, key) lock in it;
 * *got 0 if another request holds it (the transaction is then ended).
 * Statements of the request each get a savepoint (db_guard), so a refused
 * one leaves the transaction usable, as without it.
 */
enum app_err store_idempotency_begin(struct db *db, struct arena *a, int64_t user_id,
                                     const char *key, int *got);

/* Stores the answer in the open transaction. */
enum app_err store_idempotency_save(struct db *db, struct arena *a, int64_t user_id,
                                    const char *key, const struct store_idem *in);

/* Ends the request's transaction: commits if e is APP_OK, else rolls back.  The outcome. */
enum app_err store_idempotency_end(struct db *db, enum app_err e);

/* 1 while the transaction store_idempotency_begin() opened is still open. */
int store_idempotency_open(const struct db *db);

/* Deletes the answers stored more than hours ago. */
enum app_err store_idempotency_purge(struct db *db, struct arena *a, int hours);

#endif
