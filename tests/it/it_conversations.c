/*
 * it_conversations.c - conversation lists over HTTP against rows with known
 * answers: scopes per list and permission, every filter operator, both
 * filter shapes, ordering, pagination edges, totals checked against SQL.
 *
 * The fixture makes its own inbox, contacts, team, tag and six
 * conversations; every request filters on that inbox, so other data in the
 * database does not change the answers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>

#include "it.h"

static char inbox[32], team[32], tag[32], agent_id[32], admin_id[32], open_id[32], high_id[32],
    low_id[32], c1_email[96];
static char limited_key[256], limited_id[32];

static void fixture(void)
{
    long pid = (long)getpid();
    char sql[4096], c2_email[96], email[160];

    copy_value(agent_id, sizeof(agent_id),
               sql_valuef("SELECT id FROM users WHERE email = '%s'", it_agent_email));
    copy_value(admin_id, sizeof(admin_id),
               sql_valuef("SELECT id FROM users WHERE email = '%s'", it_admin_email));
    copy_value(open_id, sizeof(open_id),
               sql_valuef("SELECT id FROM conversation_statuses WHERE name = 'Open'"));
    copy_value(high_id, sizeof(high_id),
               sql_valuef("SELECT id FROM conversation_priorities WHERE name = 'High'"));
    copy_value(low_id, sizeof(low_id),
               sql_valuef("SELECT id FROM conversation_priorities WHERE name = 'Low'"));
    copy_value(
        inbox, sizeof(inbox),
        sql_valuef(
            "INSERT INTO inboxes (name, channel) VALUES ('IT conv %ld', 'email') RETURNING id",
            pid));
    copy_value(
        team, sizeof(team),
        sql_valuef("INSERT INTO teams (name) VALUES ('IT conv team %ld') RETURNING id", pid));
    copy_value(tag, sizeof(tag),
               sql_valuef("INSERT INTO tags (name) VALUES ('it-tag-%ld') RETURNING id", pid));
    snprintf(c1_email, sizeof(c1_email), "it-c1-%ld@example.org", pid);
    snprintf(c2_email, sizeof(c2_email), "it-c2-%ld@example.org", pid);
    snprintf(sql, sizeof(sql),
             "INSERT INTO team_members (team_id, user_id) VALUES (%s, %s);"
             "INSERT INTO users (type, email, first_name, last_name) VALUES"
             " ('contact', '%s', 'Cee', 'One'), ('contact', '%s', 'Cee', 'Two');",
             team, agent_id, c1_email, c2_email);
    sql_exec(sql);
    snprintf(sql, sizeof(sql),
             "WITH s AS (SELECT name, id FROM conversation_statuses),"
             " p AS (SELECT name, id FROM conversation_priorities),"
             " ct AS (SELECT email, id FROM users WHERE email IN ('%s', '%s'))"
             " INSERT INTO conversations (subject, status_id, priority_id, assigned_user_id,"
             " assigned_team_id, created_at, last_message_at, contact_id, inbox_id, last_message,"
             " last_message_sender)"
             " SELECT v.subject, (SELECT id FROM s WHERE name = v.st),"
             " (SELECT id FROM p WHERE name = v.pr), v.u, v.t, v.created::timestamptz,"
             " now() - v.h * interval '1 hour', (SELECT id FROM ct WHERE email = v.contact), %s,"
             " 'hello', 'contact' FROM (VALUES"
             " ('c1', 'Open', 'High', NULL::int, NULL::int, '2026-01-10 12:00:00+00', 1, '%s'),"
             " ('c2', 'Open', 'Low', %s, %s, '2026-01-11 12:00:00+00', 2, '%s'),"
             " ('c3', 'Resolved', NULL, NULL, %s, '2026-01-12 12:00:00+00', 3, '%s'),"
             " ('c4', 'Closed', 'Medium', %s, NULL, '2026-02-01 12:00:00+00', 4, '%s'),"
             " ('c5', 'Snoozed', 'High', NULL, NULL, '2026-02-02 12:00:00+00', 5, '%s'),"
             " ('c6', 'Open', NULL, %s, %s, '2026-03-05 12:00:00+00', 6, '%s'))"
             " v(subject, st, pr, u, t, created, h, contact)",
             c1_email, c2_email, inbox, c1_email, agent_id, team, c2_email, team, c1_email,
             admin_id, c2_email, c1_email, agent_id, team, c2_email);
    sql_exec(sql);
    snprintf(sql, sizeof(sql),
             "INSERT INTO conversation_tags (tag_id, conversation_id)"
             " SELECT %s, id FROM conversations WHERE inbox_id = %s AND subject = 'c5';"
             "WITH m AS (INSERT INTO conversation_messages (type, status, private, conversation_id,"
             " content, text_content, sender_id, sender_type)"
             " SELECT 'outgoing', 'sent', TRUE, id, 'note', 'note', %s, 'agent' FROM conversations"
             " WHERE inbox_id = %s AND subject = 'c6' RETURNING id, conversation_id)"
             " INSERT INTO conversation_mentions (conversation_id, message_id, mentioned_user_id,"
             " mentioned_by_user_id) SELECT conversation_id, id, %s, %s FROM m;",
             tag, inbox, admin_id, inbox, agent_id, admin_id);
    sql_exec(sql);

    /* An agent whose role may only read its own assigned conversations. */
    snprintf(email, sizeof(email), "it-limited-%ld@example.com", pid);
    snprintf(sql, sizeof(sql),
             "'%s/bin/deskd' agent create --email %s --first-name L --role Agent >/dev/null",
             it_root(), email);
    ck_assert_int_eq(run_cmd(sql, NULL, 0), 0);
    snprintf(sql, sizeof(sql),
             "INSERT INTO roles (name, permissions) VALUES ('IT limited %ld',"
             " ARRAY['conversations:read', 'conversations:read_assigned', 'messages:read']);"
             "DELETE FROM user_roles WHERE user_id = (SELECT id FROM users WHERE email = '%s');"
             "INSERT INTO user_roles (user_id, role_id) SELECT u.id, r.id FROM users u, roles r"
             " WHERE u.email = '%s' AND r.name = 'IT limited %ld'",
             pid, email, email, pid);
    sql_exec(sql);
    snprintf(sql, sizeof(sql), "'%s/bin/deskd' agent api-key --email %s", it_root(), email);
    ck_assert_int_eq(run_cmd(sql, limited_key, sizeof(limited_key)), 0);
    copy_value(limited_id, sizeof(limited_id),
               sql_valuef("SELECT id FROM users WHERE email = '%s'", email));
}

/* uuid of fixture conversation cN (static buffer per call slot). */
static const char *conv(const char *subject)
{
    static char slots[4][48];
    static int next;
    char *s = slots[next++ % 4];
    char *u = sql_valuef("SELECT uuid FROM conversations WHERE inbox_id = %s AND subject = '%s'",
                         inbox, subject);
    snprintf(s, 48, "%s", u);
    free(u);
    return s;
}

static char *field(const char *subject, const char *column)
{
    return sql_valuef("SELECT %s FROM conversations WHERE inbox_id = %s AND subject = '%s'", column,
                      inbox, subject);
}

static long put(const char *subject, const char *action, const char *key, const char *body,
                char *out, size_t outlen)
{
    char path[256];
    snprintf(path, sizeof(path), "/api/v1/conversations/%s/%s", conv(subject), action);
    struct http_res r = http_do("PUT", path, tok(key), body, body ? strlen(body) : 0, NULL);
    long st = r.status;
    if (out != NULL)
        snprintf(out, outlen, "%s", r.body);
    http_res_free(&r);
    return st;
}

static void put_ok(const char *subject, const char *action, const char *body)
{
    char out[512];
    long st = put(subject, action, it_admin_key, body, out, sizeof(out));
    ck_assert_msg(st == 200, "PUT %s %s: %ld %s", subject, action, st, out);
    ck_assert_str_eq(out, "{\"status\":\"success\",\"data\":true}");
}

static void put_err(const char *subject, const char *action, const char *body, long status,
                    const char *message, const char *type)
{
    char path[256];
    snprintf(path, sizeof(path), "/api/v1/conversations/%s/%s", conv(subject), action);
    struct http_res r =
        http_do("PUT", path, tok(it_admin_key), body, body ? strlen(body) : 0, NULL);
    assert_error(&r, status, message, type);
    http_res_free(&r);
}

static void expect_field(const char *subject, const char *column, const char *want)
{
    char *got = field(subject, column);
    ck_assert_msg((got == NULL && want == NULL) || (got && want && strcmp(got, want) == 0),
                  "%s.%s = %s, want %s", subject, column, got ? got : "NULL", want ? want : "NULL");
    free(got);
}

/* GET path?filters=...&extra; returns the subjects in order, comma-separated (malloc'd). */
static char *subjects(const char *path, const char *key, const char *filters, const char *extra,
                      long *total, long *pages, long *per_page, long *page)
{
    char url[8192];
    CURL *c = curl_easy_init();
    char *f = curl_easy_escape(c, filters, 0);
    snprintf(url, sizeof(url), "%s?filters=%s%s%s", path, f, extra ? "&" : "", extra ? extra : "");
    curl_free(f);
    curl_easy_cleanup(c);
    struct http_res r = http_get(url, tok(key));
    ck_assert_msg(r.status == 200, "%s: %ld %s", url, r.status, r.body);
    json_object *root = json_body(&r), *d = json_object_object_get(root, "data");
    json_object *res = json_object_object_get(d, "results");
    char *out = calloc(1, 512);
    size_t o = 0;
    for (size_t i = 0; i < json_object_array_length(res) && o < 400; i++) {
        const char *s = json_object_get_string(
            json_object_object_get(json_object_array_get_idx(res, i), "subject"));
        o += (size_t)snprintf(out + o, 512 - o, "%s%.8s", i ? "," : "", s ? s : "?");
    }
    *total = (long)json_object_get_int64(json_object_object_get(d, "total"));
    if (pages)
        *pages = (long)json_object_get_int64(json_object_object_get(d, "total_pages"));
    if (per_page)
        *per_page = (long)json_object_get_int64(json_object_object_get(d, "per_page"));
    if (page)
        *page = (long)json_object_get_int64(json_object_object_get(d, "page"));
    json_object_put(root);
    http_res_free(&r);
    return out;
}

