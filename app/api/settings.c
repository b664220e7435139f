/*
 * api/settings.c - the general settings (site name, language, URLs,
 * uploads, time zone, business hours) and the SMTP server of the
 * notification e-mails.  A write names only the keys it sends (unknown
 * keys are ignored, as upstream); every value is checked for its type and
 * range before anything is written, and all are written in one statement.
 * The SMTP password is stored sealed (rules/secret.h) and shown as
 * upstream's mask; sending the mask (or "") back keeps it.
 */
#include "api/settings.h"

#include <ctype.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/arena.h"
#include "lib/http.h"
#include "lib/jsonio.h"
#include "lib/jsonw.h"
#include "lib/sbuf.h"
#include "lib/text.h"
#include "lib/validate.h"
#include "rules/lang.h"
#include "rules/limits.h"
#include "rules/secret.h"
#include "server/body.h"
#include "server/config.h"
#include "server/ctx.h"
#include "server/reply.h"
#include "server/version.h"
#include "store/activity_log.h"
#include "store/settings.h"

/* URLs (root, logo, favicon) and host names. */
#define URL_MAX_LEN 1000
#define HOST_MAX_LEN 255
/* app.max_file_upload_size, in MB. */
#define UPLOAD_MB_MAX 500
/* app.allowed_file_upload_extensions: entries and the length of one. */
#define EXTENSIONS_MAX 100
#define EXTENSION_MAX_LEN 32

/* The object of checked values being built: {"key":value,...}. */
struct put {
    struct sbuf sb;
    int n;
};

static void put_key(struct put *p, const char *key)
{
    sbuf_add(&p->sb, p->n++ ? "," : "{");
    jw_key(&p->sb, key);
}

static void put_str(struct put *p, const char *key, const char *v)
{
    put_key(p, key);
    jw_str(&p->sb, v, strlen(v));
}

/* 1 if s has no white space or control characters. */
static int no_space(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s <= ' ' || *s == 0x7f)
            return 0;
    return 1;
}

/*
 * The string field key (trimmed when trim is set) into *s, NULL if absent
 * or null; a value of another type or longer than max bytes is refused.
 */
static enum app_err opt_str(struct req *r, struct resp *w, struct json_object *b, const char *key,
                            int trim, size_t max, const char **s)
{
    struct json_object *v = jsonio_get(b, key);
    *s = NULL;
    if (v == NULL)
        return APP_OK;
    if (!jsonio_string(v, s))
        return reply_fail(r, w, APP_ERR_INPUT, "`%s` must be a string", key);
    if (trim && (*s = text_trim(r->arena, *s)) == NULL)
        return APP_ERR_INTERNAL;
    if (strlen(*s) > max)
        return reply_fail(r, w, APP_ERR_INPUT, "`%s` is too long, should be at most %zu characters",
                          key, max);
    return APP_OK;
}

/* An integer field within [min, max] into *v; *present 0 if absent or null. */
static enum app_err opt_int(struct req *r, struct resp *w, struct json_object *b, const char *key,
                            int64_t min, int64_t max, int64_t *v, int *present)
{
    struct json_object *j = jsonio_get(b, key);
    *present = j != NULL;
    if (j == NULL)
        return APP_OK;
    if (!jsonio_int64(j, v) || *v < min || *v > max)
        return reply_fail(r, w, APP_ERR_INPUT, "`%s` must be a whole number from %lld to %lld", key,
                          (long long)min, (long long)max);
    return APP_OK;
}

/* A boolean field into *v; *present 0 if absent or null. */
static enum app_err opt_bool(struct req *r, struct resp *w, struct json_object *b, const char *key,
                             int *v, int *present)
{
    struct json_object *j = jsonio_get(b, key);
    *present = j != NULL;
    if (j == NULL)
        return APP_OK;
    if (!json_object_is_type(j, json_type_boolean))
        return reply_fail(r, w, APP_ERR_INPUT, "`%s` must be true or false", key);
    *v = json_object_get_boolean(j);
    return APP_OK;
}

/* Copies a checked boolean or integer field into p. */
static void put_bool(struct put *p, const char *key, int v, int present)
{
    if (present) {
        put_key(p, key);
        jw_bool(&p->sb, v);
    }
}

static void put_int(struct put *p, const char *key, int64_t v, int present)
{
    if (present) {
        put_key(p, key);
        jw_int(&p->sb, v);
    }
}

/* "" or an http(s) URL; with relative set also a path from the site root ("/logo.png"). */
static int url_ok(const char *s, int empty, int relative)
{
    if (*s == '\0')
        return empty;
    if (!no_space(s))
        return 0;
    if (relative && s[0] == '/' && s[1] != '/')
        return 1;
    return v_http_url(s);
}

