/*
 * it_media.c - uploads over HTTP: the stored row and file, the type sniffed
 * from the bytes, downloads sent by nginx after deskd authorized them, and
 * hostile bodies (traversal names, double extensions, truncated or
 * boundary-less bodies, oversized files).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../suite_of.h"
#include "it.h"

static const char *const CT = "Content-Type: multipart/form-data; boundary=ItB0und";

/* A multipart body with one file part (and an inline field when inl). */
static size_t body_with(char *out, size_t cap, const char *filename, const char *data, size_t len,
                        int inl)
{
    int n = snprintf(
        out, cap,
        "%s--ItB0und\r\nContent-Disposition: form-data; name=\"files\"; filename=\"%s\"\r\n"
        "Content-Type: application/x-evil\r\n\r\n",
        inl ? "--ItB0und\r\nContent-Disposition: form-data; name=\"inline\"\r\n\r\ntrue\r\n" : "",
        filename);
    ck_assert(n > 0 && (size_t)n + len + 16 < cap);
    memcpy(out + n, data, len);
    n += (int)len;
    n += snprintf(out + n, cap - (size_t)n, "\r\n--ItB0und--\r\n");
    return (size_t)n;
}

static struct http_res upload(const char *body, size_t len, const char *ctype)
{
    return http_do("POST", "/api/v1/media", tok(it_agent_key), body, len, ctype);
}

static const unsigned char PNG[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0,    0, 0, 13,
                                    'I',  'H', 'D', 'R', 0,    0,    0,    2,    0,    0, 0, 3,
                                    8,    2,   0,   0,   0,    0x12, 0x16, 0xf1, 0x4d, 0, 0, 0,
                                    0,    'I', 'E', 'N', 'D',  0xae, 0x42, 0x60, 0x82};

/* A JPEG header (JFIF, then a baseline frame of 640 x 480): enough for the type and size. */
static const unsigned char JPEG[] = {0xff, 0xd8, 0xff, 0xe0, 0,    0x10, 'J',  'F', 'I', 'F',  0,
                                     1,    1,    0,    0,    1,    0,    1,    0,   0,   0xff, 0xc0,
                                     0,    0x11, 8,    0x01, 0xe0, 0x02, 0x80, 3,   1,   0x22, 0,
                                     2,    0x11, 1,    3,    0x11, 1,    0xff, 0xd9};

START_TEST(test_upload_and_download)
{
    static char body[1 << 16];
    size_t len = body_with(body, sizeof(body), "../../etc/report.txt", "hello, deskd\n", 13, 0);
    struct http_res r = upload(body, len, CT);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    json_object *root = json_body(&r), *d = json_object_object_get(root, "data");
    char uuid[64], url[128];
    snprintf(uuid, sizeof(uuid), "%s", json_object_get_string(json_object_object_get(d, "uuid")));
    snprintf(url, sizeof(url), "%s", json_object_get_string(json_object_object_get(d, "url")));
    ck_assert_str_eq(json_object_get_string(json_object_object_get(d, "filename")), "report.txt");
    /* The client said application/x-evil; the bytes say text. */
    ck_assert_str_eq(json_object_get_string(json_object_object_get(d, "content_type")),
                     "text/plain");
    ck_assert_str_eq(json_object_get_string(json_object_object_get(d, "disposition")),
                     "attachment");
    ck_assert_int_eq(json_object_get_int(json_object_object_get(d, "size")), 13);
    ck_assert_str_eq(json_object_get_string(json_object_object_get(d, "store")), "fs");
    ck_assert_int_eq(json_object_object_length(json_object_object_get(d, "meta")), 0);
    json_object_put(root);
    http_res_free(&r);
    char want_url[128];
    snprintf(want_url, sizeof(want_url), "/uploads/%s", uuid);
    ck_assert_str_eq(url, want_url);

    /* The file sits under the upload directory with the uuid as its name. */
    char path[1024];
    snprintf(path, sizeof(path), "%s/uploads/%s", getenv("DESKD_VAR"), uuid);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq((int)st.st_size, 13);
    char *v = sql_valuef("SELECT filename || '/' || size FROM media WHERE uuid = '%s'", uuid);
    ck_assert_str_eq(v, "report.txt/13");
    free(v);

    /* Download: deskd authorizes, nginx sends the bytes with deskd's headers. */
    r = http_get(url, tok(it_agent_key));
    ck_assert_int_eq(r.status, 200);
    ck_assert_uint_eq(r.len, 13);
    ck_assert(memcmp(r.body, "hello, deskd\n", 13) == 0);
    char h[256];
    ck_assert_ptr_nonnull(http_header(&r, "Content-Type", h, sizeof(h)));
    ck_assert_ptr_nonnull(strstr(h, "text/plain"));
    ck_assert_str_eq(http_header(&r, "Content-Disposition", h, sizeof(h)),
                     "attachment; filename=\"report.txt\"; filename*=UTF-8''report.txt");
    ck_assert_ptr_null(http_header(&r, "X-Accel-Redirect", h, sizeof(h)));
    http_res_free(&r);
    r = http_get(url, NULL);
    ck_assert_int_eq(r.status, 401);
    http_res_free(&r);
    r = http_get("/uploads/00000000-0000-0000-0000-000000000000", tok(it_agent_key));
    assert_error(&r, 404, "Media not found", "NotFoundException");
    http_res_free(&r);
    char direct[160];
    snprintf(direct, sizeof(direct), "/_deskd_uploads/%s", uuid);
    r = http_get(direct, tok(it_agent_key)); /* internal only */
    ck_assert_int_eq(r.status, 404);
    http_res_free(&r);

    /* An image named as a PHP script is stored as what it is and shown inline. */
    len = body_with(body, sizeof(body), "pic.php.png", (const char *)PNG, sizeof(PNG), 1);
    r = upload(body, len, CT);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    root = json_body(&r);
    d = json_object_object_get(root, "data");
    ck_assert_str_eq(json_object_get_string(json_object_object_get(d, "content_type")),
                     "image/png");
    ck_assert_str_eq(json_object_get_string(json_object_object_get(d, "disposition")), "inline");
    ck_assert_str_eq(
        json_object_to_json_string_ext(json_object_object_get(d, "meta"), JSON_C_TO_STRING_PLAIN),
        "{\"width\":2,\"height\":3}");
    snprintf(url, sizeof(url), "%s", json_object_get_string(json_object_object_get(d, "url")));
    json_object_put(root);
    http_res_free(&r);
    len = body_with(body, sizeof(body), "photo.jpg", (const char *)JPEG, sizeof(JPEG), 0);
    r = upload(body, len, CT);
    ck_assert_int_eq(r.status, 200);
    root = json_body(&r);
    d = json_object_object_get(root, "data");
    ck_assert_str_eq(json_object_get_string(json_object_object_get(d, "content_type")),
                     "image/jpeg");
    ck_assert_str_eq(
        json_object_to_json_string_ext(json_object_object_get(d, "meta"), JSON_C_TO_STRING_PLAIN),
        "{\"width\":640,\"height\":480}");
    json_object_put(root);
    http_res_free(&r);
    r = http_get(url, tok(it_agent_key));
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(http_header(&r, "Content-Disposition", h, sizeof(h)),
                     "inline; filename=\"pic.php.png\"; filename*=UTF-8''pic.php.png");
    ck_assert_str_eq(http_header(&r, "X-Content-Type-Options", h, sizeof(h)), "nosniff");
    http_res_free(&r);
}
END_TEST

