/*
 * authn.h - who is calling: turns the request's credentials into a
 * struct principal, in upstream's order (API key, then session).
 */
#ifndef APP_AUTHN_H
#define APP_AUTHN_H

#include "lib/err.h"

struct ctx;
struct req;
struct resp;

#include <stddef.h>
#include <stdint.h>

/* Derives the session-token key from the server secret (once per worker). */
void authn_init(const char *secret);

/* The session-token key (32 bytes). */
const unsigned char *authn_token_key(size_t *len);

/*
 * Authenticates r.  On success sets c->who and returns APP_OK.  Otherwise
 * returns APP_ERR_UNAUTHORIZED (401) or APP_ERR_PERMISSION (403, CSRF) with
 * w->message set, or a database error.
 */
enum app_err authn_request(struct ctx *c, struct req *r, struct resp *w);

/*
 * The principal a session token (the libredesk_session cookie's value or a
 * Bearer token) names: the token verifies and its session row is live.
 * APP_OK with *out (and *ref_version if non-NULL) in the arena;
 * APP_ERR_UNAUTHORIZED (no such session), APP_ERR_PERMISSION (the agent is
 * disabled) or a database error.  No failure is counted here: that is the
 * caller's (authn_request counts them).
 */
struct arena;
struct db;
struct principal;
enum app_err authn_session(struct db *db, struct arena *a, const char *token,
                           struct principal **out, int64_t *ref_version);

/* The same for a session already verified once: user sub's session sid (a live connection's
 * recheck). */
enum app_err authn_session_ids(struct db *db, struct arena *a, int64_t sub, int64_t sid,
                               struct principal **out, int64_t *ref_version);

/*
 * Authenticates a request to another product's API: only d's key header,
 * holding an agent's KEY:SECRET, counts (401 if absent or malformed).
 */
struct dialect;
enum app_err authn_peer_request(struct ctx *c, struct req *r, struct resp *w,
                                const struct dialect *d);

/*
 * The failed-credential table shared by all workers (created by the master
 * before fork; NULL disables the limits and the bcrypt gate).
 */
struct rl_table;
void authn_set_limits(struct rl_table *t);

/*
 * bcrypt of secret against hash, if a bcrypt slot is free (at most
 * auth_bcrypt_max workers at once): APP_OK with *ok, or 503 with
 * Retry-After and a message in w.
 */
enum app_err authn_bcrypt(struct req *r, struct resp *w, const char *secret, const char *hash,
                          int *ok);

#endif
