/*
 * it_activity_log.c - the activity log over HTTP: a login, an availability
 * change, a settings change and a logout each leave exactly one row (type,
 * actor, target, description, ip), GET /api/v1/activity-logs shows exactly
 * them for the actor in upstream's shape and pages them, filters and
 * refusals, and the permission wall (403 for an Agent, 401 without
 * credentials).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../suite_of.h"
#include "it.h"

#define PW "Actlog-Passw0rd!"

/* The one row of type for actor, as "target_model_type|target_model_id|description|ip". */
static void expect_row(const char *id, const char *type, const char *want)
{
    expect_sqlf("1",
                "SELECT count(*) FROM activity_logs WHERE actor_id = %s AND activity_type = '%s'",
                id, type);
    expect_sqlf(want,
                "SELECT target_model_type || '|' || target_model_id || '|' || activity_description"
                " || '|' || coalesce(host(ip), 'none') FROM activity_logs WHERE actor_id = %s AND"
                " activity_type = '%s'",
                id, type);
}

/* GET path with key; the data object (asserted 200) and its parsed root in *root. */
static json_object *page_of(const char *path, const char *key, json_object **root)
{
    struct http_res r = http_get(path, tok(key));
    ck_assert_msg(r.status == 200, "%s: %ld %s", path, r.status, r.body);
    json_object *d = json_data(&r, root);
    http_res_free(&r);
    return d;
}

static int64_t int_of(json_object *o, const char *k)
{
    json_object *v;
    ck_assert_msg(json_object_object_get_ex(o, k, &v), "no %s", k);
    ck_assert(json_object_is_type(v, json_type_int));
    return json_object_get_int64(v);
}

/* The page's numbers: total, per_page, total_pages, page and the results' count. */
static void expect_page(json_object *d, int64_t total, int64_t per_page, int64_t pages,
                        int64_t page, size_t n)
{
    json_object *res;
    ck_assert_int_eq(int_of(d, "total"), total);
    ck_assert_int_eq(int_of(d, "per_page"), per_page);
    ck_assert_int_eq(int_of(d, "total_pages"), pages);
    ck_assert_int_eq(int_of(d, "page"), page);
    ck_assert(json_object_object_get_ex(d, "results", &res));
    ck_assert_uint_eq(json_object_array_length(res), n);
}

static json_object *result(json_object *d, size_t i)
{
    json_object *res;
    ck_assert(json_object_object_get_ex(d, "results", &res));
    return json_object_array_get_idx(res, i);
}

/* The filters parameter "actor_id equals id" (percent-encoded) into out. */
static void actor_filter(const char *id, const char *extra, char *out, size_t len)
{
    char f[512];
    snprintf(f, sizeof(f),
             "[{\"model\":\"activity_logs\",\"field\":\"actor_id\",\"operator\":\"equals\","
             "\"value\":\"%s\"}%s]",
             id, extra);
    url_escape(f, out, len);
}

