/*
 * store/auth.c - credentials: API-key candidates, logins and session rows.
 */
#include "store/auth.h"

#include <stdlib.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/db.h"
#include "lib/jsonw.h"
#include "lib/sbuf.h"
#include "lists/items.h"
#include "lists/query.h"
#include "store/queries.h"
#include "store/user_sql.h"

/*
 * One row per candidate agent: its hash, the concatenated permission
 * lists of its roles (duplicates are harmless; no DISTINCT or sort, which
 * would cost more than they save) and the reference-data version.
 */
const struct db_stmt STMT_AUTH_API_KEY[1] = {
    {"auth_api_key",
     "SELECT u.id, u.api_secret,"
     " (SELECT string_agg(array_to_string(r.permissions, ','), ',')"
     "  FROM user_roles ur JOIN roles r ON r.id = ur.role_id"
     "  WHERE ur.user_id = u.id),"
     " (SELECT version FROM deskd_cache_versions WHERE name = 'reference')"
     " FROM users u WHERE u.api_key = $1::text AND u.type = 'agent'"
     " AND u.enabled AND u.deleted_at IS NULL AND u.api_secret IS NOT NULL"
     " LIMIT 4",
     1, 1}};

const struct db_stmt STMT_API_KEY_TOUCH[1] = {
    {"api_key_touch", "UPDATE users SET api_key_last_used_at = now() WHERE id = $1::int", 1, 0}};

const struct db_stmt STMT_LOGIN_USER[1] = {
    {"login_user",
     "SELECT id, password, enabled FROM users WHERE type = 'agent'"
     " AND deleted_at IS NULL AND lower(email) = lower($1::text)"
     " ORDER BY id LIMIT 1",
     1, 1}};

/* $1 user, $2 lifetime in seconds, $3 CSRF token, $4 user agent, $5 address. */
const struct db_stmt STMT_SESSION_CREATE[1] = {
    {"session_create",
     "INSERT INTO sessions (user_id, expires_at, csrf_token, user_agent,"
     " remote_addr) VALUES ($1::int, now() + $2::int * interval '1 second',"
     " $3::text, left($4::text, 500), $5::text)"
     " RETURNING id, extract(epoch FROM created_at)::bigint,"
     " extract(epoch FROM expires_at)::bigint",
     5, 0}};

const struct db_stmt STMT_LOGIN_TOUCH[1] = {
    {"login_touch",
     "UPDATE users SET last_login_at = now(), last_active_at = now()"
     " WHERE id = $1::int",
     1, 0}};

/* A live session of a live agent ($1 sid, $2 sub): enabled, permissions, reference version. */
const struct db_stmt STMT_AUTH_SESSION[1] = {
    {"auth_session",
     "SELECT u.enabled, (SELECT string_agg(array_to_string(r.permissions,"
     " ','), ',') FROM user_roles ur JOIN roles r ON r.id = ur.role_id"
     " WHERE ur.user_id = u.id),"
     " (SELECT version FROM deskd_cache_versions WHERE name = 'reference')"
     " FROM sessions s JOIN users u ON u.id = s.user_id"
     " WHERE s.id = $1::bigint AND s.user_id = $2::int"
     " AND s.revoked_at IS NULL AND s.expires_at > now()"
     " AND u.type = 'agent' AND u.deleted_at IS NULL",
     2, 1}};

const struct db_stmt STMT_SESSION_REVOKE[1] = {
    {"session_revoke",
     "UPDATE sessions SET revoked_at = now() WHERE id = $1::bigint"
     " AND revoked_at IS NULL",
     1, 0}};

enum app_err q_api_key_rows(struct db *db, struct arena *a, const char *api_key,
                            struct q_api_key_row **rows, int *n)
{
    const char *params[1] = {api_key};
    struct db_res *res;
    enum app_err e = db_run(db, a, STMT_AUTH_API_KEY, params, &res);

    *rows = NULL;
    *n = 0;
    if (e != APP_OK)
        return e;
    int nt = db_ntuples(res);
    if (nt == 0)
        return APP_OK;
    struct q_api_key_row *out = ARENA_NEW(a, struct q_api_key_row, (size_t)nt);
    if (out == NULL)
        return APP_ERR_TOO_LARGE;
    for (int i = 0; i < nt; i++) {
        const char *perms = db_value(res, i, 2);
        const char *version = db_value(res, i, 3);
        out[i].id_str = db_value(res, i, 0);
        out[i].id = strtoll(out[i].id_str, NULL, 10);
        out[i].hash = db_value(res, i, 1);
        out[i].perms_csv = perms ? perms : "";
        out[i].ref_version = version ? strtoll(version, NULL, 10) : 0;
    }
    *rows = out;
    *n = nt;
    return APP_OK;
}

enum app_err q_api_key_touch(struct db *db, struct arena *a, const char *id_str)
{
    const char *params[1] = {id_str};
    return db_run(db, a, STMT_API_KEY_TOUCH, params, NULL);
}

enum app_err q_session_principal(struct db *db, struct arena *a, const char *sid, const char *sub,
                                 struct q_session *out)
{
    const char *params[2] = {sid, sub};
    struct db_res *res;
    enum app_err e = db_run(db, a, STMT_AUTH_SESSION, params, &res);

    memset(out, 0, sizeof(*out));
    if (e != APP_OK || db_ntuples(res) == 0)
        return e;
    out->found = 1;
    out->enabled = db_value(res, 0, 0) != NULL && db_value(res, 0, 0)[0] == 't';
    out->perms_csv = db_value(res, 0, 1) ? db_value(res, 0, 1) : "";
    out->ref_version = db_value(res, 0, 2) ? strtoll(db_value(res, 0, 2), NULL, 10) : 0;
    return APP_OK;
}

enum app_err q_login_user(struct db *db, struct arena *a, const char *email, const char **id,
                          const char **hash, int *enabled)
{
    const char *params[1] = {email};
    struct db_res *res;
    enum app_err e = db_run(db, a, STMT_LOGIN_USER, params, &res);

    *id = *hash = NULL;
    *enabled = 0;
    if (e != APP_OK || db_ntuples(res) == 0)
        return e;
    *id = db_value(res, 0, 0);
    *hash = db_value(res, 0, 1);
    *enabled = db_value(res, 0, 2) != NULL && db_value(res, 0, 2)[0] == 't';
    return APP_OK;
}

enum app_err q_session_create(struct db *db, struct arena *a, const char *user_id, const char *ttl,
                              const char *csrf, const char *user_agent, const char *remote_addr,
                              long long *sid, long long *iat, long long *exp)
{
    const char *params[5] = {user_id, ttl, csrf, user_agent, remote_addr};
    struct db_res *res;
    enum app_err e = db_run(db, a, STMT_SESSION_CREATE, params, &res);

    if (e != APP_OK)
        return e;
    if (db_ntuples(res) != 1)
        return APP_ERR_INTERNAL;
    *sid = strtoll(db_value(res, 0, 0), NULL, 10);
    *iat = strtoll(db_value(res, 0, 1), NULL, 10);
    *exp = strtoll(db_value(res, 0, 2), NULL, 10);
    return APP_OK;
}
