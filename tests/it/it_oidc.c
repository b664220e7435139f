/*
 * it_oidc.c - the OpenID Connect providers over HTTP: exact bodies, the
 * credentials stored sealed and the secret never answered, the mask
 * keeping it, refusals writing nothing, oidc:manage on every route, and
 * GET /api/v1/config listing the enabled providers only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../suite_of.h"
#include "it.h"

#define MASK                                                                                       \
    "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2"         \
    "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2"

/* Every oidc row, to prove a refusal wrote nothing. */
static char *fingerprint(void)
{
    return sql_value("SELECT coalesce(md5(string_agg(o::text, ',' ORDER BY id)), '-') FROM oidc o");
}

/* The expected success body of provider id (timestamps and root read from the database). */
static void want_body(char *out, size_t len, const char *id, const char *name, int enabled,
                      const char *client_id, const char *provider, const char *provider_url,
                      const char *logo_url)
{
    char *created = sql_valuef("SELECT to_json(created_at)::text FROM oidc WHERE id = %s", id);
    char *updated = sql_valuef("SELECT to_json(updated_at)::text FROM oidc WHERE id = %s", id);
    char *root = sql_value("SELECT value #>> '{}' FROM settings WHERE key = 'app.root_url'");
    snprintf(out, len,
             "{\"status\":\"success\",\"data\":{\"id\":%s,\"created_at\":%s,\"updated_at\":%s,"
             "\"name\":\"%s\",\"enabled\":%s,\"client_id\":\"%s\",\"client_secret\":\"" MASK
             "\",\"provider\":\"%s\",\"provider_url\":\"%s\",\"logo_url\":\"%s\","
             "\"redirect_uri\":\"%s/api/v1/oidc/%s/finish\"}}",
             id, created, updated, name, enabled ? "true" : "false", client_id, provider,
             provider_url, logo_url, root, id);
    free(created);
    free(updated);
    free(root);
}

static void expect_exact(const char *method, const char *path, const char *body, const char *want,
                         const char *secret)
{
    struct http_res r = http_json(method, path, it_admin_key, body);
    ck_assert_msg(r.status == 200, "%s %s: %ld %s", method, path, r.status, r.body);
    ck_assert_str_eq(r.body, want);
    ck_assert_msg(strstr(r.body, secret) == NULL, "secret answered: %s", r.body);
    http_res_free(&r);
}

