/*
 * store/auth.c - credentials: API-key candidates, logins and session rows.
 */
#include "store/auth.h"

#include <stdlib.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/db.h"
#include "store/store.h"

/* A text column as an integer, 0 for SQL NULL. */
static int64_t i64_at(const struct db_res *res, int row, int col)
{
    const char *s = db_value(res, row, col);
    return s != NULL ? strtoll(s, NULL, 10) : 0;
}

/* A text column's comma-separated permissions, "" for SQL NULL. */
static const char *perms_at(const struct db_res *res, int row, int col)
{
    const char *s = db_value(res, row, col);
    return s != NULL ? s : "";
}

/*
 * $1 key.  One row per candidate agent: its hash, the concatenated
 * permission lists of its roles (duplicates are harmless; no DISTINCT or
 * sort, which would cost more than they save) and the reference-data
 * version.
 */
#define API_KEYS_SQL(version)                                                                      \
    "SELECT u.id, u.api_secret,"                                                                   \
    " (SELECT string_agg(array_to_string(r.permissions, ','), ',')"                                \
    "  FROM user_roles ur JOIN roles r ON r.id = ur.role_id"                                       \
    "  WHERE ur.user_id = u.id), " version " FROM users u WHERE u.api_key = $1::text"              \
    " AND u.type = 'agent' AND u.enabled AND u.deleted_at IS NULL AND u.api_secret IS NOT NULL"    \
    " LIMIT 4"
#define REFERENCE_VERSION "(SELECT version FROM deskd_cache_versions WHERE name = 'reference')"

static const struct db_stmt api_keys_stmt = {"auth_api_key", API_KEYS_SQL(REFERENCE_VERSION), 1, 1};

/*
 * The same without the version, for a database that lacks deskd's
 * counter (not migrated yet, sql/003): version 0, so no worker serves a
 * cached reference list, and every route whose own statements prepare
 * still works.
 */
static const struct db_stmt api_keys_unversioned_stmt = {"auth_api_key_unversioned",
                                                         API_KEYS_SQL("0::bigint"), 1, 1};

/* A statement failed for want of a table (42P01): deskd_cache_versions, when the other prepared. */
static int no_table(struct db *db, enum app_err e)
{
    return e == APP_ERR_UNAVAILABLE && strcmp(db_last_sqlstate(db), "42P01") == 0;
}

enum app_err store_auth_api_keys(struct db *db, struct arena *a, const char *api_key,
                                 struct store_api_key_row **rows, int *n)
{
    const char *p[] = {api_key};
    struct db_res *res;
    enum app_err e = db_run(db, a, &api_keys_stmt, p, &res);

    if (no_table(db, e))
        e = db_run(db, a, &api_keys_unversioned_stmt, p, &res);

    *rows = NULL;
    *n = 0;
    if (e != APP_OK)
        return e;
    int nt = db_ntuples(res);
    if (nt == 0)
        return APP_OK;
    struct store_api_key_row *out = ARENA_NEW(a, struct store_api_key_row, (size_t)nt);
    if (out == NULL)
        return APP_ERR_INTERNAL;
    for (int i = 0; i < nt; i++) {
        out[i].id = i64_at(res, i, 0);
        out[i].hash = db_value(res, i, 1);
        out[i].perms_csv = perms_at(res, i, 2);
        out[i].ref_version = i64_at(res, i, 3);
    }
    *rows = out;
    *n = nt;
    return APP_OK;
}

/* $1 id */
static const struct db_stmt api_key_touch_stmt = {
    "api_key_touch", "UPDATE users SET api_key_last_used_at = now() WHERE id = $1::int", 1, 0};

enum app_err store_auth_api_key_touch(struct db *db, struct arena *a, int64_t id)
{
    const char *p[] = {store_i64(a, id)};
    return store_one(db, a, &api_key_touch_stmt, p, NULL, NULL);
}

/* $1 email */
static const struct db_stmt login_user_stmt = {
    "login_user",
    "SELECT id, password, enabled FROM users WHERE type = 'agent'"
    " AND deleted_at IS NULL AND lower(email) = lower($1::text)"
    " ORDER BY id LIMIT 1",
    1, 1};

enum app_err store_auth_login_user(struct db *db, struct arena *a, const char *email,
                                   struct store_login *out)
{
    const char *p[] = {email};
    struct db_res *res;
    enum app_err e = db_run(db, a, &login_user_stmt, p, &res);

