/*
 * it_custom_attributes.c - custom attributes over HTTP: the definitions
 * (shape, filter, permission, every refusal with nothing written, 409 on a
 * taken key) and the values written on a conversation and on its contact
 * (checked against the definitions, the conversation access rule).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../suite_of.h"
#include "it.h"

#define DEFS "/api/v1/custom-attributes"

/* POSTs a definition as the admin and returns its id (asserted 200) into id. */
static void define(const char *body, char *id, size_t len)
{
    struct http_res r = http_json("POST", DEFS, it_admin_key, body);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    json_object *root, *d = json_data(&r, &root);
    snprintf(id, len, "%s", json_str(d, "id"));
    json_object_put(root);
    http_res_free(&r);
}

/* The keys of o in order, comma-separated, into out. */
static void keys_of(json_object *o, char *out, size_t len)
{
    out[0] = '\0';
    json_object_object_foreach(o, k, v)
    {
        (void)v;
        if (out[0] != '\0')
            strncat(out, ",", len - strlen(out) - 1);
        strncat(out, k, len - strlen(out) - 1);
    }
}

/* Asserts that the write is refused with 400 message and that the definitions are unchanged. */
static void refused(const char *method, const char *path, const char *body, const char *message)
{
    char *before = sql_valuef("SELECT count(*) || '/' || coalesce(max(updated_at)::text, '')"
                              " FROM custom_attribute_definitions");
    expect_json_error(method, path, it_admin_key, body, 400, message, "InputException");
    char *after = sql_valuef("SELECT count(*) || '/' || coalesce(max(updated_at)::text, '')"
                             " FROM custom_attribute_definitions");
    ck_assert_str_eq(after, before);
    free(before);
    free(after);
}

