/*
 * api/inboxes.c - e-mail inboxes: the list every agent reads, one inbox,
 * and the writes, with upstream's config (IMAP and SMTP servers).  Mail
 * passwords are sealed (rules/secret.h) before they are stored and never
 * sent back: every answer carries upstream's dummy in their place, with
 * the config's keys in upstream's (sorted) order, and a PUT that sends the
 * dummy (or "") back keeps the stored password.  Sending and receiving
 * mail is not deskd's.
 */
#include "api/inboxes.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/arena.h"
#include "lib/http.h"
#include "lib/jsonio.h"
#include "lib/jsonw.h"
#include "lib/log.h"
#include "lib/sbuf.h"
#include "lib/text.h"
#include "lib/validate.h"
#include "rules/limits.h"
#include "rules/secret.h"
#include "server/body.h"
#include "server/config.h"
#include "server/ctx.h"
#include "server/reply.h"
#include "store/inboxes.h"

/* Host names, user names, mailboxes and durations of a server entry. */
#define INBOX_FIELD_MAX 255
/* Addresses and the sender name template. */
#define INBOX_ADDRESS_MAX 500
/* IMAP or SMTP servers of one inbox. */
#define INBOX_SERVERS_MAX 10
/* Nesting the stored config is read back with. */
#define INBOX_JSON_DEPTH 64

/* One U+2022 bullet: a password holding one is the dummy sent back. */

/* ---- answers ------------------------------------------------------------ */

