/*
 * it_inboxes.c - inboxes over HTTP: exact bodies, mail passwords sealed in
 * the row and never answered (the dummy in their place, and the dummy sent
 * back keeping them), the refusals naming the bad field, toggle, soft
 * delete, and the permission on every write.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../suite_of.h"
#include "it.h"

#define DUMMY                                                                                      \
    "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2"         \
    "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2"

/* A write's body: the name, the two passwords and the IMAP port (as JSON text). */
static void inbox_body(char *out, size_t len, const char *name, const char *imap_pw,
                       const char *smtp_pw, const char *imap_port)
{
    snprintf(
        out, len,
        "{\"name\":\"%s\",\"channel\":\"email\",\"from\":\"Help Desk <help@example.com>\","
        "\"unknown\":1,\"config\":{\"auth_type\":\"password\",\"reply_to\":\"help@example.com\","
        "\"imap\":[{\"host\":\" imap.example.com \",\"port\":%s,\"username\":"
        "\"support@example.com\",\"password\":\"%s\",\"mailbox\":\"INBOX\","
        "\"read_interval\":\"5m\",\"scan_inbox_since\":\"48h\",\"tls_type\":\"tls\"}],"
        "\"smtp\":[{\"host\":\"smtp.example.com\",\"port\":587,\"username\":"
        "\"support@example.com\",\"password\":\"%s\",\"auth_protocol\":\"login\","
        "\"tls_type\":\"starttls\",\"max_conns\":10,\"max_msg_retries\":2,"
        "\"idle_timeout\":\"15s\",\"pool_wait_timeout\":\"5s\"}]}}",
        name, imap_port, imap_pw, smtp_pw);
}

/* The exact data upstream sends for an inbox made by inbox_body(). */
static void expected(char *out, size_t len, json_object *d, const char *name, const char *enabled)
{
    snprintf(
        out, len,
        "{\"id\":%s,\"uuid\":\"%s\",\"created_at\":\"%s\",\"updated_at\":\"%s\","
        "\"name\":\"%s\",\"channel\":\"email\",\"enabled\":%s,\"csat_enabled\":false,"
        "\"prompt_tags_on_reply\":false,\"from\":\"Help Desk <help@example.com>\","
        "\"from_name_template\":\"\",\"config\":{\"auth_type\":\"password\","
        "\"enable_plus_addressing\":false,\"from\":\"\",\"from_name_template\":\"\","
        "\"imap\":[{\"host\":\"imap.example.com\",\"mailbox\":\"INBOX\",\"password\":\"" DUMMY
        "\",\"port\":993,\"read_interval\":\"5m\",\"scan_inbox_since\":\"48h\","
        "\"tls_skip_verify\":false,\"tls_type\":\"tls\",\"username\":\"support@example.com\"}],"
        "\"oauth\":null,\"reply_to\":\"help@example.com\",\"smtp\":[{\"auth_protocol\":"
        "\"login\",\"hello_hostname\":\"\",\"host\":\"smtp.example.com\",\"idle_timeout\":"
        "\"15s\",\"max_conns\":10,\"max_msg_retries\":2,\"password\":\"" DUMMY
        "\",\"pool_wait_timeout\":\"5s\",\"port\":587,\"ssl\":false,\"tls_skip_verify\":false,"
        "\"tls_type\":\"starttls\",\"username\":\"support@example.com\"}]},\"secret\":null,"
        "\"linked_email_inbox_id\":null}",
        json_str(d, "id"), json_str(d, "uuid"), json_str(d, "created_at"),
        json_str(d, "updated_at"), name, enabled);
}

/* The data of r (asserted 200) as text, its id into id; checks its times and uuid against the row.
 */
static json_object *data_of(struct http_res *r, char *id, size_t idlen, json_object **root)
{
    ck_assert_msg(r->status == 200, "%ld %s", r->status, r->body);
    ck_assert_ptr_null(strstr(r->body, "secret-"));
    ck_assert_ptr_null(strstr(r->body, "enc:"));
    json_object *d = json_data(r, root);
    snprintf(id, idlen, "%s", json_str(d, "id"));
    expect_sqlf("t",
                "SELECT created_at = '%s'::timestamptz AND updated_at = '%s'::timestamptz AND"
                " uuid = '%s'::uuid FROM inboxes WHERE id = %s",
                json_str(d, "created_at"), json_str(d, "updated_at"), json_str(d, "uuid"), id);
    return d;
}

