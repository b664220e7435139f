/*
 * it_sla.c - SLA policies over HTTP: the list (what a policy row reads as,
 * the durations as stored, most recently changed first, for any agent; 401
 * without credentials) and, under sla:manage, one policy and its writes
 * (exact bodies, the row in the database, 400 naming the field and writing
 * nothing, 404 for an unknown id, 403 for an agent).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../suite_of.h"
#include "it.h"

START_TEST(test_sla_list)
{
    char sql[512], older[64], newer[64];
    long pid = (long)getpid();
    snprintf(older, sizeof(older), "it-sla-old-%ld", pid);
    snprintf(newer, sizeof(newer), "it-sla-new-%ld", pid);
    snprintf(sql, sizeof(sql),
             "INSERT INTO sla_policies (name, description, first_response_time, resolution_time,"
             " next_response_time, notifications, updated_at) VALUES"
             " ('%s', NULL, '4h', '2d', NULL, '[]', now() - interval '1 day'),"
             " ('%s', 'Gold customers', '30m', '8h', '1h',"
             "  '[{\"type\": \"warning\", \"time_delay\": \"10m\"}]', now())",
             older, newer);
    sql_exec(sql);

    /* Any agent reads the list, the newest change first, every key as upstream names it. */
    struct http_res r = http_get("/api/v1/sla", tok(it_agent_key));
    json_object *root, *d = json_data(&r, &root);
    ck_assert(json_object_is_type(d, json_type_array));
    int at_new = -1, at_old = -1;
    for (size_t i = 0; i < json_object_array_length(d); i++) {
        json_object *p = json_object_array_get_idx(d, i);
        if (strcmp(json_str(p, "name"), newer) == 0)
            at_new = (int)i;
        if (strcmp(json_str(p, "name"), older) == 0)
            at_old = (int)i;
    }
    ck_assert_int_ge(at_new, 0);
    ck_assert_int_gt(at_old, at_new);
    static const char *const keys[] = {
        "id",           "created_at",          "updated_at",      "name",
        "description",  "first_response_time", "resolution_time", "next_response_time",
        "notifications"};
    json_object *p = json_object_array_get_idx(d, (size_t)at_new);
    size_t k = 0;
    json_object_object_foreach(p, key, val)
    {
        (void)val;
        ck_assert_uint_lt(k, 9);
        ck_assert_str_eq(key, keys[k++]);
    }
    ck_assert_uint_eq(k, 9);
    ck_assert_str_eq(json_str(p, "description"), "Gold customers");
    ck_assert_str_eq(json_str(p, "first_response_time"), "30m");
    ck_assert_str_eq(json_str(p, "resolution_time"), "8h");
    ck_assert_str_eq(json_str(p, "next_response_time"), "1h");
    json_object *n = json_object_object_get(p, "notifications");
    ck_assert_uint_eq(json_object_array_length(n), 1);
    ck_assert_str_eq(json_str(json_object_array_get_idx(n, 0), "time_delay"), "10m");
    p = json_object_array_get_idx(d, (size_t)at_old);
    ck_assert_str_eq(json_str(p, "description"), ""); /* NULL reads as "" */
    ck_assert_str_eq(json_str(p, "next_response_time"), "");
    json_object_put(root);
    http_res_free(&r);

    expect_error("/api/v1/sla", NULL, 401, "Invalid or expired session", "GeneralException");
    snprintf(sql, sizeof(sql), "DELETE FROM sla_policies WHERE name IN ('%s', '%s')", older, newer);
    sql_exec(sql);
}
END_TEST

