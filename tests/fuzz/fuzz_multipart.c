/*
 * fuzz_multipart.c - lib/multipart.c.  Input: the Content-Type, '\n', the
 * body.  Each input is parsed with the worker's arena and again with an
 * arena a few hundred bytes small, so refused allocations are met at every
 * point of the parse.
 */
#include "lib/multipart.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(struct arena *a, const char *ctype, const char *body, size_t len)
{
    struct mp_part parts[MP_MAX_PARTS];
    const char *err = NULL;
    int n = -1;

    if (multipart_parse(a, ctype, body, len, parts, MP_MAX_PARTS, &n, &err) != 0) {
        FUZZ_ASSERT(err != NULL && *err != '\0');
        return;
    }
    FUZZ_ASSERT(n >= 0 && n <= MP_MAX_PARTS);
    for (int i = 0; i < n; i++) {
        FUZZ_ASSERT(parts[i].name != NULL && *parts[i].name != '\0');
        FUZZ_ASSERT(parts[i].data >= body && parts[i].data + parts[i].len <= body + len);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = fuzz_arena();
    const char *ctype, *body;
    size_t len;

    if (fuzz_split(a, data, size, &ctype, &body, &len) != 0)
        return 0;
    check(a, ctype, body, len);

    /* The same input under an arena that runs out: 64..575 bytes. */
    struct arena *tiny = arena_new(64 + size % 512);
    char *ct = arena_strdup(tiny, ctype);
    check(tiny, ct ? ct : ctype, body, len);
    arena_free(tiny);
    return 0;
}