/* Asserts r's data is exactly want. */
static void assert_data(const struct http_res *r, const char *want)
{
    char full[8192];
    snprintf(full, sizeof(full), "{\"status\":\"success\",\"data\":%s}", want);
    ck_assert_str_eq(r->body, full);
}

static char *stored(const char *id, const char *list)
{
    return sql_valuef("SELECT config -> '%s' -> 0 ->> 'password' FROM inboxes WHERE id = %s", list,
                      id);
}

START_TEST(test_inbox_lifecycle)
{
    long pid = (long)getpid();
    char name[64], body[4096], want[8192], id[32], path[96], tpath[96];
    snprintf(name, sizeof(name), "IT inbox %ld", pid);

    /* Create: the passwords sealed in the row, the dummy in the answer. */
    inbox_body(body, sizeof(body), name, "imap-secret-1", "smtp-secret-1", "993");
    struct http_res r = http_json("POST", "/api/v1/inboxes", it_admin_key, body);
    json_object *root;
    json_object *d = data_of(&r, id, sizeof(id), &root);
    expected(want, sizeof(want), d, name, "true");
    assert_data(&r, want);
    json_object_put(root);
    http_res_free(&r);
    char *imap1 = stored(id, "imap"), *smtp1 = stored(id, "smtp");
    ck_assert_msg(strncmp(imap1, "enc:", 4) == 0, "imap password stored as %s", imap1);
    ck_assert_msg(strncmp(smtp1, "enc:", 4) == 0, "smtp password stored as %s", smtp1);
    expect_sqlf(
        "0", "SELECT count(*) FROM inboxes WHERE id = %s AND config::text LIKE '%%secret-%%'", id);
    expect_sqlf("email/true/imap.example.com/Help Desk <help@example.com>",
                "SELECT channel || '/' || enabled || '/' || (config -> 'imap' -> 0 ->> 'host')"
                " || '/' || \"from\" FROM inboxes WHERE id = %s",
                id);

    /* Read back: one (admin) and the list (any agent), the same object. */
    snprintf(path, sizeof(path), "/api/v1/inboxes/%s", id);
    snprintf(tpath, sizeof(tpath), "/api/v1/inboxes/%s/toggle", id);
    r = http_get(path, tok(it_admin_key));
    d = data_of(&r, id, sizeof(id), &root);
    expected(want, sizeof(want), d, name, "true");
    assert_data(&r, want);
    json_object_put(root);
    http_res_free(&r);
    r = http_get("/api/v1/inboxes", tok(it_agent_key));
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, want));
    ck_assert_ptr_null(strstr(r.body, "enc:"));
    ck_assert_ptr_nonnull(strstr(r.body, "\"name\":\"Support\""));
    http_res_free(&r);

    /* Update: the dummy keeps the IMAP password, a new SMTP one is sealed anew. */
    char renamed[80];
    snprintf(renamed, sizeof(renamed), "IT inbox B %ld", pid);
    inbox_body(body, sizeof(body), renamed, DUMMY, "smtp-secret-2", "993");
    r = http_json("PUT", path, it_admin_key, body);
    d = data_of(&r, id, sizeof(id), &root);
    expected(want, sizeof(want), d, renamed, "true");
    assert_data(&r, want);
    json_object_put(root);
    http_res_free(&r);
    char *imap2 = stored(id, "imap"), *smtp2 = stored(id, "smtp");
    ck_assert_str_eq(imap2, imap1);
    ck_assert_msg(strncmp(smtp2, "enc:", 4) == 0 && strcmp(smtp2, smtp1) != 0, "smtp %s", smtp2);
    /* "" keeps it too. */
    inbox_body(body, sizeof(body), renamed, "", "", "993");
    r = http_json("PUT", path, it_admin_key, body);
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    char *imap3 = stored(id, "imap"), *smtp3 = stored(id, "smtp");
    ck_assert_str_eq(imap3, imap1);
    ck_assert_str_eq(smtp3, smtp2);
    free(imap1), free(smtp1), free(imap2), free(smtp2), free(imap3), free(smtp3);

    /* Toggle flips enabled, both ways. */
    r = http_json("PUT", tpath, it_admin_key, "{\"enabled\":false}");
    d = data_of(&r, id, sizeof(id), &root);
    expected(want, sizeof(want), d, renamed, "false");
    assert_data(&r, want);
    json_object_put(root);
    http_res_free(&r);
    expect_sqlf("f", "SELECT enabled FROM inboxes WHERE id = %s", id);
    r = http_json("PUT", tpath, it_admin_key, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "\"enabled\":true"));
    http_res_free(&r);
    expect_sqlf("t", "SELECT enabled FROM inboxes WHERE id = %s", id);

    /* An Agent may list, nothing else. */
    char *before = sql_valuef("SELECT md5(i::text) FROM inboxes i WHERE id = %s", id);
    expect_json_error("POST", "/api/v1/inboxes", it_agent_key, body, 403, "Permission denied",
                      "PermissionException");
    expect_json_error("PUT", path, it_agent_key, body, 403, "Permission denied",
                      "PermissionException");
    expect_json_error("PUT", tpath, it_agent_key, NULL, 403, "Permission denied",
                      "PermissionException");
    expect_json_error("DELETE", path, it_agent_key, NULL, 403, "Permission denied",
                      "PermissionException");
    expect_error(path, tok(it_agent_key), 403, "Permission denied", "PermissionException");
    expect_sqlf(before, "SELECT md5(i::text) FROM inboxes i WHERE id = %s", id);
    free(before);

    /* Soft delete: gone from the API, the row and its conversations stay. */
    char *contact = sql_valuef("INSERT INTO users (type, first_name, email) VALUES ('contact', 'I',"
                               " 'inbox-%ld@example.org') RETURNING id",
                               pid);
    char *conv = sql_valuef(
        "INSERT INTO conversations (subject, status_id, contact_id, inbox_id) VALUES ('kept',"
        " (SELECT id FROM conversation_statuses WHERE name = 'Open'), %s, %s) RETURNING id",
        contact, id);
    r = http_json("DELETE", path, it_admin_key, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "{\"status\":\"success\",\"data\":true}");
    http_res_free(&r);
    expect_sqlf("true/false/{}",
                "SELECT (deleted_at IS NOT NULL) || '/' || enabled || '/' || config"
                " FROM inboxes WHERE id = %s",
                id);
    expect_sqlf(id, "SELECT inbox_id FROM conversations WHERE id = %s", conv);
    expect_error(path, tok(it_admin_key), 404, "Inbox not found", "NotFoundException");
    expect_json_error("PUT", path, it_admin_key, body, 404, "Inbox not found", "NotFoundException");
    expect_json_error("PUT", tpath, it_admin_key, NULL, 404, "Inbox not found",
                      "NotFoundException");
    expect_json_error("DELETE", path, it_admin_key, NULL, 404, "Inbox not found",
                      "NotFoundException");
    r = http_get("/api/v1/inboxes", tok(it_agent_key));
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_null(strstr(r.body, renamed));
    http_res_free(&r);
    free(contact);
    free(conv);
}
END_TEST