START_TEST(test_sla_crud)
{
    char name[64], body[1024], path[64], id[32], want[512];
    long pid = (long)getpid();
    snprintf(name, sizeof(name), "it-sla-crud-%ld", pid);
    snprintf(body, sizeof(body),
             "{\"name\":\"%s\",\"description\":\"VIP\",\"first_response_time\":\"30m\","
             "\"resolution_time\":\"1h30m\",\"next_response_time\":\"\","
             "\"notifications\":[{\"type\":\"breach\",\"time_delay_type\":\"immediately\"}]}",
             name);
    struct http_res r = http_json("POST", "/api/v1/sla", it_admin_key, body);
    ck_assert_int_eq(r.status, 200);
    json_object *root, *d = json_data(&r, &root);
    ck_assert_str_eq(json_str(d, "name"), name);
    ck_assert_str_eq(json_str(d, "description"), "VIP");
    ck_assert_str_eq(json_str(d, "first_response_time"), "30m");
    ck_assert_str_eq(json_str(d, "resolution_time"), "1h30m");
    ck_assert_str_eq(json_str(d, "next_response_time"), "");
    snprintf(id, sizeof(id), "%s", json_str(d, "id"));
    json_object_put(root);
    http_res_free(&r);

    /* The row as stored: "" next response is NULL, the notifications as sent. */
    snprintf(want, sizeof(want),
             "VIP|30m|1h30m|t|[{\"type\": \"breach\", \"time_delay_type\": \"immediately\"}]");
    expect_sqlf(want,
                "SELECT description || '|' || first_response_time || '|' || resolution_time || '|'"
                " || (next_response_time IS NULL)::text::char || '|' || notifications::text"
                " FROM sla_policies WHERE id = %s",
                id);

    snprintf(path, sizeof(path), "/api/v1/sla/%s", id);
    r = http_json("GET", path, it_admin_key, NULL);
    ck_assert_int_eq(r.status, 200);
    d = json_data(&r, &root);
    ck_assert_str_eq(json_str(d, "name"), name);
    ck_assert_str_eq(json_str(d, "id"), id);
    json_object_put(root);
    http_res_free(&r);

    snprintf(body, sizeof(body),
             "{\"name\":\"%s\",\"first_response_time\":\"2h\",\"resolution_time\":\"8h\","
             "\"next_response_time\":\"45m\"}",
             name);
    r = http_json("PUT", path, it_admin_key, body);
    ck_assert_int_eq(r.status, 200);
    d = json_data(&r, &root);
    ck_assert_str_eq(json_str(d, "description"), "");
    ck_assert_str_eq(json_str(d, "next_response_time"), "45m");
    ck_assert_uint_eq(json_object_array_length(json_object_object_get(d, "notifications")), 0);
    json_object_put(root);
    http_res_free(&r);
    expect_sqlf("2h|8h|45m|t",
                "SELECT first_response_time || '|' || resolution_time || '|' ||"
                " next_response_time || '|' || (description IS NULL)::text::char"
                " FROM sla_policies WHERE id = %s",
                id);

    /* Bad input: 400 naming the field, the row unchanged. */
    expect_json_error(
        "PUT", path, it_admin_key,
        "{\"name\":\"x\",\"first_response_time\":\"2 hours\",\"resolution_time\":\"8h\"}", 400,
        "Invalid `first_response_time`: expected a duration such as 2h, 30m or 1h30m",
        "InputException");
    expect_json_error("POST", "/api/v1/sla", it_admin_key,
                      "{\"name\":\"x\",\"first_response_time\":\"2h\"}", 400,
                      "Invalid `resolution_time`: expected a duration such as 2h, 30m or 1h30m",
                      "InputException");
    expect_json_error("POST", "/api/v1/sla", it_admin_key,
                      "{\"first_response_time\":\"2h\",\"resolution_time\":\"8h\"}", 400,
                      "`name` is required (1 to 140 characters)", "InputException");
    expect_json_error("POST", "/api/v1/sla", it_admin_key,
                      "{\"name\":\"x\",\"first_response_time\":\"2h\",\"resolution_time\":\"8h\","
                      "\"notifications\":{}}",
                      400, "Invalid `notifications`: expected a list", "InputException");
    expect_sqlf("2h", "SELECT first_response_time FROM sla_policies WHERE id = %s", id);
    expect_sqlf("0", "SELECT count(*) FROM sla_policies WHERE name = 'x'");

    /* Who may write, and unknown ids. */
    expect_json_error("PUT", path, it_agent_key, body, 403, "Permission denied",
                      "PermissionException");
    expect_json_error("GET", "/api/v1/sla/99999999", it_admin_key, NULL, 404,
                      "SLA policy not found", "NotFoundException");
    expect_json_error("PUT", "/api/v1/sla/99999999", it_admin_key, body, 404,
                      "SLA policy not found", "NotFoundException");

    r = http_json("DELETE", path, it_admin_key, NULL);
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    expect_sqlf("0", "SELECT count(*) FROM sla_policies WHERE id = %s", id);
    expect_json_error("DELETE", path, it_admin_key, NULL, 404, "SLA policy not found",
                      "NotFoundException");
}
END_TEST

START_TEST(test_business_hours_crud)
{
    char name[64], body[1024], path[64], id[32];
    snprintf(name, sizeof(name), "it-bh-%ld", (long)getpid());
    snprintf(body, sizeof(body),
             "{\"name\":\"%s\",\"description\":\"Office\",\"is_always_open\":false,"
             "\"hours\":{\"Monday\":{\"open\":\"09:00\",\"close\":\"17:00\"}},"
             "\"holidays\":[{\"name\":\"Xmas\",\"date\":\"2026-12-25\"}]}",
             name);
    struct http_res r = http_json("POST", "/api/v1/business-hours", it_admin_key, body);
    ck_assert_int_eq(r.status, 200);
    json_object *root, *d = json_data(&r, &root);
    ck_assert_str_eq(json_str(d, "name"), name);
    ck_assert_str_eq(json_str(d, "description"), "Office");
    ck_assert_str_eq(json_str(d, "is_always_open"), "false");
    snprintf(id, sizeof(id), "%s", json_str(d, "id"));
    json_object_put(root);
    http_res_free(&r);
    expect_sqlf("f|{\"Monday\": {\"open\": \"09:00\", \"close\": \"17:00\"}}|"
                "[{\"date\": \"2026-12-25\", \"name\": \"Xmas\"}]",
                "SELECT is_always_open::text::char || '|' || hours::text || '|' || holidays::text"
                " FROM business_hours WHERE id = %s",
                id);

    snprintf(path, sizeof(path), "/api/v1/business-hours/%s", id);
    r = http_json("GET", path, it_admin_key, NULL);
    ck_assert_int_eq(r.status, 200);
    d = json_data(&r, &root);
    ck_assert_str_eq(
        json_str(json_object_object_get(json_object_object_get(d, "hours"), "Monday"), "close"),
        "17:00");
    json_object_put(root);
    http_res_free(&r);

    snprintf(body, sizeof(body), "{\"name\":\"%s\",\"is_always_open\":true}", name);
    r = http_json("PUT", path, it_admin_key, body);
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    expect_sqlf("t|{}|[]|t",
                "SELECT is_always_open::text::char || '|' || hours::text || '|' ||"
                " holidays::text || '|' || (description IS NULL)::text::char"
                " FROM business_hours WHERE id = %s",
                id);

    /* Bad input: 400 naming the field, nothing written. */
    static const struct {
        const char *body, *message;
    } bad[] = {
        {"{\"name\":\"x\",\"hours\":{\"Monday\":{\"open\":\"9:00\",\"close\":\"17:00\"}}}",
         "Invalid `hours.Monday`: expected open and close as HH:MM"},
        {"{\"name\":\"x\",\"hours\":{\"Monday\":{\"open\":\"17:00\",\"close\":\"09:00\"}}}",
         "Invalid `hours.Monday`: close must be after open"},
        {"{\"name\":\"x\",\"hours\":{\"Funday\":{\"open\":\"09:00\",\"close\":\"17:00\"}}}",
         "Invalid `hours`: unknown weekday `Funday`"},
        {"{\"name\":\"x\",\"is_always_open\":true,\"holidays\":[{\"name\":\"h\",\"date\":\"2026-02-"
         "30\"}]}",
         "Invalid `holidays[0].date`: expected YYYY-MM-DD"},
        {"{\"name\":\"x\"}", "`hours` is required unless `is_always_open`"},
        {"{\"is_always_open\":true}", "`name` is required (1 to 140 characters)"},
        {"{\"name\":\"x\",\"is_always_open\":\"yes\"}",
         "Invalid `is_always_open`: expected a boolean"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        expect_json_error("POST", "/api/v1/business-hours", it_admin_key, bad[i].body, 400,
                          bad[i].message, "InputException");
        expect_json_error("PUT", path, it_admin_key, bad[i].body, 400, bad[i].message,
                          "InputException");
    }
    expect_sqlf("0", "SELECT count(*) FROM business_hours WHERE name = 'x'");
    expect_sqlf(name, "SELECT name FROM business_hours WHERE id = %s", id);

    /* Any agent lists the calendars (as upstream); writes and one calendar need the permission. */
    r = http_json("GET", "/api/v1/business-hours", it_agent_key, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, name));
    http_res_free(&r);
    expect_json_error("GET", path, it_agent_key, NULL, 403, "Permission denied",
                      "PermissionException");
    expect_json_error("PUT", path, it_agent_key, body, 403, "Permission denied",
                      "PermissionException");
    expect_json_error("GET", "/api/v1/business-hours/99999999", it_admin_key, NULL, 404,
                      "Business hours not found", "NotFoundException");
    r = http_json("DELETE", path, it_admin_key, NULL);
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    expect_sqlf("0", "SELECT count(*) FROM business_hours WHERE id = %s", id);
    expect_json_error("DELETE", path, it_admin_key, NULL, 404, "Business hours not found",
                      "NotFoundException");
}
END_TEST