/* The fixture's inbox AND one more condition (a JSON condition or group). */
static const char *with(const char *cond)
{
    static char buf[4096];
    snprintf(buf, sizeof(buf),
             "{\"logic\":\"AND\",\"rules\":[{\"model\":\"conversations\",\"field\":\"inbox_id\","
             "\"operator\":\"equals\",\"value\":\"%s\"}%s%s]}",
             inbox, cond ? "," : "", cond ? cond : "");
    return buf;
}

static void expect(const char *path, const char *key, const char *filters, const char *extra,
                   const char *want, long want_total)
{
    long total;
    char *got = subjects(path, key, filters, extra, &total, NULL, NULL, NULL);
    ck_assert_msg(strcmp(got, want) == 0, "%s %s: got [%s], want [%s]", path, filters, got, want);
    ck_assert_msg(total == want_total, "%s %s: total %ld, want %ld", path, filters, total,
                  want_total);
    free(got);
}

#define ALL "/api/v1/conversations/all"

START_TEST(test_scopes)
{
    char path[128];
    expect(ALL, it_admin_key, with(NULL), NULL, "c1,c2,c3,c4,c5,c6", 6);
    expect("/api/v1/conversations/unassigned", it_admin_key, with(NULL), NULL, "c1,c5", 2);
    expect("/api/v1/conversations/assigned", it_agent_key, with(NULL), NULL, "c2,c6", 2);
    expect("/api/v1/conversations/assigned", it_admin_key, with(NULL), NULL, "c4", 1);
    snprintf(path, sizeof(path), "/api/v1/teams/%s/conversations/unassigned", team);
    expect(path, it_agent_key, with(NULL), NULL, "c3", 1);

    /* The mentioned list carries the message that mentions me. */
    struct http_res r = http_get("/api/v1/conversations/mentioned", tok(it_agent_key));
    ck_assert_int_eq(r.status, 200);
    json_object *root = json_body(&r);
    json_object *res = json_object_object_get(json_object_object_get(root, "data"), "results");
    ck_assert_int_eq(json_object_array_length(res), 1);
    json_object *item = json_object_array_get_idx(res, 0);
    ck_assert_str_eq(json_object_get_string(json_object_object_get(item, "subject")), "c6");
    char sql[256];
    snprintf(sql, sizeof(sql),
             "SELECT m.uuid FROM conversation_messages m JOIN conversations c ON c.id ="
             " m.conversation_id WHERE c.inbox_id = %s AND c.subject = 'c6'",
             inbox);
    char *uuid = sql_value(sql);
    ck_assert_str_eq(json_object_get_string(json_object_object_get(item, "mentioned_message_uuid")),
                     uuid);
    free(uuid);
    json_object_put(root);
    http_res_free(&r);

    /* Not a member of the team, a bad team id, a missing permission. */
    expect_error(path, tok(it_admin_key), 403, "You're not a member of this team",
                 "PermissionException");
    expect_error("/api/v1/teams/abc/conversations/unassigned", tok(it_agent_key), 400,
                 "Invalid team `id`", "InputException");
    expect_error(ALL, tok(limited_key), 403, "Permission denied", "PermissionException");
    expect_error("/api/v1/conversations/unassigned", tok(limited_key), 403, "Permission denied",
                 "PermissionException");
    r = http_get("/api/v1/conversations/assigned", tok(limited_key));
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "\"total\":0"));
    http_res_free(&r);
}
END_TEST

START_TEST(test_operators)
{
    char c[1024];
#define COND(fmt, ...) (snprintf(c, sizeof(c), fmt, __VA_ARGS__), c)
    expect(ALL, it_admin_key,
           with(COND("{\"model\":\"conversations\",\"field\":\"status_id\","
                     "\"operator\":\"equals\",\"value\":\"%s\"}",
                     open_id)),
           NULL, "c1,c2,c6", 3);
    expect(ALL, it_admin_key,
           with("{\"model\":\"conversation_statuses\",\"field\":\"name\","
                "\"operator\":\"not equals\",\"value\":\"Open\"}"),
           NULL, "c3,c4,c5", 3);
    expect(ALL, it_admin_key,
           with("{\"model\":\"conversations\",\"field\":\"priority_id\","
                "\"operator\":\"set\"}"),
           NULL, "c1,c2,c4,c5", 4);
    expect(ALL, it_admin_key,
           with("{\"model\":\"conversations\",\"field\":\"priority_id\","
                "\"operator\":\"not set\"}"),
           NULL, "c3,c6", 2);
    expect(ALL, it_admin_key,
           with(COND("{\"model\":\"conversations\",\"field\":\"priority_id\","
                     "\"operator\":\"in\",\"value\":\"[\\\"%s\\\",\\\"%s\\\"]\"}",
                     high_id, low_id)),
           NULL, "c1,c2,c5", 3);
    expect(ALL, it_admin_key,
           with("{\"model\":\"conversations\",\"field\":\"created_at\","
                "\"operator\":\"greater than\",\"value\":\"2026-02-01\"}"),
           NULL, "c5,c6", 2);
    expect(ALL, it_admin_key,
           with("{\"model\":\"conversations\",\"field\":\"created_at\","
                "\"operator\":\"less than\",\"value\":\"2026-01-12\"}"),
           NULL, "c1,c2", 2);
    expect(ALL, it_admin_key,
           with("{\"model\":\"conversations\",\"field\":\"created_at\","
                "\"operator\":\"equals\",\"value\":\"2026-01-11\"}"),
           NULL, "c2", 1);
    expect(ALL, it_admin_key,
           with("{\"model\":\"conversations\",\"field\":\"created_at\","
                "\"operator\":\"between\",\"value\":\"2026-01-11,2026-02-01\"}"),
           NULL, "c2,c3,c4", 3);
    expect(ALL, it_admin_key,
           with("{\"model\":\"conversations\",\"field\":\"created_at\","
                "\"operator\":\"greater than\",\"value\":\"2026-02-01T13:00:00Z\"}"),
           NULL, "c5,c6", 2);
    expect(ALL, it_admin_key,
           with(COND("{\"model\":\"users\",\"field\":\"email\","
                     "\"operator\":\"contains\",\"value\":\"%.10s\"}",
                     c1_email)),
           NULL, "c1,c3,c5", 3);
    expect(ALL, it_admin_key,
           with(COND("{\"model\":\"users\",\"field\":\"email\","
                     "\"operator\":\"not contains\",\"value\":\"%.10s\"}",
                     c1_email)),
           NULL, "c2,c4,c6", 3);
    expect(ALL, it_admin_key,
           with("{\"model\":\"users\",\"field\":\"email\","
                "\"operator\":\"ilike\",\"value\":\"it-c_-\"}"),
           NULL, "c1,c2,c3,c4,c5,c6", 6);
    expect(ALL, it_admin_key,
           with("{\"model\":\"users\",\"field\":\"email\","
                "\"operator\":\"contains\",\"value\":\"it-c_-\"}"),
           NULL, "", 0); /* contains is literal: '_' is not a wildcard */
    expect(ALL, it_admin_key,
           with(COND("{\"model\":\"conversations\",\"field\":\"tags\","
                     "\"operator\":\"contains\",\"value\":\"[%s]\"}",
                     tag)),
           NULL, "c5", 1);
    expect(ALL, it_admin_key,
           with(COND("{\"model\":\"conversations\",\"field\":\"tags\","
                     "\"operator\":\"not contains\",\"value\":\"[%s]\"}",
                     tag)),
           NULL, "c1,c2,c3,c4,c6", 5);
    expect(ALL, it_admin_key,
           with("{\"model\":\"conversations\",\"field\":\"tags\","
                "\"operator\":\"set\"}"),
           NULL, "c5", 1);
    expect(ALL, it_admin_key,
           with(COND("{\"model\":\"conversations\",\"field\":\"assigned_user_id\","
                     "\"operator\":\"equals\",\"value\":\"%s\"}",
                     agent_id)),
           NULL, "c2,c6", 2);
    expect(ALL, it_admin_key,
           with("{\"model\":\"inboxes\",\"field\":\"channel\","
                "\"operator\":\"equals\",\"value\":\"email\"}"),
           NULL, "c1,c2,c3,c4,c5,c6", 6);
    /* Nested OR group, and the flat array shape. */
    expect(ALL, it_admin_key,
           with(COND("{\"logic\":\"OR\",\"rules\":[{\"model\":\"conversation_statuses\","
                     "\"field\":\"name\",\"operator\":\"equals\",\"value\":\"Resolved\"},"
                     "{\"model\":\"conversations\",\"field\":\"priority_id\","
                     "\"operator\":\"equals\",\"value\":\"%s\"}]}",
                     high_id)),
           NULL, "c1,c3,c5", 3);
    snprintf(c, sizeof(c),
             "[{\"model\":\"conversations\",\"field\":\"inbox_id\",\"operator\":\"equals\","
             "\"value\":\"%s\"},"
             "{\"model\":\"conversations\",\"field\":\"status_id\",\"operator\":\"equals\","
             "\"value\":\"%s\"}]",
             inbox, open_id);
    expect(ALL, it_admin_key, c, NULL, "c1,c2,c6", 3);
#undef COND
}
END_TEST

START_TEST(test_order_and_pages)
{
    long total, pages, per_page, page;
    expect(ALL, it_admin_key, with(NULL), "order_by=conversations.created_at&order=asc",
           "c1,c2,c3,c4,c5,c6", 6);
    expect(ALL, it_admin_key, with(NULL), "order_by=conversations.created_at&order=DESC",
           "c6,c5,c4,c3,c2,c1", 6);
    expect(ALL, it_admin_key, with(NULL), "order_by=conversation_statuses.name&order=asc",
           "c4,c1,c2,c6,c3,c5", 6);
    char *got = subjects(ALL, it_admin_key, with(NULL), "page=2&page_size=2", &total, &pages,
                         &per_page, &page);
    ck_assert_str_eq(got, "c3,c4");
    ck_assert(total == 6 && pages == 3 && per_page == 2 && page == 2);
    free(got);
    got = subjects(ALL, it_admin_key, with(NULL), "page=4&page_size=2", &total, &pages, &per_page,
                   &page);
    ck_assert_str_eq(got, ""); /* past the end: no rows, but the true total */
    ck_assert(total == 6 && pages == 3 && page == 4);
    free(got);
    got = subjects(ALL, it_admin_key, with(NULL), "page=0&page_size=9999", &total, &pages,
                   &per_page, &page);
    ck_assert(page == 1 && per_page == 500 && pages == 1);
    free(got);
    got = subjects(ALL, it_admin_key, with(NULL), "page=x&page_size=-3", &total, &pages, &per_page,
                   &page);
    ck_assert(page == 1 && per_page == 30);
    free(got);
}
END_TEST

