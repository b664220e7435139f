/*
 * body.c - request bodies as objects.
 */
#include "server/body.h"

#include <stddef.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/arena.h"
#include "lib/http.h"
#include "lib/jsonio.h"
#include "lib/multipart.h"
#include "lib/validate.h"
#include "server/reply.h"

#define BODY_DEPTH 16

static void put(void *p)
{
    json_object_put(p);
}

enum app_err body_object(struct req *r, struct resp *w, struct json_object **obj)
{
    return body_form(r, w, obj, NULL, NULL);
}

enum body_kind { KIND_NONE, KIND_JSON, KIND_FORM, KIND_MULTIPART, KIND_OTHER };

/*
 * What r's Content-Type says the body is: its media type (before any
 * parameter such as "; charset=utf-8" or "; boundary=…", blanks around it
 * ignored) compared without regard to case.  KIND_NONE when the header is
 * absent or empty.  mt, mtlen: the media type as sent, for a refusal.
 */
static enum body_kind body_kind(const struct req *r, const char **mt, size_t *mtlen)
{
    static const struct {
        const char *name;
        enum body_kind kind;
    } kinds[] = {{"application/json", KIND_JSON},
                 {"application/x-www-form-urlencoded", KIND_FORM},
                 {"multipart/form-data", KIND_MULTIPART}};
    const char *s = r->content_type ? r->content_type : "";
    size_t n;

    while (*s == ' ' || *s == '\t')
        s++;
    n = strcspn(s, ";");
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    *mt = s;
    *mtlen = n;
    if (n == 0)
        return KIND_NONE;
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (strlen(kinds[i].name) == n && strncasecmp(s, kinds[i].name, n) == 0)
            return kinds[i].kind;
    return KIND_OTHER;
}

/*
 * The 400 for a body whose Content-Type deskd does not read; accepts names
 * what the route takes.  The media type is echoed when it is short
 * printable ASCII, so the message stays readable whatever was sent.
 */
static enum app_err refuse_kind(struct req *r, struct resp *w, enum body_kind k, const char *mt,
                                size_t mtlen, const char *accepts)
{
    int printable = mtlen <= 100;
    if (k == KIND_NONE)
        return reply_fail(r, w, APP_ERR_INPUT,
                          "Error parsing request: the body has no Content-Type; send %s", accepts);
    for (size_t i = 0; printable && i < mtlen; i++)
        printable = mt[i] > ' ' && mt[i] < 0x7f;
    if (!printable)
        return reply_fail(r, w, APP_ERR_INPUT,
                          "Error parsing request: unsupported Content-Type; send %s", accepts);
    return reply_fail(r, w, APP_ERR_INPUT,
                      "Error parsing request: unsupported Content-Type %.*s; send %s", (int)mtlen,
                      mt, accepts);
}

/* The JSON body as a value of type want: bounded depth, no NUL in its strings. */
static enum app_err json_body(struct req *r, struct resp *w, json_type want,
                              struct json_object **out)
{
    int ok;
    *out = jsonio_parse(r->arena, r->body, r->body_len, BODY_DEPTH, &ok);
    if (!ok || *out == NULL || !json_object_is_type(*out, want))
        return reply_fail(r, w, APP_ERR_INPUT, "Error parsing request");
    if (jsonio_holds_nul(*out, r->body, r->body_len))
        return reply_fail(r, w, APP_ERR_INPUT,
                          "Error parsing request: a string holds a NUL character");
    return APP_OK;
}

enum app_err body_array(struct req *r, struct resp *w, struct json_object **arr)
{
    const char *mt;
    size_t mtlen;
    enum body_kind k = body_kind(r, &mt, &mtlen);
    /* An empty body needs no Content-Type; it is no list either. */
    if (k != KIND_JSON && r->body_len > 0)
        return refuse_kind(r, w, k, mt, mtlen, "application/json");
    return json_body(r, w, json_type_array, arr);
}

