/*
 * arena.c - per-request bump allocator with LIFO disposers.
 *
 * Memory comes in chunks: the first chunk is kept across resets so a
 * steady-state request does no malloc at all; larger requests chain more
 * chunks, which are released by arena_reset().
 */
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/*
 * The first chunk is kept across resets; it is large enough for a typical
 * list response, so a steady request does no malloc (big mallocs are mmap'd
 * by glibc and would cost page faults on every request).
 */
#define FIRST_CHUNK (1024 * 1024)
#define MIN_CHUNK (256 * 1024)
#define ALIGN (_Alignof(max_align_t))

struct chunk {
    struct chunk *next;
    size_t size; /* usable bytes in data[] */
    size_t used;
    _Alignas(max_align_t) unsigned char data[];
};

struct disposer {
    struct disposer *next;
    void (*fn)(void *);
    void *p;
};

struct arena {
    struct chunk *head; /* current chunk; the first chunk is last in the list */
    struct chunk *first;
    struct disposer *disposers;
    size_t cap;
    size_t total; /* bytes of chunk data allocated, counted against cap */
    size_t handed;
    int exhausted; /* an allocation was refused since the last reset */
};

static struct chunk *chunk_new(size_t size)
{
    struct chunk *c = xmalloc(sizeof(*c) + size);
    c->next = NULL;
    c->size = size;
    c->used = 0;
    return c;
}

struct arena *arena_new(size_t cap)
{
    struct arena *a = xcalloc(1, sizeof(*a));
    size_t first = cap < FIRST_CHUNK ? cap : FIRST_CHUNK;
    a->cap = cap;
    a->first = a->head = chunk_new(first);
    a->total = first;
    return a;
}

static void run_disposers(struct arena *a)
{
    /* Disposers live in arena memory; take each before running it. */
    while (a->disposers != NULL) {
        struct disposer *d = a->disposers;
        a->disposers = d->next;
        d->fn(d->p);
    }
}

void arena_reset(struct arena *a)
{
    run_disposers(a);
    while (a->head != a->first) {
        struct chunk *c = a->head;
        a->head = c->next;
        free(c);
    }
    a->first->used = 0;
    a->first->next = NULL;
    a->total = a->first->size;
    a->handed = 0;
    a->exhausted = 0;
}

int arena_exhausted(const struct arena *a)
{
    return a->exhausted;
}

void arena_free(struct arena *a)
{
    if (a == NULL)
        return;
    arena_reset(a);
    free(a->first);
    free(a);
}

void *arena_alloc(struct arena *a, size_t n)
{
    size_t need = (n + ALIGN - 1) & ~(ALIGN - 1);
    struct chunk *c = a->head;

    if (n == 0)
        need = ALIGN;
    if (need < n) {
        a->exhausted = 1; /* overflow */
        return NULL;
    }
    if (c->size - c->used < need) {
        size_t size = need > MIN_CHUNK ? need : MIN_CHUNK;
        if (a->total + size > a->cap || a->total + size < a->total) {
            a->exhausted = 1;
            return NULL;
        }
        c = chunk_new(size);
        c->next = a->head;
        a->head = c;
        a->total += size;
    }
    void *p = c->data + c->used;
    c->used += need;
    a->handed += need;
    return p;
}

void *arena_zalloc(struct arena *a, size_t n)
{
    void *p = arena_alloc(a, n);
    if (p != NULL)
        memset(p, 0, n);
    return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    if (n == SIZE_MAX) {
        a->exhausted = 1;
        return NULL;
    }
    char *p = arena_alloc(a, n + 1);
    if (p == NULL)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
    if (s == NULL)
        return NULL;
    return arena_strndup(a, s, strlen(s));
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *p = n < 0 ? NULL : arena_alloc(a, (size_t)n + 1);
    if (p != NULL)
        vsnprintf(p, (size_t)n + 1, fmt, again);
    va_end(again);
    return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

int arena_defer(struct arena *a, void (*fn)(void *), void *p)
{
    struct disposer *d = arena_alloc(a, sizeof(*d));
    if (d == NULL) {
        fn(p);
        return -1;
    }
    d->fn = fn;
    d->p = p;
    d->next = a->disposers;
    a->disposers = d;
    return 0;
}

size_t arena_used(const struct arena *a)
{
    return a->handed;
}