START_TEST(test_totals_match_the_database)
{
    /* Exact totals from the count table and from count(*) agree with SQL. */
    long total;
    char *want = sql_value("SELECT count(*) FROM conversations");
    free(subjects(ALL, it_admin_key, "", NULL, &total, NULL, NULL, NULL));
    ck_assert_int_eq(total, atol(want));
    free(want);
    want = sql_value("SELECT count(*) FROM conversations WHERE assigned_user_id IS NULL AND"
                     " assigned_team_id IS NULL");
    free(subjects("/api/v1/conversations/unassigned", it_admin_key, "", NULL, &total, NULL, NULL,
                  NULL));
    ck_assert_int_eq(total, atol(want));
    free(want);
    /* Moving a conversation changes the counts at once. */
    char sql[256];
    snprintf(sql, sizeof(sql),
             "UPDATE conversations SET assigned_user_id = NULL, assigned_team_id = NULL"
             " WHERE inbox_id = %s AND subject = 'c4'",
             inbox);
    sql_exec(sql);
    expect("/api/v1/conversations/unassigned", it_admin_key, with(NULL), NULL, "c1,c4,c5", 3);
    snprintf(sql, sizeof(sql),
             "UPDATE conversations SET assigned_user_id = %s WHERE inbox_id = %s"
             " AND subject = 'c4'",
             admin_id, inbox);
    sql_exec(sql);
    expect("/api/v1/conversations/unassigned", it_admin_key, with(NULL), NULL, "c1,c5", 2);
}
END_TEST

