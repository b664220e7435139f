/*
 * it_wassist.c - Wassist's conversation API (seed 004) under /wassist:
 * X-API-Key auth, every documented list parameter against rows with known
 * answers (counts checked with SQL), absolute next/previous URLs, DRF's
 * error shapes, one conversation, takeover and handback; and the same
 * powers on deskd's own lists (limit/offset, has_unread,
 * last_message_after/before).
 *
 * The fixture makes its own inbox (Wassist's `agent`), two contacts and
 * four conversations; every request filters on that inbox.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "it.h"

static char inbox[32], inbox_uuid[64], c1_uuid[64], admin_id[32], phone[32], wa2_upper[96];

#define BASE "/wassist/api/v1/conversations/"

static void fixture(void)
{
    long pid = (long)getpid();
    char sql[4096];

    copy_value(admin_id, sizeof(admin_id),
               sql_valuef("SELECT id FROM users WHERE email = '%s'", it_admin_email));
    copy_value(inbox, sizeof(inbox),
               sql_valuef("INSERT INTO inboxes (name, channel) VALUES ('IT wassist %ld', 'email')"
                          " RETURNING id",
                          pid));
    copy_value(inbox_uuid, sizeof(inbox_uuid),
               sql_valuef("SELECT uuid FROM inboxes WHERE id = %s", inbox));
    snprintf(phone, sizeof(phone), "9%08ld", pid % 100000000);
    snprintf(wa2_upper, sizeof(wa2_upper), "IT-WA2-%ld%%40example.org", pid);
    snprintf(sql, sizeof(sql),
             "INSERT INTO users (type, email, first_name, last_name, phone_number,"
             " phone_number_country_code) VALUES"
             " ('contact', 'it-wa1-%ld@example.org', 'Wa', 'One', '%s', '+56'),"
             " ('contact', 'it-wa2-%ld@example.org', 'Wa', NULL, NULL, NULL);",
             pid, phone, pid);
    sql_exec(sql);
    /* w1 Open 1 h ago (unread incoming message), w2 Snoozed 2 h, w3 Resolved 3 h, w4 Closed 4 h. */
    snprintf(sql, sizeof(sql),
             "INSERT INTO conversations (subject, status_id, contact_id, inbox_id, last_message,"
             " last_message_at, last_message_sender)"
             " SELECT v.s, (SELECT id FROM conversation_statuses WHERE name = v.st),"
             " (SELECT id FROM users WHERE email = v.e), %s, 'hi ' || v.s,"
             " '2026-06-01 12:00:00+00'::timestamptz - v.h * interval '1 hour', 'contact'"
             " FROM (VALUES ('w1', 'Open', 1, 'it-wa1-%ld@example.org'),"
             " ('w2', 'Snoozed', 2, 'it-wa2-%ld@example.org'),"
             " ('w3', 'Resolved', 3, 'it-wa1-%ld@example.org'),"
             " ('w4', 'Closed', 4, 'it-wa2-%ld@example.org')) v(s, st, h, e);",
             inbox, pid, pid, pid, pid);
    sql_exec(sql);
    snprintf(sql, sizeof(sql),
             "INSERT INTO conversation_messages (type, status, conversation_id, content,"
             " text_content, sender_type, created_at)"
             " SELECT 'incoming', 'received', id, 'hi', 'hi', 'contact', now() - interval '1 hour'"
             " FROM conversations WHERE inbox_id = %s AND subject = 'w1';"
             "INSERT INTO conversation_last_seen (user_id, conversation_id, last_seen_at)"
             " SELECT %s, id, now() FROM conversations WHERE inbox_id = %s AND subject <> 'w1';",
             inbox, admin_id, inbox);
    sql_exec(sql);
    copy_value(
        c1_uuid, sizeof(c1_uuid),
        sql_valuef("SELECT uuid FROM conversations WHERE inbox_id = %s AND subject = 'w1'", inbox));
}

