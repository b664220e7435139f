/*
 * api/wassist.c - Wassist's conversations (seed 004) over deskd's:
 *
 * - GET /wassist/api/v1/conversations/ : the conversations the caller may
 *   open (the access rule's scopes, as deskd's views), newest message
 *   first, with agent (an inbox uuid: Wassist's AI agent is the channel),
 *   contact (phone number or e-mail), hasUnread, lastMessageAfter (>=),
 *   lastMessageBefore (<), status (active: category open or waiting;
 *   closed: resolved), limit (20, at most 100) and offset; the reply is
 *   {count, next, previous, results} with absolute URLs.
 * - GET .../conversations/{uuid}/ : one conversation.
 * - GET .../{uuid}/messages/ : its messages (not activity), newest first,
 *   in DRF's page; POST .../{uuid}/messages/ : a reply by the caller.
 * - POST /wassist/api/v1/conversations/ : a new conversation with the
 *   contact of a phone number in an inbox (agentId).
 * - POST .../{uuid}/takeover/ : assigns it to the caller (human takeover);
 *   POST .../{uuid}/handback/ : removes the assigned agent (back to the
 *   bot).  Both through the assign routes' statement (activity message).
 * - POST .../{uuid}/prompt/ : an instruction for the agent, kept as the
 *   caller's private note.
 *
 * Errors: DRF's {"detail": "..."}; a bad parameter {"<param>": ["..."]}
 * (wassist_error_body: a message "<param>: <text>" from this file).
 */
#include "api/wassist.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/arena.h"
#include "lib/http.h"
#include "lib/jsonw.h"
#include "lib/sbuf.h"
#include "lib/validate.h"
#include "lists/params.h"
#include "lists/query.h"
#include "rules/access.h"
#include "rules/message.h"
#include "server/body.h"
#include "server/ctx.h"
#include "server/dialect.h"
#include "server/reply.h"
#include "store/conversation.h"
#include "store/messages.h"
#include "store/wassist.h"

#define WASSIST_DEFAULT_LIMIT 20
#define WASSIST_MAX_LIMIT 100

