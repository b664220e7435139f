/*
 * sbuf.h - a growable string in arena memory, for assembling SQL text from
 * constant fragments.  An allocation failure is sticky: later appends are
 * ignored and sbuf_str() returns NULL.
 */
#ifndef LIB_SBUF_H
#define LIB_SBUF_H

#include <stddef.h>

struct arena;

struct sbuf {
    struct arena *a;
    char *buf; /* arena */
    size_t len, cap;
    int failed;
};

void sbuf_init(struct sbuf *s, struct arena *a);
/* Makes room for at least n more bytes (avoids regrowing a buffer known to get big). */
void sbuf_reserve(struct sbuf *s, size_t n);
void sbuf_add(struct sbuf *s, const char *str);
void sbuf_addn(struct sbuf *s, const char *str, size_t n);
void sbuf_addf(struct sbuf *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The NUL-terminated text (arena), or NULL if an allocation failed. */
const char *sbuf_str(const struct sbuf *s);

#endif
