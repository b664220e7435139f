/* lib/httpq.c - which receiver addresses are refused, and how a refused request ends. */
#include "lib/httpq.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "tests/suite_of.h"
#include "tests/unit/suites.h"

static int private4(const char *ip)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    ck_assert_int_eq(inet_pton(AF_INET, ip, &a.sin_addr), 1);
    return httpq_address_private(&a);
}

static int private6(const char *ip)
{
    struct sockaddr_in6 a;
    memset(&a, 0, sizeof(a));
    a.sin6_family = AF_INET6;
    ck_assert_int_eq(inet_pton(AF_INET6, ip, &a.sin6_addr), 1);
    return httpq_address_private(&a);
}

START_TEST(test_private_addresses)
{
    static const char *const refused4[] = {
        "127.0.0.1",       "127.255.255.254", "10.1.2.3",  "172.16.0.1", "172.31.255.255",
        "192.168.1.1",     "169.254.169.254", "0.0.0.0",   "100.64.0.1", "224.0.0.1",
        "255.255.255.255", "192.0.2.10",      "198.18.0.1"};
    static const char *const public4[] = {"8.8.8.8", "172.32.0.1",  "172.15.255.255",
                                          "1.1.1.1", "100.128.0.1", "192.169.0.1"};
    static const char *const refused6[] = {
        "::1",          "::",      "fe80::1",          "fc00::1",
        "fd12:3456::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
        "2001:db8::1"};
    static const char *const public6[] = {"2a00:1450:4001:82a::200e", "::ffff:8.8.8.8",
                                          "2606:4700::1111"};
    for (size_t i = 0; i < sizeof(refused4) / sizeof(refused4[0]); i++)
        ck_assert_msg(private4(refused4[i]), "%s", refused4[i]);
    for (size_t i = 0; i < sizeof(public4) / sizeof(public4[0]); i++)
        ck_assert_msg(!private4(public4[i]), "%s", public4[i]);
    for (size_t i = 0; i < sizeof(refused6) / sizeof(refused6[0]); i++)
        ck_assert_msg(private6(refused6[i]), "%s", refused6[i]);
    for (size_t i = 0; i < sizeof(public6) / sizeof(public6[0]); i++)
        ck_assert_msg(!private6(public6[i]), "%s", public6[i]);
}
END_TEST

/* Runs q until a result arrives (at most ~5 s). */
static int next_result(struct httpq *q, struct httpq_result *r)
{
    int ready = 0;
    for (int i = 0; i < 50; i++) {
        if (httpq_next(q, r))
            return 1;
        ck_assert_int_eq(httpq_wait(q, NULL, 0, &ready, 100), 0);
    }
    return httpq_next(q, r);
}

START_TEST(test_refused_before_connecting)
{
    struct httpq *q = httpq_new(0, "test");
    struct httpq_result r;
    const char *h[] = {"Content-Type: application/json"};

    ck_assert_ptr_nonnull(q);
    /* localhost resolves to loopback: refused after resolution, never connected. */
    ck_assert_int_eq(httpq_post(q, 7, "http://localhost:9/hook", h, 1, "{}", 2, 2000), 0);
    ck_assert_int_eq(httpq_in_flight(q), 1);
    ck_assert(next_result(q, &r));
    ck_assert_int_eq(r.id, 7);
    ck_assert_int_eq(r.fail, HTTPQ_REFUSED);
    ck_assert_int_eq(r.status, 0);
    ck_assert_msg(strstr(r.error, "not a public address") != NULL, "%s", r.error);
    ck_assert_int_eq(httpq_in_flight(q), 0);

    /* Only http and https. */
    ck_assert_int_eq(httpq_post(q, 8, "file:///etc/passwd", h, 1, "{}", 2, 2000), 0);
    ck_assert(next_result(q, &r));
    ck_assert_int_eq(r.id, 8);
    ck_assert_int_eq(r.fail, HTTPQ_BAD_URL);
    httpq_free(q);
}
END_TEST

Suite *httpq_suite(void)
{
    return SUITE_OF("httpq", 10, NULL, NULL, test_private_addresses,
                    test_refused_before_connecting);
}