/* A plain string field that must satisfy ok(): refused with "Invalid `key`: <expect>". */
static enum app_err url_field(struct req *r, struct resp *w, struct json_object *b, struct put *p,
                              const char *key, int empty, int relative, const char *expect)
{
    const char *s;
    enum app_err e = opt_str(r, w, b, key, 1, URL_MAX_LEN, &s);
    if (e != APP_OK || s == NULL)
        return e;
    if (strcmp(key, "app.root_url") == 0) { /* as upstream: no trailing slash */
        size_t n = strlen(s);
        while (n > 0 && s[n - 1] == '/')
            n--;
        if ((s = arena_strndup(r->arena, s, n)) == NULL)
            return APP_ERR_INTERNAL;
    }
    if (!url_ok(s, empty, relative))
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid `%s`: %s", key, expect);
    put_str(p, key, s);
    return APP_OK;
}

/*
 * A field naming a row by id (as upstream, a string): "" for none, else the
 * id of an existing row of ref's table (400 not_found otherwise).
 */
static enum app_err id_field(struct req *r, struct resp *w, struct json_object *b, struct put *p,
                             const char *key, enum store_settings_ref ref, const char *not_found)
{
    struct ctx *c = r->ctx;
    const char *s;
    int64_t n;
    int yes = 0;
    enum app_err e = opt_str(r, w, b, key, 1, 20, &s);

    if (e != APP_OK || s == NULL)
        return e;
    if (*s != '\0') {
        if (v_int64(s, 1, INT32_MAX, &n) != 0)
            return reply_fail(r, w, APP_ERR_INPUT,
                              "Invalid `%s`: expected an empty string or an id", key);
        if ((e = store_settings_ref_known(c->db, r->arena, ref, n, &yes)) != APP_OK)
            return e;
        if (!yes)
            return reply_fail(r, w, APP_ERR_INPUT, "%s", not_found);
    }
    put_str(p, key, s);
    return APP_OK;
}

/* app.allowed_file_upload_extensions: "*" or extensions ("pdf", ".pdf"). */
static enum app_err extensions_field(struct req *r, struct resp *w, struct json_object *b,
                                     struct put *p)
{
    static const char key[] = "app.allowed_file_upload_extensions";
    struct json_object *v = jsonio_get(b, key);
    if (v == NULL)
        return APP_OK;
    size_t n = json_object_is_type(v, json_type_array) ? json_object_array_length(v) : 0;
    if (n == 0 || n > EXTENSIONS_MAX)
        return reply_fail(r, w, APP_ERR_INPUT, "`%s` must be a list of 1 to %d extensions", key,
                          EXTENSIONS_MAX);
    put_key(p, key);
    sbuf_add(&p->sb, "[");
    for (size_t i = 0; i < n; i++) {
        const char *s;
        if (!jsonio_string(json_object_array_get_idx(v, i), &s))
            return reply_fail(r, w, APP_ERR_INPUT, "`%s` must be a list of strings", key);
        size_t len = strlen(s);
        int ok = len > 0 && len <= EXTENSION_MAX_LEN;
        for (size_t k = 0; ok && k < len; k++)
            ok = isalnum((unsigned char)s[k]) || s[k] == '.' || s[k] == '-' || s[k] == '_' ||
                 (s[k] == '*' && len == 1);
        if (!ok)
            return reply_fail(r, w, APP_ERR_INPUT,
                              "Invalid file extension `%s`: use * or an extension such as pdf", s);
        if (i > 0)
            sbuf_add(&p->sb, ",");
        jw_str(&p->sb, s, len);
    }
    sbuf_add(&p->sb, "]");
    return APP_OK;
}

enum app_err h_settings_general_get(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return store_settings_general_json(c->db, r->arena, DESKD_VERSION, &w->data_json, &w->data_len);
}

/* The checked app.* keys of b into p. */
static enum app_err general_values(struct req *r, struct resp *w, struct json_object *b,
                                   struct put *p)
{
    struct ctx *c = r->ctx;
    const char *s;
    int64_t n;
    int flag, present, yes;
    enum app_err e;

    if ((e = opt_str(r, w, b, "app.site_name", 1, NAME_MAX_LEN, &s)) != APP_OK)
        return e;
    if (s != NULL && *s == '\0')
        return reply_fail(r, w, APP_ERR_INPUT, "`app.site_name` is required");
    if (s != NULL)
        put_str(p, "app.site_name", s);

