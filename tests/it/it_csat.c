/*
 * it_csat.c - customer satisfaction surveys over HTTP: resolving a
 * conversation in an inbox with csat_enabled offers one survey (its row and
 * the pending reply with the signed link, once, however often it is
 * resolved; none elsewhere), the contact's public JSON routes and HTML page
 * (the state, one answer only, refusals that write nothing, forged or bare
 * tokens as unknown), the conversation's csat_* fields, and the report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "it.h"

static char inbox[32], off_inbox[32], contact[32], admin_id[32];

/* Makes a conversation in inbox in (Open, subject s); its id into id, its uuid into uuid. */
static void make_conv(const char *in, const char *s, char *id, size_t ilen, char *uuid, size_t ulen)
{
    copy_value(id, ilen,
               sql_valuef("INSERT INTO conversations (subject, status_id, contact_id, inbox_id,"
                          " assigned_user_id) SELECT '%s', s.id, %s, %s, %s"
                          " FROM conversation_statuses s WHERE s.name = 'Open' RETURNING id",
                          s, contact, in, admin_id));
    copy_value(uuid, ulen, sql_valuef("SELECT uuid FROM conversations WHERE id = %s", id));
}

static void fixture(void)
{
    long pid = (long)getpid();

    copy_value(admin_id, sizeof(admin_id),
               sql_valuef("SELECT id FROM users WHERE email = '%s'", it_admin_email));
    copy_value(inbox, sizeof(inbox),
               sql_valuef("INSERT INTO inboxes (name, channel, csat_enabled)"
                          " VALUES ('IT csat %ld', 'email', true) RETURNING id",
                          pid));
    copy_value(off_inbox, sizeof(off_inbox),
               sql_valuef("INSERT INTO inboxes (name, channel) VALUES ('IT csat off %ld', 'email')"
                          " RETURNING id",
                          pid));
    copy_value(contact, sizeof(contact),
               sql_valuef("INSERT INTO users (type, email, first_name) VALUES"
                          " ('contact', 'it-csat-%ld@example.org', 'Cat') RETURNING id",
                          pid));
}

static void set_status(const char *uuid, const char *status)
{
    char path[128], body[64];
    snprintf(path, sizeof(path), "/api/v1/conversations/%s/status", uuid);
    snprintf(body, sizeof(body), "{\"status\":\"%s\"}", status);
    struct http_res r = http_json("PUT", path, it_admin_key, body);
    ck_assert_msg(r.status == 200, "status %s: %ld %s", status, r.status, r.body);
    ck_assert_str_eq(r.body, "{\"status\":\"success\",\"data\":true}");
    http_res_free(&r);
}

/* The token in the link of conversation id's survey reply, into link (asserted there). */
static void token_of(const char *id, char *link, size_t len)
{
    copy_value(link, len,
               sql_valuef("SELECT substring(text_content from '/csat/([0-9a-f.-]+)')"
                          " FROM conversation_messages WHERE conversation_id = %s"
                          " AND meta @> '{\"is_csat\": true}'",
                          id));
}

/* A resolved conversation with its survey; its id, uuid and link token. */
static void surveyed(const char *subject, char *id, char *uuid, char *link)
{
    make_conv(inbox, subject, id, 32, uuid, 48);
    set_status(uuid, "Resolved");
    token_of(id, link, 128);
}

