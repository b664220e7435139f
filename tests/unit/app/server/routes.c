/* app/server/routes.c - the real route table compiles, is unambiguous and reaches every route. */
#include "lib/arena.h"
#include "lib/router.h"
#include "server/routes.h"
#include "tests/suite_of.h"
#include "tests/unit/suites.h"

static struct arena *ar;

static void setup(void)
{
    ar = arena_new(1 << 20);
}

static void teardown(void)
{
    arena_free(ar);
}

START_TEST(test_real_table)
{
    char err[256] = "";
    struct router *r = router_new(app_routes, app_nroutes, sizeof(app_routes[0]), err, sizeof(err));
    ck_assert_msg(r != NULL, "route table does not compile: %s", err);
    ck_assert_msg(router_check(r, err, sizeof(err)) == 0, "%s", err);
    /* Every route matches its own pattern (captures filled with a value). */
    for (size_t i = 0; i < app_nroutes; i++) {
        char path[256];
        size_t o = 0;
        struct router_match m;
        for (const char *p = app_routes[i].key.pattern; *p && o < sizeof(path) - 2;) {
            if (*p == '{') {
                path[o++] = '7';
                while (*p && *p != '}')
                    p++;
                if (*p)
                    p++;
            } else {
                path[o++] = *p++;
            }
        }
        path[o] = '\0';
        ck_assert_int_eq(router_match(r, ar, app_routes[i].key.method, path, &m), ROUTER_MATCH);
        ck_assert_msg(m.index == i, "%s matched route %zu, not %zu", path, m.index, i);
        ck_assert_ptr_nonnull(app_routes[i].fn);
        ck_assert_ptr_nonnull(app_routes[i].name);
        /* Only Libredesk GET lists and searches may read on the standby. */
        if (app_routes[i].replica)
            ck_assert_msg(app_routes[i].key.method == HTTP_GET && app_routes[i].dialect == NULL &&
                              app_routes[i].body_limit == 0,
                          "%s: a replica route must be a Libredesk GET", app_routes[i].name);
    }
    router_free(r);
}
END_TEST

Suite *routes_suite(void)
{
    return SUITE_OF("routes", 10, setup, teardown, test_real_table);
}
