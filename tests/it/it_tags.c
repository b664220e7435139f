/*
 * it_tags.c - the tags over HTTP: the list any agent reads, create, rename
 * and delete with tags:manage (403 without it), the refusals (taken name
 * 409, unknown id 404, bad name or id 400) writing nothing, and a deleted
 * tag leaving every conversation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../suite_of.h"
#include "it.h"

/* Whether GET /api/v1/tags (as the agent) lists name; its items have upstream's four keys. */
static int listed(const char *name)
{
    struct http_res r = http_get("/api/v1/tags", tok(it_agent_key));
    json_object *root, *d = json_data(&r, &root);
    int found = 0;
    ck_assert(json_object_is_type(d, json_type_array));
    for (size_t i = 0; i < json_object_array_length(d); i++) {
        json_object *t = json_object_array_get_idx(d, i);
        ck_assert_int_eq(json_object_object_length(t), 4);
        found += strcmp(json_str(t, "name"), name) == 0;
    }
    json_object_put(root);
    http_res_free(&r);
    return found;
}

/* Asserts a tag object: keys id, created_at, updated_at, name in that order; its id into id. */
static void expect_tag(json_object *d, const char *name, char *id, size_t len)
{
    static const char *const keys[] = {"id", "created_at", "updated_at", "name"};
    size_t i = 0;
    json_object_object_foreach(d, k, v)
    {
        (void)v;
        ck_assert_uint_lt(i, 4);
        ck_assert_str_eq(k, keys[i++]);
    }
    ck_assert_uint_eq(i, 4);
    ck_assert_str_eq(json_str(d, "name"), name);
    ck_assert(json_object_is_type(json_object_object_get(d, "id"), json_type_int));
    snprintf(id, len, "%s", json_str(d, "id"));
}