START_TEST(test_recorded_and_listed)
{
    char email[96], id[16], key[256], tk[2048], csrf[128], h[4096], body[512];
    snprintf(email, sizeof(email), "actlog-%ld@example.com", (long)getpid());
    it_make_agent(email, "Act", "Admin", PW, id, sizeof(id), key, sizeof(key));
    expect_sqlf("0", "SELECT count(*) FROM activity_logs WHERE actor_id = %s", id);

    /* A failed login records nothing; a login records agent_login. */
    ck_assert_int_eq(it_login(email, "Wrong-Passw0rd!", NULL, 0, NULL, 0), 400);
    expect_sqlf("0", "SELECT count(*) FROM activity_logs WHERE actor_id = %s", id);
    ck_assert_int_eq(it_login(email, PW, tk, sizeof(tk), csrf, sizeof(csrf)), 200);
    snprintf(body, sizeof(body), "user|%s|%s (#%s) logged in|127.0.0.1", id, email, id);
    expect_row(id, "agent_login", body);

    /* Availability: away_manual is agent_away; the automatic "away" is not recorded. */
    struct http_res r =
        http_json("PUT", "/api/v1/agents/me/availability", key, "{\"status\":\"away_manual\"}");
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    snprintf(body, sizeof(body), "user|%s|%s (#%s) is away|127.0.0.1", id, email, id);
    expect_row(id, "agent_away", body);
    r = http_json("PUT", "/api/v1/agents/me/availability", key, "{\"status\":\"away\"}");
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    /* A refused change records nothing. */
    r = http_json("PUT", "/api/v1/agents/me/availability", key, "{\"status\":\"napping\"}");
    ck_assert_int_eq(r.status, 400);
    http_res_free(&r);
    expect_sqlf("2", "SELECT count(*) FROM activity_logs WHERE actor_id = %s", id);

    /* A settings change (the current site name again) is settings_updated; a refused one not. */
    char *site = sql_value("SELECT value #>> '{}' FROM settings WHERE key = 'app.site_name'");
    ck_assert_ptr_nonnull(site);
    snprintf(body, sizeof(body), "{\"app.site_name\":\"%s\"}", site);
    free(site);
    r = http_json("PUT", "/api/v1/settings/general", key, body);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    http_res_free(&r);
    r = http_json("PUT", "/api/v1/settings/general", key, "{\"app.timezone\":\"Mars/Olympus\"}");
    ck_assert_int_eq(r.status, 400);
    http_res_free(&r);
    snprintf(body, sizeof(body), "settings|0|%s (#%s) updated general settings|127.0.0.1", email,
             id);
    expect_row(id, "settings_updated", body);

    /* Logout of the browser session. */
    snprintf(h, sizeof(h), "Cookie: libredesk_session=%s; csrf_token=%s\nX-CSRFTOKEN: %s", tk, csrf,
             csrf);
    r = http_do("POST", "/api/v1/auth/logout", NULL, NULL, 0, h);
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    snprintf(body, sizeof(body), "user|%s|%s (#%s) logged out|127.0.0.1", id, email, id);
    expect_row(id, "agent_logout", body);
    expect_sqlf("4", "SELECT count(*) FROM activity_logs WHERE actor_id = %s", id);

    /* The list for the actor, oldest first: exactly those four, in upstream's shape. */
    char f[1024], path[1400];
    actor_filter(id, "", f, sizeof(f));
    snprintf(path, sizeof(path), "/api/v1/activity-logs?filters=%s&order_by=id&order=asc", f);
    json_object *root, *d = page_of(path, it_admin_key, &root);
    expect_page(d, 4, 30, 1, 1, 4);
    static const char *const types[] = {"agent_login", "agent_away", "settings_updated",
                                        "agent_logout"};
    static const char *const keys[] = {"id",
                                       "created_at",
                                       "updated_at",
                                       "activity_type",
                                       "activity_description",
                                       "actor_id",
                                       "target_model_type",
                                       "target_model_id",
                                       "ip"};
    for (size_t i = 0; i < 4; i++) {
        json_object *o = result(d, i);
        size_t k = 0;
        json_object_object_foreach(o, name, val)
        {
            (void)val;
            ck_assert_uint_lt(k, 9);
            ck_assert_str_eq(name, keys[k]);
            k++;
        }
        ck_assert_uint_eq(k, 9);
        ck_assert_str_eq(json_str(o, "activity_type"), types[i]);
        ck_assert_int_eq(int_of(o, "actor_id"), atoll(id));
        ck_assert_str_eq(json_str(o, "ip"), "127.0.0.1");
        char *want = sql_valuef("SELECT id || '|' || activity_description || '|' ||"
                                " target_model_type || '|' || target_model_id FROM activity_logs"
                                " WHERE actor_id = %s AND activity_type = '%s'",
                                id, types[i]);
        char got[512];
        snprintf(got, sizeof(got), "%lld|%s|%s|%lld", (long long)int_of(o, "id"),
                 json_str(o, "activity_description"), json_str(o, "target_model_type"),
                 (long long)int_of(o, "target_model_id"));
        ck_assert_str_eq(got, want);
        free(want);
    }
    json_object_put(root);

    /* Default order: newest first (id desc). */
    snprintf(path, sizeof(path), "/api/v1/activity-logs?filters=%s", f);
    d = page_of(path, it_admin_key, &root);
    expect_page(d, 4, 30, 1, 1, 4);
    ck_assert_str_eq(json_str(result(d, 0), "activity_type"), "agent_logout");
    ck_assert_str_eq(json_str(result(d, 3), "activity_type"), "agent_login");
    json_object_put(root);

    /* Pagination: 2 per page; page 2 holds the last two, page 3 nothing. */
    snprintf(path, sizeof(path),
             "/api/v1/activity-logs?filters=%s&order_by=activity_logs.created_at&order=ASC"
             "&page=2&page_size=2",
             f);
    d = page_of(path, it_admin_key, &root);
    expect_page(d, 4, 2, 2, 2, 2);
    ck_assert_str_eq(json_str(result(d, 0), "activity_type"), "settings_updated");
    ck_assert_str_eq(json_str(result(d, 1), "activity_type"), "agent_logout");
    json_object_put(root);
    snprintf(path, sizeof(path), "/api/v1/activity-logs?filters=%s&page=3&page_size=2", f);
    d = page_of(path, it_admin_key, &root);
    expect_page(d, 4, 2, 2, 3, 0);
    json_object_put(root);

    /* More of upstream's fields: activity_type, ip, created_at. */
    actor_filter(id,
                 ",{\"model\":\"activity_logs\",\"field\":\"activity_type\",\"operator\":\"in\","
                 "\"value\":\"[\\\"agent_login\\\",\\\"agent_logout\\\"]\"},"
                 "{\"model\":\"activity_logs\",\"field\":\"ip\",\"operator\":\"equals\","
                 "\"value\":\"127.0.0.1\"},"
                 "{\"model\":\"activity_logs\",\"field\":\"created_at\",\"operator\":\"greater "
                 "than\",\"value\":\"2000-01-01\"}",
                 f, sizeof(f));
    snprintf(path, sizeof(path), "/api/v1/activity-logs?filters=%s&order=asc", f);
    d = page_of(path, it_admin_key, &root);
    expect_page(d, 2, 30, 1, 1, 2);
    ck_assert_str_eq(json_str(result(d, 0), "activity_type"), "agent_login");
    ck_assert_str_eq(json_str(result(d, 1), "activity_type"), "agent_logout");
    json_object_put(root);

    /* An unknown order_by falls back to id, as upstream. */
    actor_filter(id, "", f, sizeof(f));
    snprintf(path, sizeof(path), "/api/v1/activity-logs?filters=%s&order_by=nope", f);
    d = page_of(path, it_admin_key, &root);
    expect_page(d, 4, 30, 1, 1, 4);
    ck_assert_str_eq(json_str(result(d, 0), "activity_type"), "agent_logout");
    json_object_put(root);
}
END_TEST

