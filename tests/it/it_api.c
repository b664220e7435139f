/* it_api.c - the endpoints of the foundation, over HTTP, checked against the database. */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../suite_of.h"
#include "it.h"

/* Asserts that obj has exactly these keys, in this order. */
static void assert_keys(json_object *obj, const char *const *keys, size_t n)
{
    size_t i = 0;
    ck_assert(json_object_is_type(obj, json_type_object));
    json_object_object_foreach(obj, k, v)
    {
        (void)v;
        ck_assert_msg(i < n, "unexpected key %s", k);
        ck_assert_msg(strcmp(k, keys[i]) == 0, "key %zu is %s, want %s", i, k, keys[i]);
        i++;
    }
    ck_assert_uint_eq(i, n);
}

static void assert_rfc3339(const char *s)
{
    regex_t re;
    ck_assert_int_eq(regcomp(&re,
                             "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?"
                             "(Z|[+-][0-9]{2}:[0-9]{2})$",
                             REG_EXTENDED | REG_NOSUB),
                     0);
    ck_assert_msg(regexec(&re, s, 0, NULL, 0) == 0, "not RFC 3339: %s", s);
    regfree(&re);
}

START_TEST(test_health)
{
    struct http_res r = http_get("/health", NULL);
    char id[128];
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "{\"status\":\"success\",\"data\":true}");
    ck_assert_ptr_nonnull(http_header(&r, "X-Request-Id", id, sizeof(id)));
    ck_assert_uint_eq(strlen(id), 32);
    http_res_free(&r);
    r = http_do("HEAD", "/health", NULL, NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_uint_eq(r.len, 0);
    http_res_free(&r);
}
END_TEST

START_TEST(test_ready)
{
    static const char ok[] = "{\"status\":\"success\",\"data\":true}";
    struct http_res r = http_get("/ready", NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, ok);
    http_res_free(&r);

    /* One migration no longer recorded: not ready, until it is again. */
    sql_exec("UPDATE schema_migrations SET version = version || '.hidden'"
             " WHERE version = (SELECT max(version) FROM schema_migrations)");
    r = http_get("/ready", NULL);
    sql_exec("UPDATE schema_migrations SET version = left(version, -7)"
             " WHERE version LIKE '%.hidden'");
    ck_assert_int_eq(r.status, 503);
    ck_assert_str_eq(r.body, "{\"status\":\"error\",\"message\":\"Not ready: 1 migrations not"
                             " applied\",\"error_type\":\"GeneralException\",\"data\":null}");
    http_res_free(&r);

    r = http_get("/ready", NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, ok);
    http_res_free(&r);
}
END_TEST

START_TEST(test_statuses)
{
    static const char *const keys[] = {"id", "created_at", "name", "category"};
    static const char *const names[] = {"Open", "Snoozed", "Resolved", "Closed"};
    static const char *const cats[] = {"open", "waiting", "resolved", "resolved"};
    json_object *root;
    /* The four defaults first; other suites may have added more (all are listed). */
    char *count = sql_value("SELECT count(*) FROM conversation_statuses");
    size_t n = (size_t)atoi(count);
    free(count);
    ck_assert_uint_ge(n, 4);
    struct http_res r = http_get("/api/v1/statuses", tok(it_admin_key));
    ck_assert_int_eq(r.status, 200);
    json_object *d = json_data(&r, &root);
    ck_assert_uint_eq(json_object_array_length(d), n);
    for (size_t i = 0; i < 4; i++) {
        json_object *s = json_object_array_get_idx(d, i);
        assert_keys(s, keys, 4);
        ck_assert_int_eq(json_object_get_int64(json_object_object_get(s, "id")), (int64_t)i + 1);
        ck_assert_str_eq(json_object_get_string(json_object_object_get(s, "name")), names[i]);
        ck_assert_str_eq(json_object_get_string(json_object_object_get(s, "category")), cats[i]);
        assert_rfc3339(json_object_get_string(json_object_object_get(s, "created_at")));
    }
    json_object_put(root);
    http_res_free(&r);

    /*
     * Workers cache the list; every change must still show at once in every
     * worker (more requests than workers): insert, update, delete.
     */
    sql_exec("INSERT INTO conversation_statuses (name, category) VALUES ('It pending', 'waiting')");
    for (int i = 0; i < 12; i++) {
        r = http_get("/api/v1/statuses", tok(it_agent_key));
        ck_assert_int_eq(r.status, 200);
        d = json_data(&r, &root);
        ck_assert_uint_eq(json_object_array_length(d), n + 1);
        ck_assert_str_eq(
            json_object_get_string(json_object_object_get(json_object_array_get_idx(d, n), "name")),
            "It pending");
        json_object_put(root);
        http_res_free(&r);
    }
    sql_exec("UPDATE conversation_statuses SET name = 'It parked' WHERE name = 'It pending'");
    for (int i = 0; i < 12; i++) {
        r = http_get("/api/v1/statuses", tok(it_admin_key));
        ck_assert_ptr_nonnull(strstr(r.body, "It parked"));
        ck_assert_ptr_null(strstr(r.body, "It pending"));
        http_res_free(&r);
    }
    sql_exec("DELETE FROM conversation_statuses WHERE name = 'It parked'");
    for (int i = 0; i < 12; i++) {
        r = http_get("/api/v1/statuses", tok(it_agent_key));
        d = json_data(&r, &root);
        ck_assert_uint_eq(json_object_array_length(d), n);
        json_object_put(root);
        http_res_free(&r);
    }
}
END_TEST

