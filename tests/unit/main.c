/* main.c - runs every unit suite (CK_RUN_SUITE=<module> picks one); exit status is the verdict. */
#include <stdlib.h>

#include "tests/unit/suites.h"

int main(void)
{
    SRunner *sr = srunner_create(arena_suite());
    srunner_add_suite(sr, validate_suite());
    srunner_add_suite(sr, text_suite());
    srunner_add_suite(sr, mime_suite());
    srunner_add_suite(sr, auth_suite());
    srunner_add_suite(sr, crypto_suite());
    srunner_add_suite(sr, env_suite());
    srunner_add_suite(sr, envfile_suite());
    srunner_add_suite(sr, httpq_suite());
    srunner_add_suite(sr, http_suite());
    srunner_add_suite(sr, jsonw_suite());
    srunner_add_suite(sr, multipart_suite());
    srunner_add_suite(sr, router_suite());
    srunner_add_suite(sr, ratelimit_suite());
    srunner_add_suite(sr, routes_suite());
    srunner_add_suite(sr, openapi_suite());
    srunner_add_suite(sr, metrics_api_suite());
    srunner_add_suite(sr, config_suite());
    srunner_add_suite(sr, body_suite());
    srunner_add_suite(sr, lists_suite());
    srunner_add_suite(sr, password_suite());
    srunner_add_suite(sr, access_suite());
    srunner_add_suite(sr, apikey_suite());
    srunner_add_suite(sr, csat_suite());
    srunner_add_suite(sr, permissions_suite());
    srunner_add_suite(sr, secret_suite());
    srunner_add_suite(sr, business_hours_suite());
    srunner_add_suite(sr, automation_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
