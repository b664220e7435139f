/*
 * http.c - query strings, cookies and the response envelope.
 */
#include "http.h"

#include <string.h>

#include <json-c/json.h>

#include "arena.h"
#include "sbuf.h"
#include "validate.h"

int http_parse_query(struct arena *a, const char *qs, struct kv **out, size_t *n)
{
    size_t count = 0, cap = 0;
    struct kv *pairs = NULL;
    const char *p = qs;

    *out = NULL;
    *n = 0;
    if (qs == NULL || *qs == '\0')
        return 0;
    for (const char *c = qs; *c; c++)
        if (*c == '&')
            cap++;
    cap++;
    if (cap > HTTP_MAX_QUERY_PAIRS)
        return -1;
    pairs = ARENA_NEW(a, struct kv, cap);
    if (pairs == NULL)
        return -1;
    while (*p) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        if (len > 0) {
            const char *eq = memchr(p, '=', len);
            size_t klen = eq ? (size_t)(eq - p) : len;
            size_t vlen = eq ? len - klen - 1 : 0;
            char *k = arena_alloc(a, klen + 1);
            char *v = arena_alloc(a, vlen + 1);
            if (k == NULL || v == NULL)
                return -1;
            long kd = url_decode(p, klen, k, 1);
            long vd = eq ? url_decode(eq + 1, vlen, v, 1) : 0;
            if (!eq)
                v[0] = '\0';
            if (kd < 0 || vd < 0 || !v_utf8(k, (size_t)kd) || !v_utf8(v, (size_t)vd))
                return -1;
            pairs[count].key = k;
            pairs[count].value = v;
            count++;
        }
        if (amp == NULL)
            break;
        p = amp + 1;
    }
    *out = pairs;
    *n = count;
    return 0;
}

const char *http_param(const struct req *r, const char *name)
{
    for (size_t i = 0; i < r->nparams; i++)
        if (strcmp(r->params[i].key, name) == 0)
            return r->params[i].value;
    return NULL;
}

const char *http_cookie(struct arena *a, const char *hdr, const char *name)
{
    size_t nlen = strlen(name);
    const char *p = hdr;

    if (hdr == NULL)
        return NULL;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ';')
            p++;
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        if (eq != NULL) {
            size_t klen = (size_t)(eq - p);
            while (klen > 0 && (p[klen - 1] == ' ' || p[klen - 1] == '\t'))
                klen--;
            if (klen == nlen && memcmp(p, name, nlen) == 0) {
                const char *v = eq + 1;
                size_t vlen = len - (size_t)(v - p);
                while (vlen > 0 && (*v == ' ' || *v == '\t')) {
                    v++;
                    vlen--;
                }
                while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
                    vlen--;
                if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
                    v++;
                    vlen -= 2;
                }
                return arena_strndup(a, v, vlen);
            }
        }
        if (end == NULL)
            break;
        p = end + 1;
    }
    return NULL;
}

int http_add_header(struct resp *w, const char *name, const char *value)
{
    if (w->nheaders == HTTP_MAX_HEADERS)
        return -1;
    w->headers[w->nheaders].key = name;
    w->headers[w->nheaders].value = value;
    w->nheaders++;
    return 0;
}

const char *http_reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 204:
        return "No Content";
    case 302:
        return "Found";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 409:
        return "Conflict";
    case 413:
        return "Payload Too Large";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Entity";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return "Unknown";
    }
}

static void put_json(void *p)
{
    json_object_put(p);
}

int http_success_body(struct arena *a, const struct resp *w, const char **body, size_t *len)
{
    static const char pre[] = "{\"status\":\"success\",\"data\":";
    const char *data;
    size_t dlen;

    if (w->raw_body != NULL) {
        *body = w->raw_body;
        *len = w->raw_len;
        return 0;
    }
    if (w->data_json != NULL) {
        data = w->data_json;
        dlen = w->data_len;
    } else if (w->data != NULL) {
        data = json_object_to_json_string_length(w->data, JSON_C_TO_STRING_PLAIN, &dlen);
        if (data == NULL)
            return -1;
    } else {
        data = "true";
        dlen = 4;
    }
    char *out = arena_alloc(a, sizeof(pre) - 1 + dlen + 2);
    if (out == NULL)
        return -1;
    memcpy(out, pre, sizeof(pre) - 1);
    memcpy(out + sizeof(pre) - 1, data, dlen);
    out[sizeof(pre) - 1 + dlen] = '}';
    out[sizeof(pre) + dlen] = '\0';
    *body = out;
    *len = sizeof(pre) + dlen;
    return 0;
}

void http_error_body(struct arena *a, enum app_err err, const char *message, const char **body,
                     size_t *len)
{
    static const char fallback[] = "{\"status\":\"error\",\"message\":\"Something went wrong\","
                                   "\"error_type\":\"GeneralException\",\"data\":null}";
    const char *msg = message ? message : err_message(err);
    char *clean = arena_strdup(a, msg);
    struct json_object *root = NULL;
    const char *s;
    size_t n;

    if (clean == NULL)
        goto fail;
    for (char *c = clean; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = ' ';
    if (!v_utf8(clean, strlen(clean)))
        clean = (char *)err_message(err);
    root = json_object_new_object();
    if (root == NULL)
        goto fail;
    if (arena_defer(a, put_json, root) != 0)
        goto fail;
    json_object_object_add(root, "status", json_object_new_string("error"));
    json_object_object_add(root, "message", json_object_new_string(clean));
    json_object_object_add(root, "error_type", json_object_new_string(err_type(err)));
    json_object_object_add(root, "data", NULL);
    s = json_object_to_json_string_length(
        root, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);
    if (s == NULL)
        goto fail;
    *body = s;
    *len = n;
    return;
fail:
    *body = fallback;
    *len = sizeof(fallback) - 1;
}