enum app_err body_form(struct req *r, struct resp *w, struct json_object **obj,
                       const struct mp_part **files, int *nfiles)
{
    const char *ct = r->content_type ? r->content_type : "", *mt;
    size_t mtlen;
    enum body_kind k = body_kind(r, &mt, &mtlen);

    *obj = NULL;
    if (files != NULL) {
        *files = NULL;
        *nfiles = 0;
    }
    if (r->body == NULL || r->body_len == 0) {
        *obj = json_object_new_object();
        if (*obj == NULL || arena_defer(r->arena, put, *obj) != 0)
            return APP_ERR_INTERNAL;
        return APP_OK;
    }
    if (k == KIND_FORM) {
        struct kv *kv;
        size_t n;
        char *copy = arena_strndup(r->arena, r->body, r->body_len);
        if (copy == NULL)
            return APP_ERR_INTERNAL;
        if (strlen(copy) != r->body_len || http_parse_query(r->arena, copy, &kv, &n) != 0)
            goto bad;
        *obj = json_object_new_object();
        if (*obj == NULL || arena_defer(r->arena, put, *obj) != 0)
            return APP_ERR_INTERNAL;
        for (size_t i = 0; i < n; i++)
            json_object_object_add(*obj, kv[i].key, json_object_new_string(kv[i].value));
        return APP_OK;
    }
    if (k == KIND_MULTIPART) {
        struct mp_part *parts = ARENA_NEW(r->arena, struct mp_part, MP_MAX_PARTS);
        const char *why;
        int n, nf = 0;
        if (parts == NULL)
            return APP_ERR_INTERNAL;
        if (multipart_parse(r->arena, ct, r->body, r->body_len, parts, MP_MAX_PARTS, &n, &why) != 0)
            return reply_fail(r, w, APP_ERR_INPUT, "Error parsing request: %s", why);
        *obj = json_object_new_object();
        if (*obj == NULL || arena_defer(r->arena, put, *obj) != 0)
            return APP_ERR_INTERNAL;
        /* Text fields into the object; file parts, moved to the front, for the caller. */
        for (int i = 0; i < n; i++) {
            if (parts[i].filename != NULL) {
                parts[nf++] = parts[i];
                continue;
            }
            if (memchr(parts[i].data, '\0', parts[i].len) != NULL ||
                !v_utf8(parts[i].data, parts[i].len))
                goto bad;
            json_object_object_add(*obj, parts[i].name,
                                   json_object_new_string_len(parts[i].data, (int)parts[i].len));
        }
        if (files != NULL) {
            *files = parts;
            *nfiles = nf;
        }
        return APP_OK;
    }
    if (k != KIND_JSON)
        return refuse_kind(r, w, k, mt, mtlen,
                           files != NULL ? "application/json or multipart/form-data"
                                         : "application/json");
    return json_body(r, w, json_type_object, obj);
bad:
    return reply_fail(r, w, APP_ERR_INPUT, "Error parsing request");
}

const struct mp_part *body_file(const struct mp_part *files, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(files[i].name, name) == 0)
            return &files[i];
    return NULL;
}

const char *body_string(struct json_object *obj, const char *key)
{
    const char *s;
    return jsonio_string(jsonio_get(obj, key), &s) ? s : NULL;
}

int body_int64(struct json_object *obj, const char *key, int64_t *out)
{
    struct json_object *v = jsonio_get(obj, key);
    const char *s;
    if (jsonio_int64(v, out))
        return 1;
    if (jsonio_string(v, &s) && v_int64(s, INT64_MIN, INT64_MAX, out) == 0)
        return 1;
    return 0;
}

enum app_err body_opt_string(struct req *r, struct resp *w, struct json_object *obj,
                             const char *key, const char **out)
{
    struct json_object *v;
    *out = NULL;
    if (!json_object_object_get_ex(obj, key, &v) || v == NULL)
        return APP_OK;
    if (!json_object_is_type(v, json_type_string))
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid `%s`: expected a string", key);
    *out = json_object_get_string(v);
    return APP_OK;
}
