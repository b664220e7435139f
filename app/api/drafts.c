/*
 * api/drafts.c - an agent's unsent reply and private note on a
 * conversation, kept for them alone: saved (the conversation access rule
 * applies), listed and removed only by the agent who wrote them.
 */
#include "api/drafts.h"

#include <ctype.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/arena.h"
#include "lib/http.h"
#include "lib/router.h"
#include "lib/validate.h"
#include "rules/access.h"
#include "rules/message.h"
#include "server/body.h"
#include "server/ctx.h"
#include "server/reply.h"
#include "store/drafts.h"

/* Upstream's bound on a draft's meta (the serialised object). */
#define DRAFT_META_MAX (32 * 1024)

enum app_err h_drafts_list(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return store_drafts_json(c->db, r->arena, c->who->id, &w->data_json, &w->data_len);
}

/* "" or absent is a reply draft, as upstream; NULL for anything but the two types. */
static const char *draft_type(const char *v)
{
    if (v == NULL || *v == '\0' || strcmp(v, "reply") == 0)
        return "reply";
    if (strcmp(v, "private_note") == 0)
        return "private_note";
    return NULL;
}

static int blank(const char *s)
{
    for (; *s != '\0'; s++)
        if (!isspace((unsigned char)*s))
            return 0;
    return 1;
}

enum app_err h_draft_save(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct access_conv ca;
    struct json_object *b, *v;
    enum app_err e = conv_access(r, w, "uuid", &ca); /* before the body, as upstream */

    if (e == APP_OK)
        e = body_object(r, w, &b);
    if (e != APP_OK)
        return e;

    const char *content = "";
    if (json_object_object_get_ex(b, "content", &v) && v != NULL) {
        if (!json_object_is_type(v, json_type_string))
            return reply_fail(r, w, APP_ERR_INPUT, "Invalid `content`: expected a string");
        content = json_object_get_string(v);
    }
    if (strlen(content) > MESSAGE_MAX_LEN)
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid `content`: at most %d bytes",
                          MESSAGE_MAX_LEN);

    const char *meta = "{}";
    int meta_empty = 1;
    if (json_object_object_get_ex(b, "meta", &v) && v != NULL) {
        if (!json_object_is_type(v, json_type_object))
            return reply_fail(r, w, APP_ERR_INPUT, "Invalid `meta`: expected an object");
        meta = arena_strdup(r->arena, json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
        if (meta == NULL)
            return APP_ERR_INTERNAL;
        if (strlen(meta) > DRAFT_META_MAX)
            return reply_fail(r, w, APP_ERR_INPUT, "Invalid `meta`: at most %d bytes",
                              DRAFT_META_MAX);
        meta_empty = json_object_object_length(v) == 0;
    }

    const char *type = "reply";
    if (json_object_object_get_ex(b, "message_type", &v) && v != NULL) {
        type =
            json_object_is_type(v, json_type_string) ? draft_type(json_object_get_string(v)) : NULL;
        if (type == NULL)
            return reply_fail(r, w, APP_ERR_INPUT,
                              "Invalid `message_type`: use reply or private_note");
    }
    if (blank(content) && meta_empty)
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid `content`: the draft is empty");

    e = store_draft_save(c->db, r->arena, ca.id, c->who->id, type, content, meta, &w->data_json,
                         &w->data_len);
    if (e == APP_ERR_NOT_FOUND || e == APP_ERR_INPUT) /* the conversation went meanwhile */
        return reply_fail(r, w, APP_ERR_NOT_FOUND, "Conversation not found");
    return e;
}

/*
 * Removes the caller's drafts on the conversation: ?message_type= one of
 * them, both without it.  Only the caller's rows are touched, so (as
 * upstream) the access rule does not apply and nothing there is no error.
 */
enum app_err h_draft_delete(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    const char *uuid = router_capture(&r->match, "uuid");
    const char *mt = http_param(r, "message_type");
    const char *type = NULL;

    if (mt != NULL && *mt != '\0' && (type = draft_type(mt)) == NULL)
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid `message_type`: use reply or private_note");
    if (uuid == NULL || !v_uuid(uuid))
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid conversation `uuid`");
    return store_draft_delete(c->db, r->arena, uuid, c->who->id, type); /* data: true */
}