START_TEST(test_offer_on_resolve)
{
    char id[32], uuid[48], link[128], want[512];
    char *root_url = sql_value("SELECT value #>> '{}' FROM settings WHERE key = 'app.root_url'");
    make_conv(inbox, "offer", id, sizeof(id), uuid, sizeof(uuid));

    /* Not resolved yet: no survey. */
    set_status(uuid, "Closed");
    expect_sqlf("0", "SELECT count(*) FROM csat_responses WHERE conversation_id = %s", id);
    set_status(uuid, "Resolved");
    expect_sqlf("1", "SELECT count(*) FROM csat_responses WHERE conversation_id = %s", id);
    /* The reply: pending outgoing by the resolving agent, public, marked is_csat, the link signed.
     */
    snprintf(want, sizeof(want), "outgoing|pending|f|agent|%s|1", admin_id);
    expect_sqlf(want,
                "SELECT type || '|' || status || '|' || private::text::char || '|' || sender_type"
                " || '|' || sender_id || '|' || count(*) OVER () FROM conversation_messages"
                " WHERE conversation_id = %s AND meta @> '{\"is_csat\": true}'",
                id);
    token_of(id, link, sizeof(link));
    ck_assert_uint_eq(strlen(link), 69);
    expect_sqlf("t",
                "SELECT (uuid::text || '.' = substr('%s', 1, 37))::text::char FROM csat_responses"
                " WHERE conversation_id = %s",
                link, id);
    snprintf(want, sizeof(want), "%s/csat/%s", root_url, link);
    char *content = sql_valuef("SELECT content FROM conversation_messages WHERE conversation_id ="
                               " %s AND meta @> '{\"is_csat\": true}'",
                               id);
    ck_assert_msg(strstr(content, want) != NULL, "%s not in %s", want, content);
    free(content);
    /* The conversation's last message is the offer; the survey waits for an answer. */
    expect_sqlf("t",
                "SELECT (last_message LIKE 'This conversation has been resolved.%%')::text::char"
                " FROM conversations WHERE id = %s",
                id);

    /* Reopened and resolved again: still one survey, one reply. */
    set_status(uuid, "Open");
    set_status(uuid, "Resolved");
    expect_sqlf("1|1",
                "SELECT (SELECT count(*) FROM csat_responses WHERE conversation_id = %s) || '|' ||"
                " (SELECT count(*) FROM conversation_messages WHERE conversation_id = %s"
                " AND meta @> '{\"is_csat\": true}')",
                id, id);

    /* An inbox without csat_enabled offers none. */
    char oid[32], ouuid[48];
    make_conv(off_inbox, "no offer", oid, sizeof(oid), ouuid, sizeof(ouuid));
    set_status(ouuid, "Resolved");
    expect_sqlf("0|0",
                "SELECT (SELECT count(*) FROM csat_responses WHERE conversation_id = %s) || '|' ||"
                " (SELECT count(*) FROM conversation_messages WHERE conversation_id = %s"
                " AND meta @> '{\"is_csat\": true}')",
                oid, oid);

    free(root_url);
}
END_TEST

static void post_answer(const char *link, const char *body, long status, const char *want_body)
{
    char path[192];
    snprintf(path, sizeof(path), "/api/v1/csat/%s/response", link);
    struct http_res r = http_json("POST", path, NULL, body);
    ck_assert_msg(r.status == status, "POST %s: %ld %s", body, r.status, r.body);
    if (want_body != NULL)
        ck_assert_str_eq(r.body, want_body);
    http_res_free(&r);
}

static void answer_error(const char *link, const char *body, long status, const char *message,
                         const char *type)
{
    char path[192];
    snprintf(path, sizeof(path), "/api/v1/csat/%s/response", link);
    expect_json_error("POST", path, NULL, body, status, message, type);
}

