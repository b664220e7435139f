/*
 * api/oidc.c - OpenID Connect providers, as upstream stores them: client_id
 * and client_secret sealed (rules/secret.h), client_id shown opened, the
 * secret never shown (the mask; sending the mask back keeps it).  Upstream
 * also tests the provider URL with a discovery request on every write;
 * deskd only checks its form.
 */
#include "api/oidc.h"

#include <string.h>

#include <json-c/json.h>

#include "lib/http.h"
#include "lib/jsonio.h"
#include "lib/log.h"
#include "rules/limits.h"
#include "rules/secret.h"
#include "server/body.h"
#include "server/config.h"
#include "server/ctx.h"
#include "server/reply.h"
#include "store/oidc.h"

/* Provider and logo URLs. */
#define OIDC_URL_MAX_LEN 1000

/* The provider's JSON (one or a list) from the store, client ids opened, as the answer. */
static enum app_err answer(struct req *r, struct resp *w, enum app_err e, const char *json,
                           size_t len)
{
    struct ctx *c = r->ctx;
    int failed;

    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "OIDC provider not found");
    if (e != APP_OK)
        return e;
    if (secret_open_members(r->arena, c->cfg->secret_key, json, len, "client_id", &w->data_json,
                            &w->data_len, &failed) != 0)
        return APP_ERR_INTERNAL;
    if (failed > 0)
        log_err("oidc: %d stored client id(s) do not open; was the server secret changed?", failed);
    return APP_OK;
}

enum app_err h_oidc_list(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    const char *json = NULL;
    size_t len = 0;
    enum app_err e = store_oidc_json(c->db, r->arena, SECRET_MASK, &json, &len);
    return answer(r, w, e, json, len);
}

enum app_err h_oidc_get(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    const char *json = NULL;
    size_t len = 0;
    int64_t id;
    enum app_err e = reply_path_int(r, w, "id", "OIDC", &id);

    if (e != APP_OK)
        return e;
    e = store_oidc_get_json(c->db, r->arena, SECRET_MASK, id, &json, &len);
    return answer(r, w, e, json, len);
}

/* No space or control character. */
static int no_space(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s <= ' ' || *s == 0x7f)
            return 0;
    return 1;
}

/* An http(s) URL with a host; with relative set also "" or a path from the site root. */
static int url_ok(const char *s, int relative)
{
    if (relative && *s == '\0')
        return 1;
    if (!no_space(s) || strlen(s) > OIDC_URL_MAX_LEN)
        return 0;
    if (relative && s[0] == '/' && s[1] != '/')
        return 1;
    const char *rest = strncmp(s, "https://", 8) == 0  ? s + 8
                       : strncmp(s, "http://", 7) == 0 ? s + 7
                                                       : NULL;
    return rest != NULL && *rest != '\0' && *rest != '/';
}

/* Only spaces (or nothing). */
static int blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 0;
    return 1;
}

/*
 * A credential field (client_id, client_secret): refused blank as upstream,
 * or longer than a sealed secret may be; *sealed the sealed value, or NULL
 * if keep is set and the mask came back.
 */
static enum app_err credential(struct req *r, struct resp *w, struct json_object *b,
                               const char *key, int keep, const char **sealed)
{
    struct ctx *c = r->ctx;
    const char *s = body_string(b, key);

    if (s == NULL || blank(s))
        return reply_fail(r, w, APP_ERR_INPUT, "`%s` empty", key);
    if (keep && strcmp(s, SECRET_MASK) == 0) {
        *sealed = NULL;
        return APP_OK;
    }
    if (strlen(s) > SECRET_MAX_LEN)
        return reply_fail(r, w, APP_ERR_INPUT, "`%s` is too long, should be at most %d characters",
                          key, SECRET_MAX_LEN);
    if ((*sealed = secret_seal(r->arena, c->cfg->secret_key, s)) == NULL)
        return APP_ERR_INTERNAL;
    return APP_OK;
}

/* The body of a provider write into *in; update reads `enabled` and may keep the secret. */
static enum app_err oidc_body(struct req *r, struct resp *w, int update, struct store_oidc_in *in)
{
    static const char *const providers[] = {"Google", "Microsoft", "Custom"};
    struct json_object *b;
    enum app_err e = body_object(r, w, &b);

    if (e != APP_OK)
        return e;
    memset(in, 0, sizeof(*in));
    in->name = body_string(b, "name");
    if (in->name == NULL || blank(in->name))
        return reply_fail(r, w, APP_ERR_INPUT, "`name` is required");
    if (strlen(in->name) > NAME_MAX_LEN)
        return reply_fail(r, w, APP_ERR_INPUT, "Name is too long, should be at most %d characters",
                          NAME_MAX_LEN);
    in->provider = body_string(b, "provider");
    size_t i, n = sizeof(providers) / sizeof(providers[0]);
    for (i = 0; in->provider != NULL && i < n; i++)
        if (strcmp(in->provider, providers[i]) == 0)
            break;
    if (in->provider == NULL || i == n)
        return reply_fail(r, w, APP_ERR_INPUT,
                          "Invalid `provider`: use Google, Microsoft or Custom");
    in->provider_url = body_string(b, "provider_url");
    if (in->provider_url == NULL || !url_ok(in->provider_url, 0))
        return reply_fail(r, w, APP_ERR_INPUT,
                          "Invalid `provider_url`: expected an http:// or https:// URL");
    struct json_object *v = jsonio_get(b, "logo_url");
    in->logo_url =
        v == NULL || json_object_is_type(v, json_type_null) ? "" : body_string(b, "logo_url");
    if (in->logo_url == NULL || !url_ok(in->logo_url, 1))
        return reply_fail(r, w, APP_ERR_INPUT,
                          "Invalid `logo_url`: expected an http:// or https:// URL or a path");
    if (update) { /* as upstream: absent is false */
        v = jsonio_get(b, "enabled");
        if (v != NULL && !json_object_is_type(v, json_type_boolean))
            return reply_fail(r, w, APP_ERR_INPUT, "`enabled` must be true or false");
        in->enabled = v != NULL && json_object_get_boolean(v);
    }
    if ((e = credential(r, w, b, "client_id", 0, &in->client_id)) != APP_OK)
        return e;
    return credential(r, w, b, "client_secret", update, &in->client_secret);
}

enum app_err h_oidc_create(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct store_oidc_in in;
    const char *json = NULL;
    size_t len = 0;
    enum app_err e = oidc_body(r, w, 0, &in);

    if (e != APP_OK)
        return e;
    e = store_oidc_create(c->db, r->arena, &in, SECRET_MASK, &json, &len);
    return answer(r, w, e, json, len);
}

enum app_err h_oidc_update(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct store_oidc_in in;
    const char *json = NULL;
    size_t len = 0;
    int64_t id;
    enum app_err e = reply_path_int(r, w, "id", "OIDC", &id);

    if (e == APP_OK)
        e = oidc_body(r, w, 1, &in);
    if (e != APP_OK)
        return e;
    e = store_oidc_update(c->db, r->arena, id, &in, SECRET_MASK, &json, &len);
    return answer(r, w, e, json, len);
}

enum app_err h_oidc_delete(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    int64_t id;
    enum app_err e = reply_path_int(r, w, "id", "OIDC", &id);

    if (e == APP_OK)
        e = store_oidc_delete(c->db, r->arena, id);
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "OIDC provider not found");
    if (e != APP_OK)
        return e;
    w->data_json = "true";
    w->data_len = 4;
    return APP_OK;
}
