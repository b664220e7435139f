/*
 * api/custom_attributes.c - custom attributes: the definitions (listed for
 * any agent, written with custom_attributes:manage) and the values a
 * conversation and its contact carry.  Every field of a definition is
 * checked (applies_to, data_type, the key's form and uniqueness, a regex
 * PostgreSQL compiles, list values); a value write replaces the object as
 * upstream does, each value of a defined key checked against its
 * definition (type, list membership, regex) and other keys kept as sent.
 * Where upstream answers 500 (a taken key, an unknown id) deskd answers
 * 409 and 404.
 */
#include "api/custom_attributes.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/http.h"
#include "lib/jsonio.h"
#include "rules/access.h"
#include "rules/limits.h"
#include "server/body.h"
#include "server/ctx.h"
#include "server/reply.h"
#include "store/custom_attributes.h"

/* The table's limits (sql/014), and bounds of deskd's own. */
#define DESCRIPTION_MAX_LEN 300
#define APPLIES_TO_MAX_LEN 50
#define DATA_TYPE_MAX_LEN 100
#define REGEX_MAX_LEN 1000
#define LIST_VALUES_MAX 100
#define TEXT_VALUE_MAX_LEN 1000
#define LINK_MAX_LEN 2048
#define DEFS_DEPTH 8

static const char *const data_types[] = {"text", "number", "checkbox", "date", "link", "list"};

/* The built-in fields automations and filters name: upstream refuses them as keys. */
static const char *const reserved_keys[] = {"contact_email",
                                            "to",
                                            "content",
                                            "subject",
                                            "status",
                                            "priority",
                                            "assigned_team",
                                            "assigned_user",
                                            "hours_since_created",
                                            "hours_since_first_reply",
                                            "hours_since_last_reply",
                                            "hours_since_resolved",
                                            "inbox"};

static int listed(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return 1;
    return 0;
}

#define LISTED(s, list) listed(s, list, sizeof(list) / sizeof(list[0]))

/* A key: 1 to NAME_MAX_LEN lower-case letters, digits and underscores (the web app's rule). */
static int key_ok(const char *k)
{
    size_t n = strlen(k);
    if (n == 0 || n > NAME_MAX_LEN)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') || k[i] == '_'))
            return 0;
    return 1;
}

/* An optional string field into *out: "" when absent or null; a non-string or too long is 400. */
static enum app_err opt_text(struct req *r, struct resp *w, struct json_object *b, const char *key,
                             size_t max, const char **out)
{
    struct json_object *v = jsonio_get(b, key);

    *out = "";
    if (v == NULL || json_object_is_type(v, json_type_null))
        return APP_OK;
    if (!jsonio_string(v, out))
        return reply_fail(r, w, APP_ERR_INPUT, "`%s` must be a string", key);
    if (strlen(*out) > max)
        return reply_fail(r, w, APP_ERR_INPUT, "`%s` is too long, should be at most %zu characters",
                          key, max);
    return APP_OK;
}

/* A required string field: as opt_text(), and "`<key>` empty" (upstream's words) when "". */
static enum app_err req_text(struct req *r, struct resp *w, struct json_object *b, const char *key,
                             size_t max, const char **out)
{
    enum app_err e = opt_text(r, w, b, key, max, out);
    if (e == APP_OK && **out == '\0')
        return reply_fail(r, w, APP_ERR_INPUT, "`%s` empty", key);
    return e;
}

/*
 * The `values` of a definition as a JSON array: up to LIST_VALUES_MAX
 * distinct strings of 1 to NAME_MAX_LEN bytes, at least one for a list;
 * other types keep none (the web app's form may still send a list's).
 */