    memset(out, 0, sizeof(*out));
    if (e != APP_OK)
        return e;
    if (db_ntuples(res) == 0)
        return APP_ERR_NOT_FOUND;
    const char *enabled = db_value(res, 0, 2);
    out->id = i64_at(res, 0, 0);
    out->hash = db_value(res, 0, 1);
    out->enabled = enabled != NULL && enabled[0] == 't';
    return APP_OK;
}

/* $1 id */
static const struct db_stmt login_touch_stmt = {
    "login_touch",
    "UPDATE users SET last_login_at = now(), last_active_at = now()"
    " WHERE id = $1::int",
    1, 0};

enum app_err store_auth_login_touch(struct db *db, struct arena *a, int64_t id)
{
    const char *p[] = {store_i64(a, id)};
    return store_one(db, a, &login_touch_stmt, p, NULL, NULL);
}

/* $1 user, $2 lifetime in seconds, $3 CSRF token, $4 user agent, $5 address */
static const struct db_stmt session_create_stmt = {
    "session_create",
    "INSERT INTO sessions (user_id, expires_at, csrf_token, user_agent,"
    " remote_addr) VALUES ($1::int, now() + $2::int * interval '1 second',"
    " $3::text, left($4::text, 500), $5::text)"
    " RETURNING id, extract(epoch FROM created_at)::bigint,"
    " extract(epoch FROM expires_at)::bigint",
    5, 0};

enum app_err store_auth_session_create(struct db *db, struct arena *a, int64_t user_id, long ttl,
                                       const char *csrf, const char *user_agent,
                                       const char *remote_addr, struct store_session_new *out)
{
    const char *p[] = {store_i64(a, user_id), store_i64(a, ttl), csrf, user_agent, remote_addr};
    struct db_res *res;
    enum app_err e = db_run(db, a, &session_create_stmt, p, &res);

    if (e != APP_OK)
        return e;
    if (db_ntuples(res) != 1)
        return APP_ERR_INTERNAL;
    out->id = i64_at(res, 0, 0);
    out->iat = i64_at(res, 0, 1);
    out->exp = i64_at(res, 0, 2);
    return APP_OK;
}

/* $1 session id, $2 user id: enabled, permissions, reference version */
#define SESSION_SQL(version)                                                                       \
    "SELECT u.enabled, (SELECT string_agg(array_to_string(r.permissions,"                          \
    " ','), ',') FROM user_roles ur JOIN roles r ON r.id = ur.role_id"                             \
    " WHERE ur.user_id = u.id), " version " FROM sessions s JOIN users u ON u.id = s.user_id"      \
    " WHERE s.id = $1::bigint AND s.user_id = $2::int"                                             \
    " AND s.revoked_at IS NULL AND s.expires_at > now()"                                           \
    " AND u.type = 'agent' AND u.deleted_at IS NULL"

static const struct db_stmt session_stmt = {"auth_session", SESSION_SQL(REFERENCE_VERSION), 2, 1};

/* As api_keys_unversioned_stmt (sessions must be there: sql/001). */
static const struct db_stmt session_unversioned_stmt = {"auth_session_unversioned",
                                                        SESSION_SQL("0::bigint"), 2, 1};

enum app_err store_auth_session(struct db *db, struct arena *a, int64_t sid, int64_t sub,
                                struct store_session *out)
{
    const char *p[] = {store_i64(a, sid), store_i64(a, sub)};
    struct db_res *res;
    enum app_err e = db_run(db, a, &session_stmt, p, &res);

    if (no_table(db, e))
        e = db_run(db, a, &session_unversioned_stmt, p, &res);

    memset(out, 0, sizeof(*out));
    if (e != APP_OK)
        return e;
    if (db_ntuples(res) == 0)
        return APP_ERR_NOT_FOUND;
    const char *enabled = db_value(res, 0, 0);
    out->enabled = enabled != NULL && enabled[0] == 't';
    out->perms_csv = perms_at(res, 0, 1);
    out->ref_version = i64_at(res, 0, 2);
    return APP_OK;
}

/* $1 session id */
static const struct db_stmt session_revoke_stmt = {
    "session_revoke",
    "UPDATE sessions SET revoked_at = now() WHERE id = $1::bigint"
    " AND revoked_at IS NULL",
    1, 0};

enum app_err store_auth_session_revoke(struct db *db, struct arena *a, int64_t sid)
{
    const char *p[] = {store_i64(a, sid)};
    return store_one(db, a, &session_revoke_stmt, p, NULL, NULL);
}
