/*
 * router.c - compile and match path patterns.
 *
 * Compiled routes are kept in priority order (literal before capture,
 * segment by segment), so the first route that matches a path is the most
 * specific one; matching is a linear scan with no backtracking inside a
 * route and no regular expressions.
 */
#include "router.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "validate.h"
#include "xalloc.h"

static const char *const method_names[HTTP__MAX] = {
    "GET",     /* HTTP_GET */
    "POST",    /* HTTP_POST */
    "PUT",     /* HTTP_PUT */
    "DELETE",  /* HTTP_DELETE */
    "PATCH",   /* HTTP_PATCH */
    "HEAD",    /* HTTP_HEAD */
    "OPTIONS", /* HTTP_OPTIONS */
};

struct segment {
    char *text; /* literal text, or the capture name */
    size_t len;
    int capture;
};

struct compiled {
    size_t index; /* position in the caller's table */
    enum http_method method;
    const char *pattern;
    size_t nseg;
    int slash; /* the pattern ends with '/': only paths ending with '/' match */
    struct segment seg[ROUTER_MAX_SEGMENTS];
};

struct router {
    struct compiled *routes; /* sorted by priority */
    size_t n;
};

int http_method_parse(const char *s)
{
    for (int i = 0; i < HTTP__MAX; i++)
        if (strcmp(s, method_names[i]) == 0)
            return i;
    return -1;
}

const char *http_method_name(enum http_method m)
{
    return (m >= 0 && m < HTTP__MAX) ? method_names[m] : "?";
}

static int valid_name(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (i > 0 && c >= '0' && c <= '9')))
            return 0;
    }
    return 1;
}

static int compile(struct compiled *c, const char *pattern, char *err, size_t errlen)
{
    const char *p = pattern;

    if (p == NULL || *p != '/') {
        snprintf(err, errlen, "pattern %s: must start with '/'", p ? p : "(null)");
        return -1;
    }
    c->nseg = 0;
    c->slash = 0;
    if (strcmp(p, "/") == 0)
        return 0;
    while (*p == '/') {
        const char *s = p + 1;
        const char *e = strchr(s, '/');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        struct segment *seg;

        if (len == 0 && *s == '\0' && c->nseg > 0) {
            c->slash = 1; /* a trailing slash, after at least one segment */
            break;
        }
        if (len == 0) {
            snprintf(err, errlen, "pattern %s: empty segment", pattern);
            return -1;
        }
        if (c->nseg == ROUTER_MAX_SEGMENTS) {
            snprintf(err, errlen, "pattern %s: too many segments", pattern);
            return -1;
        }
        seg = &c->seg[c->nseg++];
        if (s[0] == '{') {
            if (len < 3 || s[len - 1] != '}' || !valid_name(s + 1, len - 2)) {
                snprintf(err, errlen, "pattern %s: bad capture", pattern);
                return -1;
            }
            seg->capture = 1;
            seg->len = len - 2;
            seg->text = xmalloc(seg->len + 1);
            memcpy(seg->text, s + 1, seg->len);
            seg->text[seg->len] = '\0';
            for (size_t k = 0; k + 1 < c->nseg; k++)
                if (c->seg[k].capture && strcmp(c->seg[k].text, seg->text) == 0) {
                    snprintf(err, errlen, "pattern %s: duplicate capture", pattern);
                    return -1;
                }
        } else {
            if (memchr(s, '{', len) || memchr(s, '}', len) || memchr(s, '%', len)) {
                snprintf(err, errlen, "pattern %s: bad literal", pattern);
                return -1;
            }
            seg->capture = 0;
            seg->len = len;
            seg->text = xmalloc(len + 1);
            memcpy(seg->text, s, len);
            seg->text[len] = '\0';
        }
        p = s + len;
    }
    size_t ncap = 0;
    for (size_t k = 0; k < c->nseg; k++)
        ncap += (size_t)c->seg[k].capture;
    if (ncap > ROUTER_MAX_CAPTURES) {
        snprintf(err, errlen, "pattern %s: too many captures", pattern);
        return -1;
    }
    return 0;
}

/* Priority order: literal before capture at the first position they differ. */
static int cmp_compiled(const void *va, const void *vb)
{
    const struct compiled *a = va, *b = vb;
    size_t n = a->nseg < b->nseg ? a->nseg : b->nseg;

    for (size_t i = 0; i < n; i++) {
        if (a->seg[i].capture != b->seg[i].capture)
            return a->seg[i].capture ? 1 : -1;
        if (!a->seg[i].capture) {
            int c = strcmp(a->seg[i].text, b->seg[i].text);
            if (c != 0)
                return c;
        }
    }
    if (a->nseg != b->nseg)
        return a->nseg < b->nseg ? -1 : 1;
    if (a->slash != b->slash)
        return a->slash ? 1 : -1;
    return a->index < b->index ? -1 : (a->index > b->index);
}

void router_free(struct router *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->n; i++)
        for (size_t k = 0; k < r->routes[i].nseg; k++)
            free(r->routes[i].seg[k].text);
    free(r->routes);
    free(r);
}

struct router *router_new(const void *table, size_t n, size_t stride, char *err, size_t errlen)
{
    struct router *r = xcalloc(1, sizeof(*r));