/* A contact's conversation created at `created` (an SQL timestamptz expression), no team yet; its
 * id. */
static char *conv_at(const char *tag, const char *created)
{
    long pid = (long)getpid();
    char *inbox = sql_valuef("INSERT INTO inboxes (name, channel) VALUES ('It sla %s %ld', 'email')"
                             " RETURNING id",
                             tag, pid);
    char *contact = sql_valuef("INSERT INTO users (type, first_name, email) VALUES ('contact', 'S',"
                               " 'sla-%s-%ld@example.org') RETURNING id",
                               tag, pid);
    char *conv = sql_valuef("INSERT INTO conversations (subject, status_id, contact_id, inbox_id,"
                            " created_at) SELECT 'sla', id, %s, %s, %s"
                            " FROM conversation_statuses WHERE name = 'Open' RETURNING id",
                            contact, inbox, created);
    free(inbox);
    free(contact);
    return conv;
}

static void move_to_team(const char *conv, const char *team)
{
    char path[160], body[64];
    char *uuid = sql_valuef("SELECT uuid FROM conversations WHERE id = %s", conv);
    snprintf(path, sizeof(path), "/api/v1/conversations/%s/assignee/team", uuid);
    snprintf(body, sizeof(body), "{\"assignee_id\":%s}", team);
    struct http_res r = http_json("PUT", path, it_admin_key, body);
    ck_assert_msg(r.status == 200, "PUT %s: %ld", path, r.status);
    http_res_free(&r);
    free(uuid);
}

#define UTC(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')"

/*
 * Applying: a move to a team gives the conversation the team's policy, a
 * pending applied SLA and next_sla_deadline_at, counted in the team's
 * calendar and zone from created_at (dates ahead, so that the breach
 * service leaves them alone).  Hand-computed: Friday 2027-03-26 16:00
 * Berlin (CET), open Mon-Fri 09-17, Monday 29 March a holiday, DST from the
 * Sunday between.  First response 2h: 1h on Friday, 1h from Tuesday 09:00
 * CEST = 2027-03-30 08:00 UTC.  Resolution 10h: 1h Friday, 8h Tuesday, 1h
 * Wednesday = 2027-03-31 08:00 UTC.
 */
