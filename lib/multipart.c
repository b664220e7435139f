/*
 * multipart.c - see multipart.h.  The body is walked once: each part's
 * headers end at the first blank line, its data at the next CRLF followed
 * by the delimiter.
 */
#include "multipart.h"

#include <string.h>
#include <strings.h>

#include "arena.h"

/* The value of parameter name in a header value ("a; name=v; ..."), quoted or not (arena). */
static const char *param_of(struct arena *a, const char *v, size_t vlen, const char *name)
{
    size_t nlen = strlen(name);
    const char *end = v + vlen, *p = v;

    while (p < end) {
        const char *semi = memchr(p, ';', (size_t)(end - p));
        if (semi == NULL)
            return NULL;
        p = semi + 1;
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        if ((size_t)(end - p) > nlen && strncasecmp(p, name, nlen) == 0 && p[nlen] == '=') {
            p += nlen + 1;
            if (p < end && *p == '"') {
                char *out = arena_alloc(a, (size_t)(end - p));
                size_t o = 0;
                if (out == NULL)
                    return NULL;
                for (p++; p < end && *p != '"'; p++) {
                    if (*p == '\\' && p + 1 < end)
                        p++;
                    out[o++] = *p;
                }
                if (p >= end)
                    return NULL; /* unterminated quote */
                out[o] = '\0';
                return out;
            }
            const char *s = p;
            while (p < end && *p != ';' && *p != ' ' && *p != '\t')
                p++;
            return arena_strndup(a, s, (size_t)(p - s));
        }
    }
    return NULL;
}

/* Reads the headers of one part (hdr .. hdr+hlen, CRLF-separated) into part. */
static int part_headers(struct arena *a, const char *hdr, size_t hlen, struct mp_part *part,
                        const char **err)
{
    const char *p = hdr, *end = hdr + hlen;
    int disposition = 0;

    while (p < end) {
        const char *eol = memmem(p, (size_t)(end - p), "\r\n", 2);
        const char *le = eol ? eol : end;
        const char *colon = memchr(p, ':', (size_t)(le - p));
        if (colon == NULL) {
            *err = "a multipart header line has no colon";
            return -1;
        }
        for (const char *c = p; c < le; c++)
            if ((unsigned char)*c < 0x20 && *c != '\t') {
                *err = "control characters in a multipart header";
                return -1;
            }
        const char *v = colon + 1;
        while (v < le && (*v == ' ' || *v == '\t'))
            v++;
        size_t nlen = (size_t)(colon - p), vlen = (size_t)(le - v);
        if (nlen == 19 && strncasecmp(p, "Content-Disposition", 19) == 0) {
            if (vlen < 9 || strncasecmp(v, "form-data", 9) != 0 ||
                (vlen > 9 && v[9] != ';' && v[9] != ' ')) {
                *err = "a part's Content-Disposition is not form-data";
                return -1;
            }
            disposition = 1;
            part->name = param_of(a, v, vlen, "name");
            part->filename = param_of(a, v, vlen, "filename");
        } else if (nlen == 12 && strncasecmp(p, "Content-Type", 12) == 0) {
            part->content_type = arena_strndup(a, v, vlen);
        }
        p = eol ? eol + 2 : end;
    }
    if (!disposition || part->name == NULL || *part->name == '\0') {
        *err = "a part has no form-data name";
        return -1;
    }
    return 0;
}

int multipart_parse(struct arena *a, const char *ctype, const char *body, size_t len,
                    struct mp_part *parts, int max, int *n, const char **err)
{
    *n = 0;
    if (ctype == NULL || strncasecmp(ctype, "multipart/form-data", 19) != 0) {
        *err = "not multipart/form-data";
        return -1;
    }
    const char *b = param_of(a, ctype, strlen(ctype), "boundary");
    size_t blen = b ? strlen(b) : 0;
    if (blen < 1 || blen > 70) {
        *err = "missing or bad multipart boundary";
        return -1;
    }
    /* "\r\n--" boundary: the delimiter before every part but the first. */
    char *delim = arena_alloc(a, blen + 5);
    if (delim == NULL) {
        *err = "out of memory";
        return -1;
    }
    memcpy(delim, "\r\n--", 4);
    memcpy(delim + 4, b, blen + 1);
    size_t dlen = blen + 4;

    if (len < dlen - 2 || memcmp(body, delim + 2, dlen - 2) != 0) {
        *err = "the body does not start with the multipart boundary";
        return -1;
    }
    const char *p = body + dlen - 2, *end = body + len;
    for (;;) {
        /* After a delimiter: "--" closes, CRLF opens a part. */
        if (end - p >= 2 && p[0] == '-' && p[1] == '-') {
            p += 2;
            if (p == end || (end - p == 2 && p[0] == '\r' && p[1] == '\n'))
                return 0;
            *err = "data after the closing multipart boundary";
            return -1;
        }
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n') {
            *err = "a multipart boundary is not followed by a line break";
            return -1;
        }
        p += 2;
        if (*n == max) {
            *err = "too many multipart parts";
            return -1;
        }
        if (end - p >= 2 && p[0] == '\r' && p[1] == '\n') {
            *err = "a part has no form-data name";
            return -1;
        }
        size_t room =
            (size_t)(end - p) < MP_MAX_HEADERS + 4 ? (size_t)(end - p) : MP_MAX_HEADERS + 4;
        const char *hend = memmem(p, room, "\r\n\r\n", 4);
        if (hend == NULL) {
            *err = room > MP_MAX_HEADERS ? "multipart part headers too long"
                                         : "truncated multipart body";
            return -1;
        }
        struct mp_part *part = &parts[*n];
        memset(part, 0, sizeof(*part));
        if (part_headers(a, p, (size_t)(hend - p), part, err) != 0)
            return -1;
        const char *data = hend + 4;
        const char *next = memmem(data, (size_t)(end - data), delim, dlen);
        if (next == NULL) {
            *err = "truncated multipart body";
            return -1;
        }
        part->data = data;
        part->len = (size_t)(next - data);
        (*n)++;
        p = next + dlen;
    }
}
