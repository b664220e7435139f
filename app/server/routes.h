/*
 * routes.h - the route table: method, pattern, handler, authentication,
 * permission and body limit for every endpoint.  Data only.
 */
#ifndef SERVER_ROUTES_H
#define SERVER_ROUTES_H

#include <stddef.h>

#include "lib/err.h"
#include "lib/router.h"

struct req;
struct resp;
struct dialect;

/*
 * A handler (api/<resource>.c, named h_<resource>_<verb>) gets a routed,
 * authenticated and authorised request (captures in r->match, the
 * principal in ((struct ctx *)r->ctx)->who), fills w and returns APP_OK,
 * or refuses with reply_fail() (server/reply.h).  It reaches the database
 * only through app/store and never writes error JSON itself.
 */
typedef enum app_err (*handler_fn)(struct req *r, struct resp *w);

enum route_auth {
    AUTH_NONE = 0, /* public */
    AUTH_AGENT     /* API key or session of an enabled agent */
};

struct route {
    struct route_key key; /* must be first: the router reads it */
    const char *name;     /* for logs */
    handler_fn fn;
    enum route_auth auth;
    const char *perm;  /* required permission, or NULL for any agent */
    size_t body_limit; /* bytes; 0 = no body accepted */
    /* Another product's API (server/dialect.h), or NULL for Libredesk's. */
    const struct dialect *dialect;
    /*
     * 1: a list or search that may read on the standby
     * (DESKD_DATABASE_READ_URL) when it is close enough behind and has
     * the caller's last write.  Authentication stays on the primary.
     */
    int replica;
};

extern const struct route app_routes[];
extern const size_t app_nroutes;

#endif
