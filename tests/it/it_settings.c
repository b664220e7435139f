/*
 * it_settings.c - what the web app reads at boot (the public config and a
 * language file) and the general and e-mail notification settings: exact
 * bodies, the rows written, refusals that write nothing, the permissions,
 * and the SMTP password never leaving the server.
 */
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../suite_of.h"
#include "it.h"

#define MASK                                                                                       \
    "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2"         \
    "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2"

static char *saved; /* every settings row as a JSON object, put back after each test */

static void save_settings(void)
{
    saved = sql_value("SELECT jsonb_object_agg(key, value)::text FROM settings");
    ck_assert_ptr_nonnull(saved);
}

static void restore_settings(void)
{
    size_t n = strlen(saved) + 256;
    char *q = malloc(n);
    snprintf(q, n,
             "UPDATE settings s SET value = c.value FROM jsonb_each($deskd$%s$deskd$::jsonb) c"
             " WHERE s.key = c.key",
             saved);
    sql_exec(q);
    free(q);
    free(saved);
}

/* The body re-serialised compactly (key order kept), to compare exactly; caller frees. */
static char *compact(const struct http_res *r)
{
    json_object *root = json_body(r);
    char *s = strdup(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN |
                                                              JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(root);
    return s;
}

static void expect_body(const char *method, const char *path, const char *key, const char *body,
                        long status, const char *want)
{
    struct http_res r = http_json(method, path, key, body);
    ck_assert_msg(r.status == status, "%s %s: %ld %s", method, path, r.status, r.body);
    char *got = compact(&r);
    ck_assert_str_eq(got, want);
    free(got);
    http_res_free(&r);
}

/* A fingerprint of every settings row, to prove a refusal wrote nothing. */
static char *fingerprint(void)
{
    return sql_value("SELECT md5(string_agg(key || '=' || value::text, ',' ORDER BY key))"
                     " FROM settings");
}

START_TEST(test_config_public)
{
    sql_exec("UPDATE settings SET value = CASE key WHEN 'app.site_name' THEN '\"Help Desk\"'"
             " WHEN 'app.lang' THEN '\"en-US\"' WHEN 'app.logo_url' THEN '\"/logo.png\"'"
             " ELSE '\"\"' END::jsonb WHERE key IN ('app.site_name', 'app.lang', 'app.logo_url',"
             " 'app.favicon_url')");
    const char *want = "{\"status\":\"success\",\"data\":{\"app.favicon_url\":\"\","
                       "\"app.lang\":\"en-US\",\"app.logo_url\":\"/logo.png\","
                       "\"app.site_name\":\"Help Desk\",\"app.sso_providers\":[]}}";
    sql_exec("DELETE FROM oidc");
    expect_body("GET", "/api/v1/config", NULL, NULL, 200, want);
    expect_body("GET", "/api/v1/config", it_agent_key, NULL, 200, want);

    /*
     * The enabled OIDC providers, the latest updated first, as upstream's keys
     * (sorted); a disabled one and the secrets never.  A client id stored
     * unsealed (older versions) reads as it is.
     */
    char *id = sql_value("INSERT INTO oidc (name, provider, provider_url, client_id, client_secret,"
                         " updated_at) VALUES ('Older', 'Custom', 'https://old.example', 'old-id',"
                         " 'old-secret', now() - interval '1 day') RETURNING id");
    char *id2 =
        sql_value("INSERT INTO oidc (name, provider, provider_url, client_id, client_secret,"
                  " logo_url) VALUES ('Corp', 'Google', 'https://accounts.google.com',"
                  " 'corp-id', 'corp-secret', 'https://cdn.example/g.png') RETURNING id");
    sql_exec("INSERT INTO oidc (name, provider, provider_url, client_id, client_secret, enabled)"
             " VALUES ('Off', 'Custom', 'https://off.example', 'off-id', 'off-secret', false)");
    char *root = sql_value("SELECT value #>> '{}' FROM settings WHERE key = 'app.root_url'");
    char with[2048];
    snprintf(with, sizeof(with),
             "{\"status\":\"success\",\"data\":{\"app.favicon_url\":\"\","
             "\"app.lang\":\"en-US\",\"app.logo_url\":\"/logo.png\","
             "\"app.site_name\":\"Help Desk\",\"app.sso_providers\":["
             "{\"client_id\":\"corp-id\",\"enabled\":true,\"id\":%s,"
             "\"logo_url\":\"https://cdn.example/g.png\",\"name\":\"Corp\","
             "\"provider\":\"Google\",\"provider_url\":\"https://accounts.google.com\","
             "\"redirect_uri\":\"%s/api/v1/oidc/%s/finish\"},"
             "{\"client_id\":\"old-id\",\"enabled\":true,\"id\":%s,\"logo_url\":\"\","
             "\"name\":\"Older\",\"provider\":\"Custom\","
             "\"provider_url\":\"https://old.example\","
             "\"redirect_uri\":\"%s/api/v1/oidc/%s/finish\"}]}}",
             id2, root, id2, id, root, id);
    expect_body("GET", "/api/v1/config", NULL, NULL, 200, with);
    sql_exec("DELETE FROM oidc");
    expect_body("GET", "/api/v1/config", NULL, NULL, 200, want);
    free(id);
    free(id2);
    free(root);
}
END_TEST

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    chmod(path, 0644);
}

