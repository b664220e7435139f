/*
 * dialect.c - see dialect.h.
 */
#include "server/dialect.h"

#include "lib/http.h"

const char *dialect_key_of(const struct dialect *d, const struct req *r)
{
    switch (d->key) {
    case DIALECT_KEY_API_ACCESS_TOKEN:
        return r->api_access_token;
    case DIALECT_KEY_X_API_KEY:
        return r->x_api_key;
    }
    return NULL;
}