START_TEST(test_prompt_change_visible)
{
    sql_exec("UPDATE ai_prompts SET title = 'Make It Friendly' WHERE key = 'make_friendly'");
    for (int i = 0; i < 12; i++) {
        struct http_res r = http_get("/api/v1/ai/prompts", tok(it_agent_key));
        ck_assert_ptr_nonnull(strstr(r.body, "Make It Friendly"));
        http_res_free(&r);
    }
    sql_exec("UPDATE ai_prompts SET title = 'Make Friendly' WHERE key = 'make_friendly'");
    for (int i = 0; i < 12; i++) {
        struct http_res r = http_get("/api/v1/ai/prompts", tok(it_agent_key));
        ck_assert_ptr_null(strstr(r.body, "Make It Friendly"));
        http_res_free(&r);
    }
}
END_TEST

START_TEST(test_priorities)
{
    static const char *const keys[] = {"id", "created_at", "name"};
    static const char *const names[] = {"Low", "Medium", "High"};
    json_object *root;
    struct http_res r = http_get("/api/v1/priorities", tok(it_agent_key));
    ck_assert_int_eq(r.status, 200);
    json_object *d = json_data(&r, &root);
    ck_assert_int_eq(json_object_array_length(d), 3);
    for (size_t i = 0; i < 3; i++) {
        json_object *p = json_object_array_get_idx(d, i);
        assert_keys(p, keys, 3);
        ck_assert_str_eq(json_object_get_string(json_object_object_get(p, "name")), names[i]);
    }
    json_object_put(root);
    http_res_free(&r);
}
END_TEST

START_TEST(test_ai_prompts)
{
    static const char *const keys[] = {"id", "created_at", "updated_at", "title", "key"};
    static const char *const titles[] = {
        "Add Empathy",  "Adjust Positive Tone", "Fix Grammar & Spelling",
        "Make Concise", "Make Friendly",        "Make Professional"};
    json_object *root;
    struct http_res r = http_get("/api/v1/ai/prompts", tok(it_agent_key));
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_null(strstr(r.body, "\"content\""));
    json_object *d = json_data(&r, &root);
    ck_assert_int_eq(json_object_array_length(d), 6);
    for (size_t i = 0; i < 6; i++) {
        json_object *p = json_object_array_get_idx(d, i);
        assert_keys(p, keys, 5);
        ck_assert_str_eq(json_object_get_string(json_object_object_get(p, "title")), titles[i]);
    }
    ck_assert_str_eq(
        json_object_get_string(json_object_object_get(json_object_array_get_idx(d, 2), "key")),
        "fix_grammar_spelling");
    json_object_put(root);
    http_res_free(&r);
}
END_TEST