static struct http_res wa(const char *method, const char *path, const char *key)
{
    char hdr[400];
    snprintf(hdr, sizeof(hdr), "X-API-Key: %s", key);
    return http_do(method, path, NULL, method[0] == 'P' ? "{}" : NULL, method[0] == 'P' ? 2 : 0,
                   key ? hdr : NULL);
}

/* GET BASE?agent=<inbox>&<query>: asserts 200 and returns the parsed body. */
static json_object *list(const char *query)
{
    char path[1024];
    snprintf(path, sizeof(path), BASE "?agent=%s%s%s", inbox_uuid, *query ? "&" : "", query);
    struct http_res r = wa("GET", path, it_admin_key);
    ck_assert_msg(r.status == 200, "%s: %ld %s", path, r.status, r.body);
    json_object *o = json_body(&r);
    http_res_free(&r);
    return o;
}

static int64_t count_of(json_object *o)
{
    json_object *v;
    ck_assert(json_object_object_get_ex(o, "count", &v));
    return json_object_get_int64(v);
}

static int64_t sql_count(const char *where)
{
    char *v = sql_valuef("SELECT count(*) FROM conversations c JOIN conversation_statuses st"
                         " ON st.id = c.status_id JOIN users ct ON ct.id = c.contact_id"
                         " WHERE c.inbox_id = %s AND %s",
                         inbox, where);
    int64_t n = strtoll(v, NULL, 10);
    free(v);
    return n;
}

static void expect_count(const char *query, const char *where)
{
    json_object *o = list(query);
    json_object *res;
    ck_assert(json_object_object_get_ex(o, "results", &res));
    ck_assert_msg(count_of(o) == sql_count(where), "%s: count %lld, SQL %lld", query,
                  (long long)count_of(o), (long long)sql_count(where));
    ck_assert_int_eq((int64_t)json_object_array_length(res), sql_count(where));
    json_object_put(o);
}

START_TEST(test_filters_match_the_database)
{
    char q[256];
    expect_count("", "TRUE");
    expect_count("status=active", "st.category <> 'resolved'");
    expect_count("status=closed", "st.category = 'resolved'");
    expect_count("hasUnread=true", "c.subject = 'w1'");
    expect_count("hasUnread=false", "c.subject <> 'w1'");
    expect_count("lastMessageAfter=2026-06-01T09:00:00Z",
                 "c.last_message_at >= '2026-06-01T09:00:00Z'");
    expect_count("lastMessageBefore=2026-06-01T10:00:00%2B00:00",
                 "c.last_message_at < '2026-06-01T10:00:00Z'");
    expect_count("lastMessageAfter=2026-06-01T08:00:00Z&lastMessageBefore=2026-06-01T11:00:00Z",
                 "c.last_message_at >= '2026-06-01T08:00:00Z'"
                 " AND c.last_message_at < '2026-06-01T11:00:00Z'");
    snprintf(q, sizeof(q), "contact=%s", phone);
    expect_count(q, "ct.email LIKE 'it-wa1-%'");
    snprintf(q, sizeof(q), "contact=%s", wa2_upper);
    expect_count(q, "ct.email LIKE 'it-wa2-%'");
    expect_count("status=active&hasUnread=true", "c.subject = 'w1'");
}
END_TEST

