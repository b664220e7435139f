/*
 * store/auth.h - credentials: API-key candidates, logins and session rows.
 */
#ifndef STORE_AUTH_H
#define STORE_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "lib/db.h" /* transitional */
#include "lib/err.h"

struct arena;
struct db;
struct db_res;
struct db_stmt;
struct cq_query;
struct q_message_new;
struct sbuf;

/* Transitional: the statements, until each handler calls a typed function. */
extern const struct db_stmt STMT_AUTH_API_KEY[1];
extern const struct db_stmt STMT_API_KEY_TOUCH[1];
extern const struct db_stmt STMT_LOGIN_USER[1];
extern const struct db_stmt STMT_SESSION_CREATE[1];
extern const struct db_stmt STMT_LOGIN_TOUCH[1];
extern const struct db_stmt STMT_AUTH_SESSION[1];
extern const struct db_stmt STMT_SESSION_REVOKE[1];

/* One API-key candidate row: the agent and its stored bcrypt hash. */
struct q_api_key_row {
    int64_t id;
    const char *id_str;    /* borrowed from the result (arena lifetime) */
    const char *hash;      /* borrowed */
    const char *perms_csv; /* arena or borrowed, comma-separated union of the roles */
    int64_t ref_version;   /* deskd_cache_versions 'reference' as of this query */
};

/*
 * Loads live, enabled agents holding api_key (normally 0 or 1) with the
 * union of their roles' permissions into an arena array.  Returns APP_OK
 * or a db error.
 */
enum app_err q_api_key_rows(struct db *db, struct arena *a, const char *api_key,
                            struct q_api_key_row **rows, int *n);

/* Sets api_key_last_used_at = now() for the agent. */
enum app_err q_api_key_touch(struct db *db, struct arena *a, const char *id_str);

/* The live agent with this e-mail: id, bcrypt hash, enabled (id NULL if none). */
enum app_err q_login_user(struct db *db, struct arena *a, const char *email, const char **id,
                          const char **hash, int *enabled);

/* A new session row; its id and, in Unix seconds, when it starts and ends. */
enum app_err q_session_create(struct db *db, struct arena *a, const char *user_id, const char *ttl,
                              const char *csrf, const char *user_agent, const char *remote_addr,
                              long long *sid, long long *iat, long long *exp);

/* What authentication needs of a session. */
struct q_session {
    int found; /* live session of a live agent */
    int enabled;
    const char *perms_csv; /* borrowed */
    int64_t ref_version;
};

enum app_err q_session_principal(struct db *db, struct arena *a, const char *sid, const char *sub,
                                 struct q_session *out);

#endif
