/*
 * it_drafts.c - three small resources over HTTP: an agent's conversation
 * drafts (theirs alone, under the conversation access rule), context links
 * (context_links:manage, the sealed secret, the active list any agent
 * reads) and e-mail templates (templates:manage, one default, built-in
 * ones kept).  Status codes, exact bodies and fields, rows, and refusals
 * that write nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../suite_of.h"
#include "it.h"

#define DENIED "Permission denied", "PermissionException"
#define INPUT "InputException"

/* POST/PUT path with body as key, asserting 200; the data as a new root's child (*root to put). */
static json_object *ok_json(const char *method, const char *path, const char *key, const char *body,
                            json_object **root)
{
    struct http_res r = http_json(method, path, key, body);
    ck_assert_msg(r.status == 200, "%s %s: %ld %s", method, path, r.status, r.body);
    json_object *d = json_data(&r, root);
    http_res_free(&r);
    return d;
}

/* How many items of the array a have key equal to want. */
static int count_with(json_object *a, const char *key, const char *want)
{
    int n = 0;
    for (size_t i = 0; i < json_object_array_length(a); i++) {
        json_object *v;
        if (json_object_object_get_ex(json_object_array_get_idx(a, i), key, &v) &&
            strcmp(json_object_get_string(v), want) == 0)
            n++;
    }
    return n;
}

/* The caller's drafts on conversation cuuid in GET /api/v1/drafts. */
static int my_drafts(const char *key, const char *cuuid)
{
    json_object *root;
    struct http_res r = http_json("GET", "/api/v1/drafts", key, NULL);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    json_object *d = json_data(&r, &root);
    ck_assert(json_object_is_type(d, json_type_array));
    int n = count_with(d, "conversation_uuid", cuuid);
    json_object_put(root);
    http_res_free(&r);
    return n;
}

