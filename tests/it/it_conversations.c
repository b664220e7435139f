/*
 * it_conversations.c - conversation lists over HTTP against rows with known
 * answers: scopes per list and permission, every filter operator, both
 * filter shapes, ordering, pagination edges, totals checked against SQL.
 *
 * The fixture makes its own inbox, contacts, team, tag and six
 * conversations; every request filters on that inbox, so other data in the
 * database does not change the answers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "it.h"

static char inbox[32], team[32], tag[32], agent_id[32], admin_id[32], open_id[32],
    high_id[32], low_id[32], c1_email[96];
static char limited_key[256];

static char *val(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *val(const char *fmt, ...)
{
    char sql[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof(sql), fmt, ap);
    va_end(ap);
    return sql_value(sql);
}

static void copy(char *dst, char *src)
{
    ck_assert_ptr_nonnull(src);
    snprintf(dst, 32, "%s", src);
    free(src);
}

/*
 *  conv  status    priority  user   team   created     last message  contact  tag  mention
 *  c1    Open      High      -      -      2026-01-10  now - 1h      c1
 *  c2    Open      Low       agent  T      2026-01-11  now - 2h      c2
 *  c3    Resolved  -         -      T      2026-01-12  now - 3h      c1
 *  c4    Closed    Medium    admin  -      2026-02-01  now - 4h      c2
 *  c5    Snoozed   High      -      -      2026-02-02  now - 5h      c1       yes
 *  c6    Open      -         agent  T      2026-03-05  now - 6h      c2            agent
 */
