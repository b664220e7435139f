/* suite_of.h - builds a check Suite with one TCase from a list of tests. */
#ifndef TESTS_SUITE_OF_H
#define TESTS_SUITE_OF_H

#include <stddef.h>

#include <check.h>

/*
 * One suite `name` with one TCase holding tests[0..n), a timeout in seconds
 * and an optional checked fixture (setup/teardown may be NULL).
 */
static inline Suite *suite_of(const char *name, int timeout, void (*setup)(void),
                              void (*teardown)(void), const TTest *const *tests, size_t n)
{
    Suite *s = suite_create(name);
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, timeout);
    if (setup != NULL || teardown != NULL)
        tcase_add_checked_fixture(tc, setup, teardown);
    for (size_t i = 0; i < n; i++)
        tcase_add_test(tc, tests[i]);
    suite_add_tcase(s, tc);
    return s;
}

#define SUITE_OF(name, timeout, setup, teardown, ...)                                              \
    suite_of((name), (timeout), (setup), (teardown), (const TTest *const[]){__VA_ARGS__},          \
             sizeof((const TTest *const[]){__VA_ARGS__}) / sizeof(const TTest *))

#endif
