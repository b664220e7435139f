/*
 * router.h - strict path-pattern matching over a caller's route table.
 *
 * The caller's route struct must start with a struct route_key; the router
 * only reads that member and returns the index of the matched entry.
 * Patterns are '/'-separated literal segments and {name} captures.  A
 * literal segment beats a capture at the same position; two routes with
 * the same method and the same shape are ambiguous (router_check()).
 * Empty segments never match; a trailing slash matches only a pattern
 * that ends with one ("/a/b/" matches "/a/b/", never "/a/b", and the
 * other way round), for APIs whose paths end with '/'.
 */
#ifndef LIB_ROUTER_H
#define LIB_ROUTER_H

#include <stddef.h>

struct arena;

enum http_method {
    HTTP_GET = 0,
    HTTP_POST,
    HTTP_PUT,
    HTTP_DELETE,
    HTTP_PATCH,
    HTTP_HEAD,
    HTTP_OPTIONS,
    HTTP__MAX
};

/* Returns the method for an upper-case name, or -1. */
int http_method_parse(const char *s);
const char *http_method_name(enum http_method m);

struct route_key {
    enum http_method method;
    const char *pattern;
};

#define ROUTER_MAX_SEGMENTS 16
#define ROUTER_MAX_CAPTURES 8

struct router_capture {
    const char *name;  /* borrowed from the compiled pattern */
    const char *value; /* arena, percent-decoded */
};

struct router_match {
    size_t index; /* into the caller's table */
    size_t ncaptures;
    struct router_capture caps[ROUTER_MAX_CAPTURES];
    unsigned allow; /* bit per method that exists for the path (405) */
};

enum router_result {
    ROUTER_MATCH = 0,
    ROUTER_NOT_FOUND,
    ROUTER_METHOD_NOT_ALLOWED,
    ROUTER_BAD_PATH /* malformed escape, NUL or invalid UTF-8 in a segment */
};

struct router;

/*
 * Compiles table (n entries of stride bytes, each starting with a struct
 * route_key).  The table must outlive the router.  Returns NULL and writes
 * a message into err on an invalid pattern.  Caller frees with router_free().
 */
struct router *router_new(const void *table, size_t n, size_t stride, char *err, size_t errlen);
void router_free(struct router *r);

/*
 * Matches method and raw path (no query string).  HEAD falls back to GET.
 * Captures are decoded into arena memory.  On ROUTER_METHOD_NOT_ALLOWED,
 * out->allow holds the methods that would match.
 */
enum router_result router_match(const struct router *r, struct arena *a, enum http_method method,
                                const char *path, struct router_match *out);

/*
 * Checks the table for ambiguous pairs (same method, same shape).  Returns
 * the number of conflicts and describes the first in err.
 */
int router_check(const struct router *r, char *err, size_t errlen);

/* Writes "GET, POST" for the allow mask into buf; returns buf. */
char *router_allow_string(unsigned allow, char *buf, size_t len);

/* Finds a capture by name in a match; NULL if absent. */
const char *router_capture(const struct router_match *m, const char *name);

#endif