static enum app_err values_body(struct req *r, struct resp *w, struct json_object *b,
                                const char *data_type, const char **json)
{
    struct json_object *v = jsonio_get(b, "values");
    size_t n = 0;

    if (v != NULL && !json_object_is_type(v, json_type_null)) {
        if (!json_object_is_type(v, json_type_array))
            return reply_fail(r, w, APP_ERR_INPUT, "`values` must be an array of strings");
        n = json_object_array_length(v);
    }
    if (n > LIST_VALUES_MAX)
        return reply_fail(r, w, APP_ERR_INPUT, "`values` can hold at most %d values",
                          LIST_VALUES_MAX);
    for (size_t i = 0; i < n; i++) {
        const char *s;
        if (!jsonio_string(json_object_array_get_idx(v, i), &s) || *s == '\0' ||
            strlen(s) > NAME_MAX_LEN)
            return reply_fail(r, w, APP_ERR_INPUT,
                              "Each of `values` must be a string of 1 to %d characters",
                              NAME_MAX_LEN);
        for (size_t j = 0; j < i; j++)
            if (strcmp(s, json_object_get_string(json_object_array_get_idx(v, j))) == 0)
                return reply_fail(r, w, APP_ERR_INPUT, "`values` has `%s` twice", s);
    }
    if (strcmp(data_type, "list") != 0) {
        *json = "[]";
        return APP_OK;
    }
    if (n == 0)
        return reply_fail(r, w, APP_ERR_INPUT, "`values` is required for the list type");
    *json = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
    return APP_OK;
}

/*
 * A definition write, in upstream's order of checks.  On update,
 * stored_key and stored_type are the definition's, which a write cannot
 * change (NULL on create).
 */
static enum app_err definition_body(struct req *r, struct resp *w, struct custom_attribute_in *in,
                                    const char *stored_key, const char *stored_type)
{
    struct ctx *c = r->ctx;
    struct json_object *b;
    enum app_err e = body_object(r, w, &b);

    if (e == APP_OK)
        e = req_text(r, w, b, "name", NAME_MAX_LEN, &in->name);
    if (e == APP_OK)
        e = req_text(r, w, b, "applies_to", APPLIES_TO_MAX_LEN, &in->applies_to);
    if (e != APP_OK)
        return e;
    if (strcmp(in->applies_to, "contact") != 0 && strcmp(in->applies_to, "conversation") != 0)
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid `applies_to`: use contact or conversation");
    e = req_text(r, w, b, "data_type", DATA_TYPE_MAX_LEN, &in->data_type);
    if (e != APP_OK)
        return e;
    if (!LISTED(in->data_type, data_types))
        return reply_fail(r, w, APP_ERR_INPUT,
                          "Invalid `data_type`: use text, number, checkbox, date, link or list");
    e = req_text(r, w, b, "description", DESCRIPTION_MAX_LEN, &in->description);
    if (e == APP_OK)
        e = req_text(r, w, b, "key", NAME_MAX_LEN, &in->key);
    if (e != APP_OK)
        return e;
    if (!key_ok(in->key))
        return reply_fail(r, w, APP_ERR_INPUT,
                          "Invalid `key`: use lower-case letters, digits and underscores");
    if (LISTED(in->key, reserved_keys))
        return reply_fail(r, w, APP_ERR_INPUT, "`key` `%s` is a built-in field", in->key);
    if (stored_key != NULL && strcmp(in->key, stored_key) != 0)
        return reply_fail(r, w, APP_ERR_INPUT, "`key` cannot be changed");
    if (stored_type != NULL && strcmp(in->data_type, stored_type) != 0)
        return reply_fail(r, w, APP_ERR_INPUT, "`data_type` cannot be changed");
    e = values_body(r, w, b, in->data_type, &in->values_json);
    if (e == APP_OK)
        e = opt_text(r, w, b, "regex", REGEX_MAX_LEN, &in->regex);
    if (e == APP_OK)
        e = opt_text(r, w, b, "regex_hint", REGEX_MAX_LEN, &in->regex_hint);
    if (e != APP_OK || *in->regex == '\0')
        return e;
    int ok;
    e = store_custom_attribute_regex_ok(c->db, r->arena, in->regex, &ok);
    if (e == APP_OK && !ok)
        return reply_fail(r, w, APP_ERR_INPUT,
                          "Invalid `regex`: not a regular expression PostgreSQL can compile");
    return e;
}

/* The database's refusals of a definition write, worded. */
static enum app_err refused(struct req *r, struct resp *w, enum app_err e)
{
    if (e == APP_ERR_CONFLICT)
        return reply_fail(r, w, e, "Custom attribute with this key already exists");
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "Custom attribute not found");
    return e;
}

enum app_err h_custom_attributes_list(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    const char *applies_to = http_param(r, "applies_to");

    if (applies_to != NULL && *applies_to == '\0')
        applies_to = NULL;
    return store_custom_attributes_json(c->db, r->arena, applies_to, &w->data_json, &w->data_len);
}

enum app_err h_custom_attributes_get(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    int64_t id;
    enum app_err e = reply_path_int(r, w, "id", "custom attribute", &id);

    if (e == APP_OK)
        e = store_custom_attribute_json(c->db, r->arena, id, &w->data_json, &w->data_len);
    return refused(r, w, e);
}