START_TEST(test_oidc_crud)
{
    long pid = (long)getpid();
    char body[1024], want[2048], path[64], id[16], name[64], cid[64], secret[64];
    snprintf(name, sizeof(name), "It Google %ld", pid);
    snprintf(cid, sizeof(cid), "client-%ld.apps", pid);
    snprintf(secret, sizeof(secret), "s3cret-%ld-xyz", pid);

    /* Create: enabled, the logo falls back to the provider's, the secret masked. */
    snprintf(body, sizeof(body),
             "{\"name\":\"%s\",\"provider\":\"Google\",\"provider_url\":"
             "\"https://accounts.google.com\",\"client_id\":\"%s\",\"client_secret\":\"%s\","
             "\"enabled\":false,\"unknown\":1}",
             name, cid, secret);
    struct http_res r = http_json("POST", "/api/v1/oidc", it_admin_key, body);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    ck_assert_msg(strstr(r.body, secret) == NULL, "secret answered: %s", r.body);
    json_object *root, *d = json_data(&r, &root);
    snprintf(id, sizeof(id), "%s", json_object_get_string(json_object_object_get(d, "id")));
    json_object_put(root);
    want_body(want, sizeof(want), id, name, 1, cid, "Google", "https://accounts.google.com",
              "/images/google-logo.svg");
    ck_assert_str_eq(r.body, want);
    http_res_free(&r);

    /* Stored sealed, both credentials. */
    char *v = sql_valuef("SELECT (client_id LIKE 'enc:%%' AND client_secret LIKE 'enc:%%'"
                         " AND position('%s' in client_id || client_secret) = 0)::text"
                         " FROM oidc WHERE id = %s",
                         secret, id);
    ck_assert_str_eq(v, "true");
    free(v);
    char *sealed = sql_valuef("SELECT client_secret FROM oidc WHERE id = %s", id);

    snprintf(path, sizeof(path), "/api/v1/oidc/%s", id);
    expect_exact("GET", path, NULL, want, secret);
    r = http_get("/api/v1/oidc", tok(it_admin_key));
    ck_assert_int_eq(r.status, 200);
    const char *obj = strchr(want + 1, '{');
    char one[2048];
    snprintf(one, sizeof(one), "%.*s", (int)(strlen(obj) - 1), obj); /* data without the '}' */
    ck_assert_msg(strstr(r.body, one) != NULL, "not listed: %s", r.body);
    ck_assert_msg(strstr(r.body, secret) == NULL, "secret answered: %s", r.body);
    http_res_free(&r);

    /* Update with the mask: the stored secret stays; enabled and the logo as sent. */
    snprintf(body, sizeof(body),
             "{\"name\":\"%s B\",\"provider\":\"Custom\",\"provider_url\":"
             "\"https://sso.example.org/realms/x\",\"client_id\":\"%s\",\"client_secret\":\"" MASK
             "\",\"enabled\":false,\"logo_url\":\"/img/sso.svg\"}",
             name, cid);
    r = http_json("PUT", path, it_admin_key, body);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    char name_b[80];
    snprintf(name_b, sizeof(name_b), "%s B", name);
    want_body(want, sizeof(want), id, name_b, 0, cid, "Custom", "https://sso.example.org/realms/x",
              "/img/sso.svg");
    ck_assert_str_eq(r.body, want);
    http_res_free(&r);
    v = sql_valuef("SELECT client_secret FROM oidc WHERE id = %s", id);
    ck_assert_str_eq(v, sealed);
    free(v);
    expect_exact("GET", path, NULL, want, secret);

    /* A new secret is sealed again, and not answered either. */
    snprintf(body, sizeof(body),
             "{\"name\":\"%s B\",\"provider\":\"Custom\",\"provider_url\":"
             "\"https://sso.example.org/realms/x\",\"client_id\":\"%s\",\"client_secret\":"
             "\"other-%ld\",\"enabled\":true,\"logo_url\":\"https://cdn.example.org/l.png\"}",
             name, cid, pid);
    r = http_json("PUT", path, it_admin_key, body);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    ck_assert_msg(strstr(r.body, "other-") == NULL, "secret answered: %s", r.body);
    http_res_free(&r);
    v = sql_valuef("SELECT (client_secret LIKE 'enc:%%' AND client_secret <> '%s'"
                   " AND enabled AND logo_url = 'https://cdn.example.org/l.png')::text"
                   " FROM oidc WHERE id = %s",
                   sealed, id);
    ck_assert_str_eq(v, "true");
    free(v);
    free(sealed);

    /* Delete answers true and removes the row; unknown ids are 404. */
    r = http_json("DELETE", path, it_admin_key, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "{\"status\":\"success\",\"data\":true}");
    http_res_free(&r);
    v = sql_valuef("SELECT count(*) FROM oidc WHERE id = %s", id);
    ck_assert_str_eq(v, "0");
    free(v);
    expect_json_error("GET", path, it_admin_key, NULL, 404, "OIDC provider not found",
                      "NotFoundException");
    expect_json_error("DELETE", path, it_admin_key, NULL, 404, "OIDC provider not found",
                      "NotFoundException");
    snprintf(body, sizeof(body),
             "{\"name\":\"X\",\"provider\":\"Custom\",\"provider_url\":\"https://x.example\","
             "\"client_id\":\"a\",\"client_secret\":\"b\"}");
    expect_json_error("PUT", path, it_admin_key, body, 404, "OIDC provider not found",
                      "NotFoundException");
    expect_json_error("GET", "/api/v1/oidc/abc", it_admin_key, NULL, 400, "Invalid OIDC `id`",
                      "InputException");
    expect_json_error("DELETE", "/api/v1/oidc/0", it_admin_key, NULL, 400, "Invalid OIDC `id`",
                      "InputException");
}
END_TEST

