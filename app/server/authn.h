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

#endif