START_TEST(test_shape_and_pages)
{
    json_object *o = list("limit=1&offset=1"), *v, *res, *item, *contact;
    char want[512];

    ck_assert_int_eq(count_of(o), 4);
    ck_assert(json_object_object_get_ex(o, "next", &v));
    snprintf(want, sizeof(want), "%s" BASE "?agent=%s&limit=1&offset=2", it_base_url(), inbox_uuid);
    ck_assert_str_eq(json_object_get_string(v), want);
    ck_assert(json_object_object_get_ex(o, "previous", &v));
    snprintf(want, sizeof(want), "%s" BASE "?agent=%s&limit=1&offset=0", it_base_url(), inbox_uuid);
    ck_assert_str_eq(json_object_get_string(v), want);
    ck_assert(json_object_object_get_ex(o, "results", &res));
    ck_assert_int_eq(json_object_array_length(res), 1);
    item = json_object_array_get_idx(res, 0); /* newest message first: w2 */
    ck_assert_str_eq(json_str(item, "lastMessage"), "hi w2");
    ck_assert_str_eq(json_str(item, "active"), "true");
    ck_assert_str_eq(json_str(item, "isHumanTakeover"), "false");
    ck_assert_str_eq(json_str(item, "activeAgent"), inbox_uuid);
    ck_assert(json_object_object_get_ex(item, "contact", &contact));
    ck_assert_str_eq(json_str(contact, "name"), "Wa"); /* no last name */
    json_object_put(o);

    o = list("");
    ck_assert(json_object_object_get_ex(o, "next", &v) && v == NULL);
    ck_assert(json_object_object_get_ex(o, "previous", &v) && v == NULL);
    ck_assert(json_object_object_get_ex(o, "results", &res));
    item = json_object_array_get_idx(res, 0); /* w1 */
    ck_assert_str_eq(json_str(item, "id"), c1_uuid);
    ck_assert(json_object_object_get_ex(item, "contact", &contact));
    snprintf(want, sizeof(want), "+56%s", phone);
    ck_assert_str_eq(json_str(contact, "phoneNumber"), want);
    ck_assert_str_eq(json_str(contact, "name"), "Wa One");
    long left = strtol(json_str(item, "chatWindowRemainingTime"), NULL, 10);
    ck_assert_msg(left > 82000 && left <= 82800, "window %ld", left); /* 23 h left */
    item = json_object_array_get_idx(res, 3);                         /* w4: Closed */
    ck_assert_str_eq(json_str(item, "active"), "false");
    ck_assert_str_eq(json_str(item, "chatWindowRemainingTime"), "0");
    json_object_put(o);
}
END_TEST

static void expect_wa_error(const char *path, const char *key, long status, const char *body)
{
    struct http_res r = wa("GET", path, key);
    ck_assert_msg(r.status == status, "%s: %ld %s", path, r.status, r.body);
    ck_assert_str_eq(r.body, body);
    http_res_free(&r);
}

START_TEST(test_errors)
{
    expect_wa_error(BASE "?limit=101", it_admin_key, 400,
                    "{\"limit\":[\"Ensure this value is less than or equal to 100.\"]}");
    expect_wa_error(BASE "?limit=0", it_admin_key, 400,
                    "{\"limit\":[\"Ensure this value is greater than or equal to 1.\"]}");
    expect_wa_error(BASE "?limit=ten", it_admin_key, 400,
                    "{\"limit\":[\"A valid integer is required.\"]}");
    expect_wa_error(BASE "?offset=-1", it_admin_key, 400,
                    "{\"offset\":[\"Ensure this value is greater than or equal to 0.\"]}");
    expect_wa_error(BASE "?hasUnread=maybe", it_admin_key, 400,
                    "{\"hasUnread\":[\"Must be a valid boolean.\"]}");
    expect_wa_error(BASE "?status=open", it_admin_key, 400,
                    "{\"status\":[\"Select a valid choice. That choice is not one of the"
                    " available choices.\"]}");
    expect_wa_error(BASE "?lastMessageAfter=2026-02-30T00:00:00Z", it_admin_key, 400,
                    "{\"lastMessageAfter\":[\"Enter a valid date/time.\"]}");
    expect_wa_error(BASE "?lastMessageBefore=yesterday", it_admin_key, 400,
                    "{\"lastMessageBefore\":[\"Enter a valid date/time.\"]}");
    expect_wa_error(BASE "?agent=bot-1", it_admin_key, 400,
                    "{\"agent\":[\"Must be a valid UUID.\"]}");
    expect_wa_error(BASE "?contact=", it_admin_key, 400,
                    "{\"contact\":[\"Ensure this field has at least 1 characters.\"]}");
    expect_wa_error(BASE, NULL, 401, "{\"detail\":\"Invalid or missing API key\"}");
    expect_wa_error(BASE, "nokey:nosecret", 401, "{\"detail\":\"Invalid credential\"}");
    /* Libredesk's header does not open a Wassist route. */
    struct http_res r = http_do("GET", BASE, tok(it_admin_key), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 401);
    ck_assert_str_eq(r.body, "{\"detail\":\"Invalid or missing API key\"}");
    http_res_free(&r);
    expect_wa_error(BASE "00000000-0000-0000-0000-000000000000/", it_admin_key, 404,
                    "{\"detail\":\"Not found.\"}");
    expect_wa_error(BASE "not-a-uuid/", it_admin_key, 404, "{\"detail\":\"Not found.\"}");
}
END_TEST

