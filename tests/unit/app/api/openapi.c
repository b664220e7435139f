/*
 * app/api/openapi.c - the binary carries the committed document byte for byte,
 * and GET /api/v1/openapi.json answers it with an ETag, or 304 to a matching
 * If-None-Match.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "api/openapi.h"
#include "lib/http.h"
#include "tests/suite_of.h"
#include "tests/unit/suites.h"

#define DOC "app/api/openapi/deskd-openapi.json"

static const char *header(const struct resp *w, const char *name)
{
    for (size_t i = 0; i < w->nheaders; i++)
        if (strcmp(w->headers[i].key, name) == 0)
            return w->headers[i].value;
    return NULL;
}

START_TEST(test_embedded_is_committed)
{
    /* The unit binary runs from the tree's root (make, scripts/test). */
    FILE *f = fopen(DOC, "rb");
    ck_assert_msg(f != NULL, "cannot open %s from the tree's root", DOC);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    ck_assert_int_gt(n, 0);
    rewind(f);
    char *want = malloc((size_t)n);
    ck_assert_ptr_nonnull(want);
    ck_assert_uint_eq(fread(want, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    size_t len;
    const char *doc = openapi_document(&len);
    ck_assert_uint_eq(len, (size_t)n);
    ck_assert_msg(memcmp(doc, want, len) == 0, "bin/ carries another " DOC ": rebuild");
    free(want);

    struct json_tokener *tok = json_tokener_new();
    struct json_object *root = json_tokener_parse_ex(tok, doc, (int)len);
    ck_assert_int_eq(json_tokener_get_error(tok), json_tokener_success);
    struct json_object *v;
    ck_assert(json_object_object_get_ex(root, "openapi", &v));
    ck_assert_str_eq(json_object_get_string(v), "3.0.3");
    ck_assert(json_object_object_get_ex(root, "paths", &v));
    ck_assert(json_object_object_get_ex(v, "/api/v1/openapi.json", NULL));
    json_object_put(root);
    json_tokener_free(tok);
}
END_TEST

START_TEST(test_get_and_not_modified)
{
    struct req r;
    struct resp w;
    size_t len;
    const char *doc = openapi_document(&len);

    memset(&r, 0, sizeof(r));
    memset(&w, 0, sizeof(w));
    ck_assert_int_eq(h_openapi_get(&r, &w), APP_OK);
    ck_assert_int_eq(w.status, 0); /* 200 */
    ck_assert_ptr_eq(w.raw_body, doc);
    ck_assert_uint_eq(w.raw_len, len);
    ck_assert_str_eq(header(&w, "Cache-Control"), "public, max-age=300");
    const char *tag = header(&w, "ETag");
    ck_assert_ptr_nonnull(tag);
    ck_assert_uint_eq(strlen(tag), 18);
    ck_assert(tag[0] == '"' && tag[17] == '"');

    char list[64];
    const char *const matching[] = {tag, "*", list, list + 32};
    snprintf(list, 32, "\"0\", %s", tag);
    snprintf(list + 32, 32, "W/%s ", tag);
    for (size_t i = 0; i < sizeof(matching) / sizeof(matching[0]); i++) {
        memset(&w, 0, sizeof(w));
        r.if_none_match = matching[i];
        ck_assert_int_eq(h_openapi_get(&r, &w), APP_OK);
        ck_assert_msg(w.status == 304, "If-None-Match: %s", matching[i]);
        ck_assert_uint_eq(w.raw_len, 0);
        ck_assert_str_eq(header(&w, "ETag"), tag);
    }
    const char *const other[] = {"\"0000000000000000\"", "", ",", "\"", tag + 1};
    for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
        memset(&w, 0, sizeof(w));
        r.if_none_match = other[i];
        ck_assert_int_eq(h_openapi_get(&r, &w), APP_OK);
        ck_assert_msg(w.status == 0, "If-None-Match: %s", other[i]);
        ck_assert_uint_eq(w.raw_len, len);
    }
}
END_TEST

Suite *openapi_suite(void)
{
    return SUITE_OF("openapi", 10, NULL, NULL, test_embedded_is_committed,
                    test_get_and_not_modified);
}