static void refused(const char *body, size_t len, const char *ctype, long status,
                    const char *message)
{
    struct http_res r = upload(body, len, ctype);
    assert_error(&r, status, message, status == 413 ? "GeneralException" : "InputException");
    http_res_free(&r);
}

START_TEST(test_hostile_uploads)
{
    static char body[1 << 16];
    char *before = sql_valuef("SELECT count(*) FROM media");
    size_t len;

    len = body_with(body, sizeof(body), "..", "x", 1, 0);
    refused(body, len, CT, 400, "Invalid file name");
    len = body_with(body, sizeof(body), "dir/", "x", 1, 0);
    refused(body, len, CT, 400, "Invalid file name");
    len = body_with(body, sizeof(body), "empty.txt", "", 0, 0);
    refused(body, len, CT, 400, "The file is empty");
    refused(body, len - 16, CT, 400, "Error parsing request: truncated multipart body");
    len = body_with(body, sizeof(body), "a.txt", "x", 1, 0);
    refused(body, len, "Content-Type: multipart/form-data", 400,
            "Error parsing request: missing or bad multipart boundary");
    refused(body, len, "Content-Type: application/json", 400,
            "Expected a multipart/form-data body with a `files` part");
    const char *nofile = "--ItB0und\r\nContent-Disposition: form-data; name=\"inline\"\r\n\r\ntrue"
                         "\r\n--ItB0und--\r\n";
    refused(nofile, strlen(nofile), CT, 400, "File not found");

    /* The size setting (in MB) and the extension allow-list. */
    sql_exec("UPDATE settings SET value = '0.00001' WHERE key = 'app.max_file_upload_size'");
    sql_exec("UPDATE settings SET value = '1' WHERE key = 'app.max_file_upload_size'");
    static char big[(1 << 20) + 4096];
    static char data[(1 << 20) + 1];
    memset(data, 'a', sizeof(data));
    len = body_with(big, sizeof(big), "big.txt", data, sizeof(data), 0);
    refused(big, len, CT, 413, "File size exceeds the limit of 1 MB");
    sql_exec("UPDATE settings SET value = '20' WHERE key = 'app.max_file_upload_size'");
    sql_exec("UPDATE settings SET value = '[\"pdf\", \".png\"]' WHERE key ="
             " 'app.allowed_file_upload_extensions'");
    len = body_with(body, sizeof(body), "notes.txt", "x", 1, 0);
    refused(body, len, CT, 400, "This file type is not allowed");
    len = body_with(body, sizeof(body), "shot.PNG", (const char *)PNG, sizeof(PNG), 0);
    struct http_res r = upload(body, len, CT);
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    sql_exec(
        "UPDATE settings SET value = '[\"*\"]' WHERE key = 'app.allowed_file_upload_extensions'");

    /* Over nginx's 32 MiB: refused before deskd sees it, in the same envelope. */
    size_t huge = (size_t)33 << 20;
    char *hbody = malloc(huge), *hdata = malloc(huge);
    ck_assert(hbody != NULL && hdata != NULL);
    memset(hdata, 'h', huge - 4096);
    len = body_with(hbody, huge, "huge.txt", hdata, huge - 4096, 0);
    refused(hbody, len, CT, 413, "Request body too large");
    free(hbody);
    free(hdata);

    char *after = sql_valuef("SELECT count(*) - 1 FROM media");
    ck_assert_str_eq(after, before); /* only the allowed PNG was stored */
    free(before);
    free(after);
}
END_TEST

Suite *it_media_suite(void)
{
    return SUITE_OF("media", 60, NULL, NULL, test_upload_and_download, test_hostile_uploads);
}