START_TEST(test_tag_writes)
{
    long pid = (long)getpid();
    char name[64], renamed[64], other[64], body[512], path[64], id[16], other_id[16];
    snprintf(name, sizeof(name), "it-tag-w-%ld", pid);
    snprintf(renamed, sizeof(renamed), "it-tag-r-%ld", pid);
    snprintf(other, sizeof(other), "it-tag-o-%ld", pid);
    ck_assert_int_eq(listed(name), 0);

    /* Create: the tag as upstream answers it, and its row. */
    snprintf(body, sizeof(body), "{\"name\":\"%s\",\"unknown\":1}", name);
    struct http_res r = http_json("POST", "/api/v1/tags", it_admin_key, body);
    json_object *root, *d = json_data(&r, &root);
    expect_tag(d, name, id, sizeof(id));
    json_object_put(root);
    http_res_free(&r);
    expect_sqlf(name, "SELECT name FROM tags WHERE id = %s", id);
    ck_assert_int_eq(listed(name), 1);
    snprintf(body, sizeof(body), "{\"name\":\"%s\"}", other);
    r = http_json("POST", "/api/v1/tags", it_admin_key, body);
    d = json_data(&r, &root);
    expect_tag(d, other, other_id, sizeof(other_id));
    json_object_put(root);
    http_res_free(&r);

    /* The list is by name. */
    r = http_get("/api/v1/tags", tok(it_agent_key));
    d = json_data(&r, &root);
    char *want = sql_valuef("SELECT string_agg(name, ',' ORDER BY name, id) FROM tags");
    char got[8192] = "";
    for (size_t i = 0; i < json_object_array_length(d); i++) {
        size_t n = strlen(got);
        snprintf(got + n, sizeof(got) - n, "%s%s", i ? "," : "",
                 json_str(json_object_array_get_idx(d, i), "name"));
    }
    ck_assert_str_eq(got, want);
    free(want);
    json_object_put(root);
    http_res_free(&r);

    /* Refusals write nothing. */
    char *before = sql_valuef("SELECT count(*) || '/' || max(updated_at) FROM tags");
    snprintf(body, sizeof(body), "{\"name\":\"%s\"}", name);
    expect_json_error("POST", "/api/v1/tags", it_admin_key, body, 409, "Tag already exists",
                      "ConflictException");
    char long_name[160];
    memset(long_name, 'x', 141);
    long_name[141] = '\0';
    char too_long[200];
    snprintf(too_long, sizeof(too_long), "{\"name\":\"%s\"}", long_name);
    const char *const bad[] = {"{\"name\":\"\"}", "{}", "{\"name\":null}", "{\"name\":7}",
                               too_long};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect_json_error("POST", "/api/v1/tags", it_admin_key, bad[i], 400,
                          "`name` is required (1 to 140 characters)", "InputException");
    expect_json_error("POST", "/api/v1/tags", it_admin_key, "{\"name\":", 400,
                      "Error parsing request", "InputException");
    snprintf(path, sizeof(path), "/api/v1/tags/%s", id);
    snprintf(body, sizeof(body), "{\"name\":\"%s\"}", other);
    expect_json_error("PUT", path, it_admin_key, body, 409, "Tag already exists",
                      "ConflictException");
    expect_json_error("PUT", path, it_admin_key, "{\"name\":\"\"}", 400,
                      "`name` is required (1 to 140 characters)", "InputException");
    expect_json_error("PUT", "/api/v1/tags/99999999", it_admin_key, "{\"name\":\"x\"}", 404,
                      "Tag not found", "NotFoundException");
    expect_json_error("PUT", "/api/v1/tags/abc", it_admin_key, "{\"name\":\"x\"}", 400,
                      "Invalid tag `id`", "InputException");
    expect_json_error("DELETE", "/api/v1/tags/99999999", it_admin_key, NULL, 404, "Tag not found",
                      "NotFoundException");
    expect_json_error("DELETE", "/api/v1/tags/0", it_admin_key, NULL, 400, "Invalid tag `id`",
                      "InputException");
    /* An Agent (no tags:manage) may list but not write; no credentials: 401. */
    snprintf(body, sizeof(body), "{\"name\":\"%s-agent\"}", name);
    expect_json_error("POST", "/api/v1/tags", it_agent_key, body, 403, "Permission denied",
                      "PermissionException");
    expect_json_error("PUT", path, it_agent_key, body, 403, "Permission denied",
                      "PermissionException");
    expect_json_error("DELETE", path, it_agent_key, NULL, 403, "Permission denied",
                      "PermissionException");
    r = http_get("/api/v1/tags", NULL);
    ck_assert_int_eq(r.status, 401);
    http_res_free(&r);
    char *after = sql_valuef("SELECT count(*) || '/' || max(updated_at) FROM tags");
    ck_assert_str_eq(after, before);
    free(after);
    free(before);

    /* Rename: the tag back, updated_at moved; its own name again is no conflict. */
    char *created = sql_valuef("SELECT created_at FROM tags WHERE id = %s", id);
    snprintf(body, sizeof(body), "{\"name\":\"%s\"}", renamed);
    r = http_json("PUT", path, it_admin_key, body);
    d = json_data(&r, &root);
    char id2[16];
    expect_tag(d, renamed, id2, sizeof(id2));
    ck_assert_str_eq(id2, id);
    json_object_put(root);
    http_res_free(&r);
    expect_sqlf("t",
                "SELECT name = '%s' AND updated_at > created_at AND created_at = '%s'"
                " FROM tags WHERE id = %s",
                renamed, created, id);
    free(created);
    r = http_json("PUT", path, it_admin_key, body);
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    ck_assert_int_eq(listed(name), 0);
    ck_assert_int_eq(listed(renamed), 1);

    /* Delete: off every conversation it was on, other tags stay. */
    char *inbox = sql_valuef("INSERT INTO inboxes (name, channel) VALUES ('It tags %ld', 'email')"
                             " RETURNING id",
                             pid);
    char *contact = sql_valuef("INSERT INTO users (type, first_name, email) VALUES ('contact', 'T',"
                               " 'tags-%ld@example.org') RETURNING id",
                               pid);
    char *conv = sql_valuef(
        "INSERT INTO conversations (subject, status_id, contact_id, inbox_id) SELECT 'tagged',"
        " id, %s, %s FROM conversation_statuses WHERE name = 'Open' RETURNING id",
        contact, inbox);
    free(sql_valuef("INSERT INTO conversation_tags (tag_id, conversation_id) VALUES (%s, %s),"
                    " (%s, %s) RETURNING id",
                    id, conv, other_id, conv));
    r = http_json("DELETE", path, it_admin_key, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "{\"status\":\"success\",\"data\":true}");
    http_res_free(&r);
    expect_sqlf("0", "SELECT count(*) FROM tags WHERE id = %s", id);
    expect_sqlf("0", "SELECT count(*) FROM conversation_tags WHERE tag_id = %s", id);
    expect_sqlf(other_id,
                "SELECT string_agg(tag_id::text, ',') FROM conversation_tags"
                " WHERE conversation_id = %s",
                conv);
    ck_assert_int_eq(listed(renamed), 0);
    expect_json_error("DELETE", path, it_admin_key, NULL, 404, "Tag not found",
                      "NotFoundException");
    snprintf(path, sizeof(path), "/api/v1/tags/%s", other_id);
    r = http_json("DELETE", path, it_admin_key, NULL);
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    expect_sqlf("0", "SELECT count(*) FROM conversation_tags WHERE conversation_id = %s", conv);
    free(inbox);
    free(contact);
    free(conv);
}
END_TEST

Suite *it_tags_suite(void)
{
    return SUITE_OF("tags", 60, NULL, NULL, test_tag_writes);
}
