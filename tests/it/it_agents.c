/*
 * it_agents.c - agents, teams, roles and API keys over HTTP: the upstream
 * bootstrap flow (cookie login, CSRF, key creation, key use), regeneration
 * and revocation seen by every worker, reads checked against the database,
 * availability, and the permission wall for the Agent role.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../suite_of.h"
#include "it.h"

/* A fresh Agent-role agent created by the CLI; its email and id. */
static void fresh_agent(char *email, size_t elen, char *id, size_t ilen)
{
    static int seq;
    snprintf(email, elen, "agt-%ld-%d@example.com", (long)getpid(), ++seq);
    it_make_agent(email, "Agt", "Agent", "Agt-Passw0rd!", id, ilen, NULL, 0);
}

/* Status of GET /api/v1/agents/me with "token KEY:SECRET". */
static long me_with(const char *key, const char *secret)
{
    char pair[200];
    snprintf(pair, sizeof(pair), "%s:%s", key, secret);
    struct http_res r = http_get("/api/v1/agents/me", tok(pair));
    long st = r.status;
    http_res_free(&r);
    return st;
}

/* POSTs the api-key route with auth/extra; the key and secret out of the 200 answer. */
static void new_key(const char *id, const char *auth, const char *extra, char key[64],
                    char secret[128])
{
    char path[96];
    json_object *root;
    snprintf(path, sizeof(path), "/api/v1/agents/%s/api-key", id);
    struct http_res r = http_do("POST", path, auth, NULL, 0, extra);
    ck_assert_msg(r.status == 200, "api-key: %ld %s", r.status, r.body);
    json_object *d = json_data(&r, &root);
    ck_assert_int_eq(json_object_object_length(d), 2);
    snprintf(key, 64, "%s", json_str(d, "api_key"));
    snprintf(secret, 128, "%s", json_str(d, "api_secret"));
    ck_assert_uint_eq(strlen(key), 32);
    ck_assert_uint_eq(strlen(secret), 64);
    ck_assert_uint_eq(strspn(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
                      32);
    json_object_put(root);
    http_res_free(&r);
}

START_TEST(test_bootstrap_flow)
{
    char email[96], id[16], session[2048], csrf[128], h[4096], key[64], secret[128], sql[512];
    fresh_agent(email, sizeof(email), id, sizeof(id));

    /* Log in as the admin with a cookie jar and use the csrf cookie on the write. */
    ck_assert_int_eq(
        it_login(it_admin_email, "Test-Passw0rd", session, sizeof(session), csrf, sizeof(csrf)),
        200);
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/agents/%s/api-key", id);
    snprintf(h, sizeof(h), "Cookie: libredesk_session=%s; csrf_token=%s", session, csrf);
    struct http_res r = http_do("POST", path, NULL, NULL, 0, h);
    assert_error(&r, 403, "CSRF token mismatch", "PermissionException");
    http_res_free(&r);
    snprintf(h, sizeof(h), "Cookie: libredesk_session=%s; csrf_token=%s\nX-CSRFTOKEN: %s", session,
             csrf, csrf);
    new_key(id, NULL, h, key, secret);

    /* The key works at once; the database holds the key and only a bcrypt of the secret. */
    ck_assert_int_eq(me_with(key, secret), 200);
    snprintf(sql, sizeof(sql),
             "SELECT (api_key = '%s')::text || '/' || (api_secret LIKE '$2%%')::text || '/' ||"
             " (api_secret <> '%s')::text FROM users WHERE id = %s",
             key, secret, id);
    char *v = sql_value(sql);
    ck_assert_str_eq(v, "true/true/true");
    free(v);

    /* Warm every worker's cache with the key, then regenerate it over an API key (no CSRF). */
    for (int i = 0; i < 12; i++)
        ck_assert_int_eq(me_with(key, secret), 200);
    char key2[64], secret2[128];
    new_key(id, tok(it_admin_key), NULL, key2, secret2);
    ck_assert_str_ne(key, key2);
    for (int i = 0; i < 12; i++) {
        ck_assert_int_eq(me_with(key, secret), 401);
        ck_assert_int_eq(me_with(key2, secret2), 200);
    }

    /* Revoke: the key is gone from the row and refused everywhere. */
    r = http_do("DELETE", path, tok(it_admin_key), NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "{\"status\":\"success\",\"data\":true}");
    http_res_free(&r);
    for (int i = 0; i < 12; i++)
        ck_assert_int_eq(me_with(key2, secret2), 401);
    snprintf(sql, sizeof(sql),
             "SELECT (api_key IS NULL AND api_secret IS NULL)::text FROM users WHERE id = %s", id);
    v = sql_value(sql);
    ck_assert_str_eq(v, "true");
    free(v);

    /* Unknown, malformed and non-agent ids. */
    r = http_do("POST", "/api/v1/agents/99999999/api-key", tok(it_admin_key), NULL, 0, NULL);
    assert_error(&r, 404, "User not found", "NotFoundException");
    http_res_free(&r);
    r = http_do("DELETE", "/api/v1/agents/0/api-key", tok(it_admin_key), NULL, 0, NULL);
    assert_error(&r, 400, "Invalid agent `id`", "InputException");
    http_res_free(&r);
    v = sql_value("INSERT INTO users (type, first_name, email) VALUES ('contact', 'C',"
                  " 'api-key-contact-' || pg_backend_pid() || '@example.com') RETURNING id");
    snprintf(path, sizeof(path), "/api/v1/agents/%s/api-key", v);
    free(v);
    r = http_do("POST", path, tok(it_admin_key), NULL, 0, NULL);
    assert_error(&r, 404, "User not found", "NotFoundException");
    http_res_free(&r);
}
END_TEST

START_TEST(test_agent_role_is_refused_admin_routes)
{
    static const struct {
        const char *method, *path, *body;
    } admin[] = {
        {"GET", "/api/v1/agents", NULL},
        {"GET", "/api/v1/agents/1", NULL},
        {"POST", "/api/v1/agents/1/api-key", NULL},
        {"DELETE", "/api/v1/agents/1/api-key", NULL},
        {"GET", "/api/v1/teams", NULL},
        {"GET", "/api/v1/teams/1", NULL},
        {"POST", "/api/v1/agents",
         "{\"first_name\":\"X\",\"email\":\"x@example.com\",\"roles\":[\"Admin\"]}"},
        {"PUT", "/api/v1/agents/1", "{}"},
        {"DELETE", "/api/v1/agents/1", NULL},
        {"POST", "/api/v1/teams", "{\"name\":\"x\"}"},
        {"PUT", "/api/v1/teams/1", "{}"},
        {"DELETE", "/api/v1/teams/1", NULL},
    };
    for (size_t i = 0; i < sizeof(admin) / sizeof(admin[0]); i++) {
        const char *b = admin[i].body;
        struct http_res r =
            http_do(admin[i].method, admin[i].path, tok(it_agent_key), b, b ? strlen(b) : 0, NULL);
        ck_assert_msg(r.status == 403, "%s %s: %ld", admin[i].method, admin[i].path, r.status);
        assert_error(&r, 403, "Permission denied", "PermissionException");
        http_res_free(&r);
    }
    /* The routes every agent may use. */
    static const char *const open[] = {"/api/v1/agents/compact", "/api/v1/agents/me/teams",
                                       "/api/v1/teams/compact", "/api/v1/roles"};
    for (size_t i = 0; i < sizeof(open) / sizeof(open[0]); i++) {
        struct http_res r = http_get(open[i], tok(it_agent_key));
        ck_assert_msg(r.status == 200, "%s: %ld", open[i], r.status);
        http_res_free(&r);
    }
}
END_TEST

/* Index of the element whose key equals want in the array, or -1. */
static int find_in(json_object *arr, const char *key, const char *want)
{
    for (size_t i = 0; i < json_object_array_length(arr); i++)
        if (strcmp(json_str(json_object_array_get_idx(arr, i), key), want) == 0)
            return (int)i;
    return -1;
}

START_TEST(test_agent_lists)
{
    json_object *root;
    struct http_res r = http_get("/api/v1/agents", tok(it_admin_key));
    ck_assert_int_eq(r.status, 200);
    json_object *d = json_data(&r, &root);
    ck_assert(json_object_is_type(d, json_type_array));
    char *n = sql_value("SELECT count(*) FROM users WHERE type = 'agent' AND deleted_at IS NULL");
    ck_assert_int_eq((int)json_object_array_length(d), atoi(n));
    free(n);
    int at = find_in(d, "email", it_agent_email);
    ck_assert_int_ge(at, 0);
    json_object *a = json_object_array_get_idx(d, (size_t)at);
    static const char *const compact[] = {
        "id",        "type",       "first_name",       "last_name",           "email",
        "enabled",   "avatar_url", "external_user_id", "availability_status", "created_at",
        "updated_at"};
    ck_assert_int_eq(json_object_object_length(a), (int)(sizeof(compact) / sizeof(compact[0])));
    for (size_t i = 0; i < sizeof(compact) / sizeof(compact[0]); i++)
        ck_assert_msg(json_object_object_get_ex(a, compact[i], NULL), "no %s", compact[i]);
    ck_assert_str_eq(json_str(a, "last_name"), "Agent");
    ck_assert_ptr_null(strstr(r.body, "api_secret"));
    ck_assert_ptr_null(strstr(r.body, "password"));
    /* Newest change first. */
    for (size_t i = 1; i < json_object_array_length(d); i++)
        ck_assert_str_ge(json_str(json_object_array_get_idx(d, i - 1), "updated_at"),
                         json_str(json_object_array_get_idx(d, i), "updated_at"));
    json_object_put(root);
    http_res_free(&r);

    /* Compact: agents and AI assistants, by name, no e-mail. */
    char *ai = sql_value("INSERT INTO users (type, first_name, email) VALUES ('ai_assistant',"
                         " 'Zz-assistant', 'ai-' || pg_backend_pid() || '@example.com')"
                         " RETURNING id");
    r = http_get("/api/v1/agents/compact", tok(it_agent_key));
    ck_assert_int_eq(r.status, 200);
    d = json_data(&r, &root);
    ck_assert_int_ge(find_in(d, "id", ai), 0);
    ck_assert_ptr_null(strstr(r.body, "\"email\""));
    for (size_t i = 1; i < json_object_array_length(d); i++)
        ck_assert_str_le(json_str(json_object_array_get_idx(d, i - 1), "first_name"),
                         json_str(json_object_array_get_idx(d, i), "first_name"));
    json_object_put(root);
    http_res_free(&r);
    free(ai);
}
END_TEST

START_TEST(test_teams_and_roles)
{
    char sql[512], path[96], name[64];
    json_object *root;
    snprintf(name, sizeof(name), "It team %ld", (long)getpid());
    snprintf(sql, sizeof(sql),
             "INSERT INTO teams (name, emoji, timezone) VALUES ('%s', 'T', 'UTC') RETURNING id",
             name);
    char *tid = sql_value(sql);
    snprintf(
        sql, sizeof(sql),
        "INSERT INTO team_members (team_id, user_id) SELECT %s, id FROM users WHERE email = '%s'",
        tid, it_agent_email);
    sql_exec(sql);

    snprintf(path, sizeof(path), "/api/v1/teams/%s", tid);
    struct http_res r = http_get(path, tok(it_admin_key));
    ck_assert_int_eq(r.status, 200);
    json_object *d = json_data(&r, &root);
    ck_assert_str_eq(json_str(d, "id"), tid);
    ck_assert_str_eq(json_str(d, "name"), name);
    ck_assert_str_eq(json_str(d, "emoji"), "T");
    ck_assert_str_eq(json_str(d, "conversation_assignment_type"), "Manual");
    ck_assert_str_eq(json_str(d, "timezone"), "UTC");
    ck_assert_str_eq(json_str(d, "max_auto_assigned_conversations"), "0");
    ck_assert_int_eq(json_object_object_length(d), 10);
    json_object_put(root);
    http_res_free(&r);

    expect_error("/api/v1/teams/99999999", tok(it_admin_key), 404, "Team not found",
                 "NotFoundException");
    expect_error("/api/v1/teams/x1", tok(it_admin_key), 400, "Invalid team `id`", "InputException");

    r = http_get("/api/v1/teams", tok(it_admin_key));
    d = json_data(&r, &root);
    char *n = sql_value("SELECT count(*) FROM teams");
    ck_assert_int_eq((int)json_object_array_length(d), atoi(n));
    free(n);
    ck_assert_int_ge(find_in(d, "name", name), 0);
    json_object_put(root);
    http_res_free(&r);

    r = http_get("/api/v1/teams/compact", tok(it_agent_key));
    d = json_data(&r, &root);
    int at = find_in(d, "name", name);
    ck_assert_int_ge(at, 0);
    ck_assert_int_eq(json_object_object_length(json_object_array_get_idx(d, (size_t)at)), 3);
    json_object_put(root);
    http_res_free(&r);

    /* My teams: the membership just made, for the agent; not for the admin. */
    r = http_get("/api/v1/agents/me/teams", tok(it_agent_key));
    d = json_data(&r, &root);
    ck_assert_int_ge(find_in(d, "name", name), 0);
    json_object_put(root);
    http_res_free(&r);
    r = http_get("/api/v1/agents/me/teams", tok(it_admin_key));
    d = json_data(&r, &root);
    ck_assert_int_lt(find_in(d, "name", name), 0);
    json_object_put(root);
    http_res_free(&r);

    r = http_get("/api/v1/roles", tok(it_agent_key));
    d = json_data(&r, &root);
    at = find_in(d, "name", "Admin");
    ck_assert_int_ge(at, 0);
    json_object *perms =
        json_object_object_get(json_object_array_get_idx(d, (size_t)at), "permissions");
    ck_assert(json_object_is_type(perms, json_type_array));
    ck_assert_ptr_nonnull(strstr(json_object_to_json_string(perms), "\"users:manage\""));
    ck_assert_int_ge(find_in(d, "name", "Agent"), 0);
    json_object_put(root);
    http_res_free(&r);

    snprintf(sql, sizeof(sql), "DELETE FROM teams WHERE id = %s", tid);
    sql_exec(sql);
    free(tid);
}
END_TEST

static void put_availability(const char *body, long status, const char *message)
{
    struct http_res r = http_do("PUT", "/api/v1/agents/me/availability", tok(it_agent_key), body,
                                body ? strlen(body) : 0, "Content-Type: application/json");
    if (status == 200)
        ck_assert_msg(r.status == 200, "%s: %ld %s", body, r.status, r.body);
    else
        assert_error(&r, status, message, "InputException");
    http_res_free(&r);
}

START_TEST(test_availability)
{
    char sql[256];
    snprintf(sql, sizeof(sql), "SELECT availability_status::text FROM users WHERE email = '%s'",
             it_agent_email);
    put_availability("{\"status\":\"away_manual\",\"source\":\"user\"}", 200, NULL);
    char *v = sql_value(sql);
    ck_assert_str_eq(v, "away_manual");
    free(v);
    json_object *root;
    struct http_res r = http_get("/api/v1/agents/me", tok(it_agent_key));
    ck_assert_str_eq(json_str(json_data(&r, &root), "availability_status"), "away_manual");
    json_object_put(root);
    http_res_free(&r);

    const char *const bad_status = "Invalid `status`: use online, away, away_manual, offline or "
                                   "away_and_reassigning";
    put_availability("{\"status\":\"available\"}", 400, bad_status);
    put_availability("{\"source\":\"user\"}", 400, bad_status);
    put_availability("{\"status\":\"online\",\"source\":\"robot\"}", 400,
                     "Invalid `source`: use user or idle");
    v = sql_value(sql);
    ck_assert_str_eq(v, "away_manual"); /* nothing written by the refusals */
    free(v);
    put_availability("{\"status\":\"online\",\"source\":\"idle\"}", 200, NULL);
    v = sql_value(sql);
    ck_assert_str_eq(v, "online");
    free(v);
}
END_TEST

START_TEST(test_agent_writes)
{
    long pid = (long)getpid();
    char team[64], email[96], body[1024], path[96], id[16];
    json_object *root;
    snprintf(team, sizeof(team), "It writes %ld", pid);
    free(sql_valuef("INSERT INTO teams (name) VALUES ('%s') RETURNING id", team));
    snprintf(email, sizeof(email), "ann-%ld@example.com", pid);

    /* Create: e-mail normalised, roles and teams by name, a bcrypt password nobody knows. */
    snprintf(
        body, sizeof(body),
        "{\"first_name\":\"Ann\",\"last_name\":\"New\",\"email\":\"  Ann-%ld@Example.COM \","
        "\"roles\":[\"Agent\"],\"teams\":[\"%s\"],\"enabled\":true,\"send_welcome_email\":false}",
        pid, team);
    struct http_res r = http_json("POST", "/api/v1/agents", it_admin_key, body);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    json_object *d = json_data(&r, &root);
    ck_assert_str_eq(json_str(d, "email"), email);
    ck_assert_str_eq(json_str(d, "first_name"), "Ann");
    ck_assert_str_eq(json_object_to_json_string(json_object_object_get(d, "roles")),
                     "[ \"Agent\" ]");
    ck_assert_ptr_nonnull(
        strstr(json_object_to_json_string(json_object_object_get(d, "teams")), team));
    snprintf(id, sizeof(id), "%s", json_str(d, "id"));
    json_object_put(root);
    http_res_free(&r);
    expect_sqlf("1/1/true/agent",
                "SELECT (SELECT count(*) FROM user_roles WHERE user_id = u.id) || '/' ||"
                " (SELECT count(*) FROM team_members WHERE user_id = u.id) || '/' ||"
                " (u.password LIKE '$2%%') || '/' || u.type FROM users u WHERE u.id = %s",
                id);

    /* Refusals write nothing. */
    snprintf(body, sizeof(body),
             "{\"first_name\":\"Ann\",\"email\":\"ANN-%ld@example.com\","
             "\"roles\":[\"Agent\"]}",
             pid);
    expect_json_error("POST", "/api/v1/agents", it_admin_key, body, 409,
                      "User with same email already exists", "ConflictException");
    expect_sqlf("1", "SELECT count(*) FROM users WHERE lower(email) = '%s'", email);
    expect_json_error("POST", "/api/v1/agents", it_admin_key,
                      "{\"first_name\":\"B\",\"email\":\"b-new@example.com\"}", 400,
                      "`roles` is required: an array of role names", "InputException");
    expect_json_error("POST", "/api/v1/agents", it_admin_key,
                      "{\"first_name\":\"B\",\"email\":\"b-new@example.com\",\"roles\":[]}", 400,
                      "`roles` must be an array of 1 to 100 role names", "InputException");
    expect_json_error("POST", "/api/v1/agents", it_admin_key,
                      "{\"first_name\":\"B\",\"email\":\"b-new@example.com\",\"roles\":[\"Nope\"]}",
                      400, "Role not found: Nope", "InputException");
    expect_json_error("POST", "/api/v1/agents", it_admin_key,
                      "{\"first_name\":\"B\",\"email\":\"b-new@example.com\",\"roles\":[\"Agent\"],"
                      "\"teams\":[\"No such team\"]}",
                      400, "Team not found: No such team", "InputException");
    expect_json_error("POST", "/api/v1/agents", it_admin_key,
                      "{\"first_name\":\"B\",\"email\":\"b@\",\"roles\":[\"Agent\"]}", 400,
                      "Invalid `email`", "InputException");
    expect_json_error("POST", "/api/v1/agents", it_admin_key,
                      "{\"email\":\"b-new@example.com\",\"roles\":[\"Agent\"]}", 400,
                      "`first_name` is required (1 to 140 characters)", "InputException");
    expect_json_error(
        "POST", "/api/v1/agents", it_admin_key,
        "{\"first_name\":\"B\",\"email\":\"b-new@example.com\",\"roles\":[\"Agent\"],"
        "\"new_password\":\"short\"}",
        400,
        "Password must be 10 to 72 characters with an upper-case letter, a lower-case "
        "letter, a digit and a special character",
        "InputException");
    expect_sqlf("0", "SELECT count(*) FROM users WHERE email = '%s'", "b-new@example.com");

    /* Update: roles replaced, teams emptied, a new password that logs in. */
    snprintf(path, sizeof(path), "/api/v1/agents/%s", id);
    snprintf(body, sizeof(body),
             "{\"first_name\":\"Anne\",\"email\":\"%s\",\"roles\":[\"Admin\","
             "\"Agent\"],\"teams\":[],\"new_password\":\"Str0ng-Passw0rd\"}",
             email);
    r = http_json("PUT", path, it_admin_key, body);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    d = json_data(&r, &root);
    ck_assert_str_eq(json_str(d, "first_name"), "Anne");
    json_object_put(root);
    http_res_free(&r);
    expect_sqlf(
        "2/0",
        "SELECT (SELECT count(*) FROM user_roles WHERE user_id = u.id) || '/' ||"
        " (SELECT count(*) FROM team_members WHERE user_id = u.id) FROM users u WHERE u.id = %s",
        id);
    ck_assert_int_eq(it_login(email, "Str0ng-Passw0rd", NULL, 0, NULL, 0), 200);
    expect_json_error("PUT", "/api/v1/agents/99999999", it_admin_key, body, 404, "User not found",
                      "NotFoundException");
    snprintf(body, sizeof(body), "{\"first_name\":\"X\",\"email\":\"%s\",\"roles\":[\"Agent\"]}",
             it_agent_email);
    expect_json_error("PUT", path, it_admin_key, body, 409, "User with same email already exists",
                      "ConflictException");
    expect_sqlf("Anne", "SELECT first_name FROM users WHERE id = %s", id);

    /* Delete: not oneself; soft, with links, sessions, key and open assignments gone. */
    char *admin_id = sql_valuef("SELECT id FROM users WHERE email = '%s'", it_admin_email);
    char self[96];
    snprintf(self, sizeof(self), "/api/v1/agents/%s", admin_id);
    expect_json_error("DELETE", self, it_admin_key, NULL, 400, "You cannot delete yourself",
                      "InputException");
    free(admin_id);
    char *inbox = sql_valuef(
        "INSERT INTO inboxes (name, channel) VALUES ('It del %ld', 'email') RETURNING id", pid);
    char *contact = sql_valuef("INSERT INTO users (type, first_name, email) VALUES ('contact', 'C',"
                               " 'del-%ld@example.org') RETURNING id",
                               pid);
    free(sql_valuef(
        "INSERT INTO conversations (subject, status_id, contact_id, inbox_id, assigned_user_id)"
        " SELECT v.s, (SELECT id FROM conversation_statuses WHERE name = v.st), %s, %s, %s"
        " FROM (VALUES ('open one', 'Open'), ('done one', 'Resolved')) v(s, st) RETURNING 1",
        contact, inbox, id));
    r = http_json("DELETE", path, it_admin_key, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "{\"status\":\"success\",\"data\":true}");
    http_res_free(&r);
    char sql[512];
    snprintf(sql, sizeof(sql),
             "SELECT string_agg(subject || '=' || coalesce(assigned_user_id::text,"
             " '-'), ',' ORDER BY subject) FROM conversations WHERE inbox_id = %s",
             inbox);
    char *v = sql_value(sql);
    char want[64];
    snprintf(want, sizeof(want), "done one=%s,open one=-", id);
    ck_assert_str_eq(v, want);
    free(v);
    expect_sqlf("true/false/0/0/true",
                "SELECT (u.deleted_at IS NOT NULL) || '/' || u.enabled || '/' ||"
                " (SELECT count(*) FROM user_roles WHERE user_id = u.id) || '/' ||"
                " (SELECT count(*) FROM team_members WHERE user_id = u.id) || '/' ||"
                " (SELECT bool_and(revoked_at IS NOT NULL) FROM sessions WHERE user_id = u.id)"
                " FROM users u WHERE u.id = %s",
                id);
    expect_json_error("DELETE", path, it_admin_key, NULL, 404, "User not found",
                      "NotFoundException");
    expect_json_error("GET", path, it_admin_key, NULL, 404, "User not found", "NotFoundException");
    /* The address is free again for a new agent. */
    snprintf(body, sizeof(body), "{\"first_name\":\"Ann\",\"email\":\"%s\",\"roles\":[\"Agent\"]}",
             email);
    r = http_json("POST", "/api/v1/agents", it_admin_key, body);
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    free(inbox);
    free(contact);
}
END_TEST

START_TEST(test_team_writes)
{
    long pid = (long)getpid();
    char body[512], path[96], name[64];
    json_object *root;
    snprintf(name, sizeof(name), "It crud %ld", pid);
    snprintf(
        body, sizeof(body),
        "{\"name\":\"%s\",\"emoji\":\"E\",\"conversation_assignment_type\":"
        "\"Round robin\",\"timezone\":\"Europe/Berlin\",\"max_auto_assigned_conversations\":5}",
        name);
    struct http_res r = http_json("POST", "/api/v1/teams", it_admin_key, body);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    json_object *d = json_data(&r, &root);
    char id[16];
    snprintf(id, sizeof(id), "%s", json_str(d, "id"));
    ck_assert_str_eq(json_str(d, "conversation_assignment_type"), "Round robin");
    ck_assert_str_eq(json_str(d, "max_auto_assigned_conversations"), "5");
    json_object_put(root);
    http_res_free(&r);
    expect_sqlf("It crud", "SELECT left(name, 7) FROM teams WHERE id = %s", id);

    expect_json_error("POST", "/api/v1/teams", it_admin_key, body, 409, "Team already exists",
                      "ConflictException");
    expect_json_error("POST", "/api/v1/teams", it_admin_key, "{\"emoji\":\"x\"}", 400,
                      "`name` is required (1 to 140 characters)", "InputException");
    expect_json_error("POST", "/api/v1/teams", it_admin_key,
                      "{\"name\":\"It t2\",\"conversation_assignment_type\":\"Auto\"}", 400,
                      "Invalid `conversation_assignment_type`: use Manual or Round robin",
                      "InputException");
    expect_json_error("POST", "/api/v1/teams", it_admin_key,
                      "{\"name\":\"It t2\",\"sla_policy_id\":987654}", 400,
                      "Unknown `business_hours_id` or `sla_policy_id`", "InputException");
    expect_json_error("POST", "/api/v1/teams", it_admin_key,
                      "{\"name\":\"It t2\",\"max_auto_assigned_conversations\":-1}", 400,
                      "`max_auto_assigned_conversations` must be 0 to 100000", "InputException");
    expect_sqlf("0", "SELECT count(*) FROM teams WHERE name = '%s'", "It t2");

    /* Update replaces every field; a name taken by another team is a conflict. */
    snprintf(path, sizeof(path), "/api/v1/teams/%s", id);
    snprintf(body, sizeof(body), "{\"name\":\"%s renamed\"}", name);
    r = http_json("PUT", path, it_admin_key, body);
    ck_assert_int_eq(r.status, 200);
    d = json_data(&r, &root);
    ck_assert_str_eq(json_str(d, "conversation_assignment_type"), "Manual");
    json_object_put(root);
    http_res_free(&r);
    expect_sqlf("Manual/0",
                "SELECT conversation_assignment_type || '/' ||"
                " max_auto_assigned_conversations FROM teams WHERE id = %s",
                id);
    char *other = sql_valuef("INSERT INTO teams (name) VALUES ('It other %ld') RETURNING id", pid);
    snprintf(body, sizeof(body), "{\"name\":\"It other %ld\"}", pid);
    expect_json_error("PUT", path, it_admin_key, body, 409, "Team already exists",
                      "ConflictException");
    expect_json_error("PUT", "/api/v1/teams/99999999", it_admin_key, body, 404, "Team not found",
                      "NotFoundException");

    /* Delete: members go, conversations keep no team. */
    r = http_json("DELETE", path, it_admin_key, NULL);
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    expect_sqlf("0", "SELECT count(*) FROM teams WHERE id = %s", id);
    expect_json_error("DELETE", path, it_admin_key, NULL, 404, "Team not found",
                      "NotFoundException");
    char sql[128];
    snprintf(sql, sizeof(sql), "DELETE FROM teams WHERE id = %s", other);
    sql_exec(sql);
    free(other);
}
END_TEST

Suite *it_agents_suite(void)
{
    return SUITE_OF("agents", 60, NULL, NULL, test_bootstrap_flow,
                    test_agent_role_is_refused_admin_routes, test_agent_lists, test_teams_and_roles,
                    test_availability, test_agent_writes, test_team_writes);
}