START_TEST(test_sla_apply_on_team)
{
    long pid = (long)getpid();
    char *bh = sql_valuef(
        "INSERT INTO business_hours (name, is_always_open, hours, holidays) VALUES"
        " ('it-sla-bh-%ld', false, '{\"Monday\": {\"open\": \"09:00\", \"close\": \"17:00\"},"
        " \"Tuesday\": {\"open\": \"09:00\", \"close\": \"17:00\"},"
        " \"Wednesday\": {\"open\": \"09:00\", \"close\": \"17:00\"},"
        " \"Thursday\": {\"open\": \"09:00\", \"close\": \"17:00\"},"
        " \"Friday\": {\"open\": \"09:00\", \"close\": \"17:00\"}}',"
        " '[{\"name\": \"Easter Monday\", \"date\": \"2027-03-29\"}]') RETURNING id",
        pid);
    char *policy =
        sql_valuef("INSERT INTO sla_policies (name, first_response_time, resolution_time)"
                   " VALUES ('it-sla-apply-%ld', '2h', '10h') RETURNING id",
                   pid);
    char *team = sql_valuef("INSERT INTO teams (name, sla_policy_id, business_hours_id, timezone)"
                            " VALUES ('it-sla-team-%ld', %s, %s, 'Europe/Berlin') RETURNING id",
                            pid, policy, bh);
    char *plain =
        sql_valuef("INSERT INTO teams (name) VALUES ('it-sla-plain-%ld') RETURNING id", pid);
    char *conv = conv_at("bh", "'2027-03-26 16:00 Europe/Berlin'::timestamptz");

    /* A team without a policy applies nothing. */
    move_to_team(conv, plain);
    expect_sqlf("0", "SELECT count(*) FROM applied_slas WHERE conversation_id = %s", conv);
    expect_sqlf("||",
                "SELECT concat(sla_policy_id, '|', next_sla_deadline_at, '|')"
                " FROM conversations WHERE id = %s",
                conv);

    move_to_team(conv, team);
    char want[256];
    snprintf(want, sizeof(want), "pending|%s|2027-03-30 08:00|2027-03-31 08:00|||", policy);
    expect_sqlf(
        want,
        "SELECT concat_ws('|', status, sla_policy_id, " UTC("first_response_deadline_at") ", " UTC(
            "resolution_deadline_at") ", coalesce(first_response_met_at::text, ''),"
                                      " coalesce(resolution_breached_at::text, ''), '')"
                                      " FROM applied_slas WHERE conversation_id = %s",
        conv);
    snprintf(want, sizeof(want), "%s|2027-03-30 08:00", policy);
    expect_sqlf(want,
                "SELECT sla_policy_id || '|' || " UTC(
                    "next_sla_deadline_at") " FROM conversations WHERE id = %s",
                conv);

    /* Away and back: the pending SLA is replaced, never doubled. */
    move_to_team(conv, plain);
    move_to_team(conv, team);
    expect_sqlf("1", "SELECT count(*) FROM applied_slas WHERE conversation_id = %s", conv);

    /* No calendar on the team and none in settings: always open, in UTC (12:00 + 2h, + 10h). */
    char *open_team = sql_valuef("INSERT INTO teams (name, sla_policy_id) VALUES"
                                 " ('it-sla-open-%ld', %s) RETURNING id",
                                 pid, policy);
    char *conv2 = conv_at("open", "'2027-01-10 12:00 UTC'::timestamptz");
    move_to_team(conv2, open_team);
    expect_sqlf(
        "2027-01-10 14:00|2027-01-10 22:00|2027-01-10 14:00",
        "SELECT " UTC("a.first_response_deadline_at") " || '|' || " UTC(
            "a.resolution_deadline_at") " || '|' || " UTC("c.next_sla_deadline_at") " FROM "
                                                                                    "applied_slas "
                                                                                    "a JOIN "
                                                                                    "conversations "
                                                                                    "c ON c.id = "
                                                                                    "a."
                                                                                    "conversation_"
                                                                                    "id"
                                                                                    " WHERE c.id = "
                                                                                    "%s",
        conv2);
    free(bh);
    free(policy);
    free(team);
    free(plain);
    free(conv);
    free(open_team);
    free(conv2);
}
END_TEST

/* PUT /api/v1/settings/general with body as the admin: the status. */
static long put_general(const char *body)
{
    struct http_res r = http_json("PUT", "/api/v1/settings/general", it_admin_key, body);
    long status = r.status;
    http_res_free(&r);
    return status;
}

/*
 * Settings' app.sla_policy_id: checked on write, then applied to a new
 * conversation without a team (always open, UTC: the deadlines are
 * created_at + 3h and + 1d, to the second the start is counted in); ""
 * applies none.
 */
START_TEST(test_sla_default_policy)
{
    long pid = (long)getpid();
    char *policy =
        sql_valuef("INSERT INTO sla_policies (name, first_response_time, resolution_time)"
                   " VALUES ('it-sla-default-%ld', '3h', '24h') RETURNING id",
                   pid);
    char *inbox = sql_valuef("INSERT INTO inboxes (name, channel) VALUES ('It sla default %ld',"
                             " 'email') RETURNING id",
                             pid);
    char body[1024];

    expect_json_error("PUT", "/api/v1/settings/general", it_admin_key,
                      "{\"app.sla_policy_id\":\"999999\"}", 400, "SLA policy not found",
                      "InputException");
    expect_json_error(
        "PUT", "/api/v1/settings/general", it_admin_key, "{\"app.sla_policy_id\":\"x1\"}", 400,
        "Invalid `app.sla_policy_id`: expected an empty string or an id", "InputException");
    expect_sqlf("\"\"", "SELECT value::text FROM settings WHERE key = 'app.sla_policy_id'");
    snprintf(body, sizeof(body), "{\"app.sla_policy_id\":\"%s\"}", policy);
    ck_assert_int_eq(put_general(body), 200);

    for (int round = 0; round < 2; round++) {
        snprintf(body, sizeof(body),
                 "{\"inbox_id\":%s,\"contact_email\":\"sla-default-%ld@example.org\","
                 "\"first_name\":\"Dee\",\"subject\":\"default %d\",\"content\":\"<p>Hi</p>\","
                 "\"initiator\":\"contact\"}",
                 inbox, pid, round);
        struct http_res r = http_json("POST", "/api/v1/conversations", it_admin_key, body);
        json_object *root, *d = json_data(&r, &root);
        char id[32];
        snprintf(id, sizeof(id), "%s", json_str(d, "id"));
        json_object_put(root);
        http_res_free(&r);
        if (round == 0) {
            char want[128];
            snprintf(want, sizeof(want), "pending|%s|t|t|t", policy);
            expect_sqlf(want,
                        "SELECT concat_ws('|', a.status, a.sla_policy_id,"
                        " abs(extract(epoch FROM a.first_response_deadline_at - c.created_at)"
                        "  - 3 * 3600) < 1,"
                        " abs(extract(epoch FROM a.resolution_deadline_at - c.created_at)"
                        "  - 24 * 3600) < 1,"
                        " c.next_sla_deadline_at = a.first_response_deadline_at)"
                        " FROM applied_slas a JOIN conversations c ON c.id = a.conversation_id"
                        " WHERE c.id = %s",
                        id);
            ck_assert_int_eq(put_general("{\"app.sla_policy_id\":\"\"}"), 200);
        } else {
            expect_sqlf("0|",
                        "SELECT (SELECT count(*) FROM applied_slas WHERE conversation_id = %s)"
                        " || '|' || coalesce(sla_policy_id::text, '')"
                        " FROM conversations WHERE id = %s",
                        id, id);
        }
    }
    free(policy);
    free(inbox);
}
END_TEST