START_TEST(test_bad_filters)
{
    struct {
        const char *filters, *message;
    } cases[] = {
        {"[{", "Invalid filters: not valid JSON"},
        {"[{\"model\":\"conversations\",\"field\":\"nope\",\"operator\":\"equals\",\"value\":\"1\"}"
         "]",
         "Invalid filter: unknown field `conversations.nope`"},
        {"[{\"model\":\"conversations\",\"field\":\"status_id\",\"operator\":\"like\",\"value\":"
         "\"1\"}]",
         "Invalid filter: unknown operator `like` on `status_id`"},
        {"[{\"model\":\"conversations\",\"field\":\"status_id\",\"operator\":\"equals\",\"value\":"
         "\"1' OR '1'='1\"}]",
         "Invalid filter: `status_id` needs an integer value, not `1' OR '1'='1`"},
        /* A NUL would cut the string in C: once read as no field (skipped), as status_id, or
         * as the value 1. */
        {"[{\"model\":\"conversations\",\"field\":\"\\u0000\",\"operator\":\"equals\","
         "\"value\":\"1\"}]",
         "Invalid filters: a string holds a NUL character"},
        {"[{\"model\":\"conversations\",\"field\":\"status_id\\u0000 OR 1=1\",\"operator\":"
         "\"equals\",\"value\":\"1\"}]",
         "Invalid filters: a string holds a NUL character"},
        {"[{\"model\":\"conversations\",\"field\":\"status_id\",\"operator\":\"equals\","
         "\"value\":\"1\\u0000' OR '1'='1\"}]",
         "Invalid filters: a string holds a NUL character"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char url[2048];
        CURL *c = curl_easy_init();
        char *f = curl_easy_escape(c, cases[i].filters, 0);
        snprintf(url, sizeof(url), "%s?filters=%s", ALL, f);
        curl_free(f);
        curl_easy_cleanup(c);
        struct http_res r = http_get(url, tok(it_admin_key));
        assert_error(&r, 400, cases[i].message, "InputException");
        http_res_free(&r);
    }
    struct http_res r = http_get(ALL "?order_by=users.password", tok(it_admin_key));
    assert_error(&r, 400, "Invalid `order_by`: `users.password` is not a sortable field",
                 "InputException");
    http_res_free(&r);
    expect_error(ALL "?order=sideways", tok(it_admin_key), 400, "Invalid `order`: use asc or desc",
                 "InputException");
    /* Nothing was harmed. */
    char *n = sql_value("SELECT count(*) > 0 FROM users");
    ck_assert_str_eq(n, "t");
    free(n);
}
END_TEST

/* n conditions of `field in [1..100]` (as strings for a text field) into out: the list's limits. */
static void in_filters(char *out, size_t len, int n, const char *model, const char *field,
                       int quoted)
{
    size_t o = 0;
    o += (size_t)snprintf(out + o, len - o, "[");
    for (int i = 0; i < n; i++) {
        o +=
            (size_t)snprintf(out + o, len - o,
                             "%s{\"model\":\"%s\",\"field\":\"%s\",\"operator\":\"in\",\"value\":[",
                             i ? "," : "", model, field);
        for (int v = 1; v <= 100; v++)
            o += (size_t)snprintf(out + o, len - o, quoted ? "%s\"%d\"" : "%s%d", v > 1 ? "," : "",
                                  v);
        o += (size_t)snprintf(out + o, len - o, "]}");
    }
    snprintf(out + o, len - o, "]");
}

/*
 * Filters at the documented limits run (they bind thousands of parameters):
 * six `in` lists of 100 values in the query string of /conversations/all and
 * /contacts, and a shared view holding the maximum, 50 of them.
 */
START_TEST(test_filters_at_the_limits)
{
    static char filters[64 * 1024], url[80 * 1024], body[80 * 1024];
    CURL *c = curl_easy_init();

    in_filters(filters, sizeof(filters), 6, "conversations", "status_id", 0);
    char *f = curl_easy_escape(c, filters, 0);
    snprintf(url, sizeof(url), "%s?filters=%s", ALL, f);
    curl_free(f);
    struct http_res r = http_get(url, tok(it_admin_key));
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    http_res_free(&r);
    in_filters(filters, sizeof(filters), 6, "users", "email", 1);
    f = curl_easy_escape(c, filters, 0);
    snprintf(url, sizeof(url), "/api/v1/contacts?filters=%s", f);
    curl_free(f);
    r = http_get(url, tok(it_admin_key));
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    http_res_free(&r);
    curl_easy_cleanup(c);

    in_filters(filters, sizeof(filters), 50, "conversations", "status_id", 0);
    snprintf(body, sizeof(body),
             "{\"name\":\"it-limits-%ld\",\"visibility\":\"all\",\"filters\":%s}", (long)getpid(),
             filters);
    r = http_json("POST", "/api/v1/shared-views", it_admin_key, body);
    ck_assert_msg(r.status == 200, "%ld %.200s", r.status, r.body);
    json_object *root, *d = json_data(&r, &root);
    snprintf(url, sizeof(url), "/api/v1/views/%s/conversations", json_str(d, "id"));
    char del[64];
    snprintf(del, sizeof(del), "/api/v1/shared-views/%s", json_str(d, "id"));
    json_object_put(root);
    http_res_free(&r);
    r = http_get(url, tok(it_admin_key));
    ck_assert_msg(r.status == 200, "%ld %.200s", r.status, r.body);
    http_res_free(&r);
    r = http_json("DELETE", del, it_admin_key, NULL);
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
}
END_TEST

START_TEST(test_get_one)
{
    static const char *const keys[] = {"id",
                                       "created_at",
                                       "updated_at",
                                       "uuid",
                                       "contact_id",
                                       "inbox_id",
                                       "closed_at",
                                       "resolved_at",
                                       "reference_number",
                                       "priority",
                                       "priority_id",
                                       "status",
                                       "status_category",
                                       "status_id",
                                       "first_reply_at",
                                       "last_reply_at",
                                       "assigned_user_id",
                                       "assigned_team_id",
                                       "waiting_since",
                                       "snoozed_until",
                                       "subject",
                                       "inbox_mail",
                                       "inbox_reply_to",
                                       "inbox_name",
                                       "inbox_channel",
                                       "tags",
                                       "meta",
                                       "custom_attributes",
                                       "last_message_at",
                                       "last_message",
                                       "last_message_sender",
                                       "last_interaction",
                                       "last_interaction_at",
                                       "last_interaction_sender",
                                       "contact",
                                       "sla_policy_id",
                                       "sla_policy_name",
                                       "applied_sla_id",
                                       "first_response_deadline_at",
                                       "resolution_deadline_at",
                                       "next_response_deadline_at",
                                       "next_response_met_at",
                                       "csat_rating",
                                       "csat_feedback",
                                       "csat_responded_at",
                                       "previous_conversations"};
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/conversations/%s", conv("c5"));
    struct http_res r = http_get(path, tok(it_agent_key));
    ck_assert_int_eq(r.status, 200);
    json_object *root = json_body(&r), *d = json_object_object_get(root, "data");
    size_t i = 0;
    json_object_object_foreach(d, k, v)
    {
        (void)v;
        ck_assert_msg(i < sizeof(keys) / sizeof(keys[0]) && strcmp(k, keys[i]) == 0,
                      "key %zu is %s", i, k);
        i++;
    }
    ck_assert_uint_eq(i, sizeof(keys) / sizeof(keys[0]));
    ck_assert_str_eq(json_object_get_string(json_object_object_get(d, "subject")), "c5");
    ck_assert_str_eq(json_object_get_string(json_object_object_get(d, "status")), "Snoozed");
    ck_assert_str_eq(json_object_get_string(json_object_object_get(d, "status_category")),
                     "waiting");
    ck_assert_str_eq(json_object_get_string(json_object_object_get(d, "priority")), "High");
    json_object *contact = json_object_object_get(d, "contact");
    ck_assert_str_eq(json_object_get_string(json_object_object_get(contact, "email")), c1_email);
    ck_assert_str_eq(json_object_get_string(json_object_object_get(contact, "type")), "contact");
    json_object *tags = json_object_object_get(d, "tags");
    ck_assert_int_eq(json_object_array_length(tags), 1);
    char *want = sql_valuef("SELECT name FROM tags WHERE id = %s", tag);
    ck_assert_str_eq(json_object_get_string(json_object_array_get_idx(tags, 0)), want);
    free(want);
    /* The contact's other conversations, newest first: c1 (1h ago), c3 (3h ago). */
    json_object *prev = json_object_object_get(d, "previous_conversations");
    ck_assert_int_eq(json_object_array_length(prev), 2);
    ck_assert_str_eq(json_object_get_string(
                         json_object_object_get(json_object_array_get_idx(prev, 0), "subject")),
                     "c1");
    ck_assert_str_eq(json_object_get_string(
                         json_object_object_get(json_object_array_get_idx(prev, 1), "subject")),
                     "c3");
    char *id = field("c5", "id");
    ck_assert_int_eq(json_object_get_int64(json_object_object_get(d, "id")), atol(id));
    free(id);
    json_object_put(root);
    http_res_free(&r);

    expect_error("/api/v1/conversations/not-a-uuid", tok(it_admin_key), 400,
                 "Invalid conversation `uuid`", "InputException");
    expect_error("/api/v1/conversations/00000000-0000-0000-0000-000000000000", tok(it_admin_key),
                 404, "Conversation not found", "NotFoundException");
    snprintf(path, sizeof(path), "/api/v1/conversations/%s/participants", conv("c5"));
    r = http_get(path, tok(it_admin_key));
    ck_assert_str_eq(r.body, "{\"status\":\"success\",\"data\":[]}");
    http_res_free(&r);
}
END_TEST

START_TEST(test_access_rule)
{
    char path[128], sql[256];
    /* read + read_assigned only: my own conversation yes, any other no. */
    snprintf(sql, sizeof(sql),
             "UPDATE conversations SET assigned_user_id = %s WHERE inbox_id = %s"
             " AND subject = 'c4'",
             limited_id, inbox);
    sql_exec(sql);
    snprintf(path, sizeof(path), "/api/v1/conversations/%s", conv("c4"));
    struct http_res r = http_get(path, tok(limited_key));
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    snprintf(path, sizeof(path), "/api/v1/conversations/%s", conv("c1"));
    expect_error(path, tok(limited_key), 403, "Permission denied", "PermissionException");
    char out[256];
    ck_assert_int_eq(put("c1", "last-seen", limited_key, NULL, out, sizeof(out)), 403);
    /* The route permission comes first: no update_status, no status change. */
    ck_assert_int_eq(put("c4", "status", limited_key, "{\"status\":\"Closed\"}", out, sizeof(out)),
                     403);
    ck_assert_str_eq(out, "{\"status\":\"error\",\"message\":\"Permission denied\","
                          "\"error_type\":\"PermissionException\",\"data\":null}");
    expect_field("c4", "(SELECT name FROM conversation_statuses WHERE id = status_id)", "Closed");
    snprintf(sql, sizeof(sql),
             "UPDATE conversations SET assigned_user_id = %s WHERE inbox_id = %s"
             " AND subject = 'c4'",
             admin_id, inbox);
    sql_exec(sql);
}
END_TEST

/*
 * Asserts the activity messages of cN newer than message id `after`, oldest
 * first, as "text|text|..." (NULL: none).
 */
static void expect_activity(const char *subject, const char *after, const char *want)
{
    char col[512];
    snprintf(col, sizeof(col),
             "(SELECT string_agg(m.text_content, '|' ORDER BY m.id) FROM conversation_messages m"
             " WHERE m.conversation_id = conversations.id AND m.type = 'activity'"
             " AND m.id > %s)",
             after);
    expect_field(subject, col, want);
}

START_TEST(test_status_updates)
{
    char *mark = sql_valuef("SELECT coalesce(max(id), 0) FROM conversation_messages");
    expect_field("c2", "resolved_at IS NULL", "t");
    put_ok("c2", "status", "{\"status\":\"Resolved\"}");
    expect_field("c2", "(SELECT name FROM conversation_statuses WHERE id = status_id)", "Resolved");
    expect_field("c2", "resolved_at IS NOT NULL AND closed_at IS NULL", "t");
    char *resolved = field("c2", "resolved_at");
    put_ok("c2", "status", "{\"status\":\"Closed\"}");
    expect_field("c2", "closed_at IS NOT NULL", "t");
    expect_field("c2", "resolved_at::text", resolved); /* first move only */
    free(resolved);
    put_ok("c2", "status", "{\"status\":\"Snoozed\",\"snoozed_until\":\"1h30m\"}");
    expect_field(
        "c2", "snoozed_until - now() BETWEEN interval '89 minutes' AND interval '91 minutes'", "t");
    put_ok("c2", "status", "{\"status\":\"Open\"}");
    expect_field("c2", "snoozed_until IS NULL", "t");
    /* The same status again changes nothing. */
    char *updated = field("c2", "updated_at");
    put_ok("c2", "status", "{\"status\":\"Open\"}");
    expect_field("c2", "updated_at::text", updated);
    free(updated);
    put_err("c2", "status", "{\"status\":\"Nope\"}", 400, "Unknown status `Nope`",
            "InputException");
    put_err("c2", "status", "{}", 400, "`status` empty", "InputException");
    put_err("c2", "status", "{\"status\":\"Snoozed\"}", 400,
            "Invalid `snoozed_until`: use a duration such as 30m, 2h or 1h30m", "InputException");
    put_err("c2", "status", "{\"status\":\"Snoozed\",\"snoozed_until\":\"-1h\"}", 400,
            "Invalid `snoozed_until`: use a duration such as 30m, 2h or 1h30m", "InputException");
    expect_field("c2", "(SELECT name FROM conversation_statuses WHERE id = status_id)", "Open");
    put_err("c2", "status", "{\"status\":", 400, "Error parsing request", "InputException");
    /* Each change left an activity message by the actor; refusals and "Open" again did not. */
    expect_activity("c2", mark,
                    "It Admin set the status to Resolved|It Admin set the status to Closed|"
                    "It Admin set the status to Snoozed|It Admin set the status to Open");
    char col[512], want[128];
    snprintf(col, sizeof(col),
             "(SELECT m.private || '/' || m.status || '/' || m.sender_type || '/' || m.sender_id"
             " || '/' || m.content_type || '/' || (m.meta->>'activity') || '/' ||"
             " (m.meta->>'value') || '/' || (m.meta->>'activity_type') FROM conversation_messages m"
             " WHERE m.conversation_id = conversations.id AND m.type = 'activity'"
             " ORDER BY m.id DESC LIMIT 1)");
    snprintf(want, sizeof(want), "true/sent/agent/%s/text/status/Open/status_change", admin_id);
    expect_field("c2", col, want);
    free(mark);
}
END_TEST

START_TEST(test_priority_and_assignees)
{
    char body[128], path[256], want[512];
    char *mark = sql_valuef("SELECT coalesce(max(id), 0) FROM conversation_messages");
    put_ok("c3", "priority", "{\"priority\":\"Medium\"}");
    expect_field("c3", "(SELECT name FROM conversation_priorities WHERE id = priority_id)",
                 "Medium");
    /* A form body works as well (upstream's decoder accepts both). */
    snprintf(path, sizeof(path), "/api/v1/conversations/%s/priority", conv("c3"));
    struct http_res r = http_do("PUT", path, tok(it_admin_key), "priority=Low", 12,
                                "Content-Type: application/x-www-form-urlencoded");
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    expect_field("c3", "(SELECT name FROM conversation_priorities WHERE id = priority_id)", "Low");
    put_err("c3", "priority", "{\"priority\":\"Urgent\"}", 400, "Unknown priority `Urgent`",
            "InputException");

    snprintf(body, sizeof(body), "{\"assignee_id\":%s}", agent_id);
    put_ok("c3", "assignee/user", body);
    expect_field("c3", "assigned_user_id::text", agent_id);
    expect_field("c3", "assigned_team_id::text", team);
    put_ok("c3", "assignee/user/remove", NULL);
    expect_field("c3", "assigned_user_id IS NULL", "t");
    put_ok("c1", "assignee/user", body);
    snprintf(body, sizeof(body), "{\"assignee_id\":\"%s\"}", team);
    put_ok("c1", "assignee/team", body); /* a new team clears the agent, as upstream */
    expect_field("c1", "assigned_team_id::text", team);
    expect_field("c1", "assigned_user_id IS NULL", "t");
    put_ok("c1", "assignee/team/remove", NULL);
    expect_field("c1", "assigned_team_id IS NULL AND assigned_user_id IS NULL", "t");
    put_err("c1", "assignee/user", "{\"assignee_id\":999999}", 400, "Agent not found",
            "InputException");
    put_err("c1", "assignee/team", "{\"assignee_id\":999999}", 400, "Team not found",
            "InputException");
    put_err("c1", "assignee/user", "{\"assignee_id\":\"x\"}", 400, "`assignee_id` Required",
            "InputException");
    /* c1 is back where the list tests left it: unassigned. */
    expect("/api/v1/conversations/unassigned", it_admin_key, with(NULL), NULL, "c1,c5", 2);
    expect_activity("c3", mark,
                    "It Admin set the priority to Medium|It Admin set the priority to Low|"
                    "It Admin assigned the conversation to It Agent|"
                    "It Admin removed the assigned agent");
    char *tname = sql_valuef("SELECT name FROM teams WHERE id = %s", team);
    snprintf(want, sizeof(want),
             "It Admin assigned the conversation to It Agent|"
             "It Admin assigned the conversation to the team %s|"
             "It Admin removed the assigned team",
             tname);
    free(tname);
    expect_activity("c1", mark, want);
    free(mark);
}
END_TEST

/* unread_message_count of fixture conversation cN in the admin's list. */
static long unread(const char *subject)
{
    struct http_res r = http_get("/api/v1/conversations/all?page_size=500", tok(it_admin_key));
    json_object *root = json_body(&r);
    json_object *res = json_object_object_get(json_object_object_get(root, "data"), "results");
    long n = -1;
    for (size_t i = 0; i < json_object_array_length(res); i++) {
        json_object *it = json_object_array_get_idx(res, i);
        if (strcmp(json_object_get_string(json_object_object_get(it, "uuid")), conv(subject)) == 0)
            n = (long)json_object_get_int64(json_object_object_get(it, "unread_message_count"));
    }
    json_object_put(root);
    http_res_free(&r);
    return n;
}

START_TEST(test_seen_and_unread)
{
    /* c2 holds only activity messages (its status changes): nothing to read. */
    expect_field("c2",
                 "(SELECT count(*) FROM conversation_messages m WHERE m.conversation_id ="
                 " conversations.id AND m.type = 'activity') > 0",
                 "t");
    ck_assert_int_eq(unread("c2"), 0);
    ck_assert_int_eq(unread("c6"), 1); /* the note; never seen */
    put_ok("c6", "last-seen", NULL);
    ck_assert_int_eq(unread("c6"), 0);
    char *n = sql_valuef(
        "SELECT count(*) FROM conversation_last_seen ls JOIN users u ON u.id = ls.user_id"
        " WHERE u.email = '%s'",
        it_admin_email);
    ck_assert_str_eq(n, "1");
    free(n);
    put_ok("c6", "mark-unread", NULL);
    ck_assert_int_eq(unread("c6"), 1);
}
END_TEST

START_TEST(test_concurrent_status_updates)
{
    pid_t kids[8];
    for (int i = 0; i < 8; i++) {
        kids[i] = fork();
        if (kids[i] == 0) {
            int bad = 0;
            for (int k = 0; k < 10; k++)
                bad += put("c4", "status", it_admin_key,
                           (i + k) % 2 ? "{\"status\":\"Resolved\"}" : "{\"status\":\"Open\"}",
                           NULL, 0) != 200;
            _exit(bad);
        }
    }
    for (int i = 0; i < 8; i++) {
        int st;
        ck_assert_int_eq(waitpid(kids[i], &st, 0), kids[i]);
        ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a status update failed");
    }
    /* One consistent row, and the count table still agrees with the rows. */
    char *s = field("c4", "(SELECT name FROM conversation_statuses WHERE id = status_id)");
    ck_assert(strcmp(s, "Open") == 0 || strcmp(s, "Resolved") == 0);
    free(s);
    char *mismatch =
        sql_valuef("SELECT count(*) FROM (SELECT status_id, coalesce(priority_id, 0),"
                   " coalesce(assigned_user_id, 0), coalesce(assigned_team_id, 0), inbox_id,"
                   " count(*) FROM conversations GROUP BY 1, 2, 3, 4, 5 EXCEPT SELECT status_id,"
                   " priority_id, assigned_user_id, assigned_team_id, inbox_id, n FROM"
                   " deskd_conversation_counts WHERE n <> 0) x");
    ck_assert_str_eq(mismatch, "0");
    free(mismatch);
    /* The (status, assignee) rollup, both ways. */
    mismatch = sql_valuef(
        "SELECT count(*) FROM ((SELECT status_id, coalesce(assigned_user_id, 0), count(*)"
        " FROM conversations GROUP BY 1, 2 EXCEPT SELECT status_id, assigned_user_id, n"
        " FROM deskd_assignee_counts WHERE n <> 0) UNION ALL (SELECT status_id, assigned_user_id,"
        " n FROM deskd_assignee_counts WHERE n <> 0 EXCEPT SELECT status_id,"
        " coalesce(assigned_user_id, 0), count(*) FROM conversations GROUP BY 1, 2)) x");
    ck_assert_str_eq(mismatch, "0");
    free(mismatch);
}
END_TEST

static long post_tags(const char *subject, const char *body, char *out, size_t outlen)
{
    char path[256];
    snprintf(path, sizeof(path), "/api/v1/conversations/%s/tags", conv(subject));
    struct http_res r = http_do("POST", path, tok(it_admin_key), body, strlen(body), NULL);
    long st = r.status;
    snprintf(out, outlen, "%s", r.body);
    http_res_free(&r);
    return st;
}

static void expect_tags(const char *subject, const char *want)
{
    char *got =
        sql_valuef("SELECT coalesce(string_agg(t.name, ',' ORDER BY t.name), '') FROM"
                   " conversation_tags ct JOIN tags t ON t.id = ct.tag_id JOIN conversations c"
                   " ON c.id = ct.conversation_id WHERE c.inbox_id = %s AND c.subject = '%s'",
                   inbox, subject);
    ck_assert_str_eq(got, want);
    free(got);
}

START_TEST(test_tags)
{
    char out[512];
    char *mark = sql_valuef("SELECT coalesce(max(id), 0) FROM conversation_messages");
    sql_exec(
        "INSERT INTO tags (name) VALUES ('it-a'), ('it-b'), ('it-\"q\"') ON CONFLICT DO NOTHING");
    ck_assert_int_eq(post_tags("c2", "{\"tags\":[\"it-b\",\"it-a\"]}", out, sizeof(out)), 200);
    ck_assert_str_eq(out, "{\"status\":\"success\",\"data\":true}");
    expect_tags("c2", "it-a,it-b");
    ck_assert_int_eq(
        post_tags("c2", "{\"tags\":[\"it-\\\"q\\\"\"],\"action\":\"add_tags\"}", out, sizeof(out)),
        200);
    expect_tags("c2", "it-\"q\",it-a,it-b");
    ck_assert_int_eq(
        post_tags("c2", "{\"tags\":[\"it-a\"],\"action\":\"remove_tags\"}", out, sizeof(out)), 200);
    expect_tags("c2", "it-\"q\",it-b");
    ck_assert_int_eq(
        post_tags("c2", "{\"tags\":[\"it-a\"],\"action\":\"set_tags\"}", out, sizeof(out)), 200);
    expect_tags("c2", "it-a");
    /* Names that are no tag are skipped (upstream): the rest applies, the answer is true. */
    ck_assert_int_eq(post_tags("c2", "{\"tags\":[\"it-b\",\"nope'); DROP TABLE tags; --\",\"\"]}",
                               out, sizeof(out)),
                     200);
    ck_assert_str_eq(out, "{\"status\":\"success\",\"data\":true}");
    expect_tags("c2", "it-b");
    ck_assert_int_eq(
        post_tags("c2", "{\"tags\":[\"nope\"],\"action\":\"add_tags\"}", out, sizeof(out)), 200);
    expect_tags("c2", "it-b");
    /* Nothing changes: no activity either (already there, not there). */
    ck_assert_int_eq(
        post_tags("c2", "{\"tags\":[\"it-b\"],\"action\":\"add_tags\"}", out, sizeof(out)), 200);
    ck_assert_int_eq(
        post_tags("c2", "{\"tags\":[\"it-a\"],\"action\":\"remove_tags\"}", out, sizeof(out)), 200);
    ck_assert_int_eq(post_tags("c2", "{\"tags\":[\"it-b\"]}", out, sizeof(out)), 200);
    expect_tags("c2", "it-b");
    /* Refusals change nothing. */
    ck_assert_int_eq(post_tags("c2", "{\"tags\":\"it-a\"}", out, sizeof(out)), 400);
    ck_assert_str_eq(out, "{\"status\":\"error\",\"message\":\"`tags` must be an array of at most"
                          " 100 tag names\",\"error_type\":\"InputException\",\"data\":null}");
    ck_assert_int_eq(post_tags("c2", "{\"tags\":[\"it-a\",1]}", out, sizeof(out)), 400);
    ck_assert_int_eq(
        post_tags("c2", "{\"tags\":[\"it-a\"],\"action\":\"replace\"}", out, sizeof(out)), 400);
    ck_assert_str_eq(out, "{\"status\":\"error\",\"message\":\"Invalid `action`: use set_tags,"
                          " add_tags or remove_tags\",\"error_type\":\"InputException\","
                          "\"data\":null}");
    expect_tags("c2", "it-b");
    ck_assert_int_eq(post_tags("c2", "{\"tags\":[]}", out, sizeof(out)), 200);
    expect_tags("c2", "");
    /* One activity message by the caller per tag really added or removed, removals first. */
    expect_activity("c2", mark,
                    "It Admin added the tag it-a|It Admin added the tag it-b|"
                    "It Admin added the tag it-\"q\"|"
                    "It Admin removed the tag it-a|"
                    "It Admin removed the tag it-\"q\"|It Admin removed the tag it-b|"
                    "It Admin added the tag it-a|"
                    "It Admin removed the tag it-a|It Admin added the tag it-b|"
                    "It Admin removed the tag it-b");
    char col[1024], want[512];
    snprintf(col, sizeof(col),
             "(SELECT string_agg(m.private || '/' || m.status || '/' || m.sender_type || '/' ||"
             " m.sender_id || '/' || m.content_type || '/' || m.content || '/' || m.meta::text,"
             " '|' ORDER BY m.id) FROM (SELECT * FROM conversation_messages m WHERE"
             " m.conversation_id = conversations.id AND m.type = 'activity' AND m.id > %s"
             " ORDER BY m.id DESC LIMIT 2) m)",
             mark);
    snprintf(want, sizeof(want),
             "true/sent/agent/%s/text/It Admin added the tag it-b/"
             "{\"value\": \"it-b\", \"activity\": \"tag_added\", \"activity_type\": \"tag_added\"}|"
             "true/sent/agent/%s/text/It Admin removed the tag it-b/"
             "{\"value\": \"it-b\", \"activity\": \"tag_removed\", \"activity_type\":"
             " \"tag_removed\"}",
             admin_id, admin_id);
    expect_field("c2", col, want);
    free(mark);
}
END_TEST

START_TEST(test_bad_bodies)
{
    size_t big = 70 * 1024;
    char *body = malloc(big + 1);
    memset(body, ' ', big);
    body[big] = '\0';
    body[0] = '{';
    body[big - 1] = '}';
    put_err("c1", "status", body, 413, "Request body too large", "GeneralException");
    free(body);
    put_err("c1", "priority", "[\"High\"]", 400, "Error parsing request", "InputException");
    put_err("c1", "priority", "{\"priority\":\"High\"} x", 400, "Error parsing request",
            "InputException");
    put_err("c1", "priority", "{\"priority\":\"\xff\"}", 400, "Error parsing request",
            "InputException");
}
END_TEST

static long post_message(const char *subject, const char *key, const char *body, char *out,
                         size_t outlen)
{
    char path[256];
    snprintf(path, sizeof(path), "/api/v1/conversations/%s/messages", conv(subject));
    struct http_res r = http_do("POST", path, tok(key), body, strlen(body), NULL);
    long st = r.status;
    if (out != NULL)
        snprintf(out, outlen, "%s", r.body);
    http_res_free(&r);
    return st;
}

static char *messages_count(const char *subject)
{
    return sql_valuef("SELECT count(*) FROM conversation_messages m JOIN conversations c ON c.id ="
                      " m.conversation_id WHERE c.inbox_id = %s AND c.subject = '%s'",
                      inbox, subject);
}

START_TEST(test_messages_list_and_get)
{
    char path[256];
    long total;
    snprintf(path, sizeof(path), "/api/v1/conversations/%s/messages", conv("c6"));
    struct {
        const char *query;
        long total;
    } cases[] = {{"", 1},
                 {"?private=true", 1},
                 {"?private=no", 0},
                 {"?type=outgoing", 1},
                 {"?type=incoming&type=activity", 0},
                 {"?page=5", 1}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char url[300];
        snprintf(url, sizeof(url), "%s%s", path, cases[i].query);
        struct http_res r = http_get(url, tok(it_admin_key));
        ck_assert_msg(r.status == 200, "%s: %ld", url, r.status);
        json_object *root = json_body(&r);
        total = (long)json_object_get_int64(
            json_object_object_get(json_object_object_get(root, "data"), "total"));
        ck_assert_msg(total == cases[i].total, "%s: total %ld", url, total);
        json_object_put(root);
        http_res_free(&r);
    }
    snprintf(path, sizeof(path), "/api/v1/conversations/%s/messages?type=bogus", conv("c6"));
    expect_error(path, tok(it_admin_key), 400, "Invalid `type`: use incoming, outgoing or activity",
                 "InputException");

    char *muuid =
        sql_valuef("SELECT m.uuid FROM conversation_messages m JOIN conversations c ON c.id ="
                   " m.conversation_id WHERE c.inbox_id = %s AND c.subject = 'c6'",
                   inbox);
    snprintf(path, sizeof(path), "/api/v1/conversations/%s/messages/%s", conv("c6"), muuid);
    struct http_res r = http_get(path, tok(it_admin_key));
    ck_assert_int_eq(r.status, 200);
    json_object *root = json_body(&r), *d = json_object_object_get(root, "data");
    ck_assert_str_eq(json_object_get_string(json_object_object_get(d, "uuid")), muuid);
    ck_assert_str_eq(json_object_get_string(json_object_object_get(d, "conversation_uuid")),
                     conv("c6"));
    ck_assert(json_object_get_boolean(json_object_object_get(d, "private")));
    ck_assert_str_eq(json_object_get_string(
                         json_object_object_get(json_object_object_get(d, "author"), "email")),
                     it_admin_email);
    json_object_put(root);
    http_res_free(&r);
    /* The message of another conversation through this one's path: 403. */
    snprintf(path, sizeof(path), "/api/v1/conversations/%s/messages/%s", conv("c1"), muuid);
    expect_error(path, tok(it_admin_key), 403, "Permission denied", "PermissionException");
    snprintf(path, sizeof(path), "/api/v1/conversations/%s/messages/%s", conv("c6"),
             "00000000-0000-0000-0000-000000000000");
    expect_error(path, tok(it_admin_key), 404, "Message not found", "NotFoundException");
    free(muuid);
}
END_TEST

START_TEST(test_send_messages)
{
    char out[4096];
    /* An agent reply: outgoing, pending, the conversation's bookkeeping moves. */
    ck_assert_int_eq(
        post_message("c1", it_admin_key,
                     "{\"message\":\"<p>Hi &amp; <b>bye</b></p>\",\"sender_type\":\"agent\","
                     "\"echo_id\":\"abc\"}",
                     out, sizeof(out)),
        200);
    ck_assert_ptr_nonnull(strstr(out, "\"status\" : \"pending\""));
    ck_assert_ptr_nonnull(strstr(out, "\"text_content\" : \"Hi & bye\""));
    ck_assert_ptr_nonnull(strstr(out, "\"echo_id\": \"abc\""));
    expect_field("c1", "last_message", "Hi & bye");
    expect_field("c1", "last_message_sender::text", "agent");
    expect_field("c1", "waiting_since IS NULL AND first_reply_at IS NOT NULL", "t");
    char *n = sql_valuef("SELECT count(*) FROM conversation_participants p JOIN conversations c ON"
                         " c.id = p.conversation_id WHERE c.inbox_id = %s AND c.subject = 'c1' AND"
                         " p.user_id = %s",
                         inbox, admin_id);
    ck_assert_str_eq(n, "1");
    free(n);

    /* A private note with mentions: not customer-facing, mentions recorded. */
    char body[512];
    snprintf(body, sizeof(body),
             "{\"message\":\"note\",\"sender_type\":\"agent\",\"private\":true,"
             "\"mentions\":[{\"type\":\"agent\",\"id\":%s},{\"type\":\"team\",\"id\":%s},"
             "{\"type\":\"agent\",\"id\":999999}]}",
             agent_id, team);
    ck_assert_int_eq(post_message("c1", it_admin_key, body, out, sizeof(out)), 200);
    expect_field("c1", "last_message", "Hi & bye");
    n = sql_valuef("SELECT count(*) FROM conversation_mentions m JOIN conversations c ON c.id ="
                   " m.conversation_id WHERE c.inbox_id = %s AND c.subject = 'c1'",
                   inbox);
    ck_assert_str_eq(n, "2"); /* the unknown agent is not mentioned */
    free(n);

    /* Contact messages need messages:write_as_contact; nothing is written without it. */
    char *before = messages_count("c1");
    ck_assert_int_eq(post_message("c1", it_admin_key,
                                  "{\"message\":\"x\",\"sender_type\":\"contact\"}", out,
                                  sizeof(out)),
                     403);
    char *after = messages_count("c1");
    ck_assert_str_eq(before, after);
    free(before);
    free(after);
    char sql[512];
    snprintf(sql, sizeof(sql),
             "INSERT INTO roles (name, permissions) VALUES ('IT as contact %s',"
             " ARRAY['messages:write_as_contact']) ON CONFLICT DO NOTHING;"
             "INSERT INTO user_roles (user_id, role_id) SELECT %s, id FROM roles WHERE name ="
             " 'IT as contact %s' ON CONFLICT DO NOTHING",
             inbox, admin_id, inbox);
    sql_exec(sql);
    ck_assert_int_eq(post_message("c1", it_admin_key,
                                  "{\"message\":\"Still broken\",\"sender_type\":\"contact\","
                                  "\"private\":true}",
                                  out, sizeof(out)),
                     400);
    ck_assert_int_eq(post_message("c1", it_admin_key,
                                  "{\"message\":\"Still broken\",\"sender_type\":\"contact\"}", out,
                                  sizeof(out)),
                     200);
    ck_assert_ptr_nonnull(strstr(out, "\"type\" : \"incoming\""));
    expect_field("c1", "last_message_sender::text", "contact");
    expect_field("c1", "waiting_since IS NOT NULL", "t");
    expect_field("c1",
                 "(SELECT sender_id FROM conversation_messages m WHERE m.conversation_id ="
                 " conversations.id ORDER BY m.id DESC LIMIT 1) = contact_id",
                 "t");
    expect_field("c1",
                 "EXISTS (SELECT 1 FROM conversation_participants p WHERE p.conversation_id ="
                 " conversations.id AND p.user_id = contact_id)",
                 "t");
    snprintf(sql, sizeof(sql), "DELETE FROM roles WHERE name = 'IT as contact %s'", inbox);
    sql_exec(sql);

    ck_assert_int_eq(post_message("c1", it_admin_key, "{\"message\":\"x\"}", out, sizeof(out)),
                     400);
    ck_assert_int_eq(post_message("c1", it_admin_key,
                                  "{\"message\":\"\",\"sender_type\":\"agent\"}", out, sizeof(out)),
                     400);
}
END_TEST

START_TEST(test_send_is_atomic)
{
    /* Make the last step of the send fail: nothing of it may remain. */
    char *before = messages_count("c2");
    char *last = field("c2", "coalesce(last_message, '')");
    sql_exec("ALTER TABLE conversation_participants RENAME TO conversation_participants_moved");
    char out[1024];
    long st = post_message("c2", it_admin_key, "{\"message\":\"lost\",\"sender_type\":\"agent\"}",
                           out, sizeof(out));
    sql_exec("ALTER TABLE conversation_participants_moved RENAME TO conversation_participants");
    ck_assert_int_eq(st, 500);
    char *after = messages_count("c2");
    ck_assert_str_eq(before, after);
    expect_field("c2", "coalesce(last_message, '')", last);
    free(before);
    free(after);
    free(last);
    ck_assert_int_eq(post_message("c2", it_admin_key,
                                  "{\"message\":\"kept\",\"sender_type\":\"agent\"}", out,
                                  sizeof(out)),
                     200);
}
END_TEST

START_TEST(test_retry)
{
    char out[1024], path[256];
    ck_assert_int_eq(post_message("c3", it_admin_key,
                                  "{\"message\":\"to retry\",\"sender_type\":\"agent\"}", out,
                                  sizeof(out)),
                     200);
    char *muuid =
        sql_valuef("SELECT m.uuid FROM conversation_messages m JOIN conversations c ON c.id ="
                   " m.conversation_id WHERE c.inbox_id = %s AND c.subject = 'c3' AND"
                   " m.text_content = 'to retry'",
                   inbox);
    snprintf(path, sizeof(path), "/api/v1/conversations/%s/messages/%s/retry", conv("c3"), muuid);
    struct http_res r = http_do("PUT", path, tok(it_admin_key), NULL, 0, NULL);
    assert_error(&r, 400, "Only your own failed replies can be retried", "InputException");
    http_res_free(&r);
    char sql[256];
    snprintf(sql, sizeof(sql),
             "UPDATE conversation_messages SET status = 'failed' WHERE uuid = '%s'", muuid);
    sql_exec(sql);
    r = http_do("PUT", path, tok(it_agent_key), NULL, 0, NULL); /* not the agent's message */
    assert_error(&r, 400, "Only your own failed replies can be retried", "InputException");
    http_res_free(&r);
    r = http_do("PUT", path, tok(it_admin_key), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    char *st = sql_valuef("SELECT status FROM conversation_messages WHERE uuid = '%s'", muuid);
    ck_assert_str_eq(st, "pending");
    free(st);
    free(muuid);
}
END_TEST

/* The subjects (or emails, for contacts) a search returns, comma-separated (malloc'd). */
static char *search(const char *what, const char *key, const char *q, const char *field_name)
{
    char url[512];
    CURL *c = curl_easy_init();
    char *e = curl_easy_escape(c, q, 0);
    snprintf(url, sizeof(url), "/api/v1/%s/search?query=%s", what, e);
    curl_free(e);
    curl_easy_cleanup(c);
    struct http_res r = http_get(url, tok(key));
    ck_assert_msg(r.status == 200, "%s: %ld %s", url, r.status, r.body);
    json_object *root = json_body(&r), *d = json_object_object_get(root, "data");
    char *out = calloc(1, 1024);
    size_t o = 0;
    for (size_t i = 0; i < json_object_array_length(d) && o < 900; i++) {
        json_object *it = json_object_array_get_idx(d, i);
        const char *v = json_object_get_string(json_object_object_get(it, field_name));
        o += (size_t)snprintf(out + o, 1024 - o, "%s%.40s", i ? "," : "", v ? v : "?");
    }
    json_object_put(root);
    http_res_free(&r);
    return out;
}

START_TEST(test_search)
{
    char *got, prefix[16];
    snprintf(prefix, sizeof(prefix), "%.10s", c1_email); /* "it-c1-<pid>" */
    got = search("conversations", it_admin_key, prefix, "subject");
    ck_assert_str_eq(got, "c5,c3,c1"); /* newest first, as upstream */
    free(got);
    /* Only what the caller may see: the limited agent sees none of these. */
    got = search("conversations", limited_key, prefix, "subject");
    ck_assert_str_eq(got, "");
    free(got);
    char *ref = field("c2", "reference_number");
    got = search("conversations", it_admin_key, ref, "reference_number");
    ck_assert_int_eq(strncmp(got, ref, strlen(ref)), 0); /* the exact reference first */
    free(got);
    free(ref);
    char token[64], body[160], out[2048];
    snprintf(token, sizeof(token), "zz-%s-search_100%%", inbox); /* unique to this run */
    snprintf(body, sizeof(body), "{\"message\":\"%s\",\"sender_type\":\"agent\"}", token);
    ck_assert_int_eq(post_message("c4", it_admin_key, body, out, sizeof(out)), 200);
    got = search("messages", it_admin_key, token, "text_content");
    ck_assert_str_eq(got, token);
    free(got);
    /*
     * Without conversations:read the access rule opens nothing, so the search
     * shows nothing either, read_all or not (its messages route answers 403).
     */
    char sql[512], email[96], key[256];
    snprintf(sql, sizeof(sql),
             "INSERT INTO roles (name, permissions) VALUES ('IT no conv read %ld',"
             " ARRAY['messages:read', 'conversations:read_all'])",
             (long)getpid());
    sql_exec(sql);
    snprintf(email, sizeof(email), "it-noread-%ld@example.com", (long)getpid());
    snprintf(sql, sizeof(sql), "IT no conv read %ld", (long)getpid());
    it_make_agent(email, "Noread", sql, NULL, NULL, 0, key, sizeof(key));
    got = search("messages", key, token, "text_content");
    ck_assert_str_eq(got, "");
    free(got);
    /* Mentioned where it cannot open the conversation: the mentioned list leaves it out. */
    snprintf(sql, sizeof(sql),
             "INSERT INTO roles (name, permissions) VALUES ('IT mention only %ld',"
             " ARRAY['conversations:read', 'messages:read'])",
             (long)getpid());
    sql_exec(sql);
    char mail2[96], key2[256], mid[16], note[256];
    snprintf(mail2, sizeof(mail2), "it-mentioned-%ld@example.com", (long)getpid());
    snprintf(sql, sizeof(sql), "IT mention only %ld", (long)getpid());
    it_make_agent(mail2, "Mentioned", sql, NULL, mid, sizeof(mid), key2, sizeof(key2));
    snprintf(note, sizeof(note),
             "{\"message\":\"fyi\",\"sender_type\":\"agent\",\"private\":true,"
             "\"mentions\":[{\"type\":\"agent\",\"id\":%s}]}",
             mid);
    ck_assert_int_eq(post_message("c4", it_admin_key, note, out, sizeof(out)), 200);
    expect_sqlf("1", "SELECT count(*) FROM conversation_mentions WHERE mentioned_user_id = %s",
                mid);
    struct http_res mr = http_get("/api/v1/conversations/mentioned", tok(key2));
    json_object *mroot, *md = json_data(&mr, &mroot);
    ck_assert_int_eq(json_object_get_int(json_object_object_get(md, "total")), 0);
    json_object_put(mroot);
    http_res_free(&mr);
    got = search("messages", limited_key, token, "text_content");
    ck_assert_str_eq(got, "");
    free(got);
    got = search("contacts", it_admin_key, c1_email, "email");
    ck_assert_str_eq(got, c1_email);
    free(got);
    got = search("contacts", it_admin_key, "it-c_-%", "email"); /* literal, so no match */
    ck_assert_str_eq(got, "");
    free(got);
    expect_error("/api/v1/conversations/search?query=ab", tok(it_admin_key), 400,
                 "Please enter at least 3 characters to search.", "InputException");
    expect_error("/api/v1/contacts/search?query=xyz", tok(it_agent_key), 403, "Permission denied",
                 "PermissionException"); /* the Agent role has no contacts:read */
}
END_TEST

static long create(const char *key, const char *body, char *out, size_t outlen)
{
    struct http_res r =
        http_do("POST", "/api/v1/conversations", tok(key), body, strlen(body), NULL);
    long st = r.status;
    snprintf(out, outlen, "%s", r.body);
    http_res_free(&r);
    return st;
}

START_TEST(test_create_conversation)
{
    char body[1024], out[8192], email[96];
    snprintf(email, sizeof(email), "new-%s@example.org", inbox);
    snprintf(
        body, sizeof(body),
        "{\"inbox_id\":%s,\"contact_email\":\"  NEW-%s@Example.org \",\"first_name\":\"Nia\","
        "\"subject\":\"Printer on fire\",\"content\":\"<p>Help!</p>\",\"initiator\":\"contact\"}",
        inbox, inbox);
    ck_assert_int_eq(create(it_admin_key, body, out, sizeof(out)), 200);
    json_object *root = json_tokener_parse(out), *d = json_object_object_get(root, "data");
    const char *ref = json_object_get_string(json_object_object_get(d, "reference_number"));
    char want[128];
    snprintf(want, sizeof(want), "Printer on fire - #%s", ref);
    ck_assert_str_eq(json_object_get_string(json_object_object_get(d, "subject")), want);
    ck_assert_str_eq(json_object_get_string(json_object_object_get(d, "status")), "Open");
    ck_assert_str_eq(json_object_get_string(
                         json_object_object_get(json_object_object_get(d, "contact"), "email")),
                     email);
    char *uuid = strdup(json_object_get_string(json_object_object_get(d, "uuid")));
    json_object_put(root);
    char *n =
        sql_valuef("SELECT count(*) FROM users WHERE type = 'contact' AND email = '%s'", email);
    ck_assert_str_eq(n, "1");
    free(n);
    n = sql_valuef(
        "SELECT m.type || '/' || m.status || '/' || (m.sender_id = c.contact_id) || '/' ||"
        " (c.waiting_since IS NOT NULL) FROM conversation_messages m JOIN conversations c"
        " ON c.id = m.conversation_id WHERE c.uuid = '%s'",
        uuid);
    ck_assert_str_eq(n, "incoming/received/true/true");
    free(n);
    /* The contact who wrote takes part, as every sender (upstream). */
    n = sql_valuef("SELECT string_agg((p.user_id = c.contact_id)::text, ',') FROM"
                   " conversation_participants p JOIN conversations c ON c.id = p.conversation_id"
                   " WHERE c.uuid = '%s'",
                   uuid);
    ck_assert_str_eq(n, "true");
    free(n);
    free(uuid);

    /* The same e-mail again: the contact is reused; an agent start, assigned. */
    snprintf(
        body, sizeof(body),
        "{\"inbox_id\":%s,\"contact_email\":\"%s\",\"first_name\":\"Other\",\"content\":\"Hello\","
        "\"initiator\":\"agent\",\"team_id\":%s,\"agent_id\":%s}",
        inbox, email, team, agent_id);
    ck_assert_int_eq(create(it_admin_key, body, out, sizeof(out)), 200);
    n = sql_valuef("SELECT count(*) FROM users WHERE type = 'contact' AND email = '%s'", email);
    ck_assert_str_eq(n, "1");
    free(n);
    n = sql_valuef(
        "SELECT c.assigned_team_id || '/' || c.assigned_user_id || '/' || m.type || '/' ||"
        " m.status || '/' || m.sender_id || '/' || (c.subject LIKE '#%%') FROM conversations c"
        " JOIN conversation_messages m ON m.conversation_id = c.id JOIN users u ON"
        " u.id = c.contact_id WHERE u.email = '%s' AND m.type = 'outgoing'",
        email);
    snprintf(want, sizeof(want), "%s/%s/outgoing/pending/%s/true", team, agent_id, admin_id);
    ck_assert_str_eq(n, want);
    free(n);
    /*
     * The assignments leave the assign routes' activity messages, by the
     * caller, after the first message: the team, then the agent.
     */
    n = sql_valuef(
        "SELECT string_agg(m.meta->>'activity' || '/' || (m.sender_id = %s) || '/' ||"
        " (m.id > (SELECT min(f.id) FROM conversation_messages f WHERE f.conversation_id ="
        " c.id AND f.type = 'outgoing')) || '/' || (m.content LIKE"
        " '%% assigned the conversation to ' || CASE m.meta->>'activity' WHEN 'team' THEN"
        " 'the team ' || t.name ELSE a.first_name || '%%' END), ',' ORDER BY m.id)"
        " FROM conversations c JOIN conversation_messages m ON m.conversation_id = c.id"
        " AND m.type = 'activity' JOIN users u ON u.id = c.contact_id"
        " JOIN teams t ON t.id = %s JOIN users a ON a.id = %s WHERE u.email = '%s'"
        " AND c.assigned_team_id IS NOT NULL",
        admin_id, team, agent_id, email);
    ck_assert_str_eq(n, "team/true/true/true,assignee/true/true/true");
    free(n);
}
END_TEST

/* A response body collected by libcurl into a fixed buffer (cut at its size). */
struct sink {
    char buf[2048];
    size_t len;
};

static size_t sink_write(char *data, size_t size, size_t n, void *arg)
{
    struct sink *k = arg;
    size_t add = size * n, room = sizeof(k->buf) - 1 - k->len;
    memcpy(k->buf + k->len, data, add < room ? add : room);
    k->len += add < room ? add : room;
    k->buf[k->len] = '\0';
    return add;
}

#define FIRST_CONTACT_N 8

/*
 * FIRST_CONTACT_N POST /api/v1/conversations with body, all in flight at
 * once (one libcurl multi handle, one connection each); their statuses and
 * bodies.
 */
static void create_at_once(const char *body, long status[FIRST_CONTACT_N],
                           struct sink out[FIRST_CONTACT_N])
{
    CURLM *m = curl_multi_init();
    CURL *h[FIRST_CONTACT_N];
    struct curl_slist *hdrs = NULL;
    char url[256], auth[600];

    ck_assert_ptr_nonnull(m);
    snprintf(url, sizeof(url), "%s/api/v1/conversations", it_base_url());
    snprintf(auth, sizeof(auth), "Authorization: %s", tok(it_admin_key));
    hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
    hdrs = curl_slist_append(hdrs, auth);
    hdrs = curl_slist_append(hdrs, "Expect:");
    curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)FIRST_CONTACT_N);
    for (int i = 0; i < FIRST_CONTACT_N; i++) {
        out[i].len = 0;
        out[i].buf[0] = '\0';
        h[i] = curl_easy_init();
        ck_assert_ptr_nonnull(h[i]);
        curl_easy_setopt(h[i], CURLOPT_URL, url);
        curl_easy_setopt(h[i], CURLOPT_TIMEOUT, 60L);
        curl_easy_setopt(h[i], CURLOPT_FRESH_CONNECT, 1L);
        curl_easy_setopt(h[i], CURLOPT_HTTPHEADER, hdrs);
        curl_easy_setopt(h[i], CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h[i], CURLOPT_WRITEFUNCTION, sink_write);
        curl_easy_setopt(h[i], CURLOPT_WRITEDATA, &out[i]);
        ck_assert_int_eq(curl_multi_add_handle(m, h[i]), CURLM_OK);
    }
    int running = 1;
    while (running) {
        ck_assert_int_eq(curl_multi_perform(m, &running), CURLM_OK);
        if (running)
            ck_assert_int_eq(curl_multi_poll(m, NULL, 0, 1000, NULL), CURLM_OK);
    }
    for (CURLMsg *msg; (msg = curl_multi_info_read(m, &running)) != NULL;)
        ck_assert_msg(msg->msg != CURLMSG_DONE || msg->data.result == CURLE_OK, "%s",
                      curl_easy_strerror(msg->data.result));
    for (int i = 0; i < FIRST_CONTACT_N; i++) {
        curl_easy_getinfo(h[i], CURLINFO_RESPONSE_CODE, &status[i]);
        curl_multi_remove_handle(m, h[i]);
        curl_easy_cleanup(h[i]);
    }
    curl_slist_free_all(hdrs);
    curl_multi_cleanup(m);
}

