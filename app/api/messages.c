/*
 * api/messages.c - a conversation's messages: list, one, send, retry.
 *
 * The conversation access rule applies first (before the body is read, as
 * upstream).  Replies are stored as outgoing/pending (delivery is someone
 * else's job), private notes as outgoing/sent with mentions, contact
 * messages (messages:write_as_contact) as incoming/received.
 */
#include "api/messages.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "lib/arena.h"
#include "lib/http.h"
#include "lib/text.h"
#include "lib/validate.h"
#include "lists/query.h"
#include "rules/access.h"
#include "rules/message.h"
#include "server/body.h"
#include "server/ctx.h"
#include "server/reply.h"
#include "store/media.h"
#include "store/messages.h"

#define MAX_MENTIONS 50
#define MAX_TYPES 3 /* incoming, outgoing, activity */

static int truthy(const char *v)
{
    return strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0 || strcasecmp(v, "y") == 0 ||
           strcasecmp(v, "yes") == 0;
}

enum app_err h_messages_list(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct access_conv ca;
    int64_t page, size, total;
    const char *json;
    size_t len;
    int priv = -1;
    enum app_err e = conv_access(r, w, "uuid", &ca);

    if (e != APP_OK)
        return e;
    cq_page_params(http_param(r, "page"), http_param(r, "page_size"), &page, &size);
    const char *pv = http_param(r, "private");
    if (pv != NULL && *pv != '\0')
        priv = truthy(pv);
    /* `type` may repeat: incoming, outgoing, activity. */
    const char **types = ARENA_NEW(r->arena, const char *, r->nparams + 1);
    size_t ntypes = 0;
    if (types == NULL)
        return APP_ERR_INTERNAL;
    for (size_t i = 0; i < r->nparams; i++) {
        const char *v = r->params[i].value;
        if (strcmp(r->params[i].key, "type") != 0 || *v == '\0')
            continue;
        if (strcmp(v, "incoming") != 0 && strcmp(v, "outgoing") != 0 && strcmp(v, "activity") != 0)
            return reply_fail(r, w, APP_ERR_INPUT,
                              "Invalid `type`: use incoming, outgoing or activity");
        types[ntypes++] = v;
    }
    e = store_messages_page(c->db, r->arena, ca.id, priv, types, ntypes, size, (page - 1) * size,
                            &total, &json, &len);
    if (e != APP_OK)
        return e;
    return reply_page(r, w, json, len, total, size, page);
}

/*
 * The conversation of capture "cuuid" (the access rule applies) and its
 * message named by capture "uuid" (403 if it is another conversation's).
 */
static enum app_err path_message(struct req *r, struct resp *w, struct access_conv *ca, int64_t *id)
{
    struct ctx *c = r->ctx;
    const char *uuid = router_capture(&r->match, "uuid");
    int64_t conv;
    enum app_err e = conv_access(r, w, "cuuid", ca);

    if (e != APP_OK)
        return e;
    if (uuid == NULL || !v_uuid(uuid))
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid message `uuid`");
    e = store_message_of(c->db, r->arena, uuid, id, &conv);
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "Message not found");
    if (e != APP_OK)
        return e;
    return conv == ca->id ? APP_OK : APP_ERR_PERMISSION;
}

enum app_err h_message_get(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct access_conv ca;
    int64_t id;
    enum app_err e = path_message(r, w, &ca, &id);

    if (e != APP_OK)
        return e;
    e = store_message_json(c->db, r->arena, id, &w->data_json, &w->data_len);
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "Message not found");
    return e;
}