/* Polls until the SQL answers want, for up to ten seconds (the service runs every second). */
static void wait_sqlf(const char *want, const char *sql)
{
    char *got = NULL;
    for (int i = 0; i < 100; i++) {
        free(got);
        got = sql_value(sql);
        if (got != NULL && strcmp(got, want) == 0)
            break;
        usleep(100 * 1000);
    }
    ck_assert_msg(got != NULL && strcmp(got, want) == 0, "%s: got %s, want %s", sql,
                  got ? got : "(null)", want);
    free(got);
}

/*
 * Met and breached: an always-open team (UTC) with a 2h/10h policy.  A
 * conversation made now is answered in time (first response met, next
 * deadline the resolution), then resolved in time (met).  Another, made 3
 * hours ago, has its first response breached by the service: stamps, status
 * still pending, next deadline the resolution, one sla_breached event;
 * made 11 hours ago, both breach (status breached, no next deadline).
 */
START_TEST(test_sla_met_and_breached)
{
    long pid = (long)getpid();
    char sql[1024], want[256];
    char *policy =
        sql_valuef("INSERT INTO sla_policies (name, first_response_time, resolution_time)"
                   " VALUES ('it-sla-mb-%ld', '2h', '10h') RETURNING id",
                   pid);
    char *team = sql_valuef("INSERT INTO teams (name, sla_policy_id, timezone) VALUES"
                            " ('it-sla-mb-%ld', %s, 'UTC') RETURNING id",
                            pid, policy);

    /* In time: a public agent reply, then Resolved. */
    char *conv = conv_at("met", "now()");
    move_to_team(conv, team);
    char *uuid = sql_valuef("SELECT uuid FROM conversations WHERE id = %s", conv);
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/conversations/%s/messages", uuid);
    struct http_res r =
        http_json("POST", path, it_admin_key, "{\"message\":\"On it\",\"sender_type\":\"agent\"}");
    ck_assert_msg(r.status == 200, "reply: %ld", r.status);
    http_res_free(&r);
    expect_sqlf("pending|t|f|t",
                "SELECT a.status || '|' || (a.first_response_met_at = c.first_reply_at)::text::char"
                " || '|' || (a.resolution_met_at IS NOT NULL)::text::char || '|' ||"
                " (c.next_sla_deadline_at = a.resolution_deadline_at)::text::char"
                " FROM applied_slas a JOIN conversations c ON c.id = a.conversation_id"
                " WHERE c.id = %s",
                conv);
    snprintf(path, sizeof(path), "/api/v1/conversations/%s/status", uuid);
    r = http_json("PUT", path, it_admin_key, "{\"status\":\"Resolved\"}");
    ck_assert_msg(r.status == 200, "resolve: %ld", r.status);
    http_res_free(&r);
    expect_sqlf("met|t|t",
                "SELECT a.status || '|' || (a.resolution_met_at = c.resolved_at)::text::char"
                " || '|' || (c.next_sla_deadline_at IS NULL)::text::char"
                " FROM applied_slas a JOIN conversations c ON c.id = a.conversation_id"
                " WHERE c.id = %s",
                conv);

    /* Late first response: breached by the service, the event written with it. */
    char *late = conv_at("late", "now() - interval '3 hours'");
    move_to_team(late, team);
    snprintf(sql, sizeof(sql),
             "SELECT a.status || '|' || (a.first_response_breached_at IS NOT NULL)::text::char"
             " || '|' || (a.resolution_breached_at IS NULL)::text::char || '|' ||"
             " (c.next_sla_deadline_at = a.resolution_deadline_at)::text::char"
             " FROM applied_slas a JOIN conversations c ON c.id = a.conversation_id"
             " WHERE c.id = %s",
             late);
    wait_sqlf("pending|t|t|t", sql);
    char *luuid = sql_valuef("SELECT uuid FROM conversations WHERE id = %s", late);
    char *aid = sql_valuef("SELECT id FROM applied_slas WHERE conversation_id = %s", late);
    char *dl = sql_valuef("SELECT to_char(first_response_deadline_at AT TIME ZONE 'UTC',"
                          " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM applied_slas WHERE id = %s",
                          aid);
    snprintf(want, sizeof(want),
             "1|{\"metric\": \"first_response\", \"deadline_at\": \"%s\", \"applied_sla_id\": %s,"
             " \"conversation_uuid\": \"%s\"}",
             dl, aid, luuid);
    expect_sqlf(want,
                "SELECT count(*) OVER () || '|' || payload::text FROM deskd_events"
                " WHERE event = 'sla_breached' AND conversation_id = %s",
                late);

    /* Both overdue: breached, nothing left to keep. */
    char *later = conv_at("later", "now() - interval '11 hours'");
    move_to_team(later, team);
    snprintf(sql, sizeof(sql),
             "SELECT a.status || '|' || (c.next_sla_deadline_at IS NULL)::text::char || '|' ||"
             " (SELECT count(*) FROM deskd_events e WHERE e.event = 'sla_breached'"
             "  AND e.conversation_id = c.id)"
             " FROM applied_slas a JOIN conversations c ON c.id = a.conversation_id"
             " WHERE c.id = %s",
             later);
    wait_sqlf("breached|t|2", sql);
    free(policy);
    free(team);
    free(conv);
    free(uuid);
    free(late);
    free(luuid);
    free(aid);
    free(dl);
    free(later);
}
END_TEST