/*
 * Two e-mails from a new customer arriving together: every concurrent
 * create for one new e-mail becomes a conversation, all with the one
 * contact the first of them made (with and without an external id).  An
 * external id that belongs to a contact with another e-mail is the one
 * conflict left: 409, nothing written.
 */
START_TEST(test_concurrent_first_contact)
{
    long status[FIRST_CONTACT_N];
    static struct sink out[FIRST_CONTACT_N];
    char body[1024], email[96], ext[64], want[256];

    for (int round = 0; round < 4; round++) {
        snprintf(email, sizeof(email), "first-%d-%s@example.org", round, inbox);
        snprintf(ext, sizeof(ext), "ext-first-%s", inbox);
        snprintf(body, sizeof(body),
                 "{\"inbox_id\":%s,\"contact_email\":\"%s\",\"first_name\":\"First\","
                 "\"content\":\"<p>again</p>\",\"initiator\":\"contact\"%s%s%s}",
                 inbox, email, round == 3 ? ",\"external_user_id\":\"" : "", round == 3 ? ext : "",
                 round == 3 ? "\"" : "");
        create_at_once(body, status, out);
        for (int i = 0; i < FIRST_CONTACT_N; i++)
            ck_assert_msg(status[i] == 200, "round %d request %d: %ld %s", round, i, status[i],
                          out[i].buf);
        expect_sqlf("1", "SELECT count(*) FROM users WHERE type = 'contact' AND email = '%s'",
                    email);
        snprintf(want, sizeof(want), "%d", FIRST_CONTACT_N);
        expect_sqlf(want,
                    "SELECT count(*) FROM conversations c JOIN users u ON u.id = c.contact_id"
                    " WHERE u.email = '%s' AND c.inbox_id = %s",
                    email, inbox);
        expect_sqlf(want,
                    "SELECT count(*) FROM conversation_messages m JOIN conversations c ON"
                    " c.id = m.conversation_id JOIN users u ON u.id = c.contact_id"
                    " WHERE u.email = '%s' AND m.sender_id = u.id",
                    email);
    }
    snprintf(want, sizeof(want), "first-3-%s@example.org", inbox);
    expect_sqlf(want, "SELECT email FROM users WHERE external_user_id = '%s'", ext);

    /* The external id is taken by the contact of another e-mail: a conflict no retry solves. */
    char *before = sql_valuef("SELECT count(*) FROM conversations");
    snprintf(body, sizeof(body),
             "{\"inbox_id\":%s,\"contact_email\":\"first-x-%s@example.org\",\"first_name\":\"X\","
             "\"content\":\"<p>x</p>\",\"initiator\":\"contact\",\"external_user_id\":\"%s\"}",
             inbox, inbox, ext);
    expect_json_error("POST", "/api/v1/conversations", it_admin_key, body, 409,
                      "A contact with this `external_user_id` already exists with another e-mail",
                      "ConflictException");
    expect_sqlf(before, "SELECT count(*) FROM conversations");
    free(before);
    expect_sqlf("0", "SELECT count(*) FROM users WHERE email = 'first-x-%s@example.org'", inbox);
}
END_TEST