enum app_err h_custom_attributes_create(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct custom_attribute_in in;
    enum app_err e = definition_body(r, w, &in, NULL, NULL);

    if (e == APP_OK)
        e = store_custom_attribute_create(c->db, r->arena, &in, &w->data_json, &w->data_len);
    return refused(r, w, e);
}

enum app_err h_custom_attributes_update(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct custom_attribute_in in;
    const char *key, *data_type;
    int64_t id;
    enum app_err e = reply_path_int(r, w, "id", "custom attribute", &id);

    if (e == APP_OK)
        e = store_custom_attribute_kind(c->db, r->arena, id, &key, &data_type);
    if (e == APP_OK)
        e = definition_body(r, w, &in, key, data_type);
    else
        return refused(r, w, e);
    if (e == APP_OK)
        e = store_custom_attribute_update(c->db, r->arena, id, &in, &w->data_json, &w->data_len);
    return refused(r, w, e);
}

enum app_err h_custom_attributes_delete(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    int64_t id;
    enum app_err e = reply_path_int(r, w, "id", "custom attribute", &id);

    if (e == APP_OK)
        e = store_custom_attribute_delete(c->db, r->arena, id);
    return refused(r, w, e);
}

/* 1 if s[0..n) are digits. */
static int digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int num(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/*
 * 1 if s is a calendar date YYYY-MM-DD, alone or followed by a time
 * THH:MM:SS[.fraction] and Z or an offset ±HH:MM (RFC 3339).
 */
static int date_ok(const char *s)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (strlen(s) < 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
        !digits(s + 8, 2))
        return 0;
    int y = num(s, 4), m = num(s + 5, 2), d = num(s + 8, 2);
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] || (m == 2 && d == 29 && !leap))
        return 0;
    s += 10;
    if (*s == '\0')
        return 1;
    if (*s != 'T' || strlen(s) < 9 || !digits(s + 1, 2) || s[3] != ':' || !digits(s + 4, 2) ||
        s[6] != ':' || !digits(s + 7, 2) || num(s + 1, 2) > 23 || num(s + 4, 2) > 59 ||
        num(s + 7, 2) > 60)
        return 0;
    s += 9;
    if (*s == '.') {
        int n = 0;
        while (s[1 + n] >= '0' && s[1 + n] <= '9')
            n++;
        if (n == 0)
            return 0;
        s += 1 + n;
    }
    if (strcmp(s, "Z") == 0)
        return 1;
    return (s[0] == '+' || s[0] == '-') && strlen(s) == 6 && digits(s + 1, 2) && s[3] == ':' &&
           digits(s + 4, 2) && num(s + 1, 2) <= 23 && num(s + 4, 2) <= 59;
}

/* 1 if s is an http(s) link: the scheme, something after it, no spaces or control characters. */
static int link_ok(const char *s)
{
    size_t n = strlen(s), p;
    if (strncmp(s, "http://", 7) == 0)
        p = 7;
    else if (strncmp(s, "https://", 8) == 0)
        p = 8;
    else
        return 0;
    if (n == p || n > LINK_MAX_LEN)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f)
            return 0;
    return 1;
}

/* 1 if v is a JSON number or a string holding a finite decimal number. */
static int number_ok(struct json_object *v)
{
    const char *s;
    char *end;
    if (json_object_is_type(v, json_type_int))
        return 1;
    if (json_object_is_type(v, json_type_double))
        return isfinite(json_object_get_double(v));
    if (!jsonio_string(v, &s) || *s == '\0' || *s == ' ' || (*s >= '\t' && *s <= '\r'))
        return 0;
    double d = strtod(s, &end);
    return *end == '\0' && isfinite(d) && strpbrk(s, "xXnNiI") == NULL;
}

/*
 * Checks the value v of key against its definition def {data_type, values}.
 * null clears any attribute; "" an attribute of any type but checkbox.
 */
static enum app_err value_check(struct req *r, struct resp *w, const char *key,
                                struct json_object *def, struct json_object *v)
{
    const char *type = "", *s;
    jsonio_string(jsonio_get(def, "data_type"), &type);