START_TEST(test_detail_takeover_handback)
{
    char path[256];
    struct http_res r;
    json_object *o;

    snprintf(path, sizeof(path), BASE "%s/", c1_uuid);
    r = wa("GET", path, it_admin_key);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    o = json_body(&r);
    ck_assert_str_eq(json_str(o, "id"), c1_uuid);
    ck_assert_str_eq(json_str(o, "isHumanTakeover"), "false");
    json_object_put(o);
    http_res_free(&r);

    snprintf(path, sizeof(path), BASE "%s/takeover/", c1_uuid);
    r = wa("POST", path, it_admin_key);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    o = json_body(&r);
    ck_assert_str_eq(json_str(o, "isHumanTakeover"), "true");
    json_object_put(o);
    http_res_free(&r);
    expect_sqlf(admin_id, "SELECT assigned_user_id FROM conversations WHERE uuid = '%s'", c1_uuid);

    snprintf(path, sizeof(path), BASE "%s/handback/", c1_uuid);
    r = wa("POST", path, it_admin_key);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    o = json_body(&r);
    ck_assert_str_eq(json_str(o, "isHumanTakeover"), "false");
    json_object_put(o);
    http_res_free(&r);
    expect_sqlf("t", "SELECT assigned_user_id IS NULL FROM conversations WHERE uuid = '%s'",
                c1_uuid);
    expect_sqlf("2",
                "SELECT count(*) FROM conversation_messages m JOIN conversations c"
                " ON c.id = m.conversation_id WHERE c.uuid = '%s' AND m.type = 'activity'",
                c1_uuid);
    /* The path without its trailing slash is no Wassist route. */
    snprintf(path, sizeof(path), BASE "%s", c1_uuid);
    r = wa("GET", path, it_admin_key);
    ck_assert_int_eq(r.status, 404);
    http_res_free(&r);
}
END_TEST

START_TEST(test_messages)
{
    char path[256], hdr[400];
    struct http_res r;
    json_object *o, *res, *m;
    static const char body[] = "{\"type\":\"text\",\"content\":\"Hola <b>1</b> & 2\"}";

    snprintf(path, sizeof(path), BASE "%s/messages/", c1_uuid);
    snprintf(hdr, sizeof(hdr), "X-API-Key: %s\nContent-Type: application/json", it_admin_key);
    r = http_do("POST", path, NULL, body, strlen(body), hdr);
    ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
    o = json_body(&r);
    ck_assert_str_eq(json_str(o, "content"), "Hola <b>1</b> & 2");
    ck_assert_str_eq(json_str(o, "direction"), "outbound");
    ck_assert_str_eq(json_str(o, "sender"), "agent");
    expect_sqlf("<p>Hola &lt;b&gt;1&lt;/b&gt; &amp; 2</p>",
                "SELECT content FROM conversation_messages WHERE uuid = '%s'", json_str(o, "id"));
    expect_sqlf("t",
                "SELECT last_message = 'Hola <b>1</b> & 2' FROM conversations WHERE uuid = '%s'",
                c1_uuid);
    json_object_put(o);
    http_res_free(&r);

    static const char tpl[] = "{\"type\":\"template\",\"content\":\"x\"}";
    r = http_do("POST", path, NULL, tpl, strlen(tpl), hdr);
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(r.body,
                     "{\"type\":[\"Template messages are not supported; send type text.\"]}");
    http_res_free(&r);
    r = http_do("POST", path, NULL, "{}", 2, hdr);
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(r.body, "{\"content\":[\"This field is required.\"]}");
    http_res_free(&r);

    snprintf(path, sizeof(path), BASE "%s/messages/?limit=1", c1_uuid);
    r = wa("GET", path, it_admin_key);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    o = json_body(&r);
    char *n =
        sql_valuef("SELECT count(*) FROM conversation_messages m JOIN conversations c"
                   " ON c.id = m.conversation_id WHERE c.uuid = '%s' AND m.type <> 'activity'",
                   c1_uuid);
    ck_assert_int_eq(count_of(o), strtoll(n, NULL, 10));
    free(n);
    ck_assert(json_object_object_get_ex(o, "results", &res));
    ck_assert_int_eq(json_object_array_length(res), 1);
    m = json_object_array_get_idx(res, 0); /* newest first: the reply */
    ck_assert_str_eq(json_str(m, "content"), "Hola <b>1</b> & 2");
    json_object_put(o);
    http_res_free(&r);
}
END_TEST