START_TEST(test_answer_once)
{
    char id[32], uuid[48], link[128], path[192], bad[128];
    surveyed("Printer <b>& fax", id, uuid, link);
    char *ref = sql_valuef("SELECT reference_number FROM conversations WHERE id = %s", id);
    char *row = sql_valuef("SELECT uuid FROM csat_responses WHERE conversation_id = %s", id);

    /* The survey's state, without credentials. */
    snprintf(path, sizeof(path), "/api/v1/csat/%s", link);
    struct http_res r = http_get(path, NULL);
    json_object *root, *d = json_data(&r, &root), *v;
    static const char *const keys[] = {"uuid",     "created_at",         "responded",   "rating",
                                       "feedback", "response_timestamp", "conversation"};
    size_t k = 0;
    json_object_object_foreach(d, key, val)
    {
        (void)val;
        ck_assert_uint_lt(k, 7);
        ck_assert_str_eq(key, keys[k++]);
    }
    ck_assert_uint_eq(k, 7);
    ck_assert_str_eq(json_str(d, "uuid"), row);
    ck_assert(!json_object_get_boolean(json_object_object_get(d, "responded")));
    ck_assert_int_eq(json_object_get_int(json_object_object_get(d, "rating")), 0);
    ck_assert(json_object_object_get_ex(d, "feedback", &v) && v == NULL);
    ck_assert(json_object_object_get_ex(d, "response_timestamp", &v) && v == NULL);
    json_object *conv = json_object_object_get(d, "conversation");
    ck_assert_str_eq(json_str(conv, "reference_number"), ref);
    ck_assert_str_eq(json_str(conv, "subject"), "Printer <b>& fax");
    json_object_put(root);
    http_res_free(&r);

    /* Forged, cut, bare (a Libredesk link) and junk tokens are unknown. */
    snprintf(bad, sizeof(bad), "%s", link);
    bad[68] = bad[68] == '0' ? '1' : '0';
    snprintf(path, sizeof(path), "/api/v1/csat/%s", bad);
    expect_error(path, NULL, 404, "Survey not found", "NotFoundException");
    snprintf(path, sizeof(path), "/api/v1/csat/%s", row);
    expect_error(path, NULL, 404, "Survey not found", "NotFoundException");
    expect_error("/api/v1/csat/nope", NULL, 404, "Survey not found", "NotFoundException");
    answer_error(bad, "{\"rating\":5}", 404, "Survey not found", "NotFoundException");
    answer_error(row, "{\"rating\":5}", 404, "Survey not found", "NotFoundException");

    /* Refusals write nothing. */
    answer_error(link, "{\"rating\":6}", 400, "Invalid `rating`: use 1 to 5, or 0 for none",
                 "InputException");
    answer_error(link, "{\"rating\":-1}", 400, "Invalid `rating`: use 1 to 5, or 0 for none",
                 "InputException");
    answer_error(link, "{\"rating\":\"great\"}", 400, "Invalid `rating`: use 1 to 5, or 0 for none",
                 "InputException");
    answer_error(link, "{\"rating\":0,\"feedback\":\"\"}", 400,
                 "Either `rating` or `feedback` is required", "InputException");
    answer_error(link, "{}", 400, "Either `rating` or `feedback` is required", "InputException");
    answer_error(link, "{\"rating\":3,\"feedback\":7}", 400,
                 "Invalid `feedback`: expected a string", "InputException");
    answer_error(link, "{\"rating\":", 400, "Error parsing request", "InputException");
    expect_sqlf("0|t",
                "SELECT rating || '|' || (response_timestamp IS NULL)::text::char"
                " FROM csat_responses WHERE conversation_id = %s",
                id);

    /* The answer, once. */
    post_answer(link, "{\"rating\":4,\"feedback\":\"Quick and kind\"}", 200,
                "{\"status\":\"success\",\"data\":true}");
    expect_sqlf("4|Quick and kind|t|{}",
                "SELECT rating || '|' || feedback || '|' || (response_timestamp IS NOT NULL)::text"
                "::char || '|' || meta::text FROM csat_responses WHERE conversation_id = %s",
                id);
    char *at =
        sql_valuef("SELECT response_timestamp FROM csat_responses WHERE conversation_id = %s", id);
    answer_error(link, "{\"rating\":1}", 400, "This survey has already been answered",
                 "InputException");
    answer_error(link, "{\"feedback\":\"changed my mind\"}", 400,
                 "This survey has already been answered", "InputException");
    expect_sqlf("4|Quick and kind|t",
                "SELECT rating || '|' || feedback || '|' || (response_timestamp::text = '%s')"
                "::text::char FROM csat_responses WHERE conversation_id = %s",
                at, id);

    /* The state and the conversation show it. */
    snprintf(path, sizeof(path), "/api/v1/csat/%s", link);
    r = http_get(path, NULL);
    d = json_data(&r, &root);
    ck_assert(json_object_get_boolean(json_object_object_get(d, "responded")));
    ck_assert_int_eq(json_object_get_int(json_object_object_get(d, "rating")), 4);
    ck_assert_str_eq(json_str(d, "feedback"), "Quick and kind");
    json_object_put(root);
    http_res_free(&r);
    snprintf(path, sizeof(path), "/api/v1/conversations/%s", uuid);
    r = http_get(path, tok(it_admin_key));
    d = json_data(&r, &root);
    ck_assert_int_eq(json_object_get_int(json_object_object_get(d, "csat_rating")), 4);
    ck_assert_str_eq(json_str(d, "csat_feedback"), "Quick and kind");
    ck_assert(json_object_get_type(json_object_object_get(d, "csat_responded_at")) ==
              json_type_string);
    json_object_put(root);
    http_res_free(&r);
    /* So does the conversation that event payloads carry. */
    expect_sqlf("4|Quick and kind|t",
                "SELECT (j ->> 'csat_rating') || '|' || (j ->> 'csat_feedback') || '|' ||"
                " (j ->> 'csat_responded_at' IS NOT NULL)::text::char"
                " FROM deskd_conversation_json(%s) AS f (j)",
                id);

    /* Feedback alone, cut to 1000 characters (not bytes). */
    char id2[32], uuid2[48], tok2[128];
    surveyed("long", id2, uuid2, tok2);
    size_t n = 1200, blen = 32 + n * 2;
    char *body = malloc(blen);
    size_t o = (size_t)snprintf(body, blen, "{\"feedback\":\"");
    for (size_t i = 0; i < n; i++) {
        body[o++] = '\xc3';
        body[o++] = '\xa9';
    }
    snprintf(body + o, blen - o, "\"}");
    post_answer(tok2, body, 200, "{\"status\":\"success\",\"data\":true}");
    free(body);
    expect_sqlf("0|1000|2000",
                "SELECT rating || '|' || length(feedback) || '|' ||"
                " octet_length(feedback) FROM csat_responses"
                " WHERE conversation_id = %s",
                id2);
    free(ref);
    free(row);
    free(at);
}
END_TEST