    if (v == NULL || json_object_is_type(v, json_type_null))
        return APP_OK;
    if (strcmp(type, "checkbox") == 0) {
        if (!json_object_is_type(v, json_type_boolean))
            return reply_fail(r, w, APP_ERR_INPUT, "`%s` must be true or false", key);
        return APP_OK;
    }
    if (strcmp(type, "number") == 0) {
        if (!number_ok(v) && !(jsonio_string(v, &s) && *s == '\0'))
            return reply_fail(r, w, APP_ERR_INPUT, "`%s` must be a number", key);
        return APP_OK;
    }
    int is_string = jsonio_string(v, &s);
    if (is_string && *s == '\0')
        return APP_OK;
    if (strcmp(type, "text") == 0) {
        if (!is_string || strlen(s) > TEXT_VALUE_MAX_LEN)
            return reply_fail(r, w, APP_ERR_INPUT, "`%s` must be text of at most %d characters",
                              key, TEXT_VALUE_MAX_LEN);
    } else if (strcmp(type, "date") == 0) {
        if (!is_string || !date_ok(s))
            return reply_fail(r, w, APP_ERR_INPUT,
                              "`%s` must be a date (YYYY-MM-DD or an RFC 3339 timestamp)", key);
    } else if (strcmp(type, "link") == 0) {
        if (!is_string || !link_ok(s))
            return reply_fail(r, w, APP_ERR_INPUT, "`%s` must be an http or https link", key);
    } else if (strcmp(type, "list") == 0) {
        struct json_object *values = jsonio_get(def, "values");
        int found = 0;
        size_t n =
            json_object_is_type(values, json_type_array) ? json_object_array_length(values) : 0;
        for (size_t i = 0; is_string && !found && i < n; i++)
            found = strcmp(s, json_object_get_string(json_object_array_get_idx(values, i))) == 0;
        if (!found)
            return reply_fail(r, w, APP_ERR_INPUT, "`%s` must be one of its list values", key);
    }
    return APP_OK;
}

/*
 * The body of a value write checked against the definitions of applies_to,
 * as the JSON text to store (*attrs).
 */
static enum app_err values_write(struct req *r, struct resp *w, const char *applies_to,
                                 const char **attrs)
{
    struct ctx *c = r->ctx;
    struct json_object *b, *defs;
    const char *json, *miss;
    size_t len;
    int ok;
    enum app_err e = body_object(r, w, &b);

    if (e == APP_OK)
        e = store_custom_attribute_defs(c->db, r->arena, applies_to, &json, &len);
    if (e != APP_OK)
        return e;
    defs = jsonio_parse(r->arena, json, len, DEFS_DEPTH, &ok);
    if (defs == NULL)
        return APP_ERR_INTERNAL;
    json_object_object_foreach(b, key, val)
    {
        struct json_object *def = jsonio_get(defs, key);
        if (def != NULL && (e = value_check(r, w, key, def, val)) != APP_OK)
            return e;
    }
    *attrs = json_object_to_json_string_ext(b, JSON_C_TO_STRING_PLAIN);
    e = store_custom_attribute_regex_miss(c->db, r->arena, applies_to, *attrs, &miss);
    if (e == APP_ERR_INPUT)
        return reply_fail(r, w, e, "A stored `regex` of these attributes cannot be compiled");
    if (e != APP_OK || miss == NULL)
        return e;
    const char *hint = "";
    jsonio_string(jsonio_get(jsonio_get(defs, miss), "regex_hint"), &hint);
    if (*hint != '\0')
        return reply_fail(r, w, APP_ERR_INPUT, "`%s` does not match its format: %s", miss, hint);
    return reply_fail(r, w, APP_ERR_INPUT, "`%s` does not match its format", miss);
}

enum app_err h_conversation_custom_attrs(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct access_conv ca;
    const char *attrs;
    enum app_err e = conv_access(r, w, "uuid", &ca);

    if (e == APP_OK)
        e = values_write(r, w, "conversation", &attrs);
    if (e != APP_OK)
        return e;
    e = store_conversation_custom_attributes_set(c->db, r->arena, ca.id, attrs);
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "Conversation not found");
    return e;
}

enum app_err h_contact_custom_attrs(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct access_conv ca;
    const char *attrs;
    enum app_err e = conv_access(r, w, "uuid", &ca);

    if (e == APP_OK)
        e = values_write(r, w, "contact", &attrs);
    if (e != APP_OK)
        return e;
    e = store_contact_custom_attributes_set(c->db, r->arena, ca.contact_id, attrs);
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "Contact not found");
    return e;
}
