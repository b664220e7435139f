/*
 * routes.h - the route table: method, pattern, handler, authentication,
 * permission and body limit for every endpoint.  Data only.
 */
#ifndef APP_ROUTES_H
#define APP_ROUTES_H

#include <stddef.h>

#include "lib/router.h"
#include "api/handlers.h"

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
};

extern const struct route app_routes[];
extern const size_t app_nroutes;

#endif