START_TEST(test_lang_files)
{
    const char *dir = getenv("DESKD_LANG_DIR");
    ck_assert_msg(dir != NULL, "DESKD_LANG_DIR is not exported by scripts/test");
    mkdir(dir, 0755);
    chmod(dir, 0755);
    char path[1024];
    const char *pack = "{\"_.code\": \"xx-IT\", \"_.name\": \"Test\",\n"
                       " \"globals.terms.conversation\": \"Conv\\u00e9rsation\"}\n";
    snprintf(path, sizeof(path), "%s/xx-IT.json", dir);
    write_file(path, pack);
    snprintf(path, sizeof(path), "%s/xx-LIST.json", dir);
    write_file(path, "[1, 2]");
    snprintf(path, sizeof(path), "%s/xx-BAD.json", dir);
    write_file(path, "{\"a\": ");

    /* The file as it is, not enveloped, for anyone. */
    struct http_res r = http_get("/api/v1/lang/xx-IT", NULL);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    ck_assert_str_eq(r.body, pack);
    char ct[128];
    ck_assert_ptr_nonnull(http_header(&r, "Content-Type", ct, sizeof(ct)));
    ck_assert_str_eq(ct, "application/json");
    http_res_free(&r);

    expect_error("/api/v1/lang/zz-NONE", NULL, 404, "Language not found", "NotFoundException");
    expect_error("/api/v1/lang/xx-LIST", NULL, 500, "Something went wrong", "GeneralException");
    expect_error("/api/v1/lang/xx-BAD", NULL, 500, "Something went wrong", "GeneralException");
    expect_error("/api/v1/lang/xx-IT.json", NULL, 400, "Invalid language code", "InputException");
    expect_error("/api/v1/lang/%2e%2e", NULL, 400, "Invalid language code", "InputException");
    expect_error("/api/v1/lang/-x", NULL, 400, "Invalid language code", "InputException");
    expect_error("/api/v1/lang/abcdefghijklmnopqrstuvwxyz0123456789", NULL, 400,
                 "Invalid language code", "InputException");
    /* Paths that reach no file: other segments, an encoded slash, a parent. */
    const char *paths[] = {"/api/v1/lang/..",
                           "/api/v1/lang/a/b",
                           "/api/v1/lang/a%2Fb",
                           "/api/v1/lang/..%2Fxx-IT",
                           "/api/v1/lang/%2e%2e%2fxx-IT",
                           "/api/v1/lang/../lang/xx-IT.json"};
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        r = http_get(paths[i], NULL);
        ck_assert_msg(r.status == 400 || r.status == 404, "%s: %ld %s", paths[i], r.status, r.body);
        ck_assert_msg(strstr(r.body, "Conv") == NULL, "%s served a file: %s", paths[i], r.body);
        ck_assert_msg(strstr(r.body, "\"status\":\"error\"") != NULL, "%s: %s", paths[i], r.body);
        http_res_free(&r);
    }
}
END_TEST