/* deskd's own lists: limit/offset, has_unread, last_message_after/before. */
START_TEST(test_deskd_lists)
{
    char path[1024], filt[256], esc[512];
    struct http_res r;
    json_object *root, *d, *v;

    snprintf(filt, sizeof(filt),
             "[{\"model\":\"conversations\",\"field\":\"inbox_id\",\"operator\":\"equals\","
             "\"value\":\"%s\"}]",
             inbox);
    url_escape(filt, esc, sizeof(esc));
    snprintf(path, sizeof(path), "/api/v1/conversations/all?filters=%s&limit=2&offset=1", esc);
    r = http_get(path, tok(it_admin_key));
    d = json_data(&r, &root);
    ck_assert(json_object_object_get_ex(d, "results", &v));
    ck_assert_int_eq(json_object_array_length(v), 2);
    ck_assert_str_eq(json_str(json_object_array_get_idx(v, 0), "subject"), "w2");
    ck_assert(json_object_object_get_ex(d, "total", &v));
    ck_assert_int_eq(json_object_get_int64(v), 4);
    ck_assert(json_object_object_get_ex(d, "per_page", &v));
    ck_assert_int_eq(json_object_get_int64(v), 2);
    json_object_put(root);
    http_res_free(&r);

    snprintf(path, sizeof(path),
             "/api/v1/conversations/all?filters=%s&has_unread=true"
             "&last_message_after=2026-06-01T10:30:00Z&last_message_before=2026-06-01T12:00:00Z",
             esc);
    r = http_get(path, tok(it_admin_key));
    d = json_data(&r, &root);
    ck_assert(json_object_object_get_ex(d, "results", &v));
    ck_assert_int_eq(json_object_array_length(v), 1);
    ck_assert_str_eq(json_str(json_object_array_get_idx(v, 0), "subject"), "w1");
    ck_assert(json_object_object_get_ex(d, "total", &v));
    ck_assert_int_eq(json_object_get_int64(v), 1);
    json_object_put(root);
    http_res_free(&r);

    expect_error("/api/v1/conversations/all?limit=501", tok(it_admin_key), 400,
                 "Invalid `limit`: use an integer from 1 to 500", "InputException");
    expect_error("/api/v1/conversations/all?offset=x", tok(it_admin_key), 400,
                 "Invalid `offset`: use an integer from 0 to 1000000000", "InputException");
    expect_error("/api/v1/conversations/unassigned?has_unread=yes", tok(it_admin_key), 400,
                 "Invalid `has_unread`: use true or false", "InputException");
    expect_error("/api/v1/conversations/all?last_message_after=2026-13-01T00:00:00Z",
                 tok(it_admin_key), 400, "Invalid `last_message_after`: use an RFC 3339 timestamp",
                 "InputException");
    expect_error("/api/v1/conversations/all?last_message_before=2026-06-01", tok(it_admin_key), 400,
                 "Invalid `last_message_before`: use an RFC 3339 timestamp", "InputException");
}
END_TEST