/* An Admin agent that may also write as the contact (made by test_sla_next_response). */
static char writer_key[256];

/*
 * POSTs a public message to conversation conv as sender ("agent": the
 * admin; "contact": the contact, through writer_key).
 */
static void say(const char *conv, const char *sender, const char *text)
{
    char path[160], body[256];
    char *uuid = sql_valuef("SELECT uuid FROM conversations WHERE id = %s", conv);
    snprintf(path, sizeof(path), "/api/v1/conversations/%s/messages", uuid);
    snprintf(body, sizeof(body), "{\"message\":\"%s\",\"sender_type\":\"%s\"}", text, sender);
    struct http_res r =
        http_json("POST", path, strcmp(sender, "contact") == 0 ? writer_key : it_admin_key, body);
    ck_assert_msg(r.status == 200, "%s message: %ld %s", sender, r.status, r.body);
    http_res_free(&r);
    free(uuid);
}

/* The conversation's next-response events, oldest first: "status/met/breached" each, ";"-joined. */
#define NR_EVENTS(conv)                                                                            \
    "SELECT coalesce(string_agg(e.status || '/' || (e.met_at IS NOT NULL)::text::char || '/' ||"   \
    " (e.breached_at IS NOT NULL)::text::char, ';' ORDER BY e.id), '') FROM sla_events e"          \
    " JOIN applied_slas a ON a.id = e.applied_sla_id WHERE e.type = 'next_response'"               \
    " AND a.conversation_id = " conv

/*
 * Next response: an always-open UTC team whose policy has a 1h next-response
 * time and three notifications (a warning 30m before the first response, a
 * warning 10m before a next response to the assigned agent and the admin,
 * a breach notice at once for every metric to the assigned agent and the
 * agent by id).  The conversation's first contact message opens no event
 * (the first response covers it); a later one opens one (deadline an hour
 * on, next_sla_deadline_at moved to it, its warning scheduled), another
 * opens no second; the agent's reply meets it.  Then the clock is moved by
 * the data: an open event made overdue is breached by the service (a live
 * event, the breach notice), and due notifications become in-app
 * notifications unless the metric was met or the conversation resolved.
 */
/* How a notification's delay reads (sql/041): upstream's forms, or NULL (never scheduled). */
START_TEST(test_sla_notification_delay)
{
    expect_sqlf("00:00:00|00:00:00|00:10:00|01:30:00|00:00:45|02:00:05|||||",
                "SELECT concat_ws('|', deskd_sla_delay('{\"time_delay_type\": \"immediately\","
                " \"time_delay\": \"5m\"}'), deskd_sla_delay('{\"type\": \"breach\"}'),"
                " deskd_sla_delay('{\"time_delay\": \"10m\"}'),"
                " deskd_sla_delay('{\"time_delay\": \"1h30m\"}'),"
                " deskd_sla_delay('{\"time_delay\": \"45s\"}'),"
                " deskd_sla_delay('{\"time_delay\": \"2h5s\"}'),"
                " coalesce(deskd_sla_delay('{\"time_delay\": \"2d\"}')::text, ''),"
                " coalesce(deskd_sla_delay('{\"time_delay\": \"10 m\"}')::text, ''),"
                " coalesce(deskd_sla_delay('{\"time_delay\": \"-5m\"}')::text, ''),"
                " coalesce(deskd_sla_delay('[]')::text, ''), '')");
}
END_TEST

