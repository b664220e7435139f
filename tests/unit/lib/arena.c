/* lib/arena.c - aligned allocation, reset, the hard cap and deferred cleanups. */
#include <stdint.h>
#include <string.h>

#include "lib/arena.h"
#include "tests/suite_of.h"
#include "tests/unit/suites.h"

static int order[4];
static int norder;

static void note(void *p)
{
    order[norder++] = *(int *)p;
}

START_TEST(test_alloc_aligned_and_reset)
{
    struct arena *a = arena_new(1 << 20);
    char *p = arena_alloc(a, 3);
    double *d = arena_alloc(a, sizeof(double));
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq((uintptr_t)d % _Alignof(max_align_t), 0);
    char *big = arena_alloc(a, 200 * 1024); /* beyond the first chunk */
    ck_assert_ptr_nonnull(big);
    memset(big, 1, 200 * 1024);
    ck_assert_uint_ge(arena_used(a), 200 * 1024);
    arena_reset(a);
    ck_assert_uint_eq(arena_used(a), 0);
    ck_assert_str_eq(arena_strdup(a, "hello"), "hello");
    ck_assert_str_eq(arena_printf(a, "%d-%s", 7, "x"), "7-x");
    arena_free(a);
}
END_TEST

START_TEST(test_cap_is_hard)
{
    struct arena *a = arena_new(128 * 1024);
    ck_assert_ptr_nonnull(arena_alloc(a, 60 * 1024));
    ck_assert_ptr_null(arena_alloc(a, 100 * 1024));
    ck_assert_ptr_null(arena_alloc(a, SIZE_MAX - 8));
    arena_free(a);
}
END_TEST

START_TEST(test_defer_lifo)
{
    struct arena *a = arena_new(1 << 20);
    static int one = 1, two = 2, three = 3;
    norder = 0;
    arena_defer(a, note, &one);
    arena_defer(a, note, &two);
    arena_defer(a, note, &three);
    arena_reset(a);
    ck_assert_int_eq(norder, 3);
    ck_assert_int_eq(order[0], 3);
    ck_assert_int_eq(order[2], 1);
    arena_reset(a);
    ck_assert_int_eq(norder, 3);
    arena_free(a);
}
END_TEST

Suite *arena_suite(void)
{
    return SUITE_OF("arena", 10, NULL, NULL, test_alloc_aligned_and_reset, test_cap_is_hard,
                    test_defer_lifo);
}