/* POST path with body as X-API-Key JSON: asserts status and, when want_body, the exact body. */
static void expect_post(const char *path, const char *body, long status, const char *want_body)
{
    char hdr[400];
    snprintf(hdr, sizeof(hdr), "X-API-Key: %s\nContent-Type: application/json", it_admin_key);
    struct http_res r = http_do("POST", path, NULL, body, strlen(body), hdr);
    ck_assert_msg(r.status == status, "%s %s: %ld %s", path, body, r.status, r.body);
    if (want_body != NULL)
        ck_assert_str_eq(r.body, want_body);
    http_res_free(&r);
}

static char *conversations_in_inbox(void)
{
    return sql_valuef("SELECT count(*) FROM conversations WHERE inbox_id = %s", inbox);
}

START_TEST(test_create)
{
    char body[512], hdr[400], number[32], want[64];
    struct http_res r;
    json_object *o, *contact;

    snprintf(number, sizeof(number), "+49151%07ld", (long)getpid() % 10000000);
    snprintf(hdr, sizeof(hdr), "X-API-Key: %s\nContent-Type: application/json", it_admin_key);
    snprintf(body, sizeof(body),
             "{\"agentId\":\"%s\",\"toNumber\":\"%s\",\"fromNumber\":\"+10000000000\","
             "\"message\":{\"type\":\"text\",\"unified\":{\"text\":\"Welcome <3\"}}}",
             inbox_uuid, number);
    r = http_do("POST", BASE, NULL, body, strlen(body), hdr);
    ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
    o = json_body(&r);
    char first[64];
    snprintf(first, sizeof(first), "%s", json_str(o, "id"));
    ck_assert(json_object_object_get_ex(o, "contact", &contact));
    ck_assert_str_eq(json_str(contact, "phoneNumber"), number);
    ck_assert_str_eq(json_str(o, "activeAgent"), inbox_uuid);
    ck_assert_str_eq(json_str(o, "lastMessage"), "Welcome <3");
    ck_assert_str_eq(json_str(o, "isHumanTakeover"), "false");
    ck_assert_str_eq(json_str(o, "active"), "true");
    json_object_put(o);
    http_res_free(&r);
    /* The contact was made once, named after its number; the message is the caller's reply. */
    snprintf(want, sizeof(want), "1 %s", number);
    expect_sqlf(want,
                "SELECT count(*) || ' ' || min(first_name) FROM users WHERE type = 'contact'"
                " AND phone_number = '%s'",
                number);
    expect_sqlf("outgoing pending false <p>Welcome &lt;3</p> true",
                "SELECT m.type || ' ' || m.status || ' ' || m.private || ' ' || m.content || ' ' ||"
                " (m.sender_id = %s) FROM conversation_messages m JOIN conversations c"
                " ON c.id = m.conversation_id WHERE c.uuid = '%s' AND m.type <> 'activity'",
                admin_id, first);
    expect_sqlf("Open",
                "SELECT st.name FROM conversations c JOIN conversation_statuses st"
                " ON st.id = c.status_id WHERE c.uuid = '%s'",
                first);

    /* Again for that number (the deprecated field, no message): a new conversation, same contact.
     */
    snprintf(body, sizeof(body), "{\"agentId\":\"%s\",\"phoneNumber\":\"%s\"}", inbox_uuid, number);
    r = http_do("POST", BASE, NULL, body, strlen(body), hdr);
    ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
    o = json_body(&r);
    ck_assert_str_ne(json_str(o, "id"), first);
    ck_assert_str_eq(json_str(o, "lastMessage"), "");
    json_object_put(o);
    http_res_free(&r);
    expect_sqlf("1", "SELECT count(*) FROM users WHERE type = 'contact' AND phone_number = '%s'",
                number);
    expect_sqlf("2",
                "SELECT count(*) FROM conversations c JOIN users ct ON ct.id = c.contact_id"
                " WHERE ct.phone_number = '%s'",
                number);

    /* Refusals write nothing. */
    char *before = conversations_in_inbox();
    expect_post(BASE, "{}", 400, "{\"agentId\":[\"This field is required.\"]}");
    expect_post(BASE, "{\"agentId\":\"bot-1\",\"toNumber\":\"+123456\"}", 400,
                "{\"agentId\":[\"Must be a valid UUID.\"]}");
    expect_post(BASE,
                "{\"agentId\":\"00000000-0000-0000-0000-000000000000\",\"toNumber\":\"+123456\"}",
                400, "{\"agentId\":[\"Agent not found.\"]}");
    snprintf(body, sizeof(body), "{\"agentId\":\"%s\"}", inbox_uuid);
    expect_post(BASE, body, 400, "{\"toNumber\":[\"This field is required.\"]}");
    snprintf(body, sizeof(body), "{\"agentId\":\"%s\",\"toNumber\":\"call me\"}", inbox_uuid);
    expect_post(BASE, body, 400, "{\"toNumber\":[\"Enter a valid phone number.\"]}");
    snprintf(body, sizeof(body),
             "{\"agentId\":\"%s\",\"toNumber\":\"+123456\",\"message\":{\"type\":\"template\","
             "\"template\":{\"name\":\"hello\"}}}",
             inbox_uuid);
    expect_post(BASE, body, 400,
                "{\"message\":[\"Template messages are not supported; send type text.\"]}");
    snprintf(body, sizeof(body), "{\"agentId\":\"%s\",\"toNumber\":\"+123456\",\"message\":\"hi\"}",
             inbox_uuid);
    expect_post(BASE, body, 400, "{\"message\":[\"Expected an object.\"]}");
    snprintf(body, sizeof(body), "{\"agentId\":\"%s\",\"toNumber\":\"+123456\",\"message\":{}}",
             inbox_uuid);
    expect_post(BASE, body, 400, "{\"message\":[\"This field is required.\"]}");
    char *after = conversations_in_inbox();
    ck_assert_str_eq(after, before);
    free(before);
    free(after);
    expect_sqlf("0", "SELECT count(*) FROM users WHERE phone_number = '+123456'");
}
END_TEST