START_TEST(test_definitions)
{
    long pid = (long)getpid();
    char body[1024], key[64], id[16], cid[16], path[96], names[256];

    snprintf(key, sizeof(key), "plan_%ld", pid);
    snprintf(body, sizeof(body),
             "{\"applies_to\":\"conversation\",\"name\":\"Plan\",\"description\":\"The plan\","
             "\"key\":\"%s\",\"data_type\":\"list\",\"values\":[\"Free\",\"Pro\"],"
             "\"regex\":\"\",\"regex_hint\":\"\",\"unknown\":1}",
             key);

    /* An agent without custom_attributes:manage writes nothing and reads no single definition. */
    expect_json_error("POST", DEFS, it_agent_key, body, 403, "Permission denied",
                      "PermissionException");
    expect_sqlf("0", "SELECT count(*) FROM custom_attribute_definitions WHERE key = '%s'", key);

    struct http_res r = http_json("POST", DEFS, it_admin_key, body);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    json_object *root, *d = json_data(&r, &root);
    keys_of(d, names, sizeof(names));
    ck_assert_str_eq(names, "id,created_at,updated_at,name,description,applies_to,key,values,"
                            "data_type,regex,regex_hint");
    snprintf(id, sizeof(id), "%s", json_str(d, "id"));
    ck_assert_str_eq(json_str(d, "name"), "Plan");
    ck_assert_str_eq(json_str(d, "description"), "The plan");
    ck_assert_str_eq(json_str(d, "applies_to"), "conversation");
    ck_assert_str_eq(json_str(d, "key"), key);
    ck_assert_str_eq(json_str(d, "data_type"), "list");
    ck_assert_str_eq(json_str(d, "regex"), "");
    ck_assert_str_eq(json_str(d, "regex_hint"), "");
    ck_assert_str_eq(
        json_object_to_json_string_ext(json_object_object_get(d, "values"), JSON_C_TO_STRING_PLAIN),
        "[\"Free\",\"Pro\"]");
    json_object_put(root);
    http_res_free(&r);
    expect_sqlf("conversation/Plan/The plan/list/Free,Pro/",
                "SELECT applies_to || '/' || name || '/' || description || '/' || data_type || '/'"
                " || array_to_string(\"values\", ',') || '/' || coalesce(regex, 'NULL')"
                " FROM custom_attribute_definitions WHERE id = %s",
                id);

    /* The key is unique per applies_to: taken → 409, for contacts it is free. */
    char *before = sql_valuef("SELECT count(*) FROM custom_attribute_definitions");
    expect_json_error("POST", DEFS, it_admin_key, body, 409,
                      "Custom attribute with this key already exists", "ConflictException");
    expect_sqlf(before, "SELECT count(*) FROM custom_attribute_definitions");
    free(before);
    snprintf(body, sizeof(body),
             "{\"applies_to\":\"contact\",\"name\":\"Plan\",\"description\":\"The contact's plan\","
             "\"key\":\"%s\",\"data_type\":\"text\",\"values\":[\"dropped\"],"
             "\"regex\":\"^[a-z]+$\",\"regex_hint\":\"lower-case letters\"}",
             key);
    define(body, cid, sizeof(cid));
    expect_sqlf("contact/text//^[a-z]+$/lower-case letters",
                "SELECT applies_to || '/' || data_type || '/' || array_to_string(\"values\", ',')"
                " || '/' || regex || '/' || regex_hint FROM custom_attribute_definitions"
                " WHERE id = %s",
                cid);

    /* Every refusal, nothing written. */
    refused("POST", DEFS, "{}", "`name` empty");
    refused("POST", DEFS, "{\"name\":7}", "`name` must be a string");
    char longname[200];
    memset(longname, 'n', 141);
    longname[141] = '\0';
    snprintf(body, sizeof(body), "{\"name\":\"%s\"}", longname);
    refused("POST", DEFS, body, "`name` is too long, should be at most 140 characters");
    refused("POST", DEFS, "{\"name\":\"N\"}", "`applies_to` empty");
    refused("POST", DEFS, "{\"name\":\"N\",\"applies_to\":\"ticket\"}",
            "Invalid `applies_to`: use contact or conversation");
    refused("POST", DEFS, "{\"name\":\"N\",\"applies_to\":\"contact\"}", "`data_type` empty");
    refused("POST", DEFS, "{\"name\":\"N\",\"applies_to\":\"contact\",\"data_type\":\"color\"}",
            "Invalid `data_type`: use text, number, checkbox, date, link or list");
    refused("POST", DEFS, "{\"name\":\"N\",\"applies_to\":\"contact\",\"data_type\":\"text\"}",
            "`description` empty");
    refused("POST", DEFS,
            "{\"name\":\"N\",\"applies_to\":\"contact\",\"data_type\":\"text\","
            "\"description\":\"D\"}",
            "`key` empty");
    refused("POST", DEFS,
            "{\"name\":\"N\",\"applies_to\":\"contact\",\"data_type\":\"text\","
            "\"description\":\"D\",\"key\":\"Bad Key\"}",
            "Invalid `key`: use lower-case letters, digits and underscores");
    refused("POST", DEFS,
            "{\"name\":\"N\",\"applies_to\":\"contact\",\"data_type\":\"text\","
            "\"description\":\"D\",\"key\":\"subject\"}",
            "`key` `subject` is a built-in field");
    refused("POST", DEFS,
            "{\"name\":\"N\",\"applies_to\":\"contact\",\"data_type\":\"list\","
            "\"description\":\"D\",\"key\":\"it_list_none\"}",
            "`values` is required for the list type");
    refused("POST", DEFS,
            "{\"name\":\"N\",\"applies_to\":\"contact\",\"data_type\":\"list\","
            "\"description\":\"D\",\"key\":\"it_list_bad\",\"values\":\"Free\"}",
            "`values` must be an array of strings");
    refused("POST", DEFS,
            "{\"name\":\"N\",\"applies_to\":\"contact\",\"data_type\":\"list\","
            "\"description\":\"D\",\"key\":\"it_list_bad\",\"values\":[\"Pro\",\"\"]}",
            "Each of `values` must be a string of 1 to 140 characters");
    refused("POST", DEFS,
            "{\"name\":\"N\",\"applies_to\":\"contact\",\"data_type\":\"list\","
            "\"description\":\"D\",\"key\":\"it_list_bad\",\"values\":[\"Pro\",\"Pro\"]}",
            "`values` has `Pro` twice");
    refused("POST", DEFS,
            "{\"name\":\"N\",\"applies_to\":\"contact\",\"data_type\":\"text\","
            "\"description\":\"D\",\"key\":\"it_regex_bad\",\"regex\":\"([a-z\"}",
            "Invalid `regex`: not a regular expression PostgreSQL can compile");
    refused("POST", DEFS,
            "{\"name\":\"N\",\"applies_to\":\"contact\",\"data_type\":\"text\","
            "\"description\":\"D\",\"key\":\"it_regex_bad\",\"regex\":[1]}",
            "`regex` must be a string");
    expect_json_error("POST", DEFS, it_admin_key, "[1", 400, "Error parsing request",
                      "InputException");

    /* One definition: custom_attributes:manage; unknown and malformed ids. */
    snprintf(path, sizeof(path), DEFS "/%s", id);
    r = http_get(path, tok(it_admin_key));
    ck_assert_int_eq(r.status, 200);
    d = json_data(&r, &root);
    ck_assert_str_eq(json_str(d, "key"), key);
    ck_assert_str_eq(json_str(d, "id"), id);
    json_object_put(root);
    http_res_free(&r);
    expect_error(path, tok(it_agent_key), 403, "Permission denied", "PermissionException");
    expect_error(DEFS "/99999999", tok(it_admin_key), 404, "Custom attribute not found",
                 "NotFoundException");
    expect_error(DEFS "/abc", tok(it_admin_key), 400, "Invalid custom attribute `id`",
                 "InputException");

    /* The list: any agent, latest change first, filtered by applies_to. */
    r = http_get(DEFS, tok(it_agent_key));
    ck_assert_int_eq(r.status, 200);
    d = json_data(&r, &root);
    ck_assert(json_object_is_type(d, json_type_array));
    ck_assert_str_eq(json_str(json_object_array_get_idx(d, 0), "id"), cid);
    ck_assert_str_eq(json_str(json_object_array_get_idx(d, 1), "id"), id);
    json_object_put(root);
    http_res_free(&r);
    const char *filters[] = {"contact", "conversation"};
    const char *ids[] = {cid, id};
    for (int f = 0; f < 2; f++) {
        char q[96];
        snprintf(q, sizeof(q), DEFS "?applies_to=%s", filters[f]);
        r = http_get(q, tok(it_agent_key));
        ck_assert_int_eq(r.status, 200);
        d = json_data(&r, &root);
        int seen = 0;
        for (size_t i = 0; i < json_object_array_length(d); i++) {
            json_object *o = json_object_array_get_idx(d, i);
            ck_assert_str_eq(json_str(o, "applies_to"), filters[f]);
            seen += strcmp(json_str(o, "id"), ids[f]) == 0;
        }
        ck_assert_int_eq(seen, 1);
        json_object_put(root);
        http_res_free(&r);
    }

    /* Update: every field but key and data_type; 409 on a key taken for the new applies_to. */
    snprintf(body, sizeof(body),
             "{\"applies_to\":\"conversation\",\"name\":\"Plan B\",\"description\":\"Changed\","
             "\"key\":\"%s\",\"data_type\":\"list\",\"values\":[\"Free\",\"Pro\",\"Team\"],"
             "\"regex\":\"^[A-Z]\",\"regex_hint\":\"Capitalised\"}",
             key);
    expect_json_error("PUT", path, it_agent_key, body, 403, "Permission denied",
                      "PermissionException");
    r = http_json("PUT", path, it_admin_key, body);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    d = json_data(&r, &root);
    ck_assert_str_eq(json_str(d, "name"), "Plan B");
    json_object_put(root);
    http_res_free(&r);
    expect_sqlf("Plan B/Changed/Free,Pro,Team/^[A-Z]/Capitalised/true",
                "SELECT name || '/' || description || '/' || array_to_string(\"values\", ',')"
                " || '/' || regex || '/' || regex_hint || '/' || (updated_at > created_at)"
                " FROM custom_attribute_definitions WHERE id = %s",
                id);
    char other[1024];
    snprintf(other, sizeof(other),
             "{\"applies_to\":\"conversation\",\"name\":\"Plan B\",\"description\":\"Changed\","
             "\"key\":\"%s_other\",\"data_type\":\"list\",\"values\":[\"Free\"]}",
             key);
    refused("PUT", path, other, "`key` cannot be changed");
    snprintf(other, sizeof(other),
             "{\"applies_to\":\"conversation\",\"name\":\"Plan B\",\"description\":\"Changed\","
             "\"key\":\"%s\",\"data_type\":\"text\"}",
             key);
    refused("PUT", path, other, "`data_type` cannot be changed");
    snprintf(other, sizeof(other),
             "{\"applies_to\":\"conversation\",\"name\":\"Plan B\",\"description\":\"Changed\","
             "\"key\":\"%s\",\"data_type\":\"list\",\"values\":[]}",
             key);
    refused("PUT", path, other, "`values` is required for the list type");
    snprintf(other, sizeof(other),
             "{\"applies_to\":\"contact\",\"name\":\"Plan B\",\"description\":\"Changed\","
             "\"key\":\"%s\",\"data_type\":\"list\",\"values\":[\"Free\"]}",
             key);
    expect_json_error("PUT", path, it_admin_key, other, 409,
                      "Custom attribute with this key already exists", "ConflictException");
    expect_sqlf("conversation", "SELECT applies_to FROM custom_attribute_definitions WHERE id = %s",
                id);
    expect_json_error("PUT", DEFS "/99999999", it_admin_key, body, 404,
                      "Custom attribute not found", "NotFoundException");

    /* Delete. */
    expect_json_error("DELETE", path, it_agent_key, NULL, 403, "Permission denied",
                      "PermissionException");
    r = http_json("DELETE", path, it_admin_key, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "{\"status\":\"success\",\"data\":true}");
    http_res_free(&r);
    expect_sqlf("0", "SELECT count(*) FROM custom_attribute_definitions WHERE id = %s", id);
    expect_json_error("DELETE", path, it_admin_key, NULL, 404, "Custom attribute not found",
                      "NotFoundException");
    snprintf(path, sizeof(path), DEFS "/%s", cid);
    r = http_json("DELETE", path, it_admin_key, NULL);
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
}
END_TEST

