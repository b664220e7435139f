/* it_auth.c - API-key authentication and permissions over HTTP. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../suite_of.h"
#include "it.h"

static const char *const SESSION_MSG = "Invalid or expired session";

static void expect(const char *auth, long status, const char *msg)
{
    struct http_res r = http_get("/api/v1/statuses", auth);
    if (status == 200)
        ck_assert_msg(r.status == 200, "auth %s: %ld %s", auth ? auth : "(none)", r.status, r.body);
    else
        assert_error(&r, status, msg, "GeneralException");
    http_res_free(&r);
}

/* Creates a fresh agent through the CLI; key receives KEY:SECRET. */
static void fresh_agent(const char *role, char *email, size_t elen, char *key, size_t klen)
{
    static int seq;
    snprintf(email, elen, "auth-%ld-%ld-%d@example.com", (long)time(NULL), (long)getpid(), ++seq);
    it_make_agent(email, "A", role, NULL, NULL, 0, key, klen);
}

START_TEST(test_no_credentials)
{
    expect(NULL, 401, SESSION_MSG);
}
END_TEST

START_TEST(test_wrong_secret_and_unknown_key)
{
    char bad[300];
    snprintf(bad, sizeof(bad), "%s", it_admin_key);
    char *colon = strchr(bad, ':');
    colon[1] = colon[1] == 'A' ? 'B' : 'A'; /* same length, one character off */
    expect(tok(bad), 401, "Invalid credential");
    expect(tok(bad), 401, "Invalid credential"); /* and again, from the negative cache */
    expect(tok("unknownkey0000000000000000000000:secret"), 401, "Invalid credential");
    expect("token \xff\xfe:\xff\xfe", 401, "Invalid credential"); /* not UTF-8: no key's */
    expect(tok(it_admin_key), 200, NULL);                         /* the right secret still works */
}
END_TEST

START_TEST(test_malformed_headers_fall_through)
{
    char h[300];
    expect("token missingcolon", 401, SESSION_MSG);
    expect("token :secretonly", 401, SESSION_MSG);
    expect("Bearer not.a.jwt", 401, SESSION_MSG);
    snprintf(h, sizeof(h), "Token %s", it_admin_key); /* scheme words are case-sensitive */
    expect(h, 401, SESSION_MSG);
    expect("Basic !!!notbase64", 401, SESSION_MSG);
    expect("", 401, SESSION_MSG);
}
END_TEST

START_TEST(test_basic_form)
{
    char cmd[512], b64[512], h[600];
    snprintf(cmd, sizeof(cmd), "printf '%%s' '%s' | base64 -w0", it_agent_key);
    ck_assert_int_eq(run_cmd(cmd, b64, sizeof(b64)), 0);
    snprintf(h, sizeof(h), "Basic %s", b64);
    expect(h, 200, NULL);
    snprintf(h, sizeof(h), "Basic   %s  ", b64); /* surrounding spaces are trimmed */
    expect(h, 200, NULL);
    snprintf(h, sizeof(h), "token   %s", it_agent_key);
    expect(h, 200, NULL);
}
END_TEST

START_TEST(test_disabled_and_deleted_agents)
{
    char email[128], key[256], sql[256];
    fresh_agent("Agent", email, sizeof(email), key, sizeof(key));
    expect(tok(key), 200, NULL); /* verified and cached by some worker */
    snprintf(sql, sizeof(sql), "UPDATE users SET enabled = FALSE WHERE email = '%s'", email);
    sql_exec(sql);
    for (int i = 0; i < 8; i++) /* every worker refuses, cached or not */
        expect(tok(key), 401, "Invalid credential");
    snprintf(sql, sizeof(sql), "UPDATE users SET enabled = TRUE WHERE email = '%s'", email);
    sql_exec(sql);
    expect(tok(key), 200, NULL);
    snprintf(sql, sizeof(sql), "UPDATE users SET deleted_at = now() WHERE email = '%s'", email);
    sql_exec(sql);
    for (int i = 0; i < 8; i++)
        expect(tok(key), 401, "Invalid credential");
}
END_TEST

START_TEST(test_regenerated_key_invalidates_old)
{
    char email[128], key1[256], key2[256], cmd[512], sql[256];
    fresh_agent("Agent", email, sizeof(email), key1, sizeof(key1));
    for (int i = 0; i < 8; i++)
        expect(tok(key1), 200, NULL);
    snprintf(sql, sizeof(sql),
             "SELECT api_key_last_used_at IS NOT NULL FROM users WHERE email = '%s'", email);
    char *used = sql_value(sql);
    ck_assert_str_eq(used, "t");
    free(used);
    snprintf(cmd, sizeof(cmd), "'%s/bin/deskd' agent api-key --email %s", it_root(), email);
    ck_assert_int_eq(run_cmd(cmd, key2, sizeof(key2)), 0);
    ck_assert_str_ne(key1, key2);
    for (int i = 0; i < 8; i++)
        expect(tok(key1), 401, "Invalid credential");
    expect(tok(key2), 200, NULL);
    /* Same key id with the old secret: still refused (the stored hash changed). */
    char mixed[300];
    snprintf(mixed, sizeof(mixed), "%.*s%s", (int)(strchr(key2, ':') - key2), key2,
             strchr(key1, ':'));
    expect(tok(mixed), 401, "Invalid credential");
}
END_TEST