START_TEST(test_prompt)
{
    char path[256];
    char *resolved =
        sql_valuef("SELECT uuid FROM conversations WHERE inbox_id = %s AND subject = 'w3'", inbox);

    snprintf(path, sizeof(path), BASE "%s/prompt/", c1_uuid);
    expect_post(path, "{\"prompt\":\"Offer the <b>annual</b> plan\"}", 204, "");
    expect_sqlf(
        "outgoing sent true true",
        "SELECT m.type || ' ' || m.status || ' ' || m.private || ' ' || (m.sender_id = %s)"
        " FROM conversation_messages m JOIN conversations c ON c.id = m.conversation_id"
        " WHERE c.uuid = '%s' AND m.content = '<p>Offer the &lt;b&gt;annual&lt;/b&gt; plan</p>'",
        admin_id, c1_uuid);
    expect_post(path, "{}", 400, "{\"prompt\":[\"This field is required.\"]}");
    snprintf(path, sizeof(path), BASE "%s/prompt/", resolved);
    expect_post(path, "{\"prompt\":\"x\"}", 400, "{\"detail\":\"Conversation is not active.\"}");
    expect_sqlf("0",
                "SELECT count(*) FROM conversation_messages m JOIN conversations c"
                " ON c.id = m.conversation_id WHERE c.uuid = '%s' AND m.private",
                resolved);
    free(resolved);
}
END_TEST

Suite *it_wassist_suite(void)
{
    Suite *s = suite_create("wassist");
    TCase *tc = tcase_create("wassist");
    tcase_set_timeout(tc, 60);
    tcase_add_unchecked_fixture(tc, fixture, NULL);
    tcase_add_test(tc, test_filters_match_the_database);
    tcase_add_test(tc, test_shape_and_pages);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_detail_takeover_handback);
    tcase_add_test(tc, test_deskd_lists);
    tcase_add_test(tc, test_messages); /* the reply marks w1 read for its sender */
    tcase_add_test(tc, test_prompt);
    tcase_add_test(tc, test_create); /* last: adds conversations to the fixture's inbox */
    suite_add_tcase(s, tc);
    return s;
}
