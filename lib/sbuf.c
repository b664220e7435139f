/*
 * sbuf.c - arena-backed string builder.
 */
#include "sbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"

void sbuf_init(struct sbuf *s, struct arena *a)
{
    s->a = a;
    s->buf = NULL;
    s->len = s->cap = 0;
    s->failed = 0;
}

static int grow(struct sbuf *s, size_t extra)
{
    if (s->failed)
        return -1;
    if (s->len + extra + 1 <= s->cap)
        return 0;
    size_t cap = s->cap ? s->cap * 2 : 256;
    while (cap < s->len + extra + 1)
        cap *= 2;
    char *nb = arena_alloc(s->a, cap);
    if (nb == NULL) {
        s->failed = 1;
        return -1;
    }
    if (s->len)
        memcpy(nb, s->buf, s->len);
    s->buf = nb;
    s->cap = cap;
    return 0;
}

void sbuf_reserve(struct sbuf *s, size_t n)
{
    (void)grow(s, n);
}

void sbuf_addn(struct sbuf *s, const char *str, size_t n)
{
    if (grow(s, n) != 0)
        return;
    memcpy(s->buf + s->len, str, n);
    s->len += n;
    s->buf[s->len] = '\0';
}

void sbuf_add(struct sbuf *s, const char *str)
{
    sbuf_addn(s, str, strlen(str));
}

void sbuf_addf(struct sbuf *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || grow(s, (size_t)n) != 0)
        return;
    va_start(ap, fmt);
    vsnprintf(s->buf + s->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    s->len += (size_t)n;
}

const char *sbuf_str(const struct sbuf *s)
{
    if (s->failed)
        return NULL;
    return s->buf ? s->buf : "";
}