/* POST body with one replacement of `from` by `to` in inbox_body()'s body, expected to be refused.
 */
static void refused(const char *from, const char *to, const char *message)
{
    char body[4096], edited[4096];
    inbox_body(body, sizeof(body), "IT refused", "pw", "pw", "993");
    const char *at = strstr(body, from);
    ck_assert_msg(at != NULL, "%s not in the body", from);
    snprintf(edited, sizeof(edited), "%.*s%s%s", (int)(at - body), body, to, at + strlen(from));
    expect_json_error("POST", "/api/v1/inboxes", it_admin_key, edited, 400, message,
                      "InputException");
}

START_TEST(test_inbox_refusals)
{
    char *before = sql_valuef("SELECT count(*) FROM inboxes");
    refused("\"name\":\"IT refused\",", "", "`name` is required");
    refused("\"name\":\"IT refused\"", "\"name\":\"   \"", "`name` is required");
    char longname[200];
    memset(longname, 'x', 141);
    longname[141] = '\0';
    char to[256];
    snprintf(to, sizeof(to), "\"name\":\"%s\"", longname);
    refused("\"name\":\"IT refused\"", to, "`name` is too long (at most 140 characters)");
    refused("\"channel\":\"email\"", "\"channel\":\"livechat\"",
            "Invalid `channel`: deskd manages email inboxes only");
    refused("\"channel\":\"email\",", "", "`channel` is required");
    refused("\"from\":\"Help Desk <help@example.com>\",", "", "`from` is required");
    refused("Help Desk <help@example.com>", "Help Desk <nobody>",
            "`from` must be an e-mail address, as name@example.com or Name <name@example.com>");
    refused("\"reply_to\":\"help@example.com\"", "\"reply_to\":\"not an address\"",
            "`config.reply_to` must be an e-mail address, as name@example.com or Name "
            "<name@example.com>");
    refused("\"auth_type\":\"password\"", "\"auth_type\":\"kerberos\"",
            "Invalid `config.auth_type`: use password");
    refused(
        "\"auth_type\":\"password\"", "\"auth_type\":\"oauth2\"",
        "`config.auth_type` oauth2 is not supported: deskd does not connect OAuth mail accounts");
    refused("\"port\":993", "\"port\":0",
            "`config.imap[0].port` must be an integer from 1 to 65535");
    refused("\"port\":993", "\"port\":65536",
            "`config.imap[0].port` must be an integer from 1 to 65535");
    refused("\"port\":993", "\"port\":\"993\"",
            "`config.imap[0].port` must be an integer from 1 to 65535");
    refused("\"port\":587,", "", "`config.smtp[0].port` is required");
    refused("\"port\":587", "\"port\":-1",
            "`config.smtp[0].port` must be an integer from 1 to 65535");
    refused("\"host\":\" imap.example.com \",", "", "`config.imap[0].host` is required");
    refused("\"mailbox\":\"INBOX\"", "\"mailbox\":\"\"", "`config.imap[0].mailbox` is required");
    refused("\"tls_type\":\"tls\"", "\"tls_type\":\"ssl\"",
            "Invalid `config.imap[0].tls_type`: use none, starttls or tls");
    refused("\"tls_type\":\"starttls\"", "\"tls_type\":\"\"",
            "Invalid `config.smtp[0].tls_type`: use none, starttls or tls");
    refused("\"auth_protocol\":\"login\"", "\"auth_protocol\":\"md5\"",
            "Invalid `config.smtp[0].auth_protocol`: use none, plain, login or cram");
    refused("\"read_interval\":\"5m\"", "\"read_interval\":\"often\"",
            "Invalid `config.imap[0].read_interval`: use a duration such as 30s, 5m or 1h30m");
    refused("\"max_conns\":10", "\"max_conns\":1000",
            "`config.smtp[0].max_conns` must be an integer from 0 to 100");
    refused("\"username\":\"support@example.com\"", "\"username\":7",
            "`config.imap[0].username` must be a string");
    refused("\"tls_type\":\"tls\"}", "\"tls_type\":\"tls\",\"tls_skip_verify\":\"yes\"}",
            "`config.imap[0].tls_skip_verify` must be true or false");
    refused("\"channel\":\"email\"", "\"channel\":\"email\",\"enabled\":1",
            "`enabled` must be true or false");
    refused("\"imap\":[", "\"imap\":[],\"x\":[",
            "`config.imap` must be a list of 1 to 10 IMAP servers");
    refused("\"smtp\":[", "\"smtp\":{},\"x\":[",
            "`config.smtp` must be a list of 1 to 10 SMTP servers");
    refused("\"imap\":[{", "\"imap\":[7,{", "`config.imap[0]` must be an object");
    expect_json_error("POST", "/api/v1/inboxes", it_admin_key,
                      "{\"name\":\"x\",\"channel\":\"email\",\"from\":\"a@example.com\"}", 400,
                      "`config` is required: an object with the imap and smtp servers",
                      "InputException");
    expect_json_error("POST", "/api/v1/inboxes", it_admin_key, "[1]", 400, "Error parsing request",
                      "InputException");
    expect_sqlf(before, "SELECT count(*) FROM inboxes");
    free(before);

    /* Unknown and malformed ids. */
    char body[4096];
    inbox_body(body, sizeof(body), "IT none", "pw", "pw", "993");
    expect_error("/api/v1/inboxes/99999999", tok(it_admin_key), 404, "Inbox not found",
                 "NotFoundException");
    expect_json_error("PUT", "/api/v1/inboxes/99999999", it_admin_key, body, 404, "Inbox not found",
                      "NotFoundException");
    expect_json_error("PUT", "/api/v1/inboxes/99999999/toggle", it_admin_key, NULL, 404,
                      "Inbox not found", "NotFoundException");
    expect_json_error("DELETE", "/api/v1/inboxes/99999999", it_admin_key, NULL, 404,
                      "Inbox not found", "NotFoundException");
    expect_error("/api/v1/inboxes/abc", tok(it_admin_key), 400, "Invalid inbox `id`",
                 "InputException");
    /* A bad PUT changes nothing. */
    char *id = sql_valuef("SELECT min(id) FROM inboxes WHERE deleted_at IS NULL");
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/inboxes/%s", id);
    char *row = sql_valuef("SELECT md5(i::text) FROM inboxes i WHERE id = %s", id);
    expect_json_error("PUT", path, it_admin_key, "{\"name\":\"\"}", 400, "`name` is required",
                      "InputException");
    expect_sqlf(row, "SELECT md5(i::text) FROM inboxes i WHERE id = %s", id);
    free(row);
    free(id);
}
END_TEST