    if ((e = opt_str(r, w, b, "app.lang", 1, LANG_CODE_MAX, &s)) != APP_OK)
        return e;
    if (s != NULL && !lang_code_valid(s))
        return reply_fail(r, w, APP_ERR_INPUT,
                          "Invalid `app.lang`: expected a language code such as en-US");
    if (s != NULL)
        put_str(p, "app.lang", s);

    if ((e = url_field(r, w, b, p, "app.root_url", 0, 0, "expected an http:// or https:// URL")) !=
            APP_OK ||
        (e = url_field(r, w, b, p, "app.logo_url", 1, 1,
                       "expected an empty string, an http:// or https:// URL or a path")) !=
            APP_OK ||
        (e = url_field(r, w, b, p, "app.favicon_url", 1, 1,
                       "expected an empty string, an http:// or https:// URL or a path")) != APP_OK)
        return e;

    if ((e = opt_int(r, w, b, "app.max_file_upload_size", 1, UPLOAD_MB_MAX, &n, &present)) !=
        APP_OK)
        return e;
    put_int(p, "app.max_file_upload_size", n, present);

    if ((e = extensions_field(r, w, b, p)) != APP_OK)
        return e;

    if ((e = opt_str(r, w, b, "app.timezone", 1, NAME_MAX_LEN, &s)) != APP_OK)
        return e;
    if (s != NULL) {
        yes = 0;
        if (*s != '\0' && (e = store_settings_timezone_known(c->db, r->arena, s, &yes)) != APP_OK)
            return e;
        if (!yes)
            return reply_fail(r, w, APP_ERR_INPUT, "Invalid timezone.");
        put_str(p, "app.timezone", s);
    }

    if ((e = id_field(r, w, b, p, "app.business_hours_id", STORE_REF_BUSINESS_HOURS,
                      "Business hours not found")) != APP_OK ||
        (e = id_field(r, w, b, p, "app.sla_policy_id", STORE_REF_SLA_POLICY,
                      "SLA policy not found")) != APP_OK)
        return e;

    if ((e = opt_bool(r, w, b, "app.show_conversation_subject", &flag, &present)) != APP_OK)
        return e;
    put_bool(p, "app.show_conversation_subject", flag, present);
    return APP_OK;
}

/* Writes the object p built (nothing if it is empty) and answers true. */
static enum app_err write_values(struct req *r, struct resp *w, struct put *p)
{
    struct ctx *c = r->ctx;
    if (p->n > 0) {
        sbuf_add(&p->sb, "}");
        const char *values = sbuf_str(&p->sb);
        if (values == NULL)
            return APP_ERR_INTERNAL;
        enum app_err e = store_settings_write(c->db, r->arena, values);
        if (e != APP_OK)
            return e;
    }
    w->data_json = "true";
    w->data_len = 4;
    return APP_OK;
}

enum app_err h_settings_general_update(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct json_object *b;
    struct put p = {.n = 0};
    enum app_err e = body_object(r, w, &b);

    if (e != APP_OK)
        return e;
    sbuf_init(&p.sb, r->arena);
    if ((e = general_values(r, w, b, &p)) != APP_OK || (e = write_values(r, w, &p)) != APP_OK)
        return e;
    (void)store_activity_log_settings(c->db, r->arena, c->who->id, "general", r->remote_addr);
    return APP_OK;
}

enum app_err h_settings_email_get(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return store_settings_email_json(c->db, r->arena, SECRET_MASK, &w->data_json, &w->data_len);
}

/* A string field that must be one of the NULL-terminated names. */
static enum app_err enum_field(struct req *r, struct resp *w, struct json_object *b, struct put *p,
                               const char *key, const char *const *names, const char *expect)
{
    const char *s;
    enum app_err e = opt_str(r, w, b, key, 1, NAME_MAX_LEN, &s);
    if (e != APP_OK || s == NULL)
        return e;
    for (size_t i = 0; names[i] != NULL; i++)
        if (strcmp(s, names[i]) == 0) {
            put_str(p, key, s);
            return APP_OK;
        }
    return reply_fail(r, w, APP_ERR_INPUT, "Invalid `%s`: use %s", key, expect);
}

/* A host name field: no white space. */
static enum app_err host_field(struct req *r, struct resp *w, struct json_object *b, struct put *p,
                               const char *key)
{
    const char *s;
    enum app_err e = opt_str(r, w, b, key, 1, HOST_MAX_LEN, &s);
    if (e != APP_OK || s == NULL)
        return e;
    if (!no_space(s))
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid `%s`: expected a host name", key);
    put_str(p, key, s);
    return APP_OK;
}