START_TEST(test_refusals)
{
    expect_error("/api/v1/activity-logs", tok(it_agent_key), 403, "Permission denied",
                 "PermissionException");
    expect_error("/api/v1/activity-logs", NULL, 401, "Invalid or expired session",
                 "GeneralException");
    char f[512], path[700];
    url_escape("[{\"model\":\"activity_logs\",\"field\":\"activity_description\","
               "\"operator\":\"equals\",\"value\":\"x\"}]",
               f, sizeof(f));
    snprintf(path, sizeof(path), "/api/v1/activity-logs?filters=%s", f);
    expect_error(path, tok(it_admin_key), 400,
                 "Invalid filter: unknown field `activity_logs.activity_description`",
                 "InputException");
    url_escape("[{\"model\":\"activity_logs\",\"field\":\"actor_id\",\"operator\":\"equals\","
               "\"value\":\"me\"}]",
               f, sizeof(f));
    snprintf(path, sizeof(path), "/api/v1/activity-logs?filters=%s", f);
    expect_error(path, tok(it_admin_key), 400,
                 "Invalid filter: `actor_id` needs an integer value, not `me`", "InputException");
    expect_error("/api/v1/activity-logs?filters=%5B%7B", tok(it_admin_key), 400,
                 "Invalid filters: not valid JSON", "InputException");
}
END_TEST

Suite *it_activity_log_suite(void)
{
    return SUITE_OF("activity_log", 60, NULL, NULL, test_recorded_and_listed, test_refusals);
}