static int key_cmp(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/*
 * The keys of object o and the extra keys it lacks, sorted bytewise (as
 * upstream's encoder orders a map); NULL if the arena refused.
 */
static const char **sorted_keys(struct arena *a, struct json_object *o, const char *const *extra,
                                size_t nextra, size_t *n)
{
    size_t cap = (size_t)json_object_object_length(o) + nextra, k = 0;
    const char **keys = arena_alloc(a, (cap ? cap : 1) * sizeof(*keys));

    if (keys == NULL)
        return NULL;
    json_object_object_foreach(o, key, val)
    {
        (void)val;
        keys[k++] = key;
    }
    for (size_t i = 0; i < nextra; i++)
        if (jsonio_get(o, extra[i]) == NULL)
            keys[k++] = extra[i];
    qsort(keys, k, sizeof(*keys), key_cmp);
    *n = k;
    return keys;
}

static int masked(const char *key, const char *const *mask, size_t nmask)
{
    for (size_t i = 0; i < nmask; i++)
        if (strcmp(key, mask[i]) == 0)
            return 1;
    return 0;
}

/* v with every object's keys sorted; the mask keys of v itself (if an object) as the dummy. */
static void emit_sorted(struct sbuf *sb, struct arena *a, struct json_object *v,
                        const char *const *mask, size_t nmask)
{
    switch (json_object_get_type(v)) {
    case json_type_null:
        jw_null(sb);
        return;
    case json_type_boolean:
        jw_bool(sb, json_object_get_boolean(v));
        return;
    case json_type_int:
        jw_int(sb, json_object_get_int64(v));
        return;
    case json_type_double:
        sbuf_add(sb, json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
        return;
    case json_type_string:
        jw_str(sb, json_object_get_string(v), (size_t)json_object_get_string_len(v));
        return;
    case json_type_array:
        sbuf_add(sb, "[");
        for (size_t i = 0; i < json_object_array_length(v); i++) {
            if (i > 0)
                sbuf_add(sb, ",");
            emit_sorted(sb, a, json_object_array_get_idx(v, i), NULL, 0);
        }
        sbuf_add(sb, "]");
        return;
    case json_type_object:
        break;
    }
    size_t n;
    const char **keys = sorted_keys(a, v, mask, nmask, &n);
    if (keys == NULL) {
        sb->failed = 1;
        return;
    }
    sbuf_add(sb, "{");
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            sbuf_add(sb, ",");
        jw_key(sb, keys[i]);
        if (masked(keys[i], mask, nmask))
            jw_str(sb, SECRET_MASK, strlen(SECRET_MASK));
        else
            emit_sorted(sb, a, jsonio_get(v, keys[i]), NULL, 0);
    }
    sbuf_add(sb, "}");
}

/*
 * A stored config as upstream answers it: keys sorted at every level, the
 * password of every config.imap[i] and config.smtp[i] object and the
 * tokens of config.oauth replaced by the dummy (added where missing).
 */
static void emit_config(struct sbuf *sb, struct arena *a, struct json_object *cfg)
{
    static const char *const password[] = {"password"};
    static const char *const oauth[] = {"access_token", "client_secret", "refresh_token"};
    size_t n;
    const char **keys;

    if (!json_object_is_type(cfg, json_type_object)) {
        emit_sorted(sb, a, cfg, NULL, 0);
        return;
    }
    if ((keys = sorted_keys(a, cfg, NULL, 0, &n)) == NULL) {
        sb->failed = 1;
        return;
    }
    sbuf_add(sb, "{");
    for (size_t i = 0; i < n; i++) {
        struct json_object *v = jsonio_get(cfg, keys[i]);
        if (i > 0)
            sbuf_add(sb, ",");
        jw_key(sb, keys[i]);
        if ((strcmp(keys[i], "imap") == 0 || strcmp(keys[i], "smtp") == 0) &&
            json_object_is_type(v, json_type_array)) {
            sbuf_add(sb, "[");
            for (size_t j = 0; j < json_object_array_length(v); j++) {
                struct json_object *item = json_object_array_get_idx(v, j);
                int obj = json_object_is_type(item, json_type_object);
                if (j > 0)
                    sbuf_add(sb, ",");
                emit_sorted(sb, a, item, obj ? password : NULL, obj ? 1 : 0);
            }
            sbuf_add(sb, "]");
        } else if (strcmp(keys[i], "oauth") == 0 && json_object_is_type(v, json_type_object)) {
            emit_sorted(sb, a, v, oauth, 3);
        } else {
            emit_sorted(sb, a, v, NULL, 0);
        }
    }
    sbuf_add(sb, "}");
}

/* One inbox of the store (keys in its order), its config as emit_config() writes it. */
static void emit_inbox(struct sbuf *sb, struct arena *a, struct json_object *inbox)
{
    int first = 1;

    sbuf_add(sb, "{");
    json_object_object_foreach(inbox, key, val)
    {
        if (!first)
            sbuf_add(sb, ",");
        first = 0;
        jw_key(sb, key);
        if (strcmp(key, "config") == 0)
            emit_config(sb, a, val);
        else
            emit_sorted(sb, a, val, NULL, 0);
    }
    sbuf_add(sb, "}");
}

/* data = the store's inbox (an object) or inboxes (an array), passwords masked. */
static enum app_err reply_inboxes(struct req *r, struct resp *w, const char *json, size_t len)
{
    int ok;
    struct json_object *v = jsonio_parse(r->arena, json, len, INBOX_JSON_DEPTH, &ok);
    struct sbuf sb;

    if (v == NULL) {
        if (!arena_exhausted(r->arena))
            log_err("inboxes: a stored inbox does not read back as JSON");
        return APP_ERR_INTERNAL;
    }
    sbuf_init(&sb, r->arena);
    if (json_object_is_type(v, json_type_array)) {
        sbuf_add(&sb, "[");
        for (size_t i = 0; i < json_object_array_length(v); i++) {
            if (i > 0)
                sbuf_add(&sb, ",");
            emit_inbox(&sb, r->arena, json_object_array_get_idx(v, i));
        }
        sbuf_add(&sb, "]");
    } else {
        emit_inbox(&sb, r->arena, v);
    }
    w->data_json = sbuf_str(&sb);
    w->data_len = sb.len;
    return w->data_json ? APP_OK : APP_ERR_INTERNAL;
}

/* ---- reading a write ---------------------------------------------------- */

/*
 * A body being checked: the first refusal is kept (later checks do
 * nothing), so a reading goes through every field and looks at e once.
 */
struct chk {
    struct req *r;
    struct resp *w;
    enum app_err e;
    int update;       /* PUT: an empty or dummy password keeps the stored one */
    struct sbuf *out; /* the config as stored */
};

/* The field's name as the messages give it: "key" or "prefix.key". */
static const char *field(struct chk *c, const char *prefix, const char *key)
{
    const char *s = prefix ? arena_printf(c->r->arena, "%s.%s", prefix, key) : key;
    return s ? s : key;
}

/* Keeps the refusal: 400 with the message. */
#define FAIL(c, ...) ((c)->e = reply_fail((c)->r, (c)->w, APP_ERR_INPUT, __VA_ARGS__))

/* Characters (not bytes) of valid UTF-8. */
static size_t chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/*
 * A string field: "" when absent or null (a refusal if required), trimmed
 * when trim is set, at most max bytes.
 */
static const char *str_field(struct chk *c, struct json_object *o, const char *prefix,
                             const char *key, int required, int trim, size_t max)
{
    struct json_object *v = jsonio_get(o, key);
    const char *s = "";

    if (c->e != APP_OK)
        return "";
    if (v != NULL && !jsonio_string(v, &s)) {
        FAIL(c, "`%s` must be a string", field(c, prefix, key));
        return "";
    }
    if (trim && (s = text_trim(c->r->arena, s)) == NULL) {
        c->e = APP_ERR_INTERNAL;
        return "";
    }
    if (required && *s == '\0')
        FAIL(c, "`%s` is required", field(c, prefix, key));
    else if (strlen(s) > max)
        FAIL(c, "`%s` is too long (at most %zu bytes)", field(c, prefix, key), max);
    return s;
}

/* A boolean field: 1 or 0, or dflt when absent or null. */
static int bool_field(struct chk *c, struct json_object *o, const char *prefix, const char *key,
                      int dflt)
{
    struct json_object *v = jsonio_get(o, key);

    if (c->e != APP_OK || v == NULL)
        return dflt;
    if (!json_object_is_type(v, json_type_boolean)) {
        FAIL(c, "`%s` must be true or false", field(c, prefix, key));
        return dflt;
    }
    return json_object_get_boolean(v);
}

/* An integer field from min to max; absent or null is dflt (required if dflt < min). */
static int64_t int_field(struct chk *c, struct json_object *o, const char *prefix, const char *key,
                         int64_t min, int64_t max, int64_t dflt)
{
    struct json_object *v = jsonio_get(o, key);
    int64_t n = dflt;

    if (c->e != APP_OK)
        return dflt;
    if (v == NULL) {
        if (dflt < min)
            FAIL(c, "`%s` is required", field(c, prefix, key));
        return dflt;
    }
    if (!jsonio_int64(v, &n) || n < min || n > max) {
        FAIL(c, "`%s` must be an integer from %lld to %lld", field(c, prefix, key), (long long)min,
             (long long)max);
        return dflt;
    }
    return n;
}

/* A string field that must be one of vals (names: how the message lists them). */
static const char *enum_field(struct chk *c, struct json_object *o, const char *prefix,
                              const char *key, const char *const *vals, size_t nvals,
                              const char *names)
{
    const char *s = str_field(c, o, prefix, key, 0, 1, INBOX_FIELD_MAX);

    if (c->e != APP_OK)
        return s;
    for (size_t i = 0; i < nvals; i++)
        if (strcmp(s, vals[i]) == 0)
            return s;
    FAIL(c, "Invalid `%s`: use %s", field(c, prefix, key), names);
    return s;
}

/* A Go-style duration ("30s", "5m", "1h30m"), or "" when absent. */
static const char *duration_field(struct chk *c, struct json_object *o, const char *prefix,
                                  const char *key)
{
    const char *s = str_field(c, o, prefix, key, 0, 1, 32);
    double secs;

    if (c->e == APP_OK && *s != '\0' && v_duration(s, &secs) != 0)
        FAIL(c, "Invalid `%s`: use a duration such as 30s, 5m or 1h30m", field(c, prefix, key));
    return s;
}

/* 1 if s is an address ("name@example.com") or one with a name ("Name <name@example.com>"). */
static int address_ok(struct arena *a, const char *s)
{
    const char *lt = strrchr(s, '<');
    size_t n = strlen(s);

    if (lt == NULL)
        return v_email(s);
    if (n == 0 || s[n - 1] != '>')
        return 0;
    const char *addr = arena_strndup(a, lt + 1, (size_t)(s + n - 1 - (lt + 1)));
    return addr != NULL && v_email(addr);
}

/* An address field: "" when absent (a refusal if required), else a valid address. */
static const char *address_field(struct chk *c, struct json_object *o, const char *prefix,
                                 const char *key, int required)
{
    const char *s = str_field(c, o, prefix, key, required, 1, INBOX_ADDRESS_MAX);

    if (c->e == APP_OK && *s != '\0' && !address_ok(c->r->arena, s))
        FAIL(c, "`%s` must be an e-mail address, as name@example.com or Name <name@example.com>",
             field(c, prefix, key));
    return s;
}

/* `"key":` and s as a JSON string into the stored config. */
static void put_str(struct chk *c, const char *key, const char *s)
{
    jw_key(c->out, key);
    jw_str(c->out, s, strlen(s));
}

static void put_int(struct chk *c, const char *key, int64_t v)
{
    jw_key(c->out, key);
    jw_int(c->out, v);
}

static void put_bool(struct chk *c, const char *key, int v)
{
    jw_key(c->out, key);
    jw_bool(c->out, v);
}

/*
 * The password of a server entry: sealed; on PUT, "" or the dummy as null
 * (the store keeps the stored one); on POST, those are no password.
 */
static void put_password(struct chk *c, struct json_object *o, const char *prefix)
{
    struct ctx *x = c->r->ctx;
    const char *s = str_field(c, o, prefix, "password", 0, 0, SECRET_MAX_LEN);

    if (c->e != APP_OK)
        return;
    jw_key(c->out, "password");
    if (*s == '\0' || strcmp(s, SECRET_MASK) == 0) {
        if (c->update)
            jw_null(c->out);
        else
            jw_str(c->out, "", 0);
        return;
    }
    const char *sealed = secret_seal(c->r->arena, x->cfg->secret_key, s);
    if (sealed == NULL) {
        c->e = APP_ERR_INTERNAL;
        return;
    }
    jw_str(c->out, sealed, strlen(sealed));
}

static const char *const tls_types[] = {"none", "starttls", "tls"};
#define TLS_NAMES "none, starttls or tls"

/* One config.imap[i], stored with upstream's fields. */
static void imap_entry(struct chk *c, struct json_object *o, const char *p)
{
    const char *host = str_field(c, o, p, "host", 1, 1, INBOX_FIELD_MAX);
    int64_t port = int_field(c, o, p, "port", 1, 65535, 0);
    const char *user = str_field(c, o, p, "username", 0, 1, INBOX_FIELD_MAX);

    sbuf_add(c->out, "{");
    put_str(c, "host", host);
    sbuf_add(c->out, ",");
    put_int(c, "port", port);
    sbuf_add(c->out, ",");
    put_str(c, "username", user);
    sbuf_add(c->out, ",");
    put_password(c, o, p);
    sbuf_add(c->out, ",");
    put_str(c, "mailbox", str_field(c, o, p, "mailbox", 1, 1, INBOX_FIELD_MAX));
    sbuf_add(c->out, ",");
    put_str(c, "read_interval", duration_field(c, o, p, "read_interval"));
    sbuf_add(c->out, ",");
    put_str(c, "scan_inbox_since", duration_field(c, o, p, "scan_inbox_since"));
    sbuf_add(c->out, ",");
    put_str(c, "tls_type", enum_field(c, o, p, "tls_type", tls_types, 3, TLS_NAMES));
    sbuf_add(c->out, ",");
    put_bool(c, "tls_skip_verify", bool_field(c, o, p, "tls_skip_verify", 0));
    sbuf_add(c->out, "}");
}

/* One config.smtp[i], stored with upstream's fields. */
static void smtp_entry(struct chk *c, struct json_object *o, const char *p)
{
    static const char *const protocols[] = {"", "none", "plain", "login", "cram"};
    const char *host = str_field(c, o, p, "host", 1, 1, INBOX_FIELD_MAX);
    int64_t port = int_field(c, o, p, "port", 1, 65535, 0);
    const char *user = str_field(c, o, p, "username", 0, 1, INBOX_FIELD_MAX);

    sbuf_add(c->out, "{");
    put_str(c, "username", user);
    sbuf_add(c->out, ",");
    put_password(c, o, p);
    sbuf_add(c->out, ",");
    put_str(c, "auth_protocol",
            enum_field(c, o, p, "auth_protocol", protocols, 5, "none, plain, login or cram"));
    sbuf_add(c->out, ",");
    put_str(c, "tls_type", enum_field(c, o, p, "tls_type", tls_types, 3, TLS_NAMES));
    sbuf_add(c->out, ",");
    put_bool(c, "tls_skip_verify", bool_field(c, o, p, "tls_skip_verify", 0));
    sbuf_add(c->out, ",");
    put_str(c, "host", host);
    sbuf_add(c->out, ",");
    put_int(c, "port", port);
    sbuf_add(c->out, ",");
    put_str(c, "hello_hostname", str_field(c, o, p, "hello_hostname", 0, 1, INBOX_FIELD_MAX));
    sbuf_add(c->out, ",");
    put_int(c, "max_conns", int_field(c, o, p, "max_conns", 0, 100, 0));
    sbuf_add(c->out, ",");
    put_int(c, "max_msg_retries", int_field(c, o, p, "max_msg_retries", 0, 100, 0));
    sbuf_add(c->out, ",");
    put_str(c, "idle_timeout", duration_field(c, o, p, "idle_timeout"));
    sbuf_add(c->out, ",");
    put_str(c, "pool_wait_timeout", duration_field(c, o, p, "pool_wait_timeout"));
    sbuf_add(c->out, ",");
    put_bool(c, "ssl", bool_field(c, o, p, "ssl", 0));
    sbuf_add(c->out, "}");
}

/* config.<key>: a list of 1 to INBOX_SERVERS_MAX server objects, each read by entry. */
static void servers(struct chk *c, struct json_object *cfg, const char *key, const char *what,
                    void (*entry)(struct chk *, struct json_object *, const char *))
{
    struct json_object *list = jsonio_get(cfg, key);
    size_t n = json_object_is_type(list, json_type_array) ? json_object_array_length(list) : 0;

    if (c->e != APP_OK)
        return;
    if (n == 0 || n > INBOX_SERVERS_MAX) {
        FAIL(c, "`config.%s` must be a list of 1 to %d %s servers", key, INBOX_SERVERS_MAX, what);
        return;
    }
    jw_key(c->out, key);
    sbuf_add(c->out, "[");
    for (size_t i = 0; i < n && c->e == APP_OK; i++) {
        struct json_object *o = json_object_array_get_idx(list, i);
        const char *p = arena_printf(c->r->arena, "config.%s[%zu]", key, i);
        if (p == NULL) {
            c->e = APP_ERR_INTERNAL;
            return;
        }
        if (!json_object_is_type(o, json_type_object)) {
            FAIL(c, "`%s` must be an object", p);
            return;
        }
        if (i > 0)
            sbuf_add(c->out, ",");
        entry(c, o, p);
    }
    sbuf_add(c->out, "]");
}

/* The config of an e-mail inbox, as upstream stores it (its Config's fields). */
static void email_config(struct chk *c, struct json_object *cfg)
{
    static const char *const auth_types[] = {"", "password", "oauth2"};
    const char *auth = enum_field(c, cfg, "config", "auth_type", auth_types, 3, "password");

    if (c->e == APP_OK && strcmp(auth, "oauth2") == 0) {
        FAIL(c, "`config.auth_type` oauth2 is not supported: deskd does not connect OAuth mail "
                "accounts");
        return;
    }
    sbuf_add(c->out, "{");
    put_str(c, "auth_type", auth);
    sbuf_add(c->out, ",\"oauth\":null,");
    servers(c, cfg, "smtp", "SMTP", smtp_entry);
    sbuf_add(c->out, ",");
    servers(c, cfg, "imap", "IMAP", imap_entry);
    sbuf_add(c->out, ",");
    put_str(c, "from", address_field(c, cfg, "config", "from", 0));
    sbuf_add(c->out, ",");
    put_str(c, "from_name_template",
            str_field(c, cfg, "config", "from_name_template", 0, 1, INBOX_ADDRESS_MAX));
    sbuf_add(c->out, ",");
    put_str(c, "reply_to", address_field(c, cfg, "config", "reply_to", 0));
    sbuf_add(c->out, ",");
    put_bool(c, "enable_plus_addressing",
             bool_field(c, cfg, "config", "enable_plus_addressing", 0));
    sbuf_add(c->out, "}");
}

/* The body of POST or PUT (update set) as the store's inputs. */
static enum app_err inbox_body(struct req *r, struct resp *w, int update, struct store_inbox_in *in)
{
    struct json_object *b;
    struct sbuf out;
    struct chk c = {r, w, APP_OK, update, &out};
    enum app_err e = body_object(r, w, &b);

    if (e != APP_OK)
        return e;
    sbuf_init(&out, r->arena);
    in->name = str_field(&c, b, NULL, "name", 1, 1, 4 * NAME_MAX_LEN);
    if (c.e == APP_OK && chars(in->name) > NAME_MAX_LEN)
        FAIL(&c, "`name` is too long (at most %d characters)", NAME_MAX_LEN);
    in->channel = str_field(&c, b, NULL, "channel", 1, 1, INBOX_FIELD_MAX);
    if (c.e == APP_OK && strcmp(in->channel, "email") != 0)
        FAIL(&c, "Invalid `channel`: deskd manages email inboxes only");
    in->from = address_field(&c, b, NULL, "from", 1);
    in->from_name_template = str_field(&c, b, NULL, "from_name_template", 0, 1, INBOX_ADDRESS_MAX);
    in->enabled = bool_field(&c, b, NULL, "enabled", -1);
    in->csat_enabled = bool_field(&c, b, NULL, "csat_enabled", -1);
    in->prompt_tags_on_reply = bool_field(&c, b, NULL, "prompt_tags_on_reply", -1);
    struct json_object *cfg = jsonio_get(b, "config");
    if (c.e == APP_OK && !json_object_is_type(cfg, json_type_object))
        FAIL(&c, "`config` is required: an object with the imap and smtp servers");
    if (c.e == APP_OK)
        email_config(&c, cfg);
    if (c.e != APP_OK)
        return c.e;
    in->config = sbuf_str(&out);
    return in->config ? APP_OK : APP_ERR_INTERNAL;
}

/* ---- handlers ----------------------------------------------------------- */

enum app_err h_inboxes_list(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    const char *json;
    size_t len;
    enum app_err e = store_inboxes_json(c->db, r->arena, &json, &len);

    return e == APP_OK ? reply_inboxes(r, w, json, len) : e;
}

/* The answer of a route on one inbox: the inbox, or 404 Inbox not found. */
static enum app_err one(struct req *r, struct resp *w, enum app_err e, const char *json, size_t len)
{
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "Inbox not found");
    return e == APP_OK ? reply_inboxes(r, w, json, len) : e;
}