static struct http_res page_req(const char *method, const char *link, const char *query,
                                const char *form)
{
    char path[256];
    snprintf(path, sizeof(path), "/csat/%s%s", link, query ? query : "");
    return http_do(method, path, NULL, form, form ? strlen(form) : 0,
                   form ? "Content-Type: application/x-www-form-urlencoded" : NULL);
}

static void expect_page(struct http_res *r, long status, const char *needle)
{
    char ct[128];
    ck_assert_msg(r->status == status, "%ld %s", r->status, r->body);
    ck_assert_str_eq(http_header(r, "Content-Type", ct, sizeof(ct)), "text/html; charset=utf-8");
    ck_assert_msg(strstr(r->body, needle) != NULL, "%s not in %s", needle, r->body);
}

START_TEST(test_html_page)
{
    char id[32], uuid[48], link[128], bad[128];
    surveyed("Printer <b>& fax", id, uuid, link);

    /* The form, the link's rating preselected, the subject escaped. */
    struct http_res r = page_req("GET", link, "?rating=4", NULL);
    expect_page(&r, 200, "<input type=\"radio\" name=\"rating\" value=\"4\" checked>");
    ck_assert(strstr(r.body, "Printer &lt;b&gt;&amp; fax") != NULL);
    ck_assert(strstr(r.body, "<b>&") == NULL);
    ck_assert(strstr(r.body, "value=\"5\" checked") == NULL);
    char action[160];
    snprintf(action, sizeof(action), "action=\"/csat/%s\"", link);
    ck_assert(strstr(r.body, action) != NULL);
    http_res_free(&r);

    /* Nothing chosen: refused as a page, nothing written. */
    r = page_req("POST", link, NULL, "rating=&feedback=");
    expect_page(&r, 400, "Please choose a rating");
    http_res_free(&r);
    r = page_req("POST", link, NULL, "rating=9");
    expect_page(&r, 400, "Please choose a rating");
    http_res_free(&r);
    expect_sqlf("t",
                "SELECT (response_timestamp IS NULL)::text::char FROM csat_responses"
                " WHERE conversation_id = %s",
                id);

    /* The answer; the form's other fields go to meta. */
    r = page_req("POST", link, NULL, "rating=3&feedback=Fine+%26+fast&source=email");
    expect_page(&r, 200, "Thank you");
    http_res_free(&r);
    expect_sqlf("3|Fine & fast|{\"source\": \"email\"}",
                "SELECT rating || '|' || feedback || '|' || meta::text FROM csat_responses"
                " WHERE conversation_id = %s",
                id);
    /* Once: the page thanks, a second form is refused and changes nothing. */
    r = page_req("GET", link, NULL, NULL);
    expect_page(&r, 200, "Thank you");
    ck_assert(strstr(r.body, "<form") == NULL);
    http_res_free(&r);
    r = page_req("POST", link, NULL, "rating=1");
    expect_page(&r, 400, "already been answered");
    http_res_free(&r);
    expect_sqlf("3", "SELECT rating FROM csat_responses WHERE conversation_id = %s", id);

    /* A forged link is a page not found. */
    snprintf(bad, sizeof(bad), "%s", link);
    bad[40] = bad[40] == 'a' ? 'b' : 'a';
    r = page_req("GET", bad, NULL, NULL);
    expect_page(&r, 404, "Page not found");
    http_res_free(&r);
    r = page_req("POST", bad, NULL, "rating=5");
    expect_page(&r, 404, "Page not found");
    http_res_free(&r);
}
END_TEST