START_TEST(test_create_refusals)
{
    char body[1024], out[2048];
    /* inbox: the inbox_id to send (NULL: the fixture's, "" : none); rest: the other fields. */
    struct {
        const char *inbox, *rest, *message;
    } cases[] = {
        {"999999",
         "\"contact_email\":\"a@b.co\",\"first_name\":\"A\",\"content\":\"x\",\"initiator\":"
         "\"agent\"",
         "Inbox not found"},
        {NULL,
         "\"contact_email\":\"not-an-email\",\"first_name\":\"A\",\"content\":\"x\",\"initiator\":"
         "\"agent\"",
         "Invalid `contact_email`"},
        {NULL,
         "\"contact_email\":\"a@b.co\",\"first_name\":\"A\",\"content\":\"x\",\"initiator\":"
         "\"bot\"",
         "Invalid `initiator`: use agent or contact"},
        {NULL, "\"contact_email\":\"a@b.co\",\"first_name\":\"A\",\"initiator\":\"agent\"",
         "`content` Required"},
        {NULL, "\"contact_email\":\"a@b.co\",\"content\":\"x\",\"initiator\":\"agent\"",
         "`first_name` Required"},
        {NULL,
         "\"contact_email\":\"a@b.co\",\"first_name\":\"A\",\"content\":\"x\",\"initiator\":"
         "\"agent\",\"team_id\":999999",
         "Team not found"},
        {"", "\"contact_email\":\"a@b.co\"", "`inbox_id` Required"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *ib = cases[i].inbox ? cases[i].inbox : inbox;
        if (*ib)
            snprintf(body, sizeof(body), "{\"inbox_id\":%s,%s}", ib, cases[i].rest);
        else
            snprintf(body, sizeof(body), "{%s}", cases[i].rest);
        ck_assert_int_eq(create(it_admin_key, body, out, sizeof(out)), 400);
        char want[256];
        snprintf(want, sizeof(want), "\"message\":\"%s\"", cases[i].message);
        ck_assert_msg(strstr(out, want) != NULL, "%s -> %s", body, out);
    }
    char *other =
        sql_valuef("INSERT INTO inboxes (name, channel, enabled) VALUES ('IT off %s', 'email',"
                   " FALSE) RETURNING id",
                   inbox);
    snprintf(body, sizeof(body),
             "{\"inbox_id\":%s,\"contact_email\":\"a@b.co\",\"first_name\":\"A\","
             "\"content\":\"x\",\"initiator\":\"agent\"}",
             other);
    ck_assert_int_eq(create(it_admin_key, body, out, sizeof(out)), 400);
    ck_assert_ptr_nonnull(strstr(out, "Inbox is disabled"));
    free(other);
    /* The Agent role has no conversations:write. */
    snprintf(body, sizeof(body),
             "{\"inbox_id\":%s,\"contact_email\":\"a@b.co\",\"first_name\":\"A\","
             "\"content\":\"x\",\"initiator\":\"agent\"}",
             inbox);
    ck_assert_int_eq(create(it_agent_key, body, out, sizeof(out)), 403);
    /* Atomic: when the first message cannot be stored, neither contact nor conversation stays. */
    char email[96];
    snprintf(email, sizeof(email), "atomic-%s@example.org", inbox);
    snprintf(body, sizeof(body),
             "{\"inbox_id\":%s,\"contact_email\":\"%s\",\"first_name\":\"A\","
             "\"content\":\"x\",\"initiator\":\"agent\"}",
             inbox, email);
    char *before = sql_valuef("SELECT count(*) FROM conversations");
    sql_exec("ALTER TABLE conversation_participants RENAME TO conversation_participants_moved");
    long st = create(it_admin_key, body, out, sizeof(out));
    sql_exec("ALTER TABLE conversation_participants_moved RENAME TO conversation_participants");
    ck_assert_int_eq(st, 500);
    char *after = sql_valuef("SELECT count(*) FROM conversations");
    ck_assert_str_eq(before, after);
    char *n = sql_valuef("SELECT count(*) FROM users WHERE email = '%s'", email);
    ck_assert_str_eq(n, "0");
    free(n);
    free(before);
    free(after);
}
END_TEST

Suite *it_conversations_suite(void)
{
    Suite *s = suite_create("conversations");
    TCase *tc = tcase_create("lists");
    tcase_set_timeout(tc, 60);
    tcase_add_unchecked_fixture(tc, fixture, NULL); /* once, in the runner, before the forks */
    tcase_add_test(tc, test_scopes);
    tcase_add_test(tc, test_operators);
    tcase_add_test(tc, test_order_and_pages);
    tcase_add_test(tc, test_totals_match_the_database);
    tcase_add_test(tc, test_bad_filters);
    tcase_add_test(tc, test_filters_at_the_limits);
    tcase_add_test(tc, test_get_one);
    tcase_add_test(tc, test_access_rule);
    tcase_add_test(tc, test_status_updates);
    tcase_add_test(tc, test_priority_and_assignees);
    tcase_add_test(tc, test_seen_and_unread);
    tcase_add_test(tc, test_concurrent_status_updates);
    tcase_add_test(tc, test_tags);
    tcase_add_test(tc, test_bad_bodies);
    tcase_add_test(tc, test_messages_list_and_get);
    tcase_add_test(tc, test_send_messages);
    tcase_add_test(tc, test_send_is_atomic);
    tcase_add_test(tc, test_retry);
    tcase_add_test(tc, test_search);
    tcase_add_test(tc, test_create_conversation);
    tcase_add_test(tc, test_create_refusals);
    tcase_add_test(tc, test_concurrent_first_contact);
    suite_add_tcase(s, tc);
    return s;
}