/* A route that reads or changes the inbox of the path and answers it. */
static enum app_err on_inbox(struct req *r, struct resp *w,
                             enum app_err (*fn)(struct db *, struct arena *, int64_t, const char **,
                                                size_t *))
{
    struct ctx *c = r->ctx;
    const char *json = NULL;
    size_t len = 0;
    int64_t id;
    enum app_err e = reply_path_int(r, w, "id", "inbox", &id);

    if (e != APP_OK)
        return e;
    e = fn(c->db, r->arena, id, &json, &len);
    return one(r, w, e, json, len);
}

enum app_err h_inboxes_get(struct req *r, struct resp *w)
{
    return on_inbox(r, w, store_inbox_json);
}

enum app_err h_inboxes_create(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct store_inbox_in in;
    const char *json = NULL;
    size_t len = 0;
    enum app_err e = inbox_body(r, w, 0, &in);

    if (e != APP_OK)
        return e;
    e = store_inbox_create(c->db, r->arena, &in, &json, &len);
    return e == APP_OK ? reply_inboxes(r, w, json, len) : e;
}

enum app_err h_inboxes_update(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct store_inbox_in in;
    const char *json = NULL;
    size_t len = 0;
    int64_t id;
    enum app_err e = reply_path_int(r, w, "id", "inbox", &id);

    if (e == APP_OK)
        e = inbox_body(r, w, 1, &in);
    if (e != APP_OK)
        return e;
    e = store_inbox_update(c->db, r->arena, id, &in, &json, &len);
    return one(r, w, e, json, len);
}

enum app_err h_inboxes_toggle(struct req *r, struct resp *w)
{
    return on_inbox(r, w, store_inbox_toggle);
}

enum app_err h_inboxes_delete(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    int64_t id;
    enum app_err e = reply_path_int(r, w, "id", "inbox", &id);

    if (e != APP_OK)
        return e;
    e = store_inbox_delete(c->db, r->arena, id);
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "Inbox not found");
    return e;
}