START_TEST(test_overview)
{
    char conv_id[32], uuid[48];

    /* Only this test's surveys are today's: the others move back 20 days. */
    sql_exec("UPDATE csat_responses SET created_at = created_at - interval '20 days'"
             " WHERE created_at >= current_date");
    make_conv(off_inbox, "report", conv_id, sizeof(conv_id), uuid, sizeof(uuid));
    char sql[512];
    snprintf(sql, sizeof(sql),
             "INSERT INTO csat_responses (conversation_id, rating, response_timestamp) VALUES"
             " (%s, 5, now()), (%s, 4, now()), (%s, 0, NULL)",
             conv_id, conv_id, conv_id);
    sql_exec(sql);

    struct http_res r = http_get("/api/v1/reports/overview/csat", tok(it_admin_key));
    json_object *root, *d = json_data(&r, &root);
    ck_assert_double_eq_tol(json_object_get_double(json_object_object_get(d, "average_rating")),
                            4.5, 1e-9);
    ck_assert_int_eq(json_object_get_int(json_object_object_get(d, "total_responses")), 2);
    ck_assert_int_eq(json_object_get_int(json_object_object_get(d, "total_sent")), 3);
    ck_assert_double_eq_tol(json_object_get_double(json_object_object_get(d, "response_rate")),
                            66.7, 1e-9);
    json_object_put(root);
    http_res_free(&r);

    /* 30 days takes the older ones too: the counts the table holds. */
    char *sent = sql_value("SELECT count(*) FROM csat_responses"
                           " WHERE created_at >= now() - interval '30 days'");
    r = http_get("/api/v1/reports/overview/csat?days=30", tok(it_admin_key));
    d = json_data(&r, &root);
    ck_assert_str_eq(json_object_get_string(json_object_object_get(d, "total_sent")), sent);
    json_object_put(root);
    http_res_free(&r);
    free(sent);

    expect_error("/api/v1/reports/overview/csat", tok(it_agent_key), 403, "Permission denied",
                 "PermissionException");
    expect_error("/api/v1/reports/overview/csat", NULL, 401, "Invalid or expired session",
                 "GeneralException");
}
END_TEST

Suite *it_csat_suite(void)
{
    Suite *s = suite_create("csat");
    TCase *tc = tcase_create("csat");
    tcase_set_timeout(tc, 30);
    tcase_add_unchecked_fixture(tc, fixture, NULL); /* once, in the runner, before the forks */
    tcase_add_test(tc, test_offer_on_resolve);
    tcase_add_test(tc, test_answer_once);
    tcase_add_test(tc, test_html_page);
    tcase_add_test(tc, test_overview);
    suite_add_tcase(s, tc);
    return s;
}
