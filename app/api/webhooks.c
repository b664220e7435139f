/*
 * api/webhooks.c - outgoing webhooks: a name, an http(s) URL, the events
 * it subscribes to (upstream's seven) and a signing secret.  The secret is
 * sealed (rules/secret.h) and never sent back: answers carry upstream's
 * dummy, and sending the dummy back keeps it.  Sending is the webhook
 * dispatcher's (app/services), never a worker's.
 */
#include "api/webhooks.h"

#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/http.h"
#include "lib/sbuf.h"
#include "lib/validate.h"
#include "rules/secret.h"
#include "server/body.h"
#include "server/config.h"
#include "server/ctx.h"
#include "server/reply.h"
#include "store/webhooks.h"

/* Upstream's column limits. */
#define WEBHOOK_NAME_MAX 255
#define WEBHOOK_URL_MAX 2048
/* The longest secret whose sealed form fits upstream's 255-character column. */
#define WEBHOOK_SECRET_MAX 150

/* Upstream's webhook_event labels (sql/026). */
static const char *const webhook_events[] = {
    "conversation.created",  "conversation.status_changed", "conversation.tags_changed",
    "conversation.assigned", "conversation.unassigned",     "message.created",
    "message.updated",
};
#define NEVENTS (sizeof(webhook_events) / sizeof(webhook_events[0]))

enum app_err h_webhooks_list(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return store_webhooks_json(c->db, r->arena, &w->data_json, &w->data_len);
}

/* The {id} of a webhook route; 400 if malformed. */
static enum app_err webhook_id(struct req *r, struct resp *w, int64_t *id)
{
    return reply_path_int(r, w, "id", "webhook", id);
}

static enum app_err not_found(struct req *r, struct resp *w, enum app_err e)
{
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "Webhook not found");
    return e;
}

enum app_err h_webhooks_get(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    int64_t id;
    enum app_err e = webhook_id(r, w, &id);

    if (e == APP_OK)
        e = store_webhook_json(c->db, r->arena, id, &w->data_json, &w->data_len);
    return not_found(r, w, e);
}

/* 1 if s has a space or a control character. */
static int has_space(const char *s)
{
    for (; *s != '\0'; s++)
        if ((unsigned char)*s <= ' ' || *s == 0x7f)
            return 1;
    return 0;
}

/*
 * `events`: a non-empty array of upstream's labels, repeats collapsed in
 * the order given, into a JSON array text in *out.
 */
static enum app_err events_body(struct req *r, struct resp *w, struct json_object *b,
                                const char **out)
{
    struct json_object *v;
    int seen[NEVENTS] = {0};
    struct sbuf sb;
    size_t n = 0;

    if (!json_object_object_get_ex(b, "events", &v) || v == NULL)
        return reply_fail(r, w, APP_ERR_INPUT, "`events` is required");
    if (!json_object_is_type(v, json_type_array))
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid `events`: expected an array of events");
    if (json_object_array_length(v) == 0)
        return reply_fail(r, w, APP_ERR_INPUT, "`events` is empty");
    sbuf_init(&sb, r->arena);
    sbuf_add(&sb, "[");
    for (size_t i = 0; i < json_object_array_length(v); i++) {
        struct json_object *e = json_object_array_get_idx(v, i);
        const char *name =
            json_object_is_type(e, json_type_string) ? json_object_get_string(e) : NULL;
        size_t k = 0;

        while (name != NULL && k < NEVENTS && strcmp(name, webhook_events[k]) != 0)
            k++;
        if (name == NULL || k == NEVENTS)
            return reply_fail(r, w, APP_ERR_INPUT,
                              "Invalid `events`: %s is not a webhook event (expected one of"
                              " conversation.created, conversation.status_changed,"
                              " conversation.tags_changed, conversation.assigned,"
                              " conversation.unassigned, message.created, message.updated)",
                              name != NULL ? name : "a non-string");
        if (seen[k]++)
            continue;
        sbuf_add(&sb, n++ ? ",\"" : "\"");
        sbuf_add(&sb, webhook_events[k]);
        sbuf_add(&sb, "\"");
    }
    sbuf_add(&sb, "]");
    *out = sbuf_str(&sb);
    return *out != NULL ? APP_OK : APP_ERR_INTERNAL;
}

/*
 * The body of a create (update 0) or update: every field checked before
 * anything is written.  The secret is sealed; on update "" clears it and
 * the dummy (or no `secret`) keeps the stored one (in->secret NULL).
 */
static enum app_err webhook_body(struct req *r, struct resp *w, int update, struct webhook_in *in)
{
    struct ctx *c = r->ctx;
    struct json_object *b, *v;
    const char *secret;
    enum app_err e = body_object(r, w, &b);

    if (e == APP_OK)
        e = body_opt_string(r, w, b, "name", &in->name);
    if (e == APP_OK)
        e = body_opt_string(r, w, b, "url", &in->url);
    if (e == APP_OK)
        e = body_opt_string(r, w, b, "secret", &secret);
    if (e != APP_OK)
        return e;
    if (in->name == NULL || *in->name == '\0')
        return reply_fail(r, w, APP_ERR_INPUT, "`name` is empty");
    if (strlen(in->name) > WEBHOOK_NAME_MAX)
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid `name`: at most %d characters",
                          WEBHOOK_NAME_MAX);
    if (in->url == NULL || *in->url == '\0')
        return reply_fail(r, w, APP_ERR_INPUT, "`url` is empty");
    if (strlen(in->url) > WEBHOOK_URL_MAX)
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid `url`: at most %d characters",
                          WEBHOOK_URL_MAX);
    if (!v_http_url(in->url) || has_space(in->url))
        return reply_fail(r, w, APP_ERR_INPUT,
                          "Invalid `url`: expected an http:// or https:// URL");
    if ((e = events_body(r, w, b, &in->events)) != APP_OK)
        return e;
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
    if (strlen(secret) > WEBHOOK_SECRET_MAX)
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid `secret`: at most %d characters",
                          WEBHOOK_SECRET_MAX);
    in->secret = secret_seal(r->arena, c->cfg->secret_key, secret);
    return in->secret != NULL ? APP_OK : APP_ERR_INTERNAL;
}

enum app_err h_webhooks_create(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct webhook_in in;
    enum app_err e = webhook_body(r, w, 0, &in);

    if (e != APP_OK)
        return e;
    return store_webhook_create(c->db, r->arena, &in, &w->data_json, &w->data_len);
}

enum app_err h_webhooks_update(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct webhook_in in;
    int64_t id;
    enum app_err e = webhook_id(r, w, &id);

    if (e == APP_OK)
        e = webhook_body(r, w, 1, &in);
    if (e != APP_OK)
        return e;
    e = store_webhook_update(c->db, r->arena, id, &in, &w->data_json, &w->data_len);
    return not_found(r, w, e);
}

enum app_err h_webhooks_toggle(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    int64_t id;
    enum app_err e = webhook_id(r, w, &id);

    if (e == APP_OK)
        e = store_webhook_toggle(c->db, r->arena, id, &w->data_json, &w->data_len);
    return not_found(r, w, e);
}

enum app_err h_webhooks_delete(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    int64_t id;
    enum app_err e = webhook_id(r, w, &id);

    if (e == APP_OK)
        e = store_webhook_delete(c->db, r->arena, id);
    return not_found(r, w, e);
}

enum app_err h_webhooks_test(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    int64_t id, delivery;
    enum app_err e = webhook_id(r, w, &id);

    if (e == APP_OK)
        e = store_webhook_test(c->db, r->arena, id, &delivery);
    return not_found(r, w, e);
}