/* A provider write body with one field replaced (field NULL: the full valid body). */
static void body_with(char *out, size_t len, const char *field, const char *value)
{
    static const char *const keys[] = {"name",          "provider", "provider_url", "client_id",
                                       "client_secret", "logo_url", "enabled"};
    static const char *const vals[] = {
        "\"It refused\"", "\"Custom\"", "\"https://x.example\"", "\"cid\"", "\"csecret\"",
        "\"\"",           "true"};
    size_t n = 0;
    n += (size_t)snprintf(out + n, len - n, "{");
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        const char *v = field != NULL && strcmp(field, keys[i]) == 0 ? value : vals[i];
        if (v == NULL)
            continue;
        n += (size_t)snprintf(out + n, len - n, "%s\"%s\":%s", n > 1 ? "," : "", keys[i], v);
    }
    snprintf(out + n, len - n, "}");
}

START_TEST(test_oidc_refusals)
{
    static const struct {
        const char *field, *value, *message;
    } cases[] = {
        {"name", NULL, "`name` is required"},
        {"name", "\"  \"", "`name` is required"},
        {"name", "12", "`name` is required"},
        {"provider", "\"Okta\"", "Invalid `provider`: use Google, Microsoft or Custom"},
        {"provider", NULL, "Invalid `provider`: use Google, Microsoft or Custom"},
        {"provider_url", "\"ftp://x.example\"",
         "Invalid `provider_url`: expected an http:// or https:// URL"},
        {"provider_url", "\"https://\"",
         "Invalid `provider_url`: expected an http:// or https:// URL"},
        {"provider_url", "\"https://a b\"",
         "Invalid `provider_url`: expected an http:// or https:// URL"},
        {"logo_url", "\"javascript:alert(1)\"",
         "Invalid `logo_url`: expected an http:// or https:// URL or a path"},
        {"logo_url", "\"//evil.example/x.png\"",
         "Invalid `logo_url`: expected an http:// or https:// URL or a path"},
        {"client_id", NULL, "`client_id` empty"},
        {"client_id", "\"   \"", "`client_id` empty"},
        {"client_secret", "\"\"", "`client_secret` empty"},
        {"client_secret", NULL, "`client_secret` empty"},
    };
    char body[4096], path[64], big[700];
    memset(big, 'n', 141);
    big[0] = '"';
    big[142] = '"';
    big[143] = '\0';

    /* One provider to update. */
    body_with(body, sizeof(body), NULL, NULL);
    struct http_res r = http_json("POST", "/api/v1/oidc", it_admin_key, body);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    json_object *root, *d = json_data(&r, &root);
    snprintf(path, sizeof(path), "/api/v1/oidc/%s",
             json_object_get_string(json_object_object_get(d, "id")));
    json_object_put(root);
    http_res_free(&r);

    char *before = fingerprint();
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        body_with(body, sizeof(body), cases[i].field, cases[i].value);
        expect_json_error("POST", "/api/v1/oidc", it_admin_key, body, 400, cases[i].message,
                          "InputException");
        expect_json_error("PUT", path, it_admin_key, body, 400, cases[i].message, "InputException");
    }
    body_with(body, sizeof(body), "name", big);
    expect_json_error("POST", "/api/v1/oidc", it_admin_key, body, 400,
                      "Name is too long, should be at most 140 characters", "InputException");
    memset(big, 's', 514);
    big[0] = '"';
    big[514] = '"';
    big[515] = '\0';
    body_with(body, sizeof(body), "client_secret", big);
    expect_json_error("PUT", path, it_admin_key, body, 400,
                      "`client_secret` is too long, should be at most 512 characters",
                      "InputException");
    body_with(body, sizeof(body), "enabled", "\"yes\"");
    expect_json_error("PUT", path, it_admin_key, body, 400, "`enabled` must be true or false",
                      "InputException");
    expect_json_error("POST", "/api/v1/oidc", it_admin_key, "[1]", 400, "Error parsing request",
                      "InputException");

    /* An Agent without oidc:manage: 403 on every route. */
    body_with(body, sizeof(body), NULL, NULL);
    const char *methods[] = {"GET", "POST", "GET", "PUT", "DELETE"};
    const char *paths[] = {"/api/v1/oidc", "/api/v1/oidc", path, path, path};
    for (int i = 0; i < 5; i++) {
        r = http_json(methods[i], paths[i], it_agent_key,
                      strcmp(methods[i], "POST") == 0 || strcmp(methods[i], "PUT") == 0 ? body
                                                                                        : NULL);
        assert_error(&r, 403, "Permission denied", "PermissionException");
        http_res_free(&r);
    }
    char *after = fingerprint();
    ck_assert_str_eq(after, before);
    free(after);
    free(before);
    r = http_json("DELETE", path, it_admin_key, NULL);
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
}
END_TEST

