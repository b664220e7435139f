/*
 * it_views.c - personal and shared views over HTTP: who may see, change
 * and run which view, filters checked when saved, and a view's list equal
 * to the list endpoint's answer for the same filters and scope.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../suite_of.h"
#include "it.h"

static char inbox[16], team[16], r_id[16], r_key[256], admin_id[16];
static char filters[256], conv[4][16];

/*
 * An inbox of four conversations (a: assigned to R, b: nobody, c: the admin,
 * d: team T without an agent) and agent R, who may read only what is
 * assigned to it and its teams' unassigned conversations, and is in T.
 */
static void fixture(void)
{
    long pid = (long)getpid();
    char email[96];
    copy_value(
        inbox, sizeof(inbox),
        sql_valuef(
            "INSERT INTO inboxes (name, channel) VALUES ('It views %ld', 'email') RETURNING id",
            pid));
    copy_value(team, sizeof(team),
               sql_valuef("INSERT INTO teams (name) VALUES ('It views %ld') RETURNING id", pid));
    sql_exec("INSERT INTO roles (name, permissions) VALUES ('It narrow', ARRAY["
             "'conversations:read_assigned', 'conversations:read_team_inbox', 'view:manage'])"
             " ON CONFLICT (name) DO NOTHING");
    snprintf(email, sizeof(email), "views-r-%ld@example.com", pid);
    it_make_agent(email, "R", "It narrow", NULL, r_id, sizeof(r_id), r_key, sizeof(r_key));
    copy_value(admin_id, sizeof(admin_id),
               sql_valuef("SELECT id FROM users WHERE email = '%s'", it_admin_email));
    free(sql_valuef("INSERT INTO team_members (team_id, user_id) VALUES (%s, %s) RETURNING 1", team,
                    r_id));
    char *contact = sql_valuef("INSERT INTO users (type, first_name, email) VALUES ('contact', 'V',"
                               " 'views-%ld@example.org') RETURNING id",
                               pid);
    const char *assign[4][2] = {{r_id, NULL}, {NULL, NULL}, {admin_id, NULL}, {NULL, team}};
    for (int i = 0; i < 4; i++)
        copy_value(
            conv[i], sizeof(conv[i]),
            sql_valuef(
                "INSERT INTO conversations (subject, status_id, contact_id, inbox_id,"
                " assigned_user_id, assigned_team_id, last_message_at) VALUES ('v%d',"
                " (SELECT id FROM conversation_statuses WHERE name = 'Open'), %s, %s, %s, %s,"
                " now() - interval '%d minutes') RETURNING id",
                i, contact, inbox, assign[i][0] ? assign[i][0] : "NULL",
                assign[i][1] ? assign[i][1] : "NULL", i));
    free(contact);
    snprintf(filters, sizeof(filters),
             "[{\"model\":\"conversations\",\"field\":\"inbox_id\",\"operator\":\"equals\","
             "\"value\":\"%s\"}]",
             inbox);
}

/* Creates a view through path; its id. */
static void create(const char *path, const char *key, const char *body, char id[16])
{
    struct http_res r = http_json("POST", path, key, body);
    ck_assert_msg(r.status == 200, "%s: %ld %s", path, r.status, r.body);
    json_object *root = json_body(&r);
    snprintf(
        id, 16, "%s",
        json_object_get_string(json_object_object_get(json_object_object_get(root, "data"), "id")));
    json_object_put(root);
    http_res_free(&r);
}

/* The subjects of a list answer, in order, and its total. */
static void subjects_of(const struct http_res *r, char *out, size_t len, long *total)
{
    json_object *root = json_body(r), *d = json_object_object_get(root, "data");
    json_object *res = json_object_object_get(d, "results");
    out[0] = '\0';
    for (size_t i = 0; i < json_object_array_length(res); i++) {
        size_t n = strlen(out);
        snprintf(out + n, len - n, "%s%s", i ? "," : "",
                 json_object_get_string(
                     json_object_object_get(json_object_array_get_idx(res, i), "subject")));
    }
    *total = (long)json_object_get_int64(json_object_object_get(d, "total"));
    json_object_put(root);
}