/* "<param>: <text>" (param letters only) is a field error; anything else a detail. */
static void wassist_error_body(struct arena *a, enum app_err e, const char *message,
                               const char **body, size_t *len)
{
    struct sbuf sb;
    size_t n = strspn(message, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_");
    static const char fallback[] = "{\"detail\":\"A server error occurred.\"}";

    sbuf_init(&sb, a);
    if (e == APP_ERR_INPUT && n > 0 && message[n] == ':' && message[n + 1] == ' ') {
        sbuf_add(&sb, "{");
        jw_str(&sb, message, n);
        sbuf_add(&sb, ":[");
        jw_str(&sb, message + n + 2, strlen(message + n + 2));
        sbuf_add(&sb, "]}");
    } else {
        if (e == APP_ERR_PERMISSION && strcmp(message, err_message(e)) == 0)
            message = "You do not have permission to perform this action.";
        else if (e == APP_ERR_ROUTE_NOT_FOUND || e == APP_ERR_NOT_FOUND)
            message = e == APP_ERR_NOT_FOUND ? message : "Not found.";
        sbuf_add(&sb, "{\"detail\":");
        jw_str(&sb, message, strlen(message));
        sbuf_add(&sb, "}");
    }
    *body = sbuf_str(&sb);
    *len = sb.len;
    if (*body == NULL) {
        *body = fallback;
        *len = sizeof(fallback) - 1;
    }
}

const struct dialect wassist_dialect = {"wassist", DIALECT_KEY_X_API_KEY, wassist_error_body};

/* An integer parameter in [min, max] with DRF's words; def when absent. */
static enum app_err int_param(struct req *r, struct resp *w, const char *name, int64_t min,
                              int64_t max, int64_t def, int64_t *out)
{
    const char *s = http_param(r, name);
    int64_t v;

    *out = def;
    if (s == NULL)
        return APP_OK;
    if (v_int64(s, INT64_MIN, INT64_MAX, &v) != 0)
        return reply_fail(r, w, APP_ERR_INPUT, "%s: A valid integer is required.", name);
    if (v < min)
        return reply_fail(r, w, APP_ERR_INPUT,
                          "%s: Ensure this value is greater than or equal to %lld.", name,
                          (long long)min);
    if (v > max)
        return reply_fail(r, w, APP_ERR_INPUT,
                          "%s: Ensure this value is less than or equal to %lld.", name,
                          (long long)max);
    *out = v;
    return APP_OK;
}

/* The list's filters into rq; a bad one is a field error naming it. */
static enum app_err filters(struct req *r, struct resp *w, struct cq_request *rq)
{
    const char *agent = http_param(r, "agent"), *contact = http_param(r, "contact");
    const char *unread = http_param(r, "hasUnread"), *status = http_param(r, "status");
    const char *after = http_param(r, "lastMessageAfter");
    const char *before = http_param(r, "lastMessageBefore");
    int b;

    if (agent != NULL && !v_uuid(agent))
        return reply_fail(r, w, APP_ERR_INPUT, "agent: Must be a valid UUID.");
    if (contact != NULL && *contact == '\0')
        return reply_fail(r, w, APP_ERR_INPUT,
                          "contact: Ensure this field has at least 1 characters.");
    if (contact != NULL && strlen(contact) > 320)
        return reply_fail(r, w, APP_ERR_INPUT,
                          "contact: Ensure this field has no more than 320 characters.");
    if (unread != NULL && !list_bool(unread, &b))
        return reply_fail(r, w, APP_ERR_INPUT, "hasUnread: Must be a valid boolean.");
    if (after != NULL && !cq_is_timestamp(after))
        return reply_fail(r, w, APP_ERR_INPUT, "lastMessageAfter: Enter a valid date/time.");
    if (before != NULL && !cq_is_timestamp(before))
        return reply_fail(r, w, APP_ERR_INPUT, "lastMessageBefore: Enter a valid date/time.");
    if (status != NULL && strcmp(status, "active") != 0 && strcmp(status, "closed") != 0)
        return reply_fail(r, w, APP_ERR_INPUT,
                          "status: Select a valid choice. That choice is not one of the available"
                          " choices.");
    rq->inbox_uuid = agent;
    rq->contact = contact;
    if (unread != NULL)
        rq->has_unread = b ? CQ_UNREAD_YES : CQ_UNREAD_NO;
    rq->last_message_after = after;
    rq->last_message_before = before;
    if (status != NULL)
        rq->state = strcmp(status, "active") == 0 ? CQ_STATE_ACTIVE : CQ_STATE_CLOSED;
    return APP_OK;
}

/* The request's own URL with limit and offset set: scheme://host/path?...&limit=L&offset=O. */
static void page_url(struct req *r, struct sbuf *sb, int64_t limit, int64_t offset)
{
    const char *host = r->host;
    int https = r->scheme != NULL && strcmp(r->scheme, "https") == 0;
    struct sbuf u;

    if (host == NULL || *host == '\0' || strlen(host) > 255 ||
        host[strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]")] !=
            '\0')
        host = "localhost"; /* a Host header that is no host name goes nowhere */
    sbuf_init(&u, r->arena);
    sbuf_addf(&u, "%s://%s%s?", https ? "https" : "http", host, r->path);
    for (const char *p = r->query; p != NULL && *p != '\0';) {
        const char *end = strchr(p, '&');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        size_t k = strcspn(p, "=&");
        if (k > n)
            k = n;
        if (n > 0 && !(k == 5 && strncmp(p, "limit", 5) == 0) &&
            !(k == 6 && strncmp(p, "offset", 6) == 0)) {
            sbuf_addn(&u, p, n);
            sbuf_add(&u, "&");
        }
        p = end ? end + 1 : NULL;
    }
    sbuf_addf(&u, "limit=%lld&offset=%lld", (long long)limit, (long long)offset);
    const char *s = sbuf_str(&u);
    if (s != NULL)
        jw_str(sb, s, u.len);
    else
        jw_null(sb);
}

/* DRF's limit/offset page: {count, next, previous, results} as the whole body. */
static enum app_err drf_page(struct req *r, struct resp *w, int64_t total, int64_t limit,
                             int64_t offset, const char *results, size_t len)
{
    struct sbuf sb;
    sbuf_init(&sb, r->arena);
    sbuf_reserve(&sb, len + 1024);
    sbuf_addf(&sb, "{\"count\":%lld,\"next\":", (long long)total);
    if (offset + limit < total)
        page_url(r, &sb, limit, offset + limit);
    else
        jw_null(&sb);
    sbuf_add(&sb, ",\"previous\":");
    if (offset > 0)
        page_url(r, &sb, limit, offset > limit ? offset - limit : 0);
    else
        jw_null(&sb);
    sbuf_add(&sb, ",\"results\":");
    sbuf_addn(&sb, results, len);
    sbuf_add(&sb, "}");
    const char *body = sbuf_str(&sb);
    if (body == NULL)
        return APP_ERR_INTERNAL;
    return reply_body(w, body, sb.len);
}

enum app_err h_wassist_conversations(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct cq_request rq = {0};
    struct cq_query q;
    const char *msg = NULL, *results;
    size_t len;
    int64_t total, limit, offset;
    enum app_err e = int_param(r, w, "limit", 1, WASSIST_MAX_LIMIT, WASSIST_DEFAULT_LIMIT, &limit);

    if (e == APP_OK)
        e = int_param(r, w, "offset", 0, CQ_MAX_OFFSET, 0, &offset);
    if (e == APP_OK)
        e = filters(r, w, &rq);
    if (e != APP_OK)
        return e;
    rq.list = CQ_VIEW; /* what the access rule lets the caller open */
    rq.scopes = access_read_scopes(c->who);
    rq.user_id = c->who->id;
    rq.page = 1;
    rq.page_size = limit;
    rq.use_offset = 1;
    rq.offset = offset;
    if (rq.scopes == 0) { /* no conversation permission reaches any conversation */
        total = 0;
        results = "[]";
        len = 2;
    } else {
        e = cq_build(r->arena, &rq, &q, &msg);
        if (e == APP_ERR_INPUT && msg != NULL)
            return reply_fail(r, w, e, "%s", msg);
        if (e == APP_OK)
            e = store_wassist_list(c->db, r->arena, &q, &total, &results, &len);
    }
    if (e != APP_OK)
        return e;

    return drf_page(r, w, total, limit, offset, results, len);
}

/* The conversation of the route ({uuid}), as the access rule lets the caller see it. */
static enum app_err one(struct req *r, struct resp *w, int64_t *id)
{
    struct access_conv ca;
    enum app_err e = conv_access(r, w, "uuid", &ca);
    *id = e == APP_OK ? ca.id : 0;
    if (e == APP_ERR_INPUT) /* a malformed uuid names no conversation: DRF's 404 */
        return reply_fail(r, w, APP_ERR_NOT_FOUND, "Not found.");
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "Not found.");
    return e;
}