/* PUTs body to path as key and asserts the exact success body. */
static void put_ok(const char *path, const char *key, const char *body)
{
    struct http_res r = http_json("PUT", path, key, body);
    ck_assert_msg(r.status == 200, "%s: %ld %s", body, r.status, r.body);
    ck_assert_str_eq(r.body, "{\"status\":\"success\",\"data\":true}");
    http_res_free(&r);
}

/* Asserts a 400 with message and that column's stored value is still want. */
static void value_refused(const char *path, const char *body, const char *message,
                          const char *table, const char *id, const char *want)
{
    expect_json_error("PUT", path, it_admin_key, body, 400, message, "InputException");
    expect_sqlf("t", "SELECT custom_attributes = '%s'::jsonb FROM %s WHERE id = %s", want, table,
                id);
}

START_TEST(test_values)
{
    long pid = (long)getpid();
    char body[2048], ids[8][16], path[128], cpath[128], email[96];
    /* applies_to, key prefix, data_type, more fields */
    const char *defs[][4] = {
        {"conversation", "ref", "text",
         ",\"regex\":\"^[A-Z]{3}-[0-9]+$\",\"regex_hint\":\"like ABC-123\""},
        {"conversation", "score", "number", ""},
        {"conversation", "vip", "checkbox", ""},
        {"conversation", "renewal", "date", ""},
        {"conversation", "site", "link", ""},
        {"conversation", "tier", "list", ",\"values\":[\"Gold\",\"Silver\"]"},
        {"contact", "ctier", "list", ",\"values\":[\"A\",\"B\"]"},
        {"contact", "nick", "text", ",\"regex\":\"^[a-z]+$\""},
    };
    for (int i = 0; i < 8; i++) {
        snprintf(body, sizeof(body),
                 "{\"applies_to\":\"%s\",\"name\":\"N\",\"description\":\"D\","
                 "\"key\":\"%s_%ld\",\"data_type\":\"%s\"%s}",
                 defs[i][0], defs[i][1], pid, defs[i][2], defs[i][3]);
        define(body, ids[i], sizeof(ids[i]));
    }
    char *inbox = sql_valuef("INSERT INTO inboxes (name, channel) VALUES ('It attrs %ld', 'email')"
                             " RETURNING id",
                             pid);
    char *contact = sql_valuef("INSERT INTO users (type, first_name, email) VALUES ('contact', 'A',"
                               " 'attrs-%ld@example.org') RETURNING id",
                               pid);
    char *conv = sql_valuef(
        "INSERT INTO conversations (subject, status_id, contact_id, inbox_id) SELECT 'attrs',"
        " id, %s, %s FROM conversation_statuses WHERE name = 'Open' RETURNING id",
        contact, inbox);
    char *uuid = sql_valuef("SELECT uuid FROM conversations WHERE id = %s", conv);
    snprintf(path, sizeof(path), "/api/v1/conversations/%s/custom-attributes", uuid);
    snprintf(cpath, sizeof(cpath), "/api/v1/conversations/%s/contacts/custom-attributes", uuid);

    /* Every type, an unknown key kept as sent; the object is replaced (upstream). */
    char good[1024];
    snprintf(good, sizeof(good),
             "{\"ref_%ld\":\"ABC-123\",\"score_%ld\":4.5,\"vip_%ld\":true,"
             "\"renewal_%ld\":\"2025-02-28\",\"site_%ld\":\"https://example.com/a?b=c\","
             "\"tier_%ld\":\"Gold\",\"legacy\":{\"any\":[1,2]}}",
             pid, pid, pid, pid, pid, pid);
    put_ok(path, it_admin_key, good);
    expect_sqlf("t", "SELECT custom_attributes = '%s'::jsonb FROM conversations WHERE id = %s",
                good, conv);
    snprintf(body, sizeof(body),
             "{\"score_%ld\":\"12\",\"renewal_%ld\":\"2024-02-29T10:00:00.5+05:30\","
             "\"ref_%ld\":null,\"tier_%ld\":\"\"}",
             pid, pid, pid, pid);
    put_ok(path, it_agent_key, body);
    expect_sqlf("t", "SELECT custom_attributes = '%s'::jsonb FROM conversations WHERE id = %s",
                body, conv);
    put_ok(path, it_admin_key, good);

    /* Each refusal, nothing written. */
    struct {
        const char *key, *value, *message;
    } bad[] = {
        {"score", "\"abc\"", "must be a number"},
        {"score", "\"nan\"", "must be a number"},
        {"score", "true", "must be a number"},
        {"vip", "\"yes\"", "must be true or false"},
        {"renewal", "\"2023-02-29\"", "must be a date (YYYY-MM-DD or an RFC 3339 timestamp)"},
        {"renewal", "\"2024-01-01T25:00:00Z\"",
         "must be a date (YYYY-MM-DD or an RFC 3339 timestamp)"},
        {"site", "\"ftp://example.com\"", "must be an http or https link"},
        {"site", "\"https://exa mple.com\"", "must be an http or https link"},
        {"tier", "\"Bronze\"", "must be one of its list values"},
        {"tier", "[\"Gold\"]", "must be one of its list values"},
        {"ref", "42", "must be text of at most 1000 characters"},
        {"ref", "\"abc-123\"", "does not match its format: like ABC-123"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char msg[256];
        snprintf(body, sizeof(body), "{\"%s_%ld\":%s}", bad[i].key, pid, bad[i].value);
        snprintf(msg, sizeof(msg), "`%s_%ld` %s", bad[i].key, pid, bad[i].message);
        value_refused(path, body, msg, "conversations", conv, good);
    }
    expect_json_error("PUT", path, it_admin_key, "{\"a\":", 400, "Error parsing request",
                      "InputException");

    /* The contact's: its own definitions; the conversation's keys are not checked there. */
    snprintf(body, sizeof(body), "{\"ctier_%ld\":\"A\",\"nick_%ld\":\"bob\",\"tier_%ld\":\"Any\"}",
             pid, pid, pid);
    put_ok(cpath, it_admin_key, body);
    expect_sqlf("t", "SELECT custom_attributes = '%s'::jsonb FROM users WHERE id = %s", body,
                contact);
    char cbad[256], msg[128];
    snprintf(cbad, sizeof(cbad), "{\"ctier_%ld\":\"C\"}", pid);
    snprintf(msg, sizeof(msg), "`ctier_%ld` must be one of its list values", pid);
    value_refused(cpath, cbad, msg, "users", contact, body);
    snprintf(cbad, sizeof(cbad), "{\"nick_%ld\":\"Bob\"}", pid);
    snprintf(msg, sizeof(msg), "`nick_%ld` does not match its format", pid);
    value_refused(cpath, cbad, msg, "users", contact, body);
    expect_sqlf("t", "SELECT custom_attributes = '%s'::jsonb FROM conversations WHERE id = %s",
                good, conv);

    /* The conversation access rule: an agent who may read only its own assigned ones. */
    char limited_id[16], limited_key[256], role[64];
    snprintf(email, sizeof(email), "it-attrs-%ld@example.com", pid);
    snprintf(role, sizeof(role), "IT attrs %ld", pid);
    it_make_agent(email, "L", "Agent", NULL, limited_id, sizeof(limited_id), limited_key,
                  sizeof(limited_key));
    free(sql_valuef("INSERT INTO roles (name, permissions) VALUES ('%s',"
                    " ARRAY['conversations:read', 'conversations:read_assigned']) RETURNING id",
                    role));
    free(sql_valuef("WITH d AS (DELETE FROM user_roles WHERE user_id = %s RETURNING 1)"
                    " INSERT INTO user_roles (user_id, role_id) SELECT %s, id FROM roles"
                    " WHERE name = '%s' RETURNING role_id",
                    limited_id, limited_id, role));
    snprintf(body, sizeof(body), "{\"tier_%ld\":\"Silver\"}", pid);
    expect_json_error("PUT", path, limited_key, body, 403, "Permission denied",
                      "PermissionException");
    expect_json_error("PUT", cpath, limited_key, "{}", 403, "Permission denied",
                      "PermissionException");
    expect_sqlf("t", "SELECT custom_attributes = '%s'::jsonb FROM conversations WHERE id = %s",
                good, conv);
    free(sql_valuef("UPDATE conversations SET assigned_user_id = %s WHERE id = %s RETURNING id",
                    limited_id, conv));
    put_ok(path, limited_key, body);
    expect_sqlf("t", "SELECT custom_attributes = '%s'::jsonb FROM conversations WHERE id = %s",
                body, conv);

    /* Unknown and malformed conversations. */
    expect_json_error(
        "PUT", "/api/v1/conversations/00000000-0000-4000-8000-000000000000/custom-attributes",
        it_admin_key, "{}", 404, "Conversation not found", "NotFoundException");
    expect_json_error("PUT", "/api/v1/conversations/nope/contacts/custom-attributes", it_admin_key,
                      "{}", 400, "Invalid conversation `uuid`", "InputException");

    for (int i = 0; i < 8; i++)
        sql_exec((snprintf(body, sizeof(body),
                           "DELETE FROM custom_attribute_definitions WHERE id = %s", ids[i]),
                  body));
    free(inbox);
    free(contact);
    free(conv);
    free(uuid);
}
END_TEST

Suite *it_custom_attributes_suite(void)
{
    return SUITE_OF("custom_attributes", 60, NULL, NULL, test_definitions, test_values);
}
