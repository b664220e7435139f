/*
 * api/context_links.c - context links: an outside tool's URL template an
 * agent opens beside a conversation, optionally signed with a token.  The
 * signing secret is sealed (rules/secret.h) and never sent back: answers
 * carry upstream's dummy instead, and sending the dummy back keeps it.
 */
#include "api/context_links.h"

#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/http.h"
#include "lib/validate.h"
#include "rules/secret.h"
#include "server/body.h"
#include "server/config.h"
#include "server/ctx.h"
#include "server/reply.h"
#include "store/context_links.h"

/* Upstream's column limits. */
#define LINK_NAME_MAX 255
#define LINK_URL_MAX 2048
/* Upstream's rule: a signing secret is exactly 32 characters. */
#define LINK_SECRET_LEN 32
/* Upstream's token lifetime when none (or not a positive one) is given. */
#define LINK_EXPIRY_DEFAULT 1200
#define LINK_EXPIRY_MAX INT32_MAX

/* One U+2022 bullet: a secret holding one is the dummy sent back. */

enum app_err h_context_links_list(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return store_context_links_json(c->db, r->arena, &w->data_json, &w->data_len);
}

enum app_err h_context_links_active(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return store_context_links_active_json(c->db, r->arena, &w->data_json, &w->data_len);
}

/* The {id} of a link route; 400 if malformed. */
static enum app_err link_id(struct req *r, struct resp *w, int64_t *id)
{
    return reply_path_int(r, w, "id", "context link", id);
}

static enum app_err not_found(struct req *r, struct resp *w, enum app_err e)
{
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "Context link not found");
    return e;
}

enum app_err h_context_links_get(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    int64_t id;
    enum app_err e = link_id(r, w, &id);

    if (e == APP_OK)
        e = store_context_link_json(c->db, r->arena, id, &w->data_json, &w->data_len);
    return not_found(r, w, e);
}

/*
 * The body of a create (update 0) or update: every field checked before
 * anything is written.  The secret is sealed; on update "" clears it and
 * the dummy keeps the stored one (in->secret NULL).
 */
static enum app_err link_body(struct req *r, struct resp *w, int update, struct context_link_in *in)
{
    struct ctx *c = r->ctx;
    struct json_object *b, *v;
    const char *secret;
    enum app_err e = body_object(r, w, &b);

    if (e == APP_OK)
        e = body_opt_string(r, w, b, "name", &in->name);
    if (e == APP_OK)
        e = body_opt_string(r, w, b, "url_template", &in->url_template);
    if (e == APP_OK)
        e = body_opt_string(r, w, b, "secret", &secret);
    if (e != APP_OK)
        return e;
    if (in->name == NULL || *in->name == '\0')
        return reply_fail(r, w, APP_ERR_INPUT, "`name` is required");
    if (strlen(in->name) > LINK_NAME_MAX)
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid `name`: at most %d characters",
                          LINK_NAME_MAX);
    if (in->url_template == NULL || *in->url_template == '\0')
        return reply_fail(r, w, APP_ERR_INPUT, "`url_template` is required");
    if (strlen(in->url_template) > LINK_URL_MAX)
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid `url_template`: at most %d characters",
                          LINK_URL_MAX);
    if (!v_http_url(in->url_template))
        return reply_fail(r, w, APP_ERR_INPUT,
                          "Invalid `url_template`: expected an http:// or https:// URL");

    in->token_expiry_seconds = LINK_EXPIRY_DEFAULT;
    if (json_object_object_get_ex(b, "token_expiry_seconds", &v) && v != NULL) {
        if (!json_object_is_type(v, json_type_int))
            return reply_fail(r, w, APP_ERR_INPUT,
                              "Invalid `token_expiry_seconds`: expected a whole number of seconds");
        int64_t s = json_object_get_int64(v);
        if (s > LINK_EXPIRY_MAX)
            return reply_fail(r, w, APP_ERR_INPUT, "Invalid `token_expiry_seconds`: at most %d",
                              LINK_EXPIRY_MAX);
        if (s > 0)
            in->token_expiry_seconds = s;
    }
    in->is_active = 0; /* as upstream: absent is inactive */
    if (json_object_object_get_ex(b, "is_active", &v) && v != NULL) {
        if (!json_object_is_type(v, json_type_boolean))
            return reply_fail(r, w, APP_ERR_INPUT, "Invalid `is_active`: expected true or false");
        in->is_active = json_object_get_boolean(v);
    }

    if (secret == NULL || strcmp(secret, SECRET_MASK) == 0) {
        in->secret = update ? NULL : "";
        return APP_OK;
    }
    if (*secret != '\0' && strlen(secret) != LINK_SECRET_LEN)
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid `secret`: it must be %d characters long",
                          LINK_SECRET_LEN);
    in->secret = secret_seal(r->arena, c->cfg->secret_key, secret);
    return in->secret != NULL ? APP_OK : APP_ERR_INTERNAL;
}

enum app_err h_context_links_create(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct context_link_in in;
    enum app_err e = link_body(r, w, 0, &in);

    if (e != APP_OK)
        return e;
    return store_context_link_create(c->db, r->arena, &in, &w->data_json, &w->data_len);
}

enum app_err h_context_links_update(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct context_link_in in;
    int64_t id;
    enum app_err e = link_id(r, w, &id);

    if (e == APP_OK)
        e = link_body(r, w, 1, &in);
    if (e != APP_OK)
        return e;
    e = store_context_link_update(c->db, r->arena, id, &in, &w->data_json, &w->data_len);
    return not_found(r, w, e);
}

enum app_err h_context_links_toggle(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    int64_t id;
    enum app_err e = link_id(r, w, &id);

    if (e == APP_OK)
        e = store_context_link_toggle(c->db, r->arena, id, &w->data_json, &w->data_len);
    return not_found(r, w, e);
}

enum app_err h_context_links_delete(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    int64_t id;
    enum app_err e = link_id(r, w, &id);

    if (e == APP_OK)
        e = store_context_link_delete(c->db, r->arena, id);
    return not_found(r, w, e);
}