static enum app_err answer(struct req *r, struct resp *w, int64_t id)
{
    struct ctx *c = r->ctx;
    const char *json;
    size_t len;
    enum app_err e = store_wassist_conversation(c->db, r->arena, id, c->who->id, &json, &len);

    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "Not found.");
    if (e != APP_OK)
        return e;
    return reply_body(w, json, len);
}

enum app_err h_wassist_conversation(struct req *r, struct resp *w)
{
    int64_t id;
    enum app_err e = one(r, w, &id);
    return e != APP_OK ? e : answer(r, w, id);
}

/* GET .../{uuid}/messages/: newest first, limit (20, at most 100) and offset. */
enum app_err h_wassist_messages(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    int64_t id, limit, offset, total;
    const char *json;
    size_t len;
    enum app_err e = int_param(r, w, "limit", 1, WASSIST_MAX_LIMIT, WASSIST_DEFAULT_LIMIT, &limit);

    if (e == APP_OK)
        e = int_param(r, w, "offset", 0, CQ_MAX_OFFSET, 0, &offset);
    if (e == APP_OK)
        e = one(r, w, &id);
    if (e == APP_OK)
        e = store_wassist_messages(c->db, r->arena, id, limit, offset, &total, &json, &len);
    if (e != APP_OK)
        return e;
    return drf_page(r, w, total, limit, offset, json, len);
}

/* Plain text as the HTML of a message: escaped, in one paragraph (NULL: arena refused). */
static const char *text_html(struct arena *a, const char *text)
{
    struct sbuf sb;
    sbuf_init(&sb, a);
    sbuf_add(&sb, "<p>");
    for (const char *p = text; *p != '\0'; p++) {
        if (*p == '<')
            sbuf_add(&sb, "&lt;");
        else if (*p == '>')
            sbuf_add(&sb, "&gt;");
        else if (*p == '&')
            sbuf_add(&sb, "&amp;");
        else if (*p == '"')
            sbuf_add(&sb, "&quot;");
        else if (*p == '\n')
            sbuf_add(&sb, "<br>");
        else
            sbuf_addn(&sb, p, 1);
    }
    sbuf_add(&sb, "</p>");
    return sbuf_str(&sb);
}

/*
 * A text message of b as a reply by the caller into m (m.conv_id is the
 * caller's): {"type": "text" (the default), "unified": {"text": "..."}}, or
 * the text in "content", "text" or "message".  Templates are WhatsApp's,
 * which deskd does not send: 400, as any other type; field names the
 * object in errors ("content" in a message's own body).
 */