/* Two SMTP servers: the entries of a write, each with its host and password. */
static void two_smtp(char *out, size_t len, const char *name, const char *first, const char *second)
{
    char a[256] = "", b[256];
    if (first != NULL)
        snprintf(a, sizeof(a),
                 "{\"host\":\"smtp1.example.com\",\"port\":587,\"username\":\"u\","
                 "\"password\":\"%s\",\"auth_protocol\":\"login\",\"tls_type\":\"tls\"},",
                 first);
    snprintf(b, sizeof(b),
             "{\"host\":\"smtp2.example.com\",\"port\":587,\"username\":\"u\","
             "\"password\":\"%s\",\"auth_protocol\":\"login\",\"tls_type\":\"tls\"}",
             second);
    snprintf(out, len,
             "{\"name\":\"%s\",\"channel\":\"email\",\"from\":\"help@example.com\","
             "\"config\":{\"auth_type\":\"password\",\"imap\":[{\"host\":\"imap.example.com\","
             "\"port\":993,\"username\":\"u\",\"password\":\"i\",\"mailbox\":\"INBOX\","
             "\"tls_type\":\"tls\"}],\"smtp\":[%s%s]}}",
             name, a, b);
}

/* The mask keeps the password stored for the same server, never the one at its old position. */
START_TEST(test_passwords_follow_servers)
{
    char body[2048], name[64], id[16], path[64];
    snprintf(name, sizeof(name), "it-two-smtp-%ld", (long)getpid());
    two_smtp(body, sizeof(body), name, "first-pw", "second-pw");
    struct http_res r = http_json("POST", "/api/v1/inboxes", it_admin_key, body);
    json_object *root;
    data_of(&r, id, sizeof(id), &root);
    json_object_put(root);
    http_res_free(&r);
    char *second = sql_valuef("SELECT s ->> 'password' FROM inboxes, jsonb_array_elements(config"
                              " -> 'smtp') s WHERE id = %s AND s ->> 'host' = 'smtp2.example.com'",
                              id);
    ck_assert_msg(strncmp(second, "enc:", 4) == 0, "stored as %s", second);

    /* The first server removed: smtp2 (now at position 0) keeps its own password. */
    two_smtp(body, sizeof(body), name, NULL, DUMMY);
    snprintf(path, sizeof(path), "/api/v1/inboxes/%s", id);
    r = http_json("PUT", path, it_admin_key, body);
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    expect_sqlf(second, "SELECT config -> 'smtp' -> 0 ->> 'password' FROM inboxes WHERE id = %s",
                id);

    /* A server whose host changed under the mask gets no password at all. */
    snprintf(body, sizeof(body), "%s", "");
    two_smtp(body, sizeof(body), name, NULL, DUMMY);
    char *moved = strdup(body);
    char *at = strstr(moved, "smtp2.example.com");
    memcpy(at, "smtp3", 5);
    r = http_json("PUT", path, it_admin_key, moved);
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    expect_sqlf("", "SELECT config -> 'smtp' -> 0 ->> 'password' FROM inboxes WHERE id = %s", id);
    free(moved);
    free(second);
}
END_TEST

Suite *it_inboxes_suite(void)
{
    return SUITE_OF("inboxes", 60, NULL, NULL, test_inbox_lifecycle, test_inbox_refusals,
                    test_passwords_follow_servers);
}