START_TEST(test_hash_written_by_upstream_verifies)
{
    /* A $2a$ hash as Go's bcrypt writes it (cost 5), stored directly. */
    char email[128], key[256], sql[512];
    fresh_agent("Agent", email, sizeof(email), key, sizeof(key));
    snprintf(sql, sizeof(sql),
             "UPDATE users SET api_key = 'upstreamkey%d', api_secret ="
             " '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW' WHERE email = '%s'",
             (int)getpid(), email);
    sql_exec(sql);
    snprintf(sql, sizeof(sql), "SELECT api_key FROM users WHERE email = '%s'", email);
    char *k = sql_value(sql);
    char pair[300];
    snprintf(pair, sizeof(pair), "%s:U*U", k);
    expect(tok(pair), 200, NULL);
    snprintf(pair, sizeof(pair), "%s:U*V", k);
    expect(tok(pair), 401, "Invalid credential");
    free(k);
}
END_TEST

START_TEST(test_permissions_are_the_union_of_roles)
{
    char sql[512], path[128];
    snprintf(sql, sizeof(sql), "SELECT id FROM users WHERE email = '%s'", it_admin_email);
    char *admin_id = sql_value(sql);
    snprintf(path, sizeof(path), "/api/v1/agents/%s", admin_id);
    struct http_res r = http_get(path, tok(it_agent_key));
    assert_error(&r, 403, "Permission denied", "PermissionException");
    http_res_free(&r);

    snprintf(sql, sizeof(sql),
             "DELETE FROM roles WHERE name = 'It viewers';"
             "INSERT INTO roles (name, permissions) VALUES ('It viewers', ARRAY['users:manage']);"
             "INSERT INTO user_roles (user_id, role_id) SELECT u.id, r.id FROM users u, roles r"
             " WHERE u.email = '%s' AND r.name = 'It viewers'",
             it_agent_email);
    sql_exec(sql);
    r = http_get(path, tok(it_agent_key)); /* permissions are read per request */
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    r = http_get("/api/v1/agents/me", tok(it_agent_key));
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "\"users:manage\""));
    ck_assert_ptr_nonnull(strstr(r.body, "\"messages:write\""));
    ck_assert_ptr_nonnull(strstr(r.body, "\"It viewers\""));
    http_res_free(&r);

    sql_exec("DELETE FROM roles WHERE name = 'It viewers'");
    expect_error(path, tok(it_agent_key), 403, "Permission denied", "PermissionException");
    free(admin_id);
}
END_TEST

START_TEST(test_csrf_before_session)
{
    /* Upstream checks CSRF before the session, so an anonymous write is a 403. */
    const char *path = "/api/v1/conversations/00000000-0000-0000-0000-000000000000/priority";
    const char *body = "{\"priority\":\"High\"}";
    struct http_res r = http_do("PUT", path, NULL, body, strlen(body), NULL);
    assert_error(&r, 403, "CSRF token mismatch", "PermissionException");
    http_res_free(&r);
    r = http_do("PUT", path, NULL, body, strlen(body), "Cookie: csrf_token=abc"); /* no header */
    assert_error(&r, 403, "CSRF token mismatch", "PermissionException");
    http_res_free(&r);
    r = http_do("PUT", path, NULL, body, strlen(body), "Cookie: csrf_token=abc\nX-CSRFTOKEN: abd");
    assert_error(&r, 403, "CSRF token mismatch", "PermissionException");
    http_res_free(&r);
    /* A matching pair passes CSRF; without a session it is then a 401. */
    r = http_do("PUT", path, NULL, body, strlen(body), "Cookie: csrf_token=abc\nX-CSRFTOKEN: abc");
    assert_error(&r, 401, "Invalid or expired session", "GeneralException");
    http_res_free(&r);
    /* An API key needs no CSRF pair. */
    r = http_do("PUT", path, tok(it_admin_key), body, strlen(body), NULL);
    assert_error(&r, 404, "Conversation not found", "NotFoundException");
    http_res_free(&r);
}
END_TEST

Suite *it_auth_suite(void)
{
    return SUITE_OF("auth", 60, NULL, NULL, test_no_credentials, test_wrong_secret_and_unknown_key,
                    test_malformed_headers_fall_through, test_basic_form,
                    test_disabled_and_deleted_agents, test_regenerated_key_invalidates_old,
                    test_hash_written_by_upstream_verifies, test_permissions_are_the_union_of_roles,
                    test_csrf_before_session);
}