static enum app_err text_reply(struct req *r, struct resp *w, struct json_object *b,
                               const char *field, struct store_message_new *m)
{
    struct ctx *c = r->ctx;
    struct json_object *unified;
    const char *type = body_string(b, "type");

    if (type != NULL && strcmp(type, "text") != 0 && strcmp(type, "unified") != 0) {
        if (strcmp(type, "template") == 0)
            return reply_fail(r, w, APP_ERR_INPUT,
                              "%s: Template messages are not supported; send type text.",
                              strcmp(field, "content") == 0 ? "type" : field);
        return reply_fail(r, w, APP_ERR_INPUT,
                          "%s: Select a valid choice. That choice is not one of the available"
                          " choices.",
                          strcmp(field, "content") == 0 ? "type" : field);
    }
    const char *text = NULL;
    if (json_object_object_get_ex(b, "unified", &unified) &&
        json_object_is_type(unified, json_type_object))
        text = body_string(unified, "text");
    if (text == NULL)
        text = body_string(b, "content");
    if (text == NULL)
        text = body_string(b, "text");
    if (text == NULL)
        text = body_string(b, "message");
    if (text == NULL || *text == '\0')
        return reply_fail(r, w, APP_ERR_INPUT, "%s: This field is required.", field);
    if (strlen(text) > MESSAGE_MAX_LEN / 8)
        return reply_fail(r, w, APP_ERR_INPUT,
                          "%s: Ensure this field has no more than %d characters.", field,
                          MESSAGE_MAX_LEN / 8);
    const char *html = text_html(r->arena, text);
    if (html == NULL)
        return APP_ERR_INTERNAL;
    m->type = "outgoing";
    m->status = "pending";
    m->sender_id = c->who->id;
    return message_body(r, w, b, "agent", 0, html, m);
}

/*
 * POST .../{uuid}/messages/: a text message (text_reply()) is a reply by
 * the caller, as deskd's POST .../messages with sender_type agent; 201
 * with the message.
 */
enum app_err h_wassist_message_send(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct json_object *b;
    struct store_message_new m;
    int64_t id, msg_id;
    enum app_err e = one(r, w, &id);

    if (e == APP_OK)
        e = body_object(r, w, &b);
    if (e != APP_OK)
        return e;
    memset(&m, 0, sizeof(m));
    m.conv_id = id;
    if ((e = text_reply(r, w, b, "content", &m)) != APP_OK)
        return e;
    const char *json_out;
    size_t len_out;
    e = store_message_send(c->db, r->arena, &m, &msg_id);
    if (e == APP_ERR_CONFLICT)
        return reply_fail(r, w, e, "An attachment was attached elsewhere at the same moment.");
    if (e == APP_OK)
        e = store_wassist_message(c->db, r->arena, msg_id, &json_out, &len_out);
    if (e != APP_OK)
        return e;
    w->status = 201;
    return reply_body(w, json_out, len_out);
}

/* Takeover: the caller becomes the assigned agent; handback: no agent (the bot answers). */
static enum app_err assign(struct req *r, struct resp *w, int takeover)
{
    struct ctx *c = r->ctx;
    int64_t id;
    enum app_err e = one(r, w, &id);

    if (e == APP_OK)
        e = store_conversation_assign(c->db, r->arena, id, STORE_ASSIGNEE_AGENT,
                                      takeover ? c->who->id : 0, c->who->id);
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "Not found.");
    return e != APP_OK ? e : answer(r, w, id);
}

enum app_err h_wassist_takeover(struct req *r, struct resp *w)
{
    return assign(r, w, 1);
}

enum app_err h_wassist_handback(struct req *r, struct resp *w)
{
    return assign(r, w, 0);
}

/* A phone number as deskd stores it: an optional +, then 4 to 19 digits. */
static int phone_ok(const char *s)
{
    size_t n = 0;
    if (*s == '+')
        s++;
    for (; *s != '\0'; s++, n++)
        if (*s < '0' || *s > '9')
            return 0;
    return n >= 4 && n <= 19;
}

/*
 * POST /wassist/api/v1/conversations/: {"agentId": an inbox uuid,
 * "toNumber" (or the deprecated "phoneNumber"): the contact's number,
 * "fromNumber" (ignored: the inbox is the sender), "message" (optional: a
 * text message as .../messages/ takes, sent as the caller's reply)}.  A
 * new Open conversation in that inbox with the contact of that number
 * (found, or made and named after the number); 201 with the Conversation.
 */