static void fixture(void)
{
    long pid = (long)getpid();
    char sql[4096], c2_email[96], email[160];

    copy(agent_id, val("SELECT id FROM users WHERE email = '%s'", it_agent_email));
    copy(admin_id, val("SELECT id FROM users WHERE email = '%s'", it_admin_email));
    copy(open_id, val("SELECT id FROM conversation_statuses WHERE name = 'Open'"));
    copy(high_id, val("SELECT id FROM conversation_priorities WHERE name = 'High'"));
    copy(low_id, val("SELECT id FROM conversation_priorities WHERE name = 'Low'"));
    copy(inbox, val("INSERT INTO inboxes (name, channel) VALUES ('IT conv %ld', 'email') RETURNING id", pid));
    copy(team, val("INSERT INTO teams (name) VALUES ('IT conv team %ld') RETURNING id", pid));
    copy(tag, val("INSERT INTO tags (name) VALUES ('it-tag-%ld') RETURNING id", pid));
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
             " ARRAY['conversations:read', 'conversations:read_assigned']);"
             "DELETE FROM user_roles WHERE user_id = (SELECT id FROM users WHERE email = '%s');"
             "INSERT INTO user_roles (user_id, role_id) SELECT u.id, r.id FROM users u, roles r"
             " WHERE u.email = '%s' AND r.name = 'IT limited %ld'",
             pid, email, email, pid);
    sql_exec(sql);
    snprintf(sql, sizeof(sql), "'%s/bin/deskd' agent api-key --email %s", it_root(), email);
    ck_assert_int_eq(run_cmd(sql, limited_key, sizeof(limited_key)), 0);
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
    ck_assert_msg(total == want_total, "%s %s: total %ld, want %ld", path, filters, total, want_total);
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
             " m.conversation_id WHERE c.inbox_id = %s AND c.subject = 'c6'", inbox);
    char *uuid = sql_value(sql);
    ck_assert_str_eq(json_object_get_string(json_object_object_get(item, "mentioned_message_uuid")), uuid);
    free(uuid);
    json_object_put(root);
    http_res_free(&r);

    /* Not a member of the team, a bad team id, a missing permission. */
    expect_error(path, tok(it_admin_key), 403, "You're not a member of this team", "PermissionException");
    expect_error("/api/v1/teams/abc/conversations/unassigned", tok(it_agent_key), 400, "Invalid team `id`", "InputException");
    expect_error(ALL, tok(limited_key), 403, "Permission denied", "PermissionException");
    expect_error("/api/v1/conversations/unassigned", tok(limited_key), 403, "Permission denied", "PermissionException");
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
    expect(ALL, it_admin_key, with(COND("{\"model\":\"conversations\",\"field\":\"status_id\","
                                        "\"operator\":\"equals\",\"value\":\"%s\"}", open_id)),
           NULL, "c1,c2,c6", 3);
    expect(ALL, it_admin_key, with("{\"model\":\"conversation_statuses\",\"field\":\"name\","
                                   "\"operator\":\"not equals\",\"value\":\"Open\"}"),
           NULL, "c3,c4,c5", 3);
    expect(ALL, it_admin_key, with("{\"model\":\"conversations\",\"field\":\"priority_id\","
                                   "\"operator\":\"set\"}"),
           NULL, "c1,c2,c4,c5", 4);
    expect(ALL, it_admin_key, with("{\"model\":\"conversations\",\"field\":\"priority_id\","
                                   "\"operator\":\"not set\"}"),
           NULL, "c3,c6", 2);
    expect(ALL, it_admin_key, with(COND("{\"model\":\"conversations\",\"field\":\"priority_id\","
                                        "\"operator\":\"in\",\"value\":\"[\\\"%s\\\",\\\"%s\\\"]\"}",
                                        high_id, low_id)),
           NULL, "c1,c2,c5", 3);
    expect(ALL, it_admin_key, with("{\"model\":\"conversations\",\"field\":\"created_at\","
                                   "\"operator\":\"greater than\",\"value\":\"2026-02-01\"}"),
           NULL, "c5,c6", 2);
    expect(ALL, it_admin_key, with("{\"model\":\"conversations\",\"field\":\"created_at\","
                                   "\"operator\":\"less than\",\"value\":\"2026-01-12\"}"),
           NULL, "c1,c2", 2);
    expect(ALL, it_admin_key, with("{\"model\":\"conversations\",\"field\":\"created_at\","
                                   "\"operator\":\"equals\",\"value\":\"2026-01-11\"}"),
           NULL, "c2", 1);
    expect(ALL, it_admin_key, with("{\"model\":\"conversations\",\"field\":\"created_at\","
                                   "\"operator\":\"between\",\"value\":\"2026-01-11,2026-02-01\"}"),
           NULL, "c2,c3,c4", 3);
    expect(ALL, it_admin_key, with("{\"model\":\"conversations\",\"field\":\"created_at\","
                                   "\"operator\":\"greater than\",\"value\":\"2026-02-01T13:00:00Z\"}"),
           NULL, "c5,c6", 2);
    expect(ALL, it_admin_key, with(COND("{\"model\":\"users\",\"field\":\"email\","
                                        "\"operator\":\"contains\",\"value\":\"%.10s\"}", c1_email)),
           NULL, "c1,c3,c5", 3);
    expect(ALL, it_admin_key, with(COND("{\"model\":\"users\",\"field\":\"email\","
                                        "\"operator\":\"not contains\",\"value\":\"%.10s\"}", c1_email)),
           NULL, "c2,c4,c6", 3);
    expect(ALL, it_admin_key, with("{\"model\":\"users\",\"field\":\"email\","
                                   "\"operator\":\"ilike\",\"value\":\"it-c_-\"}"),
           NULL, "c1,c2,c3,c4,c5,c6", 6);
    expect(ALL, it_admin_key, with("{\"model\":\"users\",\"field\":\"email\","
                                   "\"operator\":\"contains\",\"value\":\"it-c_-\"}"),
           NULL, "", 0); /* contains is literal: '_' is not a wildcard */
    expect(ALL, it_admin_key, with(COND("{\"model\":\"conversations\",\"field\":\"tags\","
                                        "\"operator\":\"contains\",\"value\":\"[%s]\"}", tag)),
           NULL, "c5", 1);
    expect(ALL, it_admin_key, with(COND("{\"model\":\"conversations\",\"field\":\"tags\","
                                        "\"operator\":\"not contains\",\"value\":\"[%s]\"}", tag)),
           NULL, "c1,c2,c3,c4,c6", 5);
    expect(ALL, it_admin_key, with("{\"model\":\"conversations\",\"field\":\"tags\","
                                   "\"operator\":\"set\"}"),
           NULL, "c5", 1);
    expect(ALL, it_admin_key, with(COND("{\"model\":\"conversations\",\"field\":\"assigned_user_id\","
                                        "\"operator\":\"equals\",\"value\":\"%s\"}", agent_id)),
           NULL, "c2,c6", 2);
    expect(ALL, it_admin_key, with("{\"model\":\"inboxes\",\"field\":\"channel\","
                                   "\"operator\":\"equals\",\"value\":\"email\"}"),
           NULL, "c1,c2,c3,c4,c5,c6", 6);
    /* Nested OR group, and the flat array shape. */
    expect(ALL, it_admin_key, with(COND("{\"logic\":\"OR\",\"rules\":[{\"model\":\"conversation_statuses\","
                                        "\"field\":\"name\",\"operator\":\"equals\",\"value\":\"Resolved\"},"
                                        "{\"model\":\"conversations\",\"field\":\"priority_id\","
                                        "\"operator\":\"equals\",\"value\":\"%s\"}]}", high_id)),
           NULL, "c1,c3,c5", 3);
    snprintf(c, sizeof(c),
             "[{\"model\":\"conversations\",\"field\":\"inbox_id\",\"operator\":\"equals\",\"value\":\"%s\"},"
             "{\"model\":\"conversations\",\"field\":\"status_id\",\"operator\":\"equals\",\"value\":\"%s\"}]",
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
    free(subjects("/api/v1/conversations/unassigned", it_admin_key, "", NULL, &total, NULL, NULL, NULL));
    ck_assert_int_eq(total, atol(want));
    free(want);
    /* Moving a conversation changes the counts at once. */
    char sql[256];
    snprintf(sql, sizeof(sql), "UPDATE conversations SET assigned_user_id = NULL, assigned_team_id = NULL"
                               " WHERE inbox_id = %s AND subject = 'c4'", inbox);
    sql_exec(sql);
    expect("/api/v1/conversations/unassigned", it_admin_key, with(NULL), NULL, "c1,c4,c5", 3);
    snprintf(sql, sizeof(sql), "UPDATE conversations SET assigned_user_id = %s WHERE inbox_id = %s"
                               " AND subject = 'c4'", admin_id, inbox);
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
        {"[{\"model\":\"conversations\",\"field\":\"nope\",\"operator\":\"equals\",\"value\":\"1\"}]",
         "Invalid filter: unknown field `conversations.nope`"},
        {"[{\"model\":\"conversations\",\"field\":\"status_id\",\"operator\":\"like\",\"value\":\"1\"}]",
         "Invalid filter: unknown operator `like` on `status_id`"},
        {"[{\"model\":\"conversations\",\"field\":\"status_id\",\"operator\":\"equals\",\"value\":\"1' OR '1'='1\"}]",
         "Invalid filter: `status_id` needs an integer value, not `1' OR '1'='1`"},
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
    expect_error(ALL "?order=sideways", tok(it_admin_key), 400, "Invalid `order`: use asc or desc", "InputException");
    /* Nothing was harmed. */
    char *n = sql_value("SELECT count(*) > 0 FROM users");
    ck_assert_str_eq(n, "t");
    free(n);
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
    suite_add_tcase(s, tc);
    return s;
}
