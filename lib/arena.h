/*
 * arena.h - per-request bump allocator with LIFO disposers.
 *
 * One arena serves one request: everything request-scoped is allocated
 * here and released at once by arena_reset().  Foreign objects (json-c
 * roots, PGresults) are tied to the arena with arena_defer().  The arena
 * has a hard cap: an allocation beyond it fails (returns NULL) instead of
 * growing without bound, and the arena remembers that it did until the next
 * reset, so one check at the end of a request (arena_exhausted) catches a
 * refusal that a caller passed on as NULL.
 */
#ifndef LIB_ARENA_H
#define LIB_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

/* Creates an arena whose total size never exceeds cap bytes.  Aborts on OOM. */
struct arena *arena_new(size_t cap);

/* Runs the disposers and frees everything.  arena_free(NULL) is a no-op. */
void arena_free(struct arena *a);

/*
 * Returns n bytes aligned to max_align_t, or NULL when the cap would be
 * exceeded.  Memory is owned by the arena and valid until arena_reset().
 */
void *arena_alloc(struct arena *a, size_t n);

/* Like arena_alloc() but zeroed. */
void *arena_zalloc(struct arena *a, size_t n);

/* Copies n bytes of s and NUL-terminates; NULL when over the cap. */
char *arena_strndup(struct arena *a, const char *s, size_t n);

/* Copies a NUL-terminated string; NULL when over the cap or s is NULL. */
char *arena_strdup(struct arena *a, const char *s);

/* printf into arena memory; NULL when over the cap. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/*
 * Registers fn(p) to run at the next arena_reset()/arena_free(), in LIFO
 * order.  Returns 0, or -1 when over the cap (fn is then run at once so
 * the object never leaks).
 */
int arena_defer(struct arena *a, void (*fn)(void *), void *p);

/* Runs disposers, frees extra chunks and keeps the first one for reuse. */
void arena_reset(struct arena *a);

/* 1 if an allocation was refused (over the cap) since the last reset. */
int arena_exhausted(const struct arena *a);

/* Bytes handed out since the last reset (for tests and logs). */
size_t arena_used(const struct arena *a);

#define ARENA_NEW(a, type, cnt) ((type *)arena_zalloc((a), sizeof(type) * (cnt)))

#endif
