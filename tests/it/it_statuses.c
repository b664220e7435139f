/*
 * it_statuses.c - conversation status writes over HTTP: create, rename,
 * delete, the protected defaults, a status in use, and every worker's
 * cached list seeing each change at once.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../suite_of.h"
#include "it.h"

static struct http_res send_json(const char *method, const char *path, const char *key,
                                 const char *body)
{
    return http_do(method, path, tok(key), body, body ? strlen(body) : 0,
                   "Content-Type: application/json");
}

static void refused(const char *method, const char *path, const char *body, long status,
                    const char *message, const char *type)
{
    struct http_res r = send_json(method, path, it_admin_key, body);
    assert_error(&r, status, message, type);
    http_res_free(&r);
}

/* How many times name appears in GET /api/v1/statuses, asked enough times to reach every worker. */
static void listed(const char *name, int want)
{
    char needle[96];
    snprintf(needle, sizeof(needle), "\"%s\"", name);
    for (int i = 0; i < 12; i++) {
        struct http_res r = http_get("/api/v1/statuses", tok(it_agent_key));
        ck_assert_int_eq(r.status, 200);
        ck_assert_msg((strstr(r.body, needle) != NULL) == want, "%s listed: %s", name, r.body);
        http_res_free(&r);
    }
}

static char *q(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *q(const char *fmt, ...)
{
    char sql[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof(sql), fmt, ap);
    va_end(ap);
    return sql_value(sql);
}

START_TEST(test_status_writes)
{
    long pid = (long)getpid();
    char name[32], renamed[32], body[256], path[64];
    snprintf(name, sizeof(name), "Vendor %ld", pid % 100000);
    snprintf(renamed, sizeof(renamed), "Vendor B %ld", pid % 100000);
    listed(name, 0); /* warm every worker's cache first */

    snprintf(body, sizeof(body), "{\"name\":\"%s\",\"category\":\"waiting\"}", name);
    struct http_res r = send_json("POST", "/api/v1/statuses", it_admin_key, body);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    json_object *root = json_body(&r), *d = json_object_object_get(root, "data");
    ck_assert_int_eq(json_object_object_length(d), 4);
    char id[16];
    snprintf(id, sizeof(id), "%s", json_object_get_string(json_object_object_get(d, "id")));
    ck_assert_str_eq(json_object_get_string(json_object_object_get(d, "name")), name);
    ck_assert_str_eq(json_object_get_string(json_object_object_get(d, "category")), "waiting");
    json_object_put(root);
    http_res_free(&r);
    char *v = q("SELECT name || '/' || category FROM conversation_statuses WHERE id = %s", id);
    char want[96];
    snprintf(want, sizeof(want), "%s/waiting", name);
    ck_assert_str_eq(v, want);
    free(v);
    listed(name, 1);

    /* Refusals write nothing. */
    char *before = q("SELECT count(*) FROM conversation_statuses");
    refused("POST", "/api/v1/statuses", body, 409, "Status already exists", "ConflictException");
    refused("POST", "/api/v1/statuses", "{\"name\":\"abcdefghijklmnopqrstuvwxyz\"}", 400,
            "Status is too long, should be at most 25 characters", "InputException");
    refused("POST", "/api/v1/statuses", "{\"category\":\"open\"}", 400, "`name` is required",
            "InputException");
    refused("POST", "/api/v1/statuses", "{\"name\":\"Done-ish\",\"category\":\"done\"}", 400,
            "Invalid `category`: use open, waiting or resolved", "InputException");
    r = send_json("POST", "/api/v1/statuses", it_agent_key, "{\"name\":\"Agent made\"}");
    assert_error(&r, 403, "Permission denied", "PermissionException");
    http_res_free(&r);
    v = q("SELECT count(*) FROM conversation_statuses");
    ck_assert_str_eq(v, before);
    free(v);
    free(before);

    /* The defaults are fixed; unknown and malformed ids. */
    char *open_id = q("SELECT id FROM conversation_statuses WHERE name = 'Open'");
    snprintf(path, sizeof(path), "/api/v1/statuses/%s", open_id);
    free(open_id);
    refused("PUT", path, "{\"name\":\"Opened\"}", 400, "Cannot update default conversation status",
            "InputException");
    refused("DELETE", path, NULL, 400, "Cannot delete default conversation status", "InputException");
    refused("PUT", "/api/v1/statuses/99999999", "{\"name\":\"X\"}", 404, "Status not found",
            "NotFoundException");
    refused("DELETE", "/api/v1/statuses/99999999", NULL, 404, "Status not found",
            "NotFoundException");
    refused("DELETE", "/api/v1/statuses/abc", NULL, 400, "Invalid status `id`", "InputException");

    /* Rename (category back to open when not given). */
    snprintf(path, sizeof(path), "/api/v1/statuses/%s", id);
    snprintf(body, sizeof(body), "{\"name\":\"%s\"}", renamed);
    r = send_json("PUT", path, it_admin_key, body);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    http_res_free(&r);
    v = q("SELECT name || '/' || category FROM conversation_statuses WHERE id = %s", id);
    snprintf(want, sizeof(want), "%s/open", renamed);
    ck_assert_str_eq(v, want);
    free(v);
    listed(name, 0);
    listed(renamed, 1);
    refused("PUT", path, "{\"name\":\"Closed\"}", 409, "Status already exists", "ConflictException");

    /* In use: refused and kept; free again: deleted. */
    char *inbox = q("INSERT INTO inboxes (name, channel) VALUES ('It status %ld', 'email')"
                    " RETURNING id", pid);
    char *contact = q("INSERT INTO users (type, first_name, email) VALUES ('contact', 'S',"
                      " 'status-%ld@example.org') RETURNING id", pid);
    char *conv = q("INSERT INTO conversations (subject, status_id, contact_id, inbox_id) VALUES"
                   " ('uses it', %s, %s, %s) RETURNING id", id, contact, inbox);
    refused("DELETE", path, NULL, 400,
            "Cannot delete status as it is in use, reassign its conversations first",
            "InputException");
    v = q("SELECT count(*) FROM conversation_statuses WHERE id = %s", id);
    ck_assert_str_eq(v, "1");
    free(v);
    free(q("UPDATE conversations SET status_id = (SELECT id FROM conversation_statuses WHERE"
           " name = 'Open') WHERE id = %s RETURNING id", conv));
    r = send_json("DELETE", path, it_admin_key, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "{\"status\":\"success\",\"data\":true}");
    http_res_free(&r);
    v = q("SELECT count(*) FROM conversation_statuses WHERE id = %s", id);
    ck_assert_str_eq(v, "0");
    free(v);
    listed(renamed, 0);
    free(inbox);
    free(contact);
    free(conv);
}
END_TEST

Suite *it_statuses_suite(void)
{
    return SUITE_OF("statuses", 60, NULL, NULL, test_status_writes);
}
