/*
 * fuzz.h - what the libFuzzer harnesses share: one request arena, reset per
 * input as the worker does, and the split of an input into its first line
 * and the rest.
 */
#ifndef TESTS_FUZZ_FUZZ_H
#define TESTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/arena.h"

/* The worker's cap (app/server/worker.c). */
#define FUZZ_ARENA_CAP (64 * 1024 * 1024)

/* An invariant the code under test promises; a failure is a finding. */
#define FUZZ_ASSERT(cond)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);           \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* The request arena, created once and reset for every input. */
static inline struct arena *fuzz_arena(void)
{
    static struct arena *a;
    if (a == NULL)
        a = arena_new(FUZZ_ARENA_CAP);
    arena_reset(a);
    return a;
}

/*
 * Splits data at the first '\n': *line (arena, NUL-terminated, cut at a NUL
 * as a C string would be) and the bytes after it (*rest, *restlen; borrowed,
 * not terminated).  Without a '\n' all of data is the line and rest empty.
 */
static inline int fuzz_split(struct arena *a, const uint8_t *data, size_t n, const char **line,
                             const char **rest, size_t *restlen)
{
    const uint8_t *nl = memchr(data, '\n', n);
    size_t llen = nl ? (size_t)(nl - data) : n;
    *line = arena_strndup(a, (const char *)data, llen);
    *rest = nl ? (const char *)nl + 1 : (const char *)data + n;
    *restlen = nl ? n - llen - 1 : 0;
    return *line == NULL ? -1 : 0;
}

#endif