static const char general_put[] =
    "{\"app.site_name\":\"  Acme Support \",\"app.lang\":\"fr-FR\","
    "\"app.root_url\":\"https://help.example.com//\",\"app.logo_url\":\"https://cdn.example.com/"
    "l.png\","
    "\"app.favicon_url\":\"/favicon.ico\",\"app.max_file_upload_size\":25,"
    "\"app.allowed_file_upload_extensions\":[\"pdf\",\".png\"],\"app.timezone\":\"Europe/Paris\","
    "\"app.business_hours_id\":\"\",\"app.show_conversation_subject\":false,"
    "\"app.nope\":1,\"app.version\":\"9.9.9\"}";

START_TEST(test_general_settings)
{
    sql_exec("DELETE FROM settings WHERE key = 'app.nope'");
    struct http_res r = http_json("PUT", "/api/v1/settings/general", it_agent_key, general_put);
    assert_error(&r, 403, "Permission denied", "PermissionException");
    http_res_free(&r);
    r = http_get("/api/v1/settings/general", NULL);
    ck_assert_int_eq(r.status, 401);
    http_res_free(&r);

    expect_body("PUT", "/api/v1/settings/general", it_admin_key, general_put, 200,
                "{\"status\":\"success\",\"data\":true}");
    expect_sqlf("Acme Support|fr-FR|https://help.example.com|25|[\"pdf\", \".png\"]|Europe/Paris|"
                "false|/favicon.ico",
                "SELECT string_agg(value #>> '{}', '|' ORDER BY array_position(ARRAY["
                "'app.site_name', 'app.lang', 'app.root_url', 'app.max_file_upload_size',"
                "'app.allowed_file_upload_extensions', 'app.timezone',"
                "'app.show_conversation_subject', 'app.favicon_url'], key)) FROM settings"
                " WHERE key IN ('app.site_name', 'app.lang', 'app.root_url',"
                " 'app.max_file_upload_size', 'app.allowed_file_upload_extensions',"
                " 'app.timezone', 'app.show_conversation_subject', 'app.favicon_url')");
    expect_sqlf("0", "SELECT count(*) FROM settings WHERE key IN ('app.nope', 'app.version')");

    /* Any agent reads them, in upstream's key order, with the version and update fields. */
    char *bh = sql_value("SELECT id FROM business_hours ORDER BY id LIMIT 1");
    char body[256];
    snprintf(body, sizeof(body), "{\"app.business_hours_id\":\"%s\"}", bh);
    expect_body("PUT", "/api/v1/settings/general", it_admin_key, body, 200,
                "{\"status\":\"success\",\"data\":true}");
    char want[2048];
    snprintf(
        want, sizeof(want),
        "{\"status\":\"success\",\"data\":{\"app.allowed_file_upload_extensions\":[\"pdf\","
        "\".png\"],\"app.business_hours_id\":\"%s\",\"app.favicon_url\":\"/favicon.ico\","
        "\"app.lang\":\"fr-FR\",\"app.logo_url\":\"https://cdn.example.com/l.png\","
        "\"app.max_file_upload_size\":25,\"app.restart_required\":false,"
        "\"app.root_url\":\"https://help.example.com\",\"app.show_conversation_subject\":false,"
        "\"app.site_name\":\"Acme Support\",\"app.sla_policy_id\":\"\","
        "\"app.timezone\":\"Europe/Paris\",\"app.update\":null,\"app.version\":\"0.1.0\"}}",
        bh);
    free(bh);
    expect_body("GET", "/api/v1/settings/general", it_agent_key, NULL, 200, want);

    /* Every value is checked; a refusal writes nothing, not even the valid keys beside it. */
    char *before = fingerprint();
    static const struct {
        const char *body, *message;
    } bad[] = {
        {"{\"app.site_name\":\"ok\",\"app.timezone\":\"Mars/Olympus\"}", "Invalid timezone."},
        {"{\"app.timezone\":\"\"}", "Invalid timezone."},
        {"{\"app.site_name\":\"   \"}", "`app.site_name` is required"},
        {"{\"app.site_name\":7}", "`app.site_name` must be a string"},
        {"{\"app.max_file_upload_size\":0}",
         "`app.max_file_upload_size` must be a whole number from 1 to 500"},
        {"{\"app.max_file_upload_size\":501}",
         "`app.max_file_upload_size` must be a whole number from 1 to 500"},
        {"{\"app.max_file_upload_size\":\"20\"}",
         "`app.max_file_upload_size` must be a whole number from 1 to 500"},
        {"{\"app.allowed_file_upload_extensions\":\"pdf\"}",
         "`app.allowed_file_upload_extensions` must be a list of 1 to 100 extensions"},
        {"{\"app.allowed_file_upload_extensions\":[\"pdf\",3]}",
         "`app.allowed_file_upload_extensions` must be a list of strings"},
        {"{\"app.allowed_file_upload_extensions\":[\"../x\"]}",
         "Invalid file extension `../x`: use * or an extension such as pdf"},
        {"{\"app.lang\":\"../../etc\"}",
         "Invalid `app.lang`: expected a language code such as en-US"},
        {"{\"app.root_url\":\"ftp://x\"}",
         "Invalid `app.root_url`: expected an http:// or https:// URL"},
        {"{\"app.logo_url\":\"javascript:alert(1)\"}",
         "Invalid `app.logo_url`: expected an empty string, an http:// or https:// URL or a path"},
        {"{\"app.show_conversation_subject\":\"yes\"}",
         "`app.show_conversation_subject` must be true or false"},
        {"{\"app.business_hours_id\":\"abc\"}",
         "Invalid `app.business_hours_id`: expected an empty string or an id"},
        {"{\"app.business_hours_id\":\"999999\"}", "Business hours not found"},
        {"[1]", "Error parsing request"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect_json_error("PUT", "/api/v1/settings/general", it_admin_key, bad[i].body, 400,
                          bad[i].message, "InputException");
    char *after = fingerprint();
    ck_assert_str_eq(after, before);
    free(after);
    free(before);
}
END_TEST

static const char email_put[] =
    "{\"notification.email.enabled\":true,\"notification.email.host\":\" smtp.example.com \","
    "\"notification.email.port\":465,\"notification.email.username\":\"mailer\","
    "\"notification.email.password\":\"Sup3r secret pw\",\"notification.email.max_conns\":3,"
    "\"notification.email.idle_timeout\":\"30s\",\"notification.email.wait_timeout\":\"1m\","
    "\"notification.email.auth_protocol\":\"login\","
    "\"notification.email.email_address\":\"Help <help@example.com>\","
    "\"notification.email.max_msg_retries\":2,\"notification.email.tls_type\":\"tls\","
    "\"notification.email.tls_skip_verify\":true,\"notification.email.hello_hostname\":\"mx1\","
    "\"notification.email.other\":\"x\"}";

static void email_get_no_secret(const char *want_password)
{
    struct http_res r =
        http_json("GET", "/api/v1/settings/notifications/email", it_admin_key, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_msg(strstr(r.body, "Sup3r") == NULL && strstr(r.body, "enc:") == NULL, "%s", r.body);
    json_object *root, *d = json_data(&r, &root);
    ck_assert_str_eq(json_str(d, "notification.email.password"), want_password);
    json_object_put(root);
    http_res_free(&r);
}

START_TEST(test_email_settings)
{
    sql_exec("UPDATE settings SET value = '\"\"' WHERE key = 'notification.email.password'");
    struct http_res r =
        http_json("GET", "/api/v1/settings/notifications/email", it_agent_key, NULL);
    assert_error(&r, 403, "Permission denied", "PermissionException");
    http_res_free(&r);
    r = http_json("PUT", "/api/v1/settings/notifications/email", it_agent_key, email_put);
    assert_error(&r, 403, "Permission denied", "PermissionException");
    http_res_free(&r);
    email_get_no_secret("");

    struct http_res w =
        http_json("PUT", "/api/v1/settings/notifications/email", it_admin_key, email_put);
    ck_assert_msg(w.status == 200, "%ld %s", w.status, w.body);
    ck_assert_str_eq(w.body, "{\"status\":\"success\",\"data\":true}");
    http_res_free(&w);

    /* Stored sealed, shown as upstream's mask. */
    char *sealed =
        sql_value("SELECT value #>> '{}' FROM settings WHERE key = 'notification.email.password'");
    ck_assert_msg(strncmp(sealed, "enc:", 4) == 0 && strstr(sealed, "Sup3r") == NULL, "%s", sealed);
    expect_body("GET", "/api/v1/settings/notifications/email", it_admin_key, NULL, 200,
                "{\"status\":\"success\",\"data\":{\"notification.email.username\":\"mailer\","
                "\"notification.email.host\":\"smtp.example.com\",\"notification.email.port\":465,"
                "\"notification.email.password\":\"" MASK "\","
                "\"notification.email.max_conns\":3,\"notification.email.idle_timeout\":\"30s\","
                "\"notification.email.wait_timeout\":\"1m\","
                "\"notification.email.auth_protocol\":\"login\","
                "\"notification.email.email_address\":\"Help <help@example.com>\","
                "\"notification.email.max_msg_retries\":2,\"notification.email.tls_type\":\"tls\","
                "\"notification.email.tls_skip_verify\":true,"
                "\"notification.email.hello_hostname\":\"mx1\","
                "\"notification.email.enabled\":true}}");
    email_get_no_secret(MASK);
    expect_sqlf("0", "SELECT count(*) FROM settings WHERE key = 'notification.email.other'");

    /* The mask or "" sent back keeps the stored password; a new one is sealed again. */
    expect_body("PUT", "/api/v1/settings/notifications/email", it_admin_key,
                "{\"notification.email.password\":\"" MASK "\",\"notification.email.port\":587}",
                200, "{\"status\":\"success\",\"data\":true}");
    expect_body("PUT", "/api/v1/settings/notifications/email", it_admin_key,
                "{\"notification.email.password\":\"\"}", 200,
                "{\"status\":\"success\",\"data\":true}");
    expect_sqlf(sealed,
                "SELECT value #>> '{}' FROM settings WHERE key = 'notification.email.password'");
    expect_sqlf("587", "SELECT value::text FROM settings WHERE key = 'notification.email.port'");
    expect_body("PUT", "/api/v1/settings/notifications/email", it_admin_key,
                "{\"notification.email.password\":\"Other-pass\"}", 200,
                "{\"status\":\"success\",\"data\":true}");
    char *resealed =
        sql_value("SELECT value #>> '{}' FROM settings WHERE key = 'notification.email.password'");
    ck_assert_msg(strncmp(resealed, "enc:", 4) == 0 && strcmp(resealed, sealed) != 0, "%s",
                  resealed);
    free(resealed);
    free(sealed);
    email_get_no_secret(MASK);

    char *before = fingerprint();
    static const struct {
        const char *body, *message;
    } bad[] = {
        {"{\"notification.email.host\":\"ok\",\"notification.email.port\":0}",
         "`notification.email.port` must be a whole number from 1 to 65535"},
        {"{\"notification.email.port\":\"587\"}",
         "`notification.email.port` must be a whole number from 1 to 65535"},
        {"{\"notification.email.max_conns\":0}",
         "`notification.email.max_conns` must be a whole number from 1 to 100"},
        {"{\"notification.email.tls_type\":\"ssl\"}",
         "Invalid `notification.email.tls_type`: use none, starttls or tls"},
        {"{\"notification.email.auth_protocol\":\"kerberos\"}",
         "Invalid `notification.email.auth_protocol`: use plain, login, cram, cram-md5 or none"},
        {"{\"notification.email.email_address\":\"nope\"}", "Invalid from email address"},
        {"{\"notification.email.idle_timeout\":\"soon\"}",
         "Invalid `notification.email.idle_timeout`: expected a duration such as 25s"},
        {"{\"notification.email.enabled\":1}",
         "`notification.email.enabled` must be true or false"},
        {"{\"notification.email.host\":\"a b\"}",
         "Invalid `notification.email.host`: expected a host name"},
        {"{\"notification.email.password\":5}", "`notification.email.password` must be a string"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect_json_error("PUT", "/api/v1/settings/notifications/email", it_admin_key, bad[i].body,
                          400, bad[i].message, "InputException");
    char *after = fingerprint();
    ck_assert_str_eq(after, before);
    free(after);
    free(before);
}
END_TEST

Suite *it_settings_suite(void)
{
    return SUITE_OF("settings", 60, save_settings, restore_settings, test_config_public,
                    test_lang_files, test_general_settings, test_email_settings);
}
