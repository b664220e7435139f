/*
 * dialect.h - another product's API served under its own path prefix
 * (Chatwoot, Vambe, Wassist): where its clients put the key, and how its
 * errors look.  A route with a dialect (routes.c, RP) is authenticated only
 * by that header, carrying a deskd agent's KEY:SECRET (no cookie, no
 * session), and every refusal on it, from the router to the handler, is
 * written in the dialect's error shape.  Success bodies are the handler's
 * own (w->raw_body or w->data_json as the whole body: see reply_raw()).
 */
#ifndef SERVER_DIALECT_H
#define SERVER_DIALECT_H

#include <stddef.h>

#include "lib/err.h"

struct arena;
struct req;

enum dialect_key {
    DIALECT_KEY_API_ACCESS_TOKEN, /* api_access_token: KEY:SECRET */
    DIALECT_KEY_X_API_KEY,        /* X-API-Key: KEY:SECRET */
};

struct dialect {
    const char *name; /* for logs */
    enum dialect_key key;
    /*
     * The body of a refusal: e (its status is err_status(e)) with message
     * (never NULL), in the arena; must always produce a body.
     */
    void (*error_body)(struct arena *a, enum app_err e, const char *message, const char **body,
                       size_t *len);
};

/* The key header's value in r for d, or NULL. */
const char *dialect_key_of(const struct dialect *d, const struct req *r);

#endif