/* GET /api/v1/config's app.sso_providers: the enabled providers, client id opened, no secret. */
START_TEST(test_oidc_config)
{
    long pid = (long)getpid();
    char body[1024], on_id[16], off_id[16], path[64];

    snprintf(body, sizeof(body),
             "{\"name\":\"It on %ld\",\"provider\":\"Microsoft\",\"provider_url\":"
             "\"https://login.microsoftonline.com/t/v2.0\",\"client_id\":\"on-%ld\","
             "\"client_secret\":\"on-secret-%ld\"}",
             pid, pid, pid);
    struct http_res r = http_json("POST", "/api/v1/oidc", it_admin_key, body);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    json_object *root, *d = json_data(&r, &root);
    snprintf(on_id, sizeof(on_id), "%s", json_object_get_string(json_object_object_get(d, "id")));
    json_object_put(root);
    http_res_free(&r);

    snprintf(body, sizeof(body),
             "{\"name\":\"It off %ld\",\"provider\":\"Custom\",\"provider_url\":"
             "\"https://off.example\",\"client_id\":\"off-%ld\",\"client_secret\":\"off-s\"}",
             pid, pid);
    r = http_json("POST", "/api/v1/oidc", it_admin_key, body);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    d = json_data(&r, &root);
    snprintf(off_id, sizeof(off_id), "%s", json_object_get_string(json_object_object_get(d, "id")));
    json_object_put(root);
    http_res_free(&r);
    snprintf(path, sizeof(path), "/api/v1/oidc/%s", off_id);
    snprintf(body, sizeof(body),
             "{\"name\":\"It off %ld\",\"provider\":\"Custom\",\"provider_url\":"
             "\"https://off.example\",\"client_id\":\"off-%ld\",\"client_secret\":\"" MASK
             "\",\"enabled\":false}",
             pid, pid);
    r = http_json("PUT", path, it_admin_key, body);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    http_res_free(&r);

    char *rooturl = sql_value("SELECT value #>> '{}' FROM settings WHERE key = 'app.root_url'");
    char want[1024];
    snprintf(want, sizeof(want),
             "{\"client_id\":\"on-%ld\",\"enabled\":true,\"id\":%s,"
             "\"logo_url\":\"/images/microsoft-logo.svg\",\"name\":\"It on %ld\","
             "\"provider\":\"Microsoft\",\"provider_url\":"
             "\"https://login.microsoftonline.com/t/v2.0\",\"redirect_uri\":"
             "\"%s/api/v1/oidc/%s/finish\"}",
             pid, on_id, pid, rooturl, on_id);
    free(rooturl);
    char off_name[48];
    snprintf(off_name, sizeof(off_name), "It off %ld", pid);
    for (int anon = 0; anon < 2; anon++) {
        r = http_get("/api/v1/config", anon ? NULL : tok(it_agent_key));
        ck_assert_int_eq(r.status, 200);
        ck_assert_msg(strstr(r.body, want) != NULL, "not in config: %s\nwant %s", r.body, want);
        ck_assert_msg(strstr(r.body, off_name) == NULL, "disabled listed: %s", r.body);
        ck_assert_msg(strstr(r.body, "secret") == NULL, "secret listed: %s", r.body);
        http_res_free(&r);
    }
    sql_exec("DELETE FROM oidc WHERE name LIKE 'It %'");
}
END_TEST

Suite *it_oidc_suite(void)
{
    return SUITE_OF("oidc", 60, NULL, NULL, test_oidc_crud, test_oidc_refusals, test_oidc_config);
}
