/*
 * it_openapi.c - GET /api/v1/openapi.json through nginx: public, the
 * committed document byte for byte, cacheable (ETag, Cache-Control), 304 to
 * a matching If-None-Match; every other route still answers no-store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../suite_of.h"
#include "it.h"

#define PATH "/api/v1/openapi.json"

static char *committed(size_t *len)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/app/api/openapi/deskd-openapi.json", it_root());
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    ck_assert_int_gt(n, 0);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    buf[n] = '\0';
    *len = (size_t)n;
    return buf;
}

START_TEST(test_document)
{
    size_t len;
    char *want = committed(&len);
    char h[256], etag[64];

    /* No credentials needed; with them, the same bytes. */
    for (int i = 0; i < 2; i++) {
        struct http_res r = http_get(PATH, i == 0 ? NULL : tok(it_agent_key));
        ck_assert_int_eq(r.status, 200);
        ck_assert_uint_eq(r.len, len);
        ck_assert_msg(memcmp(r.body, want, len) == 0,
                      "the served document is not the committed one");
        ck_assert_str_eq(http_header(&r, "Content-Type", h, sizeof(h)),
                         "application/json; charset=utf-8");
        ck_assert_str_eq(http_header(&r, "Cache-Control", h, sizeof(h)), "public, max-age=300");
        ck_assert_ptr_nonnull(http_header(&r, "ETag", etag, sizeof(etag)));
        ck_assert_uint_eq(strlen(etag), 18);
        /* One Cache-Control header, not no-store beside it. */
        ck_assert_ptr_null(strstr(r.headers, "no-store"));
        http_res_free(&r);
    }

    char extra[128];
    snprintf(extra, sizeof(extra), "If-None-Match: %s", etag);
    struct http_res r = http_do("GET", PATH, NULL, NULL, 0, extra);
    ck_assert_int_eq(r.status, 304);
    ck_assert_uint_eq(r.len, 0);
    ck_assert_str_eq(http_header(&r, "ETag", h, sizeof(h)), etag);
    http_res_free(&r);

    r = http_do("GET", PATH, NULL, NULL, 0, "If-None-Match: \"0000000000000000\"");
    ck_assert_int_eq(r.status, 200);
    ck_assert_uint_eq(r.len, len);
    http_res_free(&r);

    /* The document is read-only: other methods are 405 with Allow. */
    r = http_do("POST", PATH, NULL, "{}", 2, NULL);
    ck_assert_int_eq(r.status, 405);
    ck_assert_str_eq(http_header(&r, "Allow", h, sizeof(h)), "GET");
    http_res_free(&r);

    /* Other routes keep Cache-Control: no-store. */
    r = http_get("/api/v1/statuses", tok(it_agent_key));
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(http_header(&r, "Cache-Control", h, sizeof(h)), "no-store");
    http_res_free(&r);
    free(want);
}
END_TEST

Suite *it_openapi_suite(void)
{
    return SUITE_OF("openapi", 30, NULL, NULL, test_document);
}