static void expect_view_list(const char *view, const char *key, const char *want, long want_total)
{
    char path[96], got[256];
    long total;
    snprintf(path, sizeof(path), "/api/v1/views/%s/conversations", view);
    struct http_res r = http_get(path, tok(key));
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    subjects_of(&r, got, sizeof(got), &total);
    ck_assert_str_eq(got, want);
    ck_assert_int_eq(total, want_total);
    http_res_free(&r);
}

START_TEST(test_personal_views)
{
    char body[1024], id[16], path[96], enc[768], p2[1024];
    fixture();
    snprintf(body, sizeof(body), "{\"name\":\"Mine\",\"filters\":%s}", filters);
    create("/api/v1/views/me", r_key, body, id);
    char *v = sql_valuef(
        "SELECT visibility || '/' || user_id || '/' || coalesce(team_id::text, '-') || '/' ||"
        " (filters = '%s'::jsonb) FROM views WHERE id = %s",
        filters, id);
    char want[64];
    snprintf(want, sizeof(want), "user/%s/-/true", r_id);
    ck_assert_str_eq(v, want);
    free(v);

    /* Mine only; upstream's object keys, user_id present, team_id absent. */
    struct http_res r = http_get("/api/v1/views/me", tok(r_key));
    json_object *root = json_body(&r), *d = json_object_object_get(root, "data");
    ck_assert_int_eq((int)json_object_array_length(d), 1);
    json_object *view = json_object_array_get_idx(d, 0);
    ck_assert_int_eq(json_object_object_length(view), 7);
    ck_assert_str_eq(json_object_get_string(json_object_object_get(view, "user_id")), r_id);
    ck_assert(!json_object_object_get_ex(view, "team_id", NULL));
    ck_assert(json_object_is_type(json_object_object_get(view, "filters"), json_type_array));
    json_object_put(root);
    http_res_free(&r);
    r = http_get("/api/v1/views/me", tok(it_admin_key));
    ck_assert_ptr_null(strstr(r.body, "\"Mine\""));
    http_res_free(&r);

    /* Not the admin's to change, nor to run. */
    snprintf(path, sizeof(path), "/api/v1/views/me/%s", id);
    expect_json_error("PUT", path, it_admin_key, body, 403, "Permission denied",
                      "PermissionException");
    expect_json_error("DELETE", path, it_admin_key, NULL, 403, "Permission denied",
                      "PermissionException");
    snprintf(path, sizeof(path), "/api/v1/views/%s/conversations", id);
    expect_json_error("GET", path, it_admin_key, NULL, 403, "You do not have access to this view",
                      "PermissionException");

    /* R sees what is assigned to it and its team's unassigned ones, newest first. */
    expect_view_list(id, r_key, "v0,v3", 2);
    /* The filters parameter is ignored for a view. */

    snprintf(p2, sizeof(p2), "/api/v1/views/%s/conversations?filters=%%5B%%7B&order=asc", id);
    r = http_get(p2, tok(r_key));
    ck_assert_int_eq(r.status, 200);
    char got[128];
    long total;
    subjects_of(&r, got, sizeof(got), &total);
    ck_assert_str_eq(got, "v3,v0");
    http_res_free(&r);

    /* Bad filters are refused when saved, with the list's own reason. */
    const char *bad = "[{\"model\":\"conversations\",\"field\":\"nope\",\"operator\":\"equals\","
                      "\"value\":\"1\"}]";
    url_escape(bad, enc, sizeof(enc));
    snprintf(p2, sizeof(p2), "/api/v1/conversations/all?filters=%s", enc);
    r = http_get(p2, tok(it_admin_key));
    ck_assert_int_eq(r.status, 400);
    root = json_body(&r);
    char why[300];
    snprintf(why, sizeof(why), "Invalid filters: %s",
             json_object_get_string(json_object_object_get(root, "message")));
    json_object_put(root);
    http_res_free(&r);
    snprintf(body, sizeof(body), "{\"name\":\"Bad\",\"filters\":%s}", bad);
    expect_json_error("POST", "/api/v1/views/me", r_key, body, 400, why, "InputException");
    expect_json_error("POST", "/api/v1/views/me", r_key, "{\"name\":\"No filters\"}", 400,
                      "`filters` is required", "InputException");
    snprintf(body, sizeof(body), "{\"filters\":%s}", filters);
    expect_json_error("POST", "/api/v1/views/me", r_key, body, 400,
                      "`name` is required (1 to 140 characters)", "InputException");
    v = sql_valuef("SELECT count(*) FROM views WHERE user_id = %s", r_id);
    ck_assert_str_eq(v, "1");
    free(v);

    /* Rename, then delete. */
    snprintf(path, sizeof(path), "/api/v1/views/me/%s", id);
    snprintf(body, sizeof(body), "{\"name\":\"Mine, renamed\",\"filters\":%s}", filters);
    r = http_json("PUT", path, r_key, body);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "Mine, renamed"));
    http_res_free(&r);
    r = http_json("DELETE", path, r_key, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "{\"status\":\"success\",\"data\":true}");
    http_res_free(&r);
    v = sql_valuef("SELECT count(*) FROM views WHERE id = %s", id);
    ck_assert_str_eq(v, "0");
    free(v);
    snprintf(path, sizeof(path), "/api/v1/views/%s/conversations", id);
    expect_json_error("GET", path, r_key, NULL, 404, "View not found", "NotFoundException");
    expect_json_error("GET", "/api/v1/views/x/conversations", r_key, NULL, 400, "Invalid view `id`",
                      "InputException");

    /* With read_all, a view's list is exactly the list endpoint's answer. */
    snprintf(body, sizeof(body), "{\"name\":\"Admin all\",\"filters\":%s}", filters);
    create("/api/v1/views/me", it_admin_key, body, id);
    snprintf(path, sizeof(path), "/api/v1/views/%s/conversations?page_size=3", id);
    struct http_res a = http_get(path, tok(it_admin_key));
    url_escape(filters, enc, sizeof(enc));
    snprintf(p2, sizeof(p2), "/api/v1/conversations/all?page_size=3&filters=%s", enc);
    struct http_res b = http_get(p2, tok(it_admin_key));
    ck_assert_int_eq(a.status, 200);
    ck_assert_str_eq(a.body, b.body);
    subjects_of(&a, got, sizeof(got), &total);
    ck_assert_str_eq(got, "v0,v1,v2");
    ck_assert_int_eq(total, 4);
    http_res_free(&a);
    http_res_free(&b);
}
END_TEST