START_TEST(test_drafts)
{
    long pid = (long)getpid();
    char inbox[16], conv[16], cuuid[64], path[160], email[96], b_id[16], b_key[256], n_key[256];
    char a_id[16], body[512];

    copy_value(inbox, sizeof(inbox),
               sql_valuef("INSERT INTO inboxes (name, channel) VALUES ('It drafts %ld', 'email')"
                          " RETURNING id",
                          pid));
    char *contact = sql_valuef("INSERT INTO users (type, first_name, email) VALUES ('contact',"
                               " 'D', 'drafts-%ld@example.org') RETURNING id",
                               pid);
    copy_value(conv, sizeof(conv),
               sql_valuef("INSERT INTO conversations (subject, status_id, contact_id, inbox_id)"
                          " VALUES ('drafts', (SELECT id FROM conversation_statuses WHERE name ="
                          " 'Open'), %s, %s) RETURNING id",
                          contact, inbox));
    free(contact);
    copy_value(cuuid, sizeof(cuuid),
               sql_valuef("SELECT uuid FROM conversations WHERE id = %s", conv));
    copy_value(a_id, sizeof(a_id),
               sql_valuef("SELECT id FROM users WHERE email = '%s'", it_admin_email));
    /* B reads every conversation too; N only those assigned to it. */
    snprintf(email, sizeof(email), "drafts-b-%ld@example.org", pid);
    it_make_agent(email, "B", "Agent", NULL, b_id, sizeof(b_id), b_key, sizeof(b_key));
    sql_exec("INSERT INTO roles (name, permissions) VALUES ('It drafts assigned', ARRAY["
             "'conversations:read', 'conversations:read_assigned'])");
    snprintf(email, sizeof(email), "drafts-n-%ld@example.org", pid);
    it_make_agent(email, "N", "It drafts assigned", NULL, NULL, 0, n_key, sizeof(n_key));
    snprintf(path, sizeof(path), "/api/v1/conversations/%s/draft", cuuid);

    /* A saves a reply draft: upstream's fields, in its order. */
    json_object *root;
    json_object *d = ok_json("POST", path, it_admin_key,
                             "{\"content\":\"<p>Hi</p>\",\"meta\":{\"cc\":[\"x@example.org\"]},"
                             "\"ignored\":1}",
                             &root);
    ck_assert_int_eq(json_object_object_length(d), 9);
    static const char *const keys[] = {"id",   "conversation_id", "conversation_uuid", "user_id",
                                       "type", "content",         "created_at",        "updated_at",
                                       "meta"};
    int i = 0;
    json_object_object_foreach(d, k, val)
    {
        (void)val;
        ck_assert_str_eq(k, keys[i++]);
    }
    ck_assert_str_eq(json_str(d, "conversation_id"), conv);
    ck_assert_str_eq(json_str(d, "conversation_uuid"), cuuid);
    ck_assert_str_eq(json_str(d, "user_id"), a_id);
    ck_assert_str_eq(json_str(d, "type"), "reply");
    ck_assert_str_eq(json_str(d, "content"), "<p>Hi</p>");
    ck_assert_str_eq(
        json_object_to_json_string_ext(json_object_object_get(d, "meta"), JSON_C_TO_STRING_PLAIN),
        "{\"cc\":[\"x@example.org\"]}");
    json_object_put(root);
    expect_sqlf("<p>Hi</p>|{\"cc\": [\"x@example.org\"]}",
                "SELECT content || '|' || meta::text FROM conversation_drafts"
                " WHERE user_id = %s AND conversation_id = %s AND type = 'reply'",
                a_id, conv);

    /* Saving again replaces it; a private note is a draft of its own. */
    d = ok_json("POST", path, it_admin_key, "{\"content\":\"<p>Hello</p>\"}", &root);
    ck_assert_str_eq(json_str(d, "content"), "<p>Hello</p>");
    ck_assert_str_eq(json_object_to_json_string(json_object_object_get(d, "meta")), "{ }");
    json_object_put(root);
    d = ok_json("POST", path, it_admin_key,
                "{\"content\":\"note\",\"message_type\":\"private_note\"}", &root);
    ck_assert_str_eq(json_str(d, "type"), "private_note");
    json_object_put(root);
    expect_sqlf("2", "SELECT count(*) FROM conversation_drafts WHERE user_id = %s", a_id);
    expect_sqlf("<p>Hello</p>",
                "SELECT content FROM conversation_drafts WHERE user_id = %s AND type = 'reply'",
                a_id);
    ck_assert_int_eq(my_drafts(it_admin_key, cuuid), 2);

    /* Only meta is a draft too (an attachment, say). */
    snprintf(body, sizeof(body), "{\"content\":\"\",\"meta\":{\"attachments\":[1]}}");
    d = ok_json("POST", path, it_admin_key, body, &root);
    ck_assert_str_eq(json_str(d, "content"), "");
    json_object_put(root);

    /* B sees none of them and removes none of them; B's draft is B's. */
    ck_assert_int_eq(my_drafts(b_key, cuuid), 0);
    struct http_res r = http_json("DELETE", path, b_key, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "{\"status\":\"success\",\"data\":true}");
    http_res_free(&r);
    expect_sqlf("2", "SELECT count(*) FROM conversation_drafts WHERE user_id = %s", a_id);
    d = ok_json("POST", path, b_key, "{\"content\":\"mine\"}", &root);
    ck_assert_str_eq(json_str(d, "user_id"), b_id);
    json_object_put(root);
    ck_assert_int_eq(my_drafts(b_key, cuuid), 1);
    ck_assert_int_eq(my_drafts(it_admin_key, cuuid), 2);
    expect_sqlf("|{\"attachments\": [1]}",
                "SELECT content || '|' || meta::text FROM conversation_drafts"
                " WHERE user_id = %s AND type = 'reply'",
                a_id);

    /* Refusals write nothing. */
    char *before =
        sql_valuef("SELECT count(*) || ':' || sum(length(content)) FROM conversation_drafts");
    expect_json_error("POST", path, it_admin_key, "{\"content\":\"  \\n \"}", 400,
                      "Invalid `content`: the draft is empty", INPUT);
    expect_json_error("POST", path, it_admin_key, "{}", 400,
                      "Invalid `content`: the draft is empty", INPUT);
    expect_json_error("POST", path, it_admin_key, "{\"content\":5}", 400,
                      "Invalid `content`: expected a string", INPUT);
    expect_json_error("POST", path, it_admin_key, "{\"content\":\"x\",\"meta\":[1]}", 400,
                      "Invalid `meta`: expected an object", INPUT);
    expect_json_error("POST", path, it_admin_key, "{\"content\":\"x\",\"message_type\":\"email\"}",
                      400, "Invalid `message_type`: use reply or private_note", INPUT);
    char *big = malloc(40 * 1024);
    ck_assert_ptr_nonnull(big);
    int n = snprintf(big, 40 * 1024, "{\"content\":\"x\",\"meta\":{\"k\":\"");
    memset(big + n, 'a', 33 * 1024);
    memcpy(big + n + 33 * 1024, "\"}}", 4);
    expect_json_error("POST", path, it_admin_key, big, 400, "Invalid `meta`: at most 32768 bytes",
                      INPUT);
    free(big);
    expect_json_error("POST", path, it_admin_key, "{\"content\":", 400, "Error parsing request",
                      INPUT);
    expect_json_error("POST", path, n_key, "{\"content\":\"x\"}", 403, DENIED);
    expect_json_error("POST", "/api/v1/conversations/00000000-0000-4000-8000-000000000000/draft",
                      it_admin_key, "{\"content\":\"x\"}", 404, "Conversation not found",
                      "NotFoundException");
    expect_json_error("POST", "/api/v1/conversations/nope/draft", it_admin_key,
                      "{\"content\":\"x\"}", 400, "Invalid conversation `uuid`", INPUT);
    expect_json_error("DELETE", "/api/v1/conversations/nope/draft", it_admin_key, NULL, 400,
                      "Invalid conversation `uuid`", INPUT);
    char q[200];
    snprintf(q, sizeof(q), "%s?message_type=email", path);
    expect_json_error("DELETE", q, it_admin_key, NULL, 400,
                      "Invalid `message_type`: use reply or private_note", INPUT);
    expect_error("/api/v1/drafts", NULL, 401, "Invalid or expired session", "GeneralException");
    expect_sqlf(before, "SELECT count(*) || ':' || sum(length(content)) FROM conversation_drafts");
    free(before);

    /* A removes one type, then the rest; B's stays. */
    snprintf(q, sizeof(q), "%s?message_type=reply", path);
    r = http_json("DELETE", q, it_admin_key, NULL);
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    expect_sqlf("private_note",
                "SELECT string_agg(type, ',') FROM conversation_drafts"
                " WHERE user_id = %s",
                a_id);
    r = http_json("DELETE", path, it_admin_key, NULL);
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    expect_sqlf("0", "SELECT count(*) FROM conversation_drafts WHERE user_id = %s", a_id);
    expect_sqlf("1", "SELECT count(*) FROM conversation_drafts WHERE user_id = %s", b_id);
    /* A draft goes with its conversation. */
    char *gone = sql_valuef("DELETE FROM conversations WHERE id = %s RETURNING id", conv);
    ck_assert_str_eq(gone, conv);
    free(gone);
    expect_sqlf("0", "SELECT count(*) FROM conversation_drafts WHERE user_id = %s", b_id);
}
END_TEST

