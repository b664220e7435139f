/*
 * http.h - the request and response as the application sees them, query
 * string and cookie parsing, and the one place that writes the Libredesk
 * envelope.
 *
 * Everything in struct req lives in the request arena; nothing points into
 * libfcgi's memory.  Handlers fill struct resp and return an app_err.
 */
#ifndef LIB_HTTP_H
#define LIB_HTTP_H

#include <stddef.h>

#include "err.h"
#include "router.h"

struct arena;
struct json_object;

struct kv {
    const char *key;   /* arena */
    const char *value; /* arena */
};

#define HTTP_MAX_QUERY_PAIRS 128
#define HTTP_MAX_HEADERS 8

struct req {
    struct arena *arena;
    enum http_method method;
    const char *path;  /* raw path without the query, arena */
    const char *query; /* raw query string ("" if none), arena */
    struct kv *params; /* decoded query pairs, in order; arena */
    size_t nparams;
    struct router_match match;
    const char *authorization; /* NULL if absent; never log it */
    const char *cookie;        /* NULL if absent; never log it */
    const char *csrf_header;   /* X-CSRFTOKEN */
    const char *content_type;
    const char *remote_addr;
    const char *user_agent;
    const char *request_id;
    const char *idempotency_key;  /* Idempotency-Key, NULL if absent */
    const char *api_access_token; /* api_access_token (Chatwoot's key header), NULL if absent */
    const char *x_api_key;        /* X-API-Key (Vambe's and Wassist's), NULL if absent */
    const char *if_none_match;    /* If-None-Match, NULL if absent */
    const char *host;             /* Host header as the client sent it, NULL if absent */
    const char *scheme;           /* REQUEST_SCHEME ("http"/"https"), NULL if absent */
    long long content_length;     /* -1 if absent */
    const char *body;             /* arena, NUL-terminated; NULL if none */
    size_t body_len;
    void *ctx; /* the application's per-request context (borrowed) */
};

struct resp {
    int status;            /* success status, default 200 */
    const char *data_json; /* trusted JSON text for "data" (arena), or NULL */
    size_t data_len;
    struct json_object *data; /* json-c payload (its root is owned by the arena) */
    const char *message;      /* error message override (arena or static) */
    const char *raw_body;     /* a complete body, e.g. for /health (static) */
    size_t raw_len;
    const char *content_type; /* default application/json */
    struct kv headers[HTTP_MAX_HEADERS];
    size_t nheaders;
};

/*
 * Decodes an application/x-www-form-urlencoded query string into arena
 * pairs.  Returns 0, or -1 on a malformed escape, a NUL byte, invalid
 * UTF-8 or more than HTTP_MAX_QUERY_PAIRS pairs.
 */
int http_parse_query(struct arena *a, const char *qs, struct kv **out, size_t *n);

/* First value of a query parameter, or NULL. */
const char *http_param(const struct req *r, const char *name);

/*
 * Value of a cookie from a Cookie header, copied into the arena; NULL if
 * absent.  Quoted values are unquoted.
 */
const char *http_cookie(struct arena *a, const char *cookie_header, const char *name);

/* Adds a response header; name and value must outlive the response. Returns -1 if full. */
int http_add_header(struct resp *w, const char *name, const char *value);

/* Reason phrase for a status code ("OK", "Not Found", ...). */
const char *http_reason(int status);

/*
 * Builds the success body {"status":"success","data":...} from w in arena
 * memory.  Returns 0, or -1 if the arena cap is exceeded.
 */
int http_success_body(struct arena *a, const struct resp *w, const char **body, size_t *len);

/*
 * The one error funnel: builds
 * {"status":"error","message":...,"error_type":...,"data":null} for err
 * with message (or the default message when NULL); control characters in
 * the message are replaced.  Always succeeds (falls back to a static body).
 */
void http_error_body(struct arena *a, enum app_err err, const char *message, const char **body,
                     size_t *len);

#endif