/* Parses `mentions`: [{"type": "agent"|"team", "id": N}, ...]. */
static enum app_err mentions(struct req *r, struct resp *w, struct json_object *b,
                             struct store_message_new *m)
{
    struct json_object *list;
    if (!json_object_object_get_ex(b, "mentions", &list) ||
        json_object_is_type(list, json_type_null))
        return APP_OK;
    size_t n = json_object_is_type(list, json_type_array) ? json_object_array_length(list) : 0;
    if (!json_object_is_type(list, json_type_array) || n > MAX_MENTIONS)
        goto bad;
    const char **types = ARENA_NEW(r->arena, const char *, n + 1);
    int64_t *ids = ARENA_NEW(r->arena, int64_t, n + 1);
    if (types == NULL || ids == NULL)
        return APP_ERR_INTERNAL;
    for (size_t i = 0; i < n; i++) {
        struct json_object *it = json_object_array_get_idx(list, i);
        const char *t = body_string(it, "type");
        if (t == NULL || (strcmp(t, "agent") != 0 && strcmp(t, "team") != 0) ||
            !body_int64(it, "id", &ids[i]) || ids[i] <= 0 || ids[i] > INT32_MAX)
            goto bad;
        types[i] = t;
    }
    m->mention_types = types;
    m->mention_ids = ids;
    m->nmentions = n;
    return APP_OK;
bad:
    return reply_fail(r, w, APP_ERR_INPUT,
                      "Invalid `mentions`: a list of {\"type\": \"agent\"|\"team\", \"id\": N}");
}

enum app_err h_message_send(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct access_conv ca;
    struct json_object *b, *pv;
    struct store_message_new m;
    int64_t msg_id;
    enum app_err e = conv_access(r, w, "cuuid", &ca); /* before the body, as upstream */

    if (e == APP_OK)
        e = body_object(r, w, &b);
    if (e != APP_OK)
        return e;
    memset(&m, 0, sizeof(m));
    const char *sender = body_string(b, "sender_type");
    if (sender == NULL || (strcmp(sender, "agent") != 0 && strcmp(sender, "contact") != 0))
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid `sender_type`: use agent or contact");
    int priv = json_object_object_get_ex(b, "private", &pv) &&
               json_object_is_type(pv, json_type_boolean) && json_object_get_boolean(pv);
    const char *html = body_string(b, "message");
    if (html == NULL || *html == '\0')
        return reply_fail(r, w, APP_ERR_INPUT, "`message` empty");
    if (strlen(html) > MESSAGE_MAX_LEN)
        return reply_fail(r, w, APP_ERR_INPUT, "`message` is too long");
    if (strcmp(sender, "contact") == 0) {
        if (!app_has_perm(c->who, "messages:write_as_contact"))
            return APP_ERR_PERMISSION;
        if (priv)
            return reply_fail(r, w, APP_ERR_INPUT, "A contact's message cannot be private");
        m.type = "incoming";
        m.status = "received";
        m.sender_id = ca.contact_id;
    } else {
        m.type = "outgoing";
        m.status = priv ? "sent" : "pending";
        m.sender_id = c->who->id;
        if ((e = mentions(r, w, b, &m)) != APP_OK)
            return e;
        if (!priv)
            m.nmentions = 0; /* mentions belong to private notes */
    }
    m.conv_id = ca.id;
    if ((e = message_body(r, w, b, sender, priv, html, &m)) != APP_OK)
        return e;
    e = store_message_send(c->db, r->arena, &m, &msg_id);
    if (e == APP_ERR_CONFLICT) /* an attachment linked by another request meanwhile */
        return reply_fail(r, w, e,
                          "An attachment was attached elsewhere at the same moment; send again");
    if (e != APP_OK)
        return e;
    return store_message_json(c->db, r->arena, msg_id, &w->data_json, &w->data_len);
}

enum app_err h_message_retry(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct access_conv ca;
    int64_t id;
    enum app_err e = path_message(r, w, &ca, &id);

    if (e != APP_OK)
        return e;
    e = store_message_retry(c->db, r->arena, router_capture(&r->match, "uuid"), ca.id, c->who->id);
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, APP_ERR_INPUT, "Only your own failed replies can be retried");
    if (e != APP_OK)
        return e;
    return store_message_json(c->db, r->arena, id, &w->data_json, &w->data_len);
}