#define DUMMY10                                                                                    \
    "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2"     \
    "\x80\xa2\xe2\x80\xa2\xe2\x80\xa2"
#define SECRET32 "0123456789abcdef0123456789abcdef"

START_TEST(test_context_links)
{
    char id[16], path[96], tpath[112], off_id[16];
    json_object *root;

    json_object *d = ok_json("POST", "/api/v1/context-links", it_admin_key,
                             "{\"name\":\"CRM\",\"url_template\":"
                             "\"https://crm.example.org/c?email={{contact.email}}\","
                             "\"secret\":\"" SECRET32 "\",\"token_expiry_seconds\":600,"
                             "\"is_active\":true}",
                             &root);
    static const char *const keys[] = {
        "id",           "created_at", "updated_at",           "name",
        "url_template", "secret",     "token_expiry_seconds", "is_active"};
    int i = 0;
    json_object_object_foreach(d, k, val)
    {
        (void)val;
        ck_assert_str_eq(k, keys[i++]);
    }
    ck_assert_int_eq(i, 8);
    snprintf(id, sizeof(id), "%s", json_str(d, "id"));
    ck_assert_str_eq(json_str(d, "name"), "CRM");
    ck_assert_str_eq(json_str(d, "url_template"),
                     "https://crm.example.org/c?email={{contact.email}}");
    ck_assert_str_eq(json_str(d, "secret"), DUMMY10);
    ck_assert_str_eq(json_str(d, "token_expiry_seconds"), "600");
    ck_assert_str_eq(json_str(d, "is_active"), "true");
    json_object_put(root);
    /* The secret is stored sealed, never as sent. */
    expect_sqlf("t",
                "SELECT signing_secret LIKE 'enc:%%' AND signing_secret <> '" SECRET32
                "' FROM context_links WHERE id = %s",
                id);
    char *sealed = sql_valuef("SELECT signing_secret FROM context_links WHERE id = %s", id);

    snprintf(path, sizeof(path), "/api/v1/context-links/%s", id);
    snprintf(tpath, sizeof(tpath), "%s/toggle", path);
    d = ok_json("GET", path, it_admin_key, NULL, &root);
    ck_assert_str_eq(json_str(d, "secret"), DUMMY10);
    json_object_put(root);

    /* Defaults: upstream's token lifetime, inactive when is_active is left out. */
    d = ok_json("POST", "/api/v1/context-links", it_admin_key,
                "{\"name\":\"Off\",\"url_template\":\"http://tools.example.org/x\"}", &root);
    snprintf(off_id, sizeof(off_id), "%s", json_str(d, "id"));
    ck_assert_str_eq(json_str(d, "secret"), "");
    ck_assert_str_eq(json_str(d, "token_expiry_seconds"), "1200");
    ck_assert_str_eq(json_str(d, "is_active"), "false");
    json_object_put(root);

    /* Any agent reads the active ones (secret always empty), but nothing else. */
    struct http_res r = http_json("GET", "/api/v1/context-links/active", it_agent_key, NULL);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    d = json_data(&r, &root);
    ck_assert_int_eq(count_with(d, "id", id), 1);
    ck_assert_int_eq(count_with(d, "id", off_id), 0);
    ck_assert_int_eq(count_with(d, "secret", ""), (int)json_object_array_length(d));
    json_object_put(root);
    http_res_free(&r);
    d = ok_json("GET", "/api/v1/context-links", it_admin_key, NULL, &root);
    ck_assert_int_eq(count_with(d, "id", id), 1);
    ck_assert_int_eq(count_with(d, "id", off_id), 1);
    ck_assert_str_eq(json_str(json_object_array_get_idx(d, 0), "id"), off_id); /* newest first */
    json_object_put(root);

    char *before = sql_valuef("SELECT count(*) || string_agg(name || url_template ||"
                              " signing_secret || token_expiry_seconds || is_active, ',' ORDER BY"
                              " id) FROM context_links");
    const char *good = "{\"name\":\"X\",\"url_template\":\"https://x.example.org\"}";
    expect_error("/api/v1/context-links", tok(it_agent_key), 403, DENIED);
    expect_error(path, tok(it_agent_key), 403, DENIED);
    expect_json_error("POST", "/api/v1/context-links", it_agent_key, good, 403, DENIED);
    expect_json_error("PUT", path, it_agent_key, good, 403, DENIED);
    expect_json_error("PUT", tpath, it_agent_key, NULL, 403, DENIED);
    expect_json_error("DELETE", path, it_agent_key, NULL, 403, DENIED);
    expect_json_error("POST", "/api/v1/context-links", it_admin_key,
                      "{\"url_template\":\"https://x.example.org\"}", 400, "`name` is required",
                      INPUT);
    expect_json_error("POST", "/api/v1/context-links", it_admin_key, "{\"name\":\"X\"}", 400,
                      "`url_template` is required", INPUT);
    expect_json_error("POST", "/api/v1/context-links", it_admin_key,
                      "{\"name\":\"X\",\"url_template\":\"ftp://x.example.org\"}", 400,
                      "Invalid `url_template`: expected an http:// or https:// URL", INPUT);
    expect_json_error("PUT", path, it_admin_key,
                      "{\"name\":\"X\",\"url_template\":\"javascript:alert(1)\"}", 400,
                      "Invalid `url_template`: expected an http:// or https:// URL", INPUT);
    char big[400];
    snprintf(big, sizeof(big), "{\"name\":\"%0256d\",\"url_template\":\"https://x.example.org\"}",
             0);
    expect_json_error("POST", "/api/v1/context-links", it_admin_key, big, 400,
                      "Invalid `name`: at most 255 characters", INPUT);
    expect_json_error("POST", "/api/v1/context-links", it_admin_key,
                      "{\"name\":\"X\",\"url_template\":\"https://x.example.org\","
                      "\"secret\":\"short\"}",
                      400, "Invalid `secret`: it must be 32 characters long", INPUT);
    expect_json_error("PUT", path, it_admin_key,
                      "{\"name\":\"X\",\"url_template\":\"https://x.example.org\","
                      "\"token_expiry_seconds\":\"soon\"}",
                      400, "Invalid `token_expiry_seconds`: expected a whole number of seconds",
                      INPUT);
    expect_json_error("PUT", path, it_admin_key,
                      "{\"name\":\"X\",\"url_template\":\"https://x.example.org\","
                      "\"is_active\":\"yes\"}",
                      400, "Invalid `is_active`: expected true or false", INPUT);
    expect_json_error("PUT", "/api/v1/context-links/999999", it_admin_key, good, 404,
                      "Context link not found", "NotFoundException");
    expect_error("/api/v1/context-links/abc", tok(it_admin_key), 400, "Invalid context link `id`",
                 INPUT);
    expect_sqlf(before, "SELECT count(*) || string_agg(name || url_template || signing_secret ||"
                        " token_expiry_seconds || is_active, ',' ORDER BY id) FROM context_links");
    free(before);

    /* The dummy sent back keeps the secret; "" clears it. */
    d = ok_json(
        "PUT", path, it_admin_key,
        "{\"name\":\"CRM 2\",\"url_template\":\"https://crm.example.org/v2\",\"secret\":\"" DUMMY10
        "\",\"token_expiry_seconds\":60,\"is_active\":true}",
        &root);
    ck_assert_str_eq(json_str(d, "name"), "CRM 2");
    ck_assert_str_eq(json_str(d, "secret"), DUMMY10);
    json_object_put(root);
    expect_sqlf(sealed, "SELECT signing_secret FROM context_links WHERE id = %s", id);
    free(sealed);
    expect_sqlf("CRM 2|https://crm.example.org/v2|60|true",
                "SELECT name || '|' || url_template || '|' || token_expiry_seconds || '|' ||"
                " is_active FROM context_links WHERE id = %s",
                id);
    d = ok_json("PUT", path, it_admin_key,
                "{\"name\":\"CRM 2\",\"url_template\":\"https://crm.example.org/v2\","
                "\"secret\":\"\",\"is_active\":true}",
                &root);
    ck_assert_str_eq(json_str(d, "secret"), "");
    json_object_put(root);
    expect_sqlf("", "SELECT signing_secret FROM context_links WHERE id = %s", id);

    /* Toggle flips; the active list follows. */
    d = ok_json("PUT", tpath, it_admin_key, NULL, &root);
    ck_assert_str_eq(json_str(d, "is_active"), "false");
    json_object_put(root);
    r = http_json("GET", "/api/v1/context-links/active", it_agent_key, NULL);
    d = json_data(&r, &root);
    ck_assert_int_eq(count_with(d, "id", id), 0);
    json_object_put(root);
    http_res_free(&r);

    /* Delete: true, then 404. */
    r = http_json("DELETE", path, it_admin_key, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "{\"status\":\"success\",\"data\":true}");
    http_res_free(&r);
    expect_sqlf("0", "SELECT count(*) FROM context_links WHERE id = %s", id);
    expect_json_error("DELETE", path, it_admin_key, NULL, 404, "Context link not found",
                      "NotFoundException");
    expect_json_error("PUT", tpath, it_admin_key, NULL, 404, "Context link not found",
                      "NotFoundException");
    sql_exec("DELETE FROM context_links");
}
END_TEST