/* A Go-style duration field ("25s", "1m"). */
static enum app_err duration_field(struct req *r, struct resp *w, struct json_object *b,
                                   struct put *p, const char *key)
{
    const char *s;
    double secs;
    enum app_err e = opt_str(r, w, b, key, 1, 32, &s);
    if (e != APP_OK || s == NULL)
        return e;
    if (v_duration(s, &secs) != 0)
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid `%s`: expected a duration such as 25s",
                          key);
    put_str(p, key, s);
    return APP_OK;
}

/* "addr@example.com" or "Name <addr@example.com>", as a From address. */
static int from_address_ok(struct arena *a, const char *s)
{
    const char *lt = strrchr(s, '<');
    size_t n = strlen(s);
    if (lt == NULL)
        return v_email(s);
    if (n < 2 || s[n - 1] != '>')
        return 0;
    const char *inner = arena_strndup(a, lt + 1, (size_t)(s + n - 1 - (lt + 1)));
    return inner != NULL && v_email(inner);
}

/* The checked notification.email.* keys of b into p, the password sealed. */
static enum app_err email_values(struct req *r, struct resp *w, struct json_object *b,
                                 struct put *p)
{
    static const char *const auths[] = {"plain", "login", "cram", "cram-md5", "none", NULL};
    static const char *const tls[] = {"none", "starttls", "tls", NULL};
    struct ctx *c = r->ctx;
    const char *s;
    int64_t n;
    int flag, present;
    enum app_err e;

    if ((e = opt_bool(r, w, b, "notification.email.enabled", &flag, &present)) != APP_OK)
        return e;
    put_bool(p, "notification.email.enabled", flag, present);
    if ((e = host_field(r, w, b, p, "notification.email.host")) != APP_OK)
        return e;
    if ((e = opt_int(r, w, b, "notification.email.port", 1, 65535, &n, &present)) != APP_OK)
        return e;
    put_int(p, "notification.email.port", n, present);
    if ((e = opt_str(r, w, b, "notification.email.username", 1, HOST_MAX_LEN, &s)) != APP_OK)
        return e;
    if (s != NULL)
        put_str(p, "notification.email.username", s);

    /* Not trimmed: spaces may be part of a password. */
    if ((e = opt_str(r, w, b, "notification.email.password", 0, SECRET_MAX_LEN, &s)) != APP_OK)
        return e;
    if (s != NULL && *s != '\0' && strcmp(s, SECRET_MASK) != 0) {
        const char *sealed = secret_seal(r->arena, c->cfg->secret_key, s);
        if (sealed == NULL)
            return APP_ERR_INTERNAL;
        put_str(p, "notification.email.password", sealed);
    }

    if ((e = opt_int(r, w, b, "notification.email.max_conns", 1, 100, &n, &present)) != APP_OK)
        return e;
    put_int(p, "notification.email.max_conns", n, present);
    if ((e = duration_field(r, w, b, p, "notification.email.idle_timeout")) != APP_OK ||
        (e = duration_field(r, w, b, p, "notification.email.wait_timeout")) != APP_OK)
        return e;
    if ((e = enum_field(r, w, b, p, "notification.email.auth_protocol", auths,
                        "plain, login, cram, cram-md5 or none")) != APP_OK ||
        (e = enum_field(r, w, b, p, "notification.email.tls_type", tls, "none, starttls or tls")) !=
            APP_OK)
        return e;

    if ((e = opt_str(r, w, b, "notification.email.email_address", 1, URL_MAX_LEN, &s)) != APP_OK)
        return e;
    if (s != NULL && !from_address_ok(r->arena, s))
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid from email address");
    if (s != NULL)
        put_str(p, "notification.email.email_address", s);

    if ((e = opt_int(r, w, b, "notification.email.max_msg_retries", 0, 100, &n, &present)) !=
        APP_OK)
        return e;
    put_int(p, "notification.email.max_msg_retries", n, present);
    if ((e = opt_bool(r, w, b, "notification.email.tls_skip_verify", &flag, &present)) != APP_OK)
        return e;
    put_bool(p, "notification.email.tls_skip_verify", flag, present);
    return host_field(r, w, b, p, "notification.email.hello_hostname");
}

enum app_err h_settings_email_update(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct json_object *b;
    struct put p = {.n = 0};
    enum app_err e = body_object(r, w, &b);

    if (e != APP_OK)
        return e;
    sbuf_init(&p.sb, r->arena);
    if ((e = email_values(r, w, b, &p)) != APP_OK || (e = write_values(r, w, &p)) != APP_OK)
        return e;
    (void)store_activity_log_settings(c->db, r->arena, c->who->id, "email notification",
                                      r->remote_addr);
    return APP_OK;
}
