/*
 * api/templates.c - e-mail templates: email_outgoing ones wrap the replies
 * deskd's mailer sends (at most one is the default), email_notification
 * ones are the agents' notification e-mails.  Built-in templates keep
 * their type and cannot be deleted; neither can the default.
 */
#include "api/templates.h"

#include <string.h>

#include <json-c/json.h>

#include "lib/http.h"
#include "rules/limits.h"
#include "rules/message.h"
#include "server/body.h"
#include "server/ctx.h"
#include "server/reply.h"
#include "store/templates.h"

/* A template's body: as long as a message may be. */
#define TEMPLATE_BODY_MAX MESSAGE_MAX_LEN

static int known_type(const char *t)
{
    return strcmp(t, "email_outgoing") == 0 || strcmp(t, "email_notification") == 0;
}

#define TYPE_EXPECTED "Invalid `type`: use email_outgoing or email_notification"

enum app_err h_templates_list(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    const char *type = http_param(r, "type");

    if (type == NULL || *type == '\0')
        return reply_fail(r, w, APP_ERR_INPUT, "`type` is required");
    if (!known_type(type))
        return reply_fail(r, w, APP_ERR_INPUT, TYPE_EXPECTED);
    return store_templates_json(c->db, r->arena, type, &w->data_json, &w->data_len);
}

static enum app_err not_found(struct req *r, struct resp *w, enum app_err e)
{
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "Template not found");
    return e;
}

/* The {id} of a template route and what the rules need of it (400, 404). */
static enum app_err template_target(struct req *r, struct resp *w, int64_t *id,
                                    struct template_facts *f)
{
    struct ctx *c = r->ctx;
    enum app_err e = reply_path_int(r, w, "id", "template", id);

    if (e == APP_OK)
        e = store_template_facts(c->db, r->arena, *id, f);
    return not_found(r, w, e);
}

enum app_err h_templates_get(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    int64_t id;
    enum app_err e = reply_path_int(r, w, "id", "template", &id);

    if (e == APP_OK)
        e = store_template_json(c->db, r->arena, id, &w->data_json, &w->data_len);
    return not_found(r, w, e);
}

/* {type, name, body, subject, is_default} of a write, every field checked. */
static enum app_err template_body(struct req *r, struct resp *w, struct template_in *in)
{
    struct json_object *b, *v;
    enum app_err e = body_object(r, w, &b);

    if (e == APP_OK)
        e = body_opt_string(r, w, b, "type", &in->type);
    if (e == APP_OK)
        e = body_opt_string(r, w, b, "name", &in->name);
    if (e == APP_OK)
        e = body_opt_string(r, w, b, "body", &in->body);
    if (e == APP_OK)
        e = body_opt_string(r, w, b, "subject", &in->subject);
    if (e != APP_OK)
        return e;
    if (in->type == NULL || *in->type == '\0')
        return reply_fail(r, w, APP_ERR_INPUT, "`type` is required");
    if (!known_type(in->type))
        return reply_fail(r, w, APP_ERR_INPUT, TYPE_EXPECTED);
    if (in->name == NULL || *in->name == '\0')
        return reply_fail(r, w, APP_ERR_INPUT, "`name` is required");
    if (strlen(in->name) > NAME_MAX_LEN)
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid `name`: at most %d characters",
                          NAME_MAX_LEN);
    if (in->body == NULL)
        in->body = "";
    if (strlen(in->body) > TEMPLATE_BODY_MAX)
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid `body`: at most %d bytes",
                          TEMPLATE_BODY_MAX);
    if (in->subject != NULL && strlen(in->subject) > SUBJECT_MAX_LEN)
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid `subject`: at most %d characters",
                          SUBJECT_MAX_LEN);
    in->is_default = 0;
    if (json_object_object_get_ex(b, "is_default", &v) && v != NULL) {
        if (!json_object_is_type(v, json_type_boolean))
            return reply_fail(r, w, APP_ERR_INPUT, "Invalid `is_default`: expected true or false");
        in->is_default = json_object_get_boolean(v);
    }
    if (in->is_default && strcmp(in->type, "email_outgoing") != 0)
        return reply_fail(r, w, APP_ERR_INPUT,
                          "Only an email_outgoing template can be the default");
    return APP_OK;
}

enum app_err h_templates_create(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct template_in in;
    enum app_err e = template_body(r, w, &in);

    if (e != APP_OK)
        return e;
    return store_template_create(c->db, r->arena, &in, &w->data_json, &w->data_len);
}

enum app_err h_templates_update(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct template_facts f;
    struct template_in in;
    int64_t id;
    enum app_err e = template_target(r, w, &id, &f);

    if (e == APP_OK)
        e = template_body(r, w, &in);
    if (e != APP_OK)
        return e;
    if (f.is_builtin && strcmp(f.type, in.type) != 0)
        return reply_fail(r, w, APP_ERR_INPUT, "Cannot change the type of a built-in template");
    /* There is always a default outgoing template: it moves, it is never just dropped. */
    if (f.is_default && !in.is_default)
        return reply_fail(r, w, APP_ERR_INPUT,
                          "Cannot unset the default template; make another one the default");
    e = store_template_update(c->db, r->arena, id, &in, &w->data_json, &w->data_len);
    return not_found(r, w, e);
}

enum app_err h_templates_delete(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct template_facts f;
    int64_t id;
    enum app_err e = template_target(r, w, &id, &f);

    if (e != APP_OK)
        return e;
    if (f.is_builtin)
        return reply_fail(r, w, APP_ERR_INPUT, "Cannot delete a built-in template");
    if (f.is_default)
        return reply_fail(r, w, APP_ERR_INPUT, "Cannot delete the default template");
    return not_found(r, w, store_template_delete(c->db, r->arena, id));
}