START_TEST(test_templates)
{
    char a_id[16], b_id[16], builtin[16], path[96];
    json_object *root;

    sql_exec("DELETE FROM templates");
    const char *wrapper = "{\"type\":\"email_outgoing\",\"name\":\"Wrapper A\",\"body\":"
                          "\"<div>{{ template \\\"content\\\" . }}</div>\",\"subject\":\"S\","
                          "\"is_default\":true}";
    json_object *d = ok_json("POST", "/api/v1/templates", it_admin_key, wrapper, &root);
    static const char *const keys[] = {"id",   "created_at", "updated_at", "type",      "name",
                                       "body", "subject",    "is_default", "is_builtin"};
    int i = 0;
    json_object_object_foreach(d, k, val)
    {
        (void)val;
        ck_assert_str_eq(k, keys[i++]);
    }
    ck_assert_int_eq(i, 9);
    snprintf(a_id, sizeof(a_id), "%s", json_str(d, "id"));
    ck_assert_str_eq(json_str(d, "type"), "email_outgoing");
    ck_assert_str_eq(json_str(d, "name"), "Wrapper A");
    ck_assert_str_eq(json_str(d, "body"), "<div>{{ template \"content\" . }}</div>");
    ck_assert_str_eq(json_str(d, "subject"), "S");
    ck_assert_str_eq(json_str(d, "is_default"), "true");
    ck_assert_str_eq(json_str(d, "is_builtin"), "false");
    json_object_put(root);

    /* A second default takes it over; no subject is null. */
    d = ok_json("POST", "/api/v1/templates", it_admin_key,
                "{\"type\":\"email_outgoing\",\"name\":\"Wrapper B\",\"body\":\"b\","
                "\"is_default\":true}",
                &root);
    snprintf(b_id, sizeof(b_id), "%s", json_str(d, "id"));
    ck_assert(json_object_is_type(json_object_object_get(d, "subject"), json_type_null));
    json_object_put(root);
    expect_sqlf(b_id, "SELECT string_agg(id::text, ',') FROM templates WHERE is_default");

    copy_value(builtin, sizeof(builtin),
               sql_valuef("INSERT INTO templates (type, body, name, subject, is_builtin) VALUES"
                          " ('email_notification', 'n', 'Conversation assigned', 'New', true)"
                          " RETURNING id"));

    /* The list is per type, most recently updated first. */
    d = ok_json("GET", "/api/v1/templates?type=email_outgoing", it_admin_key, NULL, &root);
    ck_assert_int_eq((int)json_object_array_length(d), 2);
    ck_assert_str_eq(json_str(json_object_array_get_idx(d, 0), "id"), b_id); /* newest */
    json_object_put(root);
    d = ok_json("GET", "/api/v1/templates?type=email_notification", it_admin_key, NULL, &root);
    ck_assert_int_eq((int)json_object_array_length(d), 1);
    ck_assert_str_eq(json_str(json_object_array_get_idx(d, 0), "is_builtin"), "true");
    json_object_put(root);
    snprintf(path, sizeof(path), "/api/v1/templates/%s", a_id);
    d = ok_json("GET", path, it_admin_key, NULL, &root);
    ck_assert_str_eq(json_str(d, "name"), "Wrapper A");
    ck_assert_str_eq(json_str(d, "is_default"), "false");
    json_object_put(root);

    /* Refusals write nothing. */
    char *before = sql_valuef("SELECT count(*) || string_agg(id || type::text || name || body ||"
                              " coalesce(subject, '-') || is_default, ',' ORDER BY id)"
                              " FROM templates");
    expect_error("/api/v1/templates?type=email_outgoing", tok(it_agent_key), 403, DENIED);
    expect_error(path, tok(it_agent_key), 403, DENIED);
    expect_json_error("POST", "/api/v1/templates", it_agent_key, wrapper, 403, DENIED);
    expect_json_error("PUT", path, it_agent_key, wrapper, 403, DENIED);
    expect_json_error("DELETE", path, it_agent_key, NULL, 403, DENIED);
    expect_error("/api/v1/templates", tok(it_admin_key), 400, "`type` is required", INPUT);
    expect_error("/api/v1/templates?type=sms", tok(it_admin_key), 400,
                 "Invalid `type`: use email_outgoing or email_notification", INPUT);
    expect_json_error("POST", "/api/v1/templates", it_admin_key, "{\"name\":\"X\",\"body\":\"b\"}",
                      400, "`type` is required", INPUT);
    expect_json_error("POST", "/api/v1/templates", it_admin_key,
                      "{\"type\":\"email\",\"name\":\"X\",\"body\":\"b\"}", 400,
                      "Invalid `type`: use email_outgoing or email_notification", INPUT);
    expect_json_error("POST", "/api/v1/templates", it_admin_key,
                      "{\"type\":\"email_outgoing\",\"body\":\"b\"}", 400, "`name` is required",
                      INPUT);
    /* The default is never dropped by an update, nor by turning it into a notification. */
    char b_path[64];
    snprintf(b_path, sizeof(b_path), "/api/v1/templates/%s", b_id);
    expect_json_error("PUT", b_path, it_admin_key,
                      "{\"type\":\"email_outgoing\",\"name\":\"B\",\"is_default\":false}", 400,
                      "Cannot unset the default template; make another one the default", INPUT);
    expect_json_error("PUT", b_path, it_admin_key,
                      "{\"type\":\"email_notification\",\"name\":\"B\",\"is_default\":false}", 400,
                      "Cannot unset the default template; make another one the default", INPUT);
    char big[1200];
    snprintf(big, sizeof(big), "{\"type\":\"email_outgoing\",\"name\":\"%0141d\"}", 0);
    expect_json_error("POST", "/api/v1/templates", it_admin_key, big, 400,
                      "Invalid `name`: at most 140 characters", INPUT);
    snprintf(big, sizeof(big),
             "{\"type\":\"email_outgoing\",\"name\":\"X\",\"subject\":\"%01001d\"}", 0);
    expect_json_error("POST", "/api/v1/templates", it_admin_key, big, 400,
                      "Invalid `subject`: at most 1000 characters", INPUT);
    expect_json_error("POST", "/api/v1/templates", it_admin_key,
                      "{\"type\":\"email_outgoing\",\"name\":\"X\",\"body\":[]}", 400,
                      "Invalid `body`: expected a string", INPUT);
    expect_json_error("POST", "/api/v1/templates", it_admin_key,
                      "{\"type\":\"email_notification\",\"name\":\"X\",\"is_default\":true}", 400,
                      "Only an email_outgoing template can be the default", INPUT);
    expect_json_error("PUT", path, it_admin_key,
                      "{\"type\":\"email_outgoing\",\"name\":\"X\",\"is_default\":1}", 400,
                      "Invalid `is_default`: expected true or false", INPUT);
    snprintf(path, sizeof(path), "/api/v1/templates/%s", b_id);
    expect_json_error("DELETE", path, it_admin_key, NULL, 400, "Cannot delete the default template",
                      INPUT);
    snprintf(path, sizeof(path), "/api/v1/templates/%s", builtin);
    expect_json_error("DELETE", path, it_admin_key, NULL, 400, "Cannot delete a built-in template",
                      INPUT);
    expect_json_error("PUT", path, it_admin_key,
                      "{\"type\":\"email_outgoing\",\"name\":\"X\",\"body\":\"b\"}", 400,
                      "Cannot change the type of a built-in template", INPUT);
    expect_json_error("PUT", "/api/v1/templates/999999", it_admin_key, wrapper, 404,
                      "Template not found", "NotFoundException");
    expect_error("/api/v1/templates/999999", tok(it_admin_key), 404, "Template not found",
                 "NotFoundException");
    expect_error("/api/v1/templates/x", tok(it_admin_key), 400, "Invalid template `id`", INPUT);
    expect_sqlf(before, "SELECT count(*) || string_agg(id || type::text || name || body ||"
                        " coalesce(subject, '-') || is_default, ',' ORDER BY id) FROM templates");
    free(before);

    /* A notification template keeps its name, as upstream; its body and subject change. */
    d = ok_json("PUT", path, it_admin_key,
                "{\"type\":\"email_notification\",\"name\":\"Renamed\",\"body\":\"n2\","
                "\"subject\":\"Assigned\"}",
                &root);
    ck_assert_str_eq(json_str(d, "name"), "Conversation assigned");
    ck_assert_str_eq(json_str(d, "body"), "n2");
    ck_assert_str_eq(json_str(d, "is_builtin"), "true");
    json_object_put(root);

    /* A takes the default back; then B may go. */
    snprintf(path, sizeof(path), "/api/v1/templates/%s", a_id);
    d = ok_json("PUT", path, it_admin_key,
                "{\"type\":\"email_outgoing\",\"name\":\"Wrapper A2\",\"body\":\"a\","
                "\"is_default\":true}",
                &root);
    ck_assert_str_eq(json_str(d, "name"), "Wrapper A2");
    ck_assert_str_eq(json_str(d, "is_default"), "true");
    json_object_put(root);
    expect_sqlf(a_id, "SELECT string_agg(id::text, ',') FROM templates WHERE is_default");
    snprintf(path, sizeof(path), "/api/v1/templates/%s", b_id);
    struct http_res r = http_json("DELETE", path, it_admin_key, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "{\"status\":\"success\",\"data\":true}");
    http_res_free(&r);
    expect_sqlf("0", "SELECT count(*) FROM templates WHERE id = %s", b_id);
    expect_json_error("DELETE", path, it_admin_key, NULL, 404, "Template not found",
                      "NotFoundException");
    sql_exec("DELETE FROM templates");
}
END_TEST

Suite *it_drafts_suite(void)
{
    return SUITE_OF("drafts", 60, NULL, NULL, test_drafts, test_context_links, test_templates);
}