enum app_err h_wassist_create(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct json_object *b, *msg = NULL;
    struct store_conversation_new cn;
    struct store_message_new m;
    enum store_inbox_state state;
    int64_t conv_id;
    int ext_taken;
    enum app_err e = body_object(r, w, &b);

    if (e != APP_OK)
        return e;
    memset(&cn, 0, sizeof(cn));
    memset(&m, 0, sizeof(m));
    cn.actor = c->who->id;
    const char *agent = body_string(b, "agentId");
    if (agent == NULL || *agent == '\0')
        return reply_fail(r, w, APP_ERR_INPUT, "agentId: This field is required.");
    if (!v_uuid(agent))
        return reply_fail(r, w, APP_ERR_INPUT, "agentId: Must be a valid UUID.");
    const char *phone = body_string(b, "toNumber");
    if (phone == NULL || *phone == '\0')
        phone = body_string(b, "phoneNumber");
    if (phone == NULL || *phone == '\0')
        return reply_fail(r, w, APP_ERR_INPUT, "toNumber: This field is required.");
    if (!phone_ok(phone))
        return reply_fail(r, w, APP_ERR_INPUT, "toNumber: Enter a valid phone number.");
    cn.phone = cn.first_name = phone;
    cn.last_name = "";
    if (json_object_object_get_ex(b, "message", &msg) &&
        !json_object_is_type(msg, json_type_null)) {
        if (!json_object_is_type(msg, json_type_object))
            return reply_fail(r, w, APP_ERR_INPUT, "message: Expected an object.");
        if ((e = text_reply(r, w, msg, "message", &m)) != APP_OK)
            return e;
    } else {
        msg = NULL;
    }
    e = store_wassist_inbox(c->db, r->arena, agent, &cn.inbox_id);
    if (e == APP_OK)
        e = store_inbox_state(c->db, r->arena, cn.inbox_id, &state);
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, APP_ERR_INPUT, "agentId: Agent not found.");
    if (e != APP_OK)
        return e;
    if (state == STORE_INBOX_DISABLED)
        return reply_fail(r, w, APP_ERR_INPUT, "agentId: Agent is disabled.");
    e = store_conversation_create(c->db, r->arena, &cn, msg ? &m : NULL, &conv_id, &ext_taken);
    if (e == APP_ERR_CONFLICT) /* an attachment linked by another request meanwhile */
        return reply_fail(r, w, e, "An attachment was attached elsewhere at the same moment.");
    if (e != APP_OK)
        return e;
    w->status = 201;
    return answer(r, w, conv_id);
}

/*
 * POST .../{uuid}/prompt/: {"prompt": "..."}, an instruction for the agent
 * of an active conversation.  deskd's agents are people: the instruction
 * is kept as the caller's private note on the conversation, which the
 * agents see; 204.  A resolved conversation is not active: 400.
 */
enum app_err h_wassist_prompt(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct json_object *b;
    struct store_message_new m;
    int64_t id, msg_id;
    int active;
    enum app_err e = one(r, w, &id);

    if (e == APP_OK)
        e = body_object(r, w, &b);
    if (e != APP_OK)
        return e;
    const char *prompt = body_string(b, "prompt");
    if (prompt == NULL || *prompt == '\0')
        return reply_fail(r, w, APP_ERR_INPUT, "prompt: This field is required.");
    if (strlen(prompt) > MESSAGE_MAX_LEN / 8)
        return reply_fail(r, w, APP_ERR_INPUT,
                          "prompt: Ensure this field has no more than %d characters.",
                          MESSAGE_MAX_LEN / 8);
    if ((e = store_wassist_active(c->db, r->arena, id, &active)) != APP_OK)
        return e;
    if (!active)
        return reply_fail(r, w, APP_ERR_INPUT, "Conversation is not active.");
    const char *html = text_html(r->arena, prompt);
    if (html == NULL)
        return APP_ERR_INTERNAL;
    memset(&m, 0, sizeof(m));
    m.conv_id = id;
    m.type = "outgoing";
    m.status = "sent";
    m.is_private = 1;
    m.sender_id = c->who->id;
    if ((e = message_body(r, w, b, "agent", 1, html, &m)) != APP_OK)
        return e;
    if ((e = store_message_send(c->db, r->arena, &m, &msg_id)) != APP_OK)
        return e;
    w->status = 204;
    return reply_body(w, "", 0);
}
