/*
 * store/auth.h - credentials: API-key candidates, logins and session rows.
 */
#ifndef STORE_AUTH_H
#define STORE_AUTH_H

#include <stdint.h>

#include "lib/err.h"

struct arena;
struct db;

/* One API-key candidate: a live, enabled agent holding the key. */
struct store_api_key_row {
    int64_t id;
    const char *hash;      /* the secret's bcrypt hash, borrowed */
    const char *perms_csv; /* the union of its roles' permissions, comma-separated; borrowed */
    int64_t ref_version;   /* the reference-data version read with it (0: unknown) */
};

/*
 * The live, enabled agents holding api_key with a secret (normally 0 or 1,
 * at most 4) as an arena array of *n rows.
 */
enum app_err store_auth_api_keys(struct db *db, struct arena *a, const char *api_key,
                                 struct store_api_key_row **rows, int *n);

/* Sets the agent's api_key_last_used_at to now. */
enum app_err store_auth_api_key_touch(struct db *db, struct arena *a, int64_t id);

/* The live agent a login names. */
struct store_login {
    int64_t id;
    const char *hash; /* bcrypt hash of its password; NULL if it has none (borrowed) */
    int enabled;
};

/* The live agent with this e-mail (any case); APP_ERR_NOT_FOUND if there is none. */
enum app_err store_auth_login_user(struct db *db, struct arena *a, const char *email,
                                   struct store_login *out);

/* Sets the agent's last login and last activity to now. */
enum app_err store_auth_login_touch(struct db *db, struct arena *a, int64_t id);

/* A new session row: its id and, in Unix seconds, when it starts and ends. */
struct store_session_new {
    int64_t id, iat, exp;
};

/*
 * A new session of the user lasting ttl seconds, with its CSRF token and
 * the client's user agent (the first 500 characters) and address.
 */
enum app_err store_auth_session_create(struct db *db, struct arena *a, int64_t user_id, long ttl,
                                       const char *csrf, const char *user_agent,
                                       const char *remote_addr, struct store_session_new *out);

/* What authentication needs of a session. */
struct store_session {
    int enabled;           /* the agent is enabled */
    const char *perms_csv; /* as in struct store_api_key_row */
    int64_t ref_version;
};

/*
 * Session sid of user sub, if it is live (not revoked, not expired) and
 * sub a live agent; APP_ERR_NOT_FOUND otherwise.
 */
enum app_err store_auth_session(struct db *db, struct arena *a, int64_t sid, int64_t sub,
                                struct store_session *out);

/* Revokes session sid (a revoked one stays as it is). */
enum app_err store_auth_session_revoke(struct db *db, struct arena *a, int64_t sid);

#endif