    r->routes = xcalloc(n ? n : 1, sizeof(*r->routes));
    for (size_t i = 0; i < n; i++) {
        const struct route_key *k =
            (const struct route_key *)(const void *)((const char *)table + i * stride);
        struct compiled *c = &r->routes[i];
        c->index = i;
        c->method = k->method;
        c->pattern = k->pattern;
        r->n = i + 1;
        if (k->method < 0 || k->method >= HTTP__MAX) {
            snprintf(err, errlen, "route %zu: bad method", i);
            router_free(r);
            return NULL;
        }
        if (compile(c, k->pattern, err, errlen) != 0) {
            router_free(r);
            return NULL;
        }
    }
    qsort(r->routes, n, sizeof(*r->routes), cmp_compiled);
    return r;
}

static int same_shape(const struct compiled *a, const struct compiled *b)
{
    if (a->nseg != b->nseg || a->slash != b->slash)
        return 0;
    for (size_t i = 0; i < a->nseg; i++) {
        if (a->seg[i].capture != b->seg[i].capture)
            return 0;
        if (!a->seg[i].capture && strcmp(a->seg[i].text, b->seg[i].text) != 0)
            return 0;
    }
    return 1;
}

int router_check(const struct router *r, char *err, size_t errlen)
{
    int conflicts = 0;

    for (size_t i = 0; i < r->n; i++)
        for (size_t j = i + 1; j < r->n; j++)
            if (r->routes[i].method == r->routes[j].method &&
                same_shape(&r->routes[i], &r->routes[j])) {
                if (conflicts == 0)
                    snprintf(err, errlen, "%s %s is ambiguous with %s",
                             method_names[r->routes[i].method], r->routes[i].pattern,
                             r->routes[j].pattern);
                conflicts++;
            }
    return conflicts;
}

enum router_result router_match(const struct router *r, struct arena *a, enum http_method method,
                                const char *path, struct router_match *out)
{
    const char *segs[ROUTER_MAX_SEGMENTS];
    size_t lens[ROUTER_MAX_SEGMENTS];
    size_t nseg = 0;
    int slash = 0;
    const char *p = path;
    enum http_method alt = method == HTTP_HEAD ? HTTP_GET : method;

    memset(out, 0, sizeof(*out));
    if (p == NULL || *p != '/')
        return ROUTER_NOT_FOUND;
    if (strcmp(p, "/") != 0) {
        while (*p == '/') {
            const char *s = p + 1;
            const char *e = strchr(s, '/');
            size_t len = e ? (size_t)(e - s) : strlen(s);
            if (len == 0 && *s == '\0' && nseg > 0) {
                slash = 1; /* a trailing slash: only a pattern with one matches */
                break;
            }
            if (len == 0 || nseg == ROUTER_MAX_SEGMENTS)
                return ROUTER_NOT_FOUND; /* empty segment, trailing slash, too deep */
            char *dec = arena_alloc(a, len + 1);
            if (dec == NULL)
                return ROUTER_BAD_PATH;
            long dlen = url_decode(s, len, dec, 0);
            if (dlen < 0 || !v_utf8(dec, (size_t)dlen))
                return ROUTER_BAD_PATH;
            segs[nseg] = dec;
            lens[nseg] = (size_t)dlen;
            nseg++;
            p = s + len;
        }
    }

    const struct compiled *hit = NULL;
    for (size_t i = 0; i < r->n; i++) {
        const struct compiled *c = &r->routes[i];
        size_t k;
        if (c->nseg != nseg || c->slash != slash)
            continue;
        for (k = 0; k < nseg; k++) {
            if (c->seg[k].capture) {
                if (memchr(segs[k], '/', lens[k]) != NULL)
                    break;
            } else if (c->seg[k].len != lens[k] || memcmp(c->seg[k].text, segs[k], lens[k]) != 0) {
                break;
            }
        }
        if (k != nseg)
            continue;
        if (c->method == method || c->method == alt) {
            if (hit == NULL || (hit->method != method && c->method == method))
                hit = c;
            if (c->method == method)
                break;
        } else {
            out->allow |= 1u << c->method;
        }
    }
    if (hit == NULL)
        return out->allow ? ROUTER_METHOD_NOT_ALLOWED : ROUTER_NOT_FOUND;

    out->index = hit->index;
    out->ncaptures = 0;
    for (size_t k = 0; k < nseg; k++)
        if (hit->seg[k].capture) {
            out->caps[out->ncaptures].name = hit->seg[k].text;
            out->caps[out->ncaptures].value = segs[k];
            out->ncaptures++;
        }
    return ROUTER_MATCH;
}

char *router_allow_string(unsigned allow, char *buf, size_t len)
{
    size_t off = 0;

    if (len == 0)
        return buf;
    buf[0] = '\0';
    for (int m = 0; m < HTTP__MAX; m++) {
        if (!(allow & (1u << m)))
            continue;
        int n = snprintf(buf + off, len - off, "%s%s", off ? ", " : "", method_names[m]);
        if (n < 0 || (size_t)n >= len - off)
            break;
        off += (size_t)n;
    }
    return buf;
}

const char *router_capture(const struct router_match *m, const char *name)
{
    for (size_t i = 0; i < m->ncaptures; i++)
        if (strcmp(m->caps[i].name, name) == 0)
            return m->caps[i].value;
    return NULL;
}
