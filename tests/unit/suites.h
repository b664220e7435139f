/* suites.h - one Suite constructor per unit-tested module, named after the module. */
#ifndef TESTS_UNIT_SUITES_H
#define TESTS_UNIT_SUITES_H

#include <check.h>

/* tests/unit/lib/ */
Suite *arena_suite(void);
Suite *validate_suite(void);
Suite *text_suite(void);
Suite *auth_suite(void);
Suite *crypto_suite(void);
Suite *env_suite(void);
Suite *envfile_suite(void);
Suite *http_suite(void);
Suite *jsonw_suite(void);
Suite *multipart_suite(void);
Suite *router_suite(void);
Suite *ratelimit_suite(void);
Suite *httpq_suite(void);
Suite *mime_suite(void);

/* tests/unit/app/ */
Suite *routes_suite(void);
Suite *openapi_suite(void);
Suite *metrics_api_suite(void);
Suite *config_suite(void);
Suite *body_suite(void);
Suite *lists_suite(void);
Suite *password_suite(void);
Suite *access_suite(void);
Suite *apikey_suite(void);
Suite *csat_suite(void);
Suite *permissions_suite(void);
Suite *secret_suite(void);
Suite *business_hours_suite(void);
Suite *automation_suite(void);

#endif
