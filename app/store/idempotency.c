/*
 * store/idempotency.c - deskd_idempotency_keys.
 */
#include "store/idempotency.h"

#include <stdlib.h>

#include "lib/db.h"
#include "store/store.h"

/* $1 user, $2 key */
static const struct db_stmt find_stmt = {
    "idempotency_find",
    "SELECT fingerprint, status, content_type, headers::text, body"
    " FROM deskd_idempotency_keys WHERE user_id = $1::int AND key = $2::text",
    2, 1};

enum app_err store_idempotency_find(struct db *db, struct arena *a, int64_t user_id,
                                    const char *key, struct store_idem *out)
{
    const char *p[] = {store_i64(a, user_id), key};
    struct db_res *res;
    enum app_err e = db_run(db, a, &find_stmt, p, &res);

    if (e != APP_OK)
        return e;
    if (db_ntuples(res) == 0)
        return APP_ERR_NOT_FOUND;
    out->fingerprint = db_value(res, 0, 0);
    out->status = atoi(db_value(res, 0, 1));
    out->content_type = db_value(res, 0, 2);
    out->headers_json = db_value(res, 0, 3);
    out->body = db_value(res, 0, 4);
    out->body_len = db_length(res, 0, 4);
    return APP_OK;
}

/*
 * $1 user, $2 key.  A transaction-level advisory lock on a 64-bit hash of
 * the pair: released by the COMMIT or ROLLBACK, also when the worker dies.
 */
static const struct db_stmt lock_stmt = {
    "idempotency_lock",
    "SELECT pg_try_advisory_xact_lock(hashtextextended($1::text || ':' || $2::text, 22))", 2, 0};

enum app_err store_idempotency_begin(struct db *db, struct arena *a, int64_t user_id,
                                     const char *key, int *got)
{
    const char *p[] = {store_i64(a, user_id), key};
    const char *v = NULL;
    enum app_err e = store_begin(db);

    *got = 0;
    if (e != APP_OK)
        return e;
    if ((e = store_one(db, a, &lock_stmt, p, &v, NULL)) != APP_OK)
        return store_end(db, e);
    if (v == NULL || *v != 't') {
        (void)store_end(db, APP_ERR_CONFLICT); /* rolls back */
        return APP_OK;
    }
    *got = 1;
    db_guard(db, 1);
    return APP_OK;
}

/* $1 user, $2 key, $3 fingerprint, $4 status, $5 content type, $6 headers, $7 body */
static const struct db_stmt save_stmt = {
    "idempotency_save",
    "INSERT INTO deskd_idempotency_keys"
    " (user_id, key, fingerprint, status, content_type, headers, body)"
    " VALUES ($1::int, $2::text, $3::text, $4::int, $5::text, $6::jsonb, $7::text)",
    7, 0};

enum app_err store_idempotency_save(struct db *db, struct arena *a, int64_t user_id,
                                    const char *key, const struct store_idem *in)
{
    const char *p[] = {
        store_i64(a, user_id), key,     in->fingerprint, store_i64(a, in->status), in->content_type,
        in->headers_json,      in->body};
    db_guard(db, 0);
    return store_one(db, a, &save_stmt, p, NULL, NULL);
}

enum app_err store_idempotency_end(struct db *db, enum app_err e)
{
    db_guard(db, 0);
    return store_end(db, e);
}

int store_idempotency_open(const struct db *db)
{
    return db_depth(db) == 1;
}

/* $1 hours */
static const struct db_stmt purge_stmt = {
    "idempotency_purge",
    "DELETE FROM deskd_idempotency_keys WHERE created_at < now() - $1::int * interval '1 hour'", 1,
    0};

enum app_err store_idempotency_purge(struct db *db, struct arena *a, int hours)
{
    const char *p[] = {store_i64(a, hours)};
    return store_one(db, a, &purge_stmt, p, NULL, NULL);
}