START_TEST(test_agents_me)
{
    static const char *const keys[] = {"id",
                                       "created_at",
                                       "updated_at",
                                       "first_name",
                                       "last_name",
                                       "email",
                                       "type",
                                       "availability_status",
                                       "phone_number_country_code",
                                       "phone_number",
                                       "avatar_url",
                                       "enabled",
                                       "last_active_at",
                                       "last_login_at",
                                       "roles",
                                       "permissions",
                                       "country",
                                       "meta",
                                       "custom_attributes",
                                       "external_user_id",
                                       "teams",
                                       "api_key",
                                       "api_key_last_used_at"};
    char sql[512], key[256];
    json_object *root;

    snprintf(sql, sizeof(sql),
             "DELETE FROM teams WHERE name = 'It team';"
             "INSERT INTO teams (name, emoji) VALUES ('It team', '🧪');"
             "INSERT INTO team_members (team_id, user_id) SELECT t.id, u.id FROM teams t, users u"
             " WHERE t.name = 'It team' AND u.email = '%s'",
             it_admin_email);
    sql_exec(sql);
    struct http_res r = http_get("/api/v1/agents/me", tok(it_admin_key));
    ck_assert_int_eq(r.status, 200);
    json_object *d = json_data(&r, &root);
    assert_keys(d, keys, sizeof(keys) / sizeof(keys[0]));
    ck_assert_str_eq(json_object_get_string(json_object_object_get(d, "email")), it_admin_email);
    ck_assert_str_eq(json_object_get_string(json_object_object_get(d, "type")), "agent");
    ck_assert_str_eq(json_object_get_string(json_object_object_get(d, "last_name")), "Admin");
    ck_assert(json_object_get_boolean(json_object_object_get(d, "enabled")));
    ck_assert_str_eq(
        json_object_to_json_string_ext(json_object_object_get(d, "roles"), JSON_C_TO_STRING_PLAIN),
        "[\"Admin\"]");

    /* permissions = the sorted union of the agent's roles, as the database has it. */
    snprintf(sql, sizeof(sql),
             "SELECT string_agg(p, ',' ORDER BY p) FROM (SELECT DISTINCT unnest(r.permissions) p"
             " FROM roles r JOIN user_roles ur ON ur.role_id = r.id JOIN users u"
             " ON u.id = ur.user_id WHERE u.email = '%s') x",
             it_admin_email);
    char *want = sql_value(sql);
    json_object *perms = json_object_object_get(d, "permissions");
    char got[4096] = "";
    for (size_t i = 0; i < json_object_array_length(perms); i++) {
        if (i)
            strncat(got, ",", sizeof(got) - strlen(got) - 1);
        strncat(got, json_object_get_string(json_object_array_get_idx(perms, i)),
                sizeof(got) - strlen(got) - 1);
    }
    ck_assert_str_eq(got, want);
    free(want);

    json_object *teams = json_object_object_get(d, "teams");
    ck_assert_int_eq(json_object_array_length(teams), 1);
    static const char *const tkeys[] = {"id", "name", "emoji"};
    assert_keys(json_object_array_get_idx(teams, 0), tkeys, 3);
    ck_assert_str_eq(
        json_object_get_string(json_object_object_get(json_object_array_get_idx(teams, 0), "name")),
        "It team");

    snprintf(key, sizeof(key), "%s", it_admin_key);
    *strchr(key, ':') = '\0';
    ck_assert_str_eq(json_object_get_string(json_object_object_get(d, "api_key")), key);
    /* Never the secret or any password hash. */
    ck_assert_ptr_null(strstr(r.body, strchr(it_admin_key, ':') + 1));
    ck_assert_ptr_null(strstr(r.body, "$2"));
    ck_assert_ptr_null(strstr(r.body, "password"));
    ck_assert_ptr_null(strstr(r.body, "api_secret"));
    assert_rfc3339(json_object_get_string(json_object_object_get(d, "api_key_last_used_at")));
    json_object_put(root);
    http_res_free(&r);
    sql_exec("DELETE FROM teams WHERE name = 'It team'");
}
END_TEST

START_TEST(test_agents_get)
{
    char sql[256], path[128];
    json_object *root;
    snprintf(sql, sizeof(sql), "SELECT id FROM users WHERE email = '%s'", it_agent_email);
    char *id = sql_value(sql);
    snprintf(path, sizeof(path), "/api/v1/agents/%s", id);
    struct http_res r = http_get(path, tok(it_admin_key));
    ck_assert_int_eq(r.status, 200);
    json_object *d = json_data(&r, &root);
    ck_assert_str_eq(json_object_get_string(json_object_object_get(d, "email")), it_agent_email);
    ck_assert_str_eq(
        json_object_to_json_string_ext(json_object_object_get(d, "roles"), JSON_C_TO_STRING_PLAIN),
        "[\"Agent\"]");
    json_object_put(root);
    http_res_free(&r);

    r = http_get(path, tok(it_agent_key)); /* the Agent role lacks users:manage */
    assert_error(&r, 403, "Permission denied", "PermissionException");
    http_res_free(&r);
    expect_error("/api/v1/agents/999999", tok(it_admin_key), 404, "User not found",
                 "NotFoundException");
    expect_error("/api/v1/agents/abc", tok(it_admin_key), 400, "Invalid agent `id`",
                 "InputException");
    expect_error("/api/v1/agents/0", tok(it_admin_key), 400, "Invalid agent `id`",
                 "InputException");
    expect_error("/api/v1/agents/1%20OR%201=1", tok(it_admin_key), 400, "Invalid agent `id`",
                 "InputException");
    free(id);
}
END_TEST

Suite *it_api_suite(void)
{
    return SUITE_OF("api", 30, NULL, NULL, test_health, test_ready, test_statuses, test_priorities,
                    test_ai_prompts, test_prompt_change_visible, test_agents_me, test_agents_get);
}
