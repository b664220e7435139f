/*
 * app/api/metrics.c - GET /metrics answers the exposition when DESKD_METRICS
 * is on (the default) and 404 naming the setting when it is off.
 */
#include <string.h>

#include "api/metrics.h"
#include "lib/arena.h"
#include "lib/http.h"
#include "server/config.h"
#include "server/ctx.h"
#include "tests/suite_of.h"
#include "tests/unit/suites.h"

static struct arena *ar;

static void setup(void)
{
    ar = arena_new(1 << 16);
}

static void teardown(void)
{
    arena_free(ar);
}

static enum app_err get(int metrics, struct resp *w)
{
    static struct config cfg;
    static struct ctx c;
    struct req r;

    memset(&r, 0, sizeof(r));
    memset(w, 0, sizeof(*w));
    cfg.metrics = metrics;
    c.cfg = &cfg;
    r.arena = ar;
    r.ctx = &c;
    return h_metrics_get(&r, w);
}

START_TEST(test_on_and_off)
{
    struct resp w;

    ck_assert_int_eq(get(1, &w), APP_OK);
    ck_assert_str_eq(w.content_type, "text/plain; version=0.0.4; charset=utf-8");
    ck_assert_ptr_nonnull(w.raw_body);

    ck_assert_int_eq(get(0, &w), APP_ERR_NOT_FOUND);
    ck_assert_str_eq(w.message, "Metrics are off (DESKD_METRICS=off)");
    ck_assert_ptr_null(w.raw_body);
}
END_TEST

Suite *metrics_api_suite(void)
{
    return SUITE_OF("metrics_api", 10, setup, teardown, test_on_and_off);
}
