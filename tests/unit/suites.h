/* suites.h - one Suite constructor per unit-tested module. */
#ifndef TESTS_UNIT_SUITES_H
#define TESTS_UNIT_SUITES_H

#include <check.h>

Suite *arena_suite(void);
Suite *validate_suite(void);
Suite *router_suite(void);
Suite *http_suite(void);
Suite *auth_suite(void);
Suite *config_suite(void);
Suite *convquery_suite(void);
Suite *multipart_suite(void);

#endif