START_TEST(test_sla_next_response)
{
    long pid = (long)getpid();
    char sql[2048], want[512];
    char *agent = sql_valuef("SELECT id FROM users WHERE email = '%s'", it_agent_email);
    char *admin = sql_valuef("SELECT id FROM users WHERE email = '%s'", it_admin_email);
    snprintf(sql, sizeof(sql),
             "INSERT INTO sla_policies (name, first_response_time, resolution_time,"
             " next_response_time, notifications) VALUES ('it-sla-nr-%ld', '2h', '10h', '1h',"
             " '[{\"type\": \"warning\", \"time_delay_type\": \"before\", \"time_delay\": \"30m\","
             " \"metric\": \"first_response\", \"recipients\": [\"assigned_user\"]},"
             " {\"type\": \"warning\", \"time_delay_type\": \"before\", \"time_delay\": \"10m\","
             " \"metric\": \"next_response\", \"recipients\": [\"assigned_user\", \"%s\"]},"
             " {\"type\": \"breach\", \"time_delay_type\": \"immediately\", \"metric\": \"all\","
             " \"recipients\": [\"assigned_user\", \"%s\"]}]') RETURNING id",
             pid, admin, agent);
    char *policy = sql_value(sql);
    /* An agent of its own writes the contact's messages (the suites' admin may not). */
    char writer_email[96], writer_id[32];
    snprintf(writer_email, sizeof(writer_email), "it-sla-writer-%ld@example.com", pid);
    it_make_agent(writer_email, "Writer", "Admin", NULL, writer_id, sizeof(writer_id), writer_key,
                  sizeof(writer_key));
    snprintf(sql, sizeof(sql),
             "INSERT INTO roles (name, permissions) VALUES ('IT sla as contact %ld',"
             " ARRAY['messages:write_as_contact']) ON CONFLICT DO NOTHING;"
             "INSERT INTO user_roles (user_id, role_id) SELECT %s, id FROM roles WHERE name ="
             " 'IT sla as contact %ld' ON CONFLICT DO NOTHING",
             pid, writer_id, pid);
    sql_exec(sql);
    char *team = sql_valuef("INSERT INTO teams (name, sla_policy_id, timezone) VALUES"
                            " ('it-sla-nr-%ld', %s, 'UTC') RETURNING id",
                            pid, policy);
    char *conv = conv_at("nr", "now()");
    move_to_team(conv, team);
    sql_exec((snprintf(sql, sizeof(sql),
                       "UPDATE conversations SET assigned_user_id = %s WHERE id = %s", agent, conv),
              sql));
    char *ref = sql_valuef("SELECT reference_number FROM conversations WHERE id = %s", conv);

    /* Applying scheduled the first-response warning, 30 minutes before its deadline. */
    expect_sqlf("first_response|warning|{assigned_user}|t|f",
                "SELECT n.metric || '|' || n.notification_type || '|' || n.recipients::text || '|'"
                " || (n.send_at = a.first_response_deadline_at - interval '30 minutes')::text::char"
                " || '|' || (n.sla_event_id IS NOT NULL)::text::char"
                " FROM scheduled_sla_notifications n JOIN applied_slas a ON a.id = n.applied_sla_id"
                " WHERE a.conversation_id = %s",
                conv);

    /* The first contact message is the first response's: no event. */
    say(conv, "contact", "Hello");
    expect_sqlf("", NR_EVENTS("%s"), conv);
    say(conv, "agent", "Hi, looking");
    expect_sqlf("", NR_EVENTS("%s"), conv);

    /* A later one opens an event an hour on; the next deadline moves to it. */
    say(conv, "contact", "Any news?");
    expect_sqlf("pending/f/f", NR_EVENTS("%s"), conv);
    expect_sqlf("t|t",
                "SELECT (abs(extract(epoch FROM e.deadline_at - e.created_at) - 3600) < 2)"
                "::text::char || '|' || (c.next_sla_deadline_at = e.deadline_at)::text::char"
                " FROM sla_events e JOIN applied_slas a ON a.id = e.applied_sla_id"
                " JOIN conversations c ON c.id = a.conversation_id"
                " WHERE e.type = 'next_response' AND c.id = %s",
                conv);
    /* Its warning: 10 minutes before, for the assigned agent and the admin. */
    snprintf(want, sizeof(want), "warning|{%s,assigned_user}|t", admin);
    expect_sqlf(want,
                "SELECT n.notification_type || '|' || array(SELECT unnest(n.recipients)"
                " ORDER BY 1)::text || '|' || (n.send_at = e.deadline_at - interval '10 minutes')"
                "::text::char FROM scheduled_sla_notifications n JOIN sla_events e"
                " ON e.id = n.sla_event_id JOIN applied_slas a ON a.id = e.applied_sla_id"
                " WHERE n.metric = 'next_response' AND a.conversation_id = %s",
                conv);
    /* The conversation shows it. */
    char *uuid = sql_valuef("SELECT uuid FROM conversations WHERE id = %s", conv);
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/conversations/%s", uuid);
    struct http_res r = http_get(path, tok(it_admin_key));
    json_object *root, *d = json_data(&r, &root), *v;
    ck_assert(json_object_get_type(json_object_object_get(d, "next_response_deadline_at")) ==
              json_type_string);
    ck_assert(json_object_object_get_ex(d, "next_response_met_at", &v) && v == NULL);
    json_object_put(root);
    http_res_free(&r);

    /* Another contact message while it waits: no second event.  The reply meets it. */
    say(conv, "contact", "Hello?");
    expect_sqlf("pending/f/f", NR_EVENTS("%s"), conv);
    say(conv, "agent", "Here it is");
    expect_sqlf("met/t/f", NR_EVENTS("%s"), conv);
    expect_sqlf("t",
                "SELECT (c.next_sla_deadline_at = a.resolution_deadline_at)::text::char"
                " FROM conversations c JOIN applied_slas a ON a.conversation_id = c.id"
                " WHERE c.id = %s",
                conv);

    /* The first-response warning, now due, was for a met metric: processed, nothing sent. */
    snprintf(sql, sizeof(sql),
             "UPDATE scheduled_sla_notifications SET send_at = now() - interval '1 minute'"
             " WHERE metric = 'first_response' AND applied_sla_id = (SELECT id FROM applied_slas"
             " WHERE conversation_id = %s)",
             conv);
    sql_exec(sql);
    snprintf(sql, sizeof(sql),
             "SELECT (processed_at IS NOT NULL)::text::char || '|' || (SELECT count(*)"
             " FROM user_notifications WHERE conversation_id = %s) FROM scheduled_sla_notifications"
             " WHERE metric = 'first_response' AND applied_sla_id = (SELECT id FROM applied_slas"
             " WHERE conversation_id = %s)",
             conv, conv);
    wait_sqlf("t|0", sql);

    /* A new event, then the clock moved: its deadline and its warning are past. */
    say(conv, "contact", "One more thing");
    expect_sqlf("met/t/f;pending/f/f", NR_EVENTS("%s"), conv);
    char *event = sql_valuef("SELECT max(e.id) FROM sla_events e JOIN applied_slas a"
                             " ON a.id = e.applied_sla_id WHERE a.conversation_id = %s",
                             conv);
    snprintf(sql, sizeof(sql),
             "UPDATE scheduled_sla_notifications SET send_at = now() - interval '1 minute'"
             " WHERE sla_event_id = %s;"
             "UPDATE sla_events SET deadline_at = date_trunc('minute', now()) - interval"
             " '2 minutes' WHERE id = %s",
             event, event);
    sql_exec(sql);
    char *dl = sql_valuef("SELECT to_char(deadline_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')"
                          " FROM sla_events WHERE id = %s",
                          event);

    /* Breached by the service: its live event, its breach notice sent at once. */
    snprintf(sql, sizeof(sql), NR_EVENTS("%s"), conv);
    wait_sqlf("met/t/f;breached/f/t", sql);
    char *aid = sql_valuef("SELECT id FROM applied_slas WHERE conversation_id = %s", conv);
    char *dlz = sql_valuef("SELECT to_char(deadline_at AT TIME ZONE 'UTC',"
                           " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM sla_events WHERE id = %s",
                           event);
    snprintf(want, sizeof(want),
             "1|{\"metric\": \"next_response\", \"deadline_at\": \"%s\", \"applied_sla_id\": %s,"
             " \"conversation_uuid\": \"%s\"}",
             dlz, aid, uuid);
    expect_sqlf(want,
                "SELECT count(*) OVER () || '|' || payload::text FROM deskd_events"
                " WHERE event = 'sla_breached' AND conversation_id = %s",
                conv);
    /* The warning went to the agent and the admin, the breach notice to the agent once. */
    snprintf(sql, sizeof(sql),
             "SELECT string_agg(user_id || '/' || notification_type || '/' || title || '/' || body,"
             " ';' ORDER BY notification_type, user_id) FROM user_notifications"
             " WHERE conversation_id = %s",
             conv);
    char first[64], second[64];
    long a_id = strtol(admin, NULL, 10), g_id = strtol(agent, NULL, 10);
    snprintf(first, sizeof(first), "%s", a_id < g_id ? admin : agent);
    snprintf(second, sizeof(second), "%s", a_id < g_id ? agent : admin);
    snprintf(want, sizeof(want),
             "%s/sla_warning/SLA warning: Next response #%s/Due at %s UTC;"
             "%s/sla_warning/SLA warning: Next response #%s/Due at %s UTC;"
             "%s/sla_breach/SLA breached: Next response #%s/Overdue since %s UTC",
             first, ref, dl, second, ref, dl, agent, ref, dl);
    /* user_notification_type orders mention, assignment, sla_warning, sla_breach. */
    wait_sqlf(want, sql);
    expect_sqlf("0",
                "SELECT count(*) FROM scheduled_sla_notifications n JOIN applied_slas a"
                " ON a.id = n.applied_sla_id WHERE a.conversation_id = %s"
                " AND n.processed_at IS NULL AND n.send_at <= now()",
                conv);
    /* The next deadline is the resolution's again; a late answer leaves the event breached. */
    expect_sqlf("t",
                "SELECT (c.next_sla_deadline_at = a.resolution_deadline_at)::text::char"
                " FROM conversations c JOIN applied_slas a ON a.conversation_id = c.id"
                " WHERE c.id = %s",
                conv);
    say(conv, "agent", "Sorry for the wait");
    expect_sqlf("met/t/f;breached/t/t", NR_EVENTS("%s"), conv);

    /* Resolved: a due notification is processed and not sent. */
    snprintf(path, sizeof(path), "/api/v1/conversations/%s/status", uuid);
    r = http_json("PUT", path, it_admin_key, "{\"status\":\"Resolved\"}");
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    snprintf(sql, sizeof(sql),
             "INSERT INTO scheduled_sla_notifications (applied_sla_id, metric, notification_type,"
             " recipients, send_at) VALUES (%s, 'resolution', 'warning', '{assigned_user}',"
             " now() - interval '1 minute') RETURNING id",
             aid);
    char *late_one = sql_value(sql);
    snprintf(sql, sizeof(sql),
             "SELECT (processed_at IS NOT NULL)::text::char || '|' || (SELECT count(*)"
             " FROM user_notifications WHERE conversation_id = %s)"
             " FROM scheduled_sla_notifications WHERE id = %s",
             conv, late_one);
    wait_sqlf("t|3", sql);

    /* A first response breached by the service schedules its notice: to the agent by id. */
    char *late = conv_at("nr-late", "now() - interval '3 hours'");
    move_to_team(late, team);
    char *lref = sql_valuef("SELECT reference_number FROM conversations WHERE id = %s", late);
    char *ldl = sql_valuef("SELECT to_char(first_response_deadline_at AT TIME ZONE 'UTC',"
                           " 'YYYY-MM-DD HH24:MI') FROM applied_slas WHERE conversation_id = %s",
                           late);
    snprintf(want, sizeof(want),
             "%s/sla_breach/SLA breached: First response #%s/Overdue since %s UTC", agent, lref,
             ldl);
    snprintf(sql, sizeof(sql),
             "SELECT string_agg(user_id || '/' || notification_type || '/' || title || '/' || body,"
             " ';') FROM user_notifications WHERE conversation_id = %s",
             late);
    wait_sqlf(want, sql);
    free(agent);
    free(admin);
    free(policy);
    free(team);
    free(conv);
    free(ref);
    free(uuid);
    free(event);
    free(dl);
    free(aid);
    free(dlz);
    free(late_one);
    free(late);
    free(lref);
    free(ldl);
}
END_TEST

Suite *it_sla_suite(void)
{
    return SUITE_OF("sla", 30, NULL, NULL, test_sla_list, test_sla_crud, test_business_hours_crud,
                    test_sla_apply_on_team, test_sla_default_policy, test_sla_met_and_breached,
                    test_sla_notification_delay, test_sla_next_response);
}