START_TEST(test_shared_views)
{
    char body[1024], tv[16], av[16], path[96], mine[16];
    if (r_id[0] == '\0')
        fixture();
    snprintf(body, sizeof(body),
             "{\"name\":\"Team view\",\"filters\":%s,\"visibility\":\"team\",\"team_id\":%s}",
             filters, team);
    expect_json_error("POST", "/api/v1/shared-views", r_key, body, 403, "Permission denied",
                      "PermissionException");
    create("/api/v1/shared-views", it_admin_key, body, tv);
    snprintf(body, sizeof(body), "{\"name\":\"All view\",\"filters\":%s,\"visibility\":\"all\"}",
             filters);
    create("/api/v1/shared-views", it_admin_key, body, av);
    char *v = sql_valuef(
        "SELECT string_agg(visibility || ':' || coalesce(team_id::text, '-') || ':' ||"
        " coalesce(user_id::text, '-'), ',' ORDER BY id) FROM views WHERE id IN (%s, %s)",
        tv, av);
    char want[96];
    snprintf(want, sizeof(want), "team:%s:-,all:-:-", team);
    ck_assert_str_eq(v, want);
    free(v);

    snprintf(body, sizeof(body), "{\"name\":\"X\",\"filters\":%s,\"visibility\":\"user\"}",
             filters);
    expect_json_error("POST", "/api/v1/shared-views", it_admin_key, body, 400,
                      "Invalid `visibility`: use all or team", "InputException");
    snprintf(body, sizeof(body), "{\"name\":\"X\",\"filters\":%s,\"visibility\":\"team\"}",
             filters);
    expect_json_error("POST", "/api/v1/shared-views", it_admin_key, body, 400,
                      "`team_id` is required for a team view", "InputException");
    snprintf(body, sizeof(body),
             "{\"name\":\"X\",\"filters\":%s,\"visibility\":\"team\",\"team_id\":99999999}",
             filters);
    expect_json_error("POST", "/api/v1/shared-views", it_admin_key, body, 400, "Unknown `team_id`",
                      "InputException");

    /* Listing and getting; a personal view is not a shared one. */
    struct http_res r = http_get("/api/v1/shared-views", tok(it_admin_key));
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "\"Team view\""));
    ck_assert_ptr_nonnull(strstr(r.body, "\"All view\""));
    http_res_free(&r);
    snprintf(body, sizeof(body), "{\"name\":\"Personal\",\"filters\":%s}", filters);
    create("/api/v1/views/me", r_key, body, mine);
    snprintf(path, sizeof(path), "/api/v1/shared-views/%s", mine);
    expect_json_error("GET", path, it_admin_key, NULL, 404, "View not found", "NotFoundException");
    expect_json_error("DELETE", path, it_admin_key, NULL, 404, "View not found",
                      "NotFoundException");
    snprintf(path, sizeof(path), "/api/v1/shared-views/%s", tv);
    r = http_get(path, tok(it_admin_key));
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "\"Team view\""));
    http_res_free(&r);

    /* Visible to me: R is in the team, the admin is not. */
    r = http_get("/api/v1/views/shared", tok(r_key));
    ck_assert_ptr_nonnull(strstr(r.body, "\"Team view\""));
    ck_assert_ptr_nonnull(strstr(r.body, "\"All view\""));
    ck_assert_ptr_null(strstr(r.body, "\"Personal\""));
    http_res_free(&r);
    r = http_get("/api/v1/views/shared", tok(it_admin_key));
    ck_assert_ptr_null(strstr(r.body, "\"Team view\""));
    ck_assert_ptr_nonnull(strstr(r.body, "\"All view\""));
    http_res_free(&r);

    /* Running them: membership for the team view, then each caller's own scope. */
    expect_view_list(tv, r_key, "v0,v3", 2);
    snprintf(path, sizeof(path), "/api/v1/views/%s/conversations", tv);
    expect_json_error("GET", path, it_admin_key, NULL, 403, "You do not have access to this view",
                      "PermissionException");
    expect_view_list(av, it_admin_key, "v0,v1,v2,v3", 4);
    expect_view_list(av, r_key, "v0,v3", 2);

    /* Update to everyone (team_id dropped), then delete. */
    snprintf(path, sizeof(path), "/api/v1/shared-views/%s", tv);
    snprintf(body, sizeof(body), "{\"name\":\"Now for all\",\"filters\":%s,\"visibility\":\"all\"}",
             filters);
    r = http_json("PUT", path, it_admin_key, body);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_null(strstr(r.body, "team_id"));
    http_res_free(&r);
    expect_view_list(tv, it_admin_key, "v0,v1,v2,v3", 4);
    r = http_json("DELETE", path, it_admin_key, NULL);
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    expect_json_error("GET", path, it_admin_key, NULL, 404, "View not found", "NotFoundException");
    v = sql_valuef("SELECT count(*) FROM views WHERE id = %s", tv);
    ck_assert_str_eq(v, "0");
    free(v);
}
END_TEST

Suite *it_views_suite(void)
{
    return SUITE_OF("views", 60, NULL, NULL, test_personal_views, test_shared_views);
}
