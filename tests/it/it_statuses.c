/*
 * it_statuses.c - conversation status writes over HTTP: create, rename,
 * delete, the protected defaults, a status in use, and every worker's
 * cached list seeing each change at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../suite_of.h"
#include "it.h"

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

START_TEST(test_status_writes)
{
    long pid = (long)getpid();
    char name[32], renamed[32], body[256], path[64];
    snprintf(name, sizeof(name), "Vendor %ld", pid % 100000);
    snprintf(renamed, sizeof(renamed), "Vendor B %ld", pid % 100000);
    listed(name, 0); /* warm every worker's cache first */

    snprintf(body, sizeof(body), "{\"name\":\"%s\",\"category\":\"waiting\"}", name);
    struct http_res r = http_json("POST", "/api/v1/statuses", it_admin_key, body);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    json_object *root = json_body(&r), *d = json_object_object_get(root, "data");
    ck_assert_int_eq(json_object_object_length(d), 4);
    char id[16];
    snprintf(id, sizeof(id), "%s", json_object_get_string(json_object_object_get(d, "id")));
    ck_assert_str_eq(json_object_get_string(json_object_object_get(d, "name")), name);
    ck_assert_str_eq(json_object_get_string(json_object_object_get(d, "category")), "waiting");
    json_object_put(root);
    http_res_free(&r);
    char *v =
        sql_valuef("SELECT name || '/' || category FROM conversation_statuses WHERE id = %s", id);
    char want[96];
    snprintf(want, sizeof(want), "%s/waiting", name);
    ck_assert_str_eq(v, want);
    free(v);
    listed(name, 1);

    /* Refusals write nothing. */
    char *before = sql_valuef("SELECT count(*) FROM conversation_statuses");
    expect_json_error("POST", "/api/v1/statuses", it_admin_key, body, 409, "Status already exists",
                      "ConflictException");
    expect_json_error("POST", "/api/v1/statuses", it_admin_key,
                      "{\"name\":\"abcdefghijklmnopqrstuvwxyz\"}", 400,
                      "Status is too long, should be at most 25 characters", "InputException");
    expect_json_error("POST", "/api/v1/statuses", it_admin_key, "{\"category\":\"open\"}", 400,
                      "`name` is required", "InputException");
    expect_json_error("POST", "/api/v1/statuses", it_admin_key,
                      "{\"name\":\"Done-ish\",\"category\":\"done\"}", 400,
                      "Invalid `category`: use open, waiting or resolved", "InputException");
    r = http_json("POST", "/api/v1/statuses", it_agent_key, "{\"name\":\"Agent made\"}");
    assert_error(&r, 403, "Permission denied", "PermissionException");
    http_res_free(&r);
    v = sql_valuef("SELECT count(*) FROM conversation_statuses");
    ck_assert_str_eq(v, before);
    free(v);
    free(before);

    /* The defaults are fixed; unknown and malformed ids. */
    char *open_id = sql_valuef("SELECT id FROM conversation_statuses WHERE name = 'Open'");
    snprintf(path, sizeof(path), "/api/v1/statuses/%s", open_id);
    free(open_id);
    expect_json_error("PUT", path, it_admin_key, "{\"name\":\"Opened\"}", 400,
                      "Cannot update default conversation status", "InputException");
    expect_json_error("DELETE", path, it_admin_key, NULL, 400,
                      "Cannot delete default conversation status", "InputException");
    expect_json_error("PUT", "/api/v1/statuses/99999999", it_admin_key, "{\"name\":\"X\"}", 404,
                      "Status not found", "NotFoundException");
    expect_json_error("DELETE", "/api/v1/statuses/99999999", it_admin_key, NULL, 404,
                      "Status not found", "NotFoundException");
    expect_json_error("DELETE", "/api/v1/statuses/abc", it_admin_key, NULL, 400,
                      "Invalid status `id`", "InputException");

    /* Rename (category back to open when not given). */
    snprintf(path, sizeof(path), "/api/v1/statuses/%s", id);
    snprintf(body, sizeof(body), "{\"name\":\"%s\"}", renamed);
    r = http_json("PUT", path, it_admin_key, body);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    http_res_free(&r);
    v = sql_valuef("SELECT name || '/' || category FROM conversation_statuses WHERE id = %s", id);
    snprintf(want, sizeof(want), "%s/open", renamed);
    ck_assert_str_eq(v, want);
    free(v);
    listed(name, 0);
    listed(renamed, 1);
    expect_json_error("PUT", path, it_admin_key, "{\"name\":\"Closed\"}", 409,
                      "Status already exists", "ConflictException");

    /* In use: refused and kept; free again: deleted. */
    char *inbox = sql_valuef("INSERT INTO inboxes (name, channel) VALUES ('It status %ld', 'email')"
                             " RETURNING id",
                             pid);
    char *contact = sql_valuef("INSERT INTO users (type, first_name, email) VALUES ('contact', 'S',"
                               " 'status-%ld@example.org') RETURNING id",
                               pid);
    char *conv =
        sql_valuef("INSERT INTO conversations (subject, status_id, contact_id, inbox_id) VALUES"
                   " ('uses it', %s, %s, %s) RETURNING id",
                   id, contact, inbox);
    expect_json_error("DELETE", path, it_admin_key, NULL, 400,
                      "Cannot delete status as it is in use, reassign its conversations first",
                      "InputException");
    v = sql_valuef("SELECT count(*) FROM conversation_statuses WHERE id = %s", id);
    ck_assert_str_eq(v, "1");
    free(v);
    free(sql_valuef(
        "UPDATE conversations SET status_id = (SELECT id FROM conversation_statuses WHERE"
        " name = 'Open') WHERE id = %s RETURNING id",
        conv));
    r = http_json("DELETE", path, it_admin_key, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "{\"status\":\"success\",\"data\":true}");
    http_res_free(&r);
    v = sql_valuef("SELECT count(*) FROM conversation_statuses WHERE id = %s", id);
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
