/*
 * it_notifications.c - in-app notifications over HTTP: a mention and an
 * assignment each create exactly one row for the agent concerned, none for
 * the actor; the list, the counts, marking read and deleting act on the
 * caller's own rows only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../suite_of.h"
#include "it.h"

static void expect_stats(const char *key, const char *want)
{
    struct http_res r = http_get("/api/v1/notifications/stats", tok(key));
    char body[128];
    snprintf(body, sizeof(body), "{\"status\":\"success\",\"data\":%s}", want);
    ck_assert_msg(r.status == 200 && strcmp(r.body, body) == 0, "%ld %s", r.status, r.body);
    http_res_free(&r);
}

static void expect_true(const char *method, const char *path, const char *key)
{
    struct http_res r = http_json(method, path, key, strcmp(method, "DELETE") == 0 ? NULL : "{}");
    ck_assert_msg(r.status == 200 && strcmp(r.body, "{\"status\":\"success\",\"data\":true}") == 0,
                  "%s %s: %ld %s", method, path, r.status, r.body);
    http_res_free(&r);
}

START_TEST(test_notifications)
{
    long pid = (long)getpid();
    char email[96], other_email[96], nid[16], oid[16], nkey[256], okey[256], sql[2048];
    snprintf(email, sizeof(email), "it-notif-%ld@example.com", pid);
    snprintf(other_email, sizeof(other_email), "it-notif-o-%ld@example.com", pid);
    it_make_agent(email, "Nora", "Agent", NULL, nid, sizeof(nid), nkey, sizeof(nkey));
    it_make_agent(other_email, "Otto", "Agent", NULL, oid, sizeof(oid), okey, sizeof(okey));
    char *admin_id = sql_valuef("SELECT id FROM users WHERE email = '%s'", it_admin_email);

    /* A conversation, by SQL. */
    snprintf(sql, sizeof(sql),
             "INSERT INTO users (type, first_name, email) VALUES ('contact', 'C',"
             " 'it-notif-c-%ld@example.com');"
             "INSERT INTO conversations (subject, status_id, contact_id, inbox_id)"
             " SELECT 'notif %ld', (SELECT id FROM conversation_statuses WHERE name = 'Open'),"
             " (SELECT id FROM users WHERE email = 'it-notif-c-%ld@example.com'),"
             " (SELECT min(id) FROM inboxes)",
             pid, pid, pid);
    sql_exec(sql);
    char *uuid = sql_valuef("SELECT uuid FROM conversations WHERE subject = 'notif %ld'", pid);
    char *ref =
        sql_valuef("SELECT reference_number FROM conversations WHERE subject = 'notif %ld'", pid);
    char *admin_name = sql_valuef(
        "SELECT trim(first_name || ' ' || coalesce(last_name, '')) FROM users WHERE id = %s",
        admin_id);
    expect_stats(nkey, "{\"unread_count\":0,\"total_count\":0}");

    /* A mention of Nora (twice, directly and the admin itself): one row, for Nora. */
    char path[160], body[512];
    snprintf(path, sizeof(path), "/api/v1/conversations/%s/messages", uuid);
    snprintf(body, sizeof(body),
             "{\"message\":\"look "
             "here\",\"sender_type\":\"agent\",\"private\":true,\"mentions\":[{\"type\":\"agent\","
             "\"id\":%s},{\"type\":\"agent\",\"id\":%s}]}",
             nid, admin_id);
    struct http_res r = http_json("POST", path, it_admin_key, body);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    http_res_free(&r);
    char want[512];
    snprintf(want, sizeof(want), "mention|%s mentioned you in #%s|look here|%s|true|true",
             admin_name, ref, admin_id);
    expect_sqlf(want,
                "SELECT string_agg(notification_type || '|' || title || '|' || body || '|' ||"
                " actor_id || '|' || (message_id IS NOT NULL) || '|' || (NOT is_read), ',')"
                " FROM user_notifications WHERE user_id = %s",
                nid);
    expect_sqlf("0", "SELECT count(*) FROM user_notifications WHERE user_id = %s", admin_id);

    /* Assigning to Nora: one assignment row; self-assignment: none. */
    snprintf(path, sizeof(path), "/api/v1/conversations/%s/assignee/user", uuid);
    snprintf(body, sizeof(body), "{\"assignee_id\":%s}", nid);
    r = http_json("PUT", path, it_admin_key, body);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    http_res_free(&r);
    snprintf(want, sizeof(want), "Conversation assigned to you #%s|notif %ld|true", ref, pid);
    expect_sqlf(want,
                "SELECT title || '|' || body || '|' || (actor_id IS NULL) FROM user_notifications"
                " WHERE user_id = %s AND notification_type = 'assignment'",
                nid);
    snprintf(body, sizeof(body), "{\"assignee_id\":%s}", admin_id);
    r = http_json("PUT", path, it_admin_key, body);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    http_res_free(&r);
    expect_sqlf("0", "SELECT count(*) FROM user_notifications WHERE user_id = %s", admin_id);
    expect_stats(nkey, "{\"unread_count\":2,\"total_count\":2}");

    /* The list: newest first, upstream's fields in order. */
    r = http_get("/api/v1/notifications?limit=1", tok(nkey));
    ck_assert_int_eq(r.status, 200);
    json_object *root, *d = json_data(&r, &root);
    ck_assert_int_eq(json_object_array_length(d), 1);
    json_object *n0 = json_object_array_get_idx(d, 0);
    ck_assert_str_eq(json_str(n0, "notification_type"), "assignment");
    ck_assert_str_eq(json_str(n0, "conversation_uuid"), uuid);
    ck_assert_int_eq(json_object_object_length(n0), 17);
    char first[16];
    snprintf(first, sizeof(first), "%s", json_str(n0, "id"));
    json_object_put(root);
    http_res_free(&r);
    r = http_get("/api/v1/notifications?offset=1", tok(nkey));
    d = json_data(&r, &root);
    ck_assert_int_eq(json_object_array_length(d), 1);
    n0 = json_object_array_get_idx(d, 0);
    ck_assert_str_eq(json_str(n0, "notification_type"), "mention");
    ck_assert_str_eq(json_str(n0, "actor_first_name"), json_str(n0, "actor_first_name"));
    char second[16];
    snprintf(second, sizeof(second), "%s", json_str(n0, "id"));
    json_object_put(root);
    http_res_free(&r);

    /* Otto sees none of Nora's and cannot touch them. */
    r = http_get("/api/v1/notifications", tok(okey));
    ck_assert_msg(r.status == 200 && strcmp(r.body, "{\"status\":\"success\",\"data\":[]}") == 0,
                  "%s", r.body);
    http_res_free(&r);
    expect_stats(okey, "{\"unread_count\":0,\"total_count\":0}");
    snprintf(path, sizeof(path), "/api/v1/notifications/%s/read", first);
    expect_json_error("PUT", path, okey, "{}", 404, "Notification not found", "NotFoundException");
    snprintf(path, sizeof(path), "/api/v1/notifications/%s", first);
    expect_json_error("DELETE", path, okey, NULL, 404, "Notification not found",
                      "NotFoundException");
    expect_true("PUT", "/api/v1/notifications/read-all", okey);
    expect_true("DELETE", "/api/v1/notifications", okey);
    expect_stats(nkey, "{\"unread_count\":2,\"total_count\":2}");
    expect_json_error("PUT", "/api/v1/notifications/abc/read", nkey, "{}", 400,
                      "Invalid notification `id`", "InputException");

    /* Mark one read, then all, then delete one, then all. */
    snprintf(path, sizeof(path), "/api/v1/notifications/%s/read", first);
    expect_true("PUT", path, nkey);
    expect_stats(nkey, "{\"unread_count\":1,\"total_count\":2}");
    expect_true("PUT", "/api/v1/notifications/read-all", nkey);
    expect_stats(nkey, "{\"unread_count\":0,\"total_count\":2}");
    snprintf(path, sizeof(path), "/api/v1/notifications/%s", second);
    expect_true("DELETE", path, nkey);
    expect_stats(nkey, "{\"unread_count\":0,\"total_count\":1}");
    expect_json_error("DELETE", path, nkey, NULL, 404, "Notification not found",
                      "NotFoundException");
    expect_true("DELETE", "/api/v1/notifications", nkey);
    expect_stats(nkey, "{\"unread_count\":0,\"total_count\":0}");
    expect_sqlf("0", "SELECT count(*) FROM user_notifications WHERE user_id = %s", nid);
    free(uuid);
    free(ref);
    free(admin_name);
    free(admin_id);
}
END_TEST

Suite *it_notifications_suite(void)
{
    return SUITE_OF("notifications", 60, NULL, NULL, test_notifications);
}
