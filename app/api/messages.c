/*
 * h_messages.c - a conversation's messages: list, one, send, retry.
 *
 * The conversation access rule applies first (before the body is read, as
 * upstream).  Replies are stored as outgoing/pending (delivery is someone
 * else's job), private notes as outgoing/sent with mentions, contact
 * messages (messages:write_as_contact) as incoming/received.
 */
#include "api/handlers.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "lib/arena.h"
#include "lib/db.h"
#include "lib/http.h"
#include "lib/sbuf.h"
#include "lib/text.h"
#include "lib/validate.h"
#include "server/ctx.h"
#include "server/reply.h"
#include "server/body.h"
#include "rules/access.h"
#include "lists/query.h"
#include "store/queries.h"

#define MAX_MESSAGE (1024 * 1024)
#define MAX_MENTIONS 50
#define MAX_ATTACHMENTS 50

static int truthy(const char *v)
{
    return strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0 || strcasecmp(v, "y") == 0 ||
           strcasecmp(v, "yes") == 0;
}

enum app_err h_messages_list(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct q_conv_access ca;
    int64_t page, size, total;
    const char *json, *priv = NULL, *types = NULL;
    size_t len;
    enum app_err e = conv_access(r, w, "uuid", &ca);

    if (e != APP_OK)
        return e;
    cq_page_params(http_param(r, "page"), http_param(r, "page_size"), &page, &size);
    const char *pv = http_param(r, "private");
    if (pv != NULL && *pv != '\0')
        priv = truthy(pv) ? "true" : "false";
    /* `type` may repeat: incoming, outgoing, activity. */
    struct sbuf tb;
    sbuf_init(&tb, r->arena);
    int ntypes = 0;
    for (size_t i = 0; i < r->nparams; i++) {
        const char *v = r->params[i].value;
        if (strcmp(r->params[i].key, "type") != 0 || *v == '\0')
            continue;
        if (strcmp(v, "incoming") != 0 && strcmp(v, "outgoing") != 0 &&
            strcmp(v, "activity") != 0) {
            w->message = "Invalid `type`: use incoming, outgoing or activity";
            return APP_ERR_INPUT;
        }
        sbuf_add(&tb, ntypes++ ? "," : "{");
        sbuf_add(&tb, v);
    }
    if (ntypes > 0) {
        sbuf_add(&tb, "}");
        types = sbuf_str(&tb);
    }
    e = q_messages_page(c->db, r->arena, ca.id, priv, types, size, (page - 1) * size, &total, &json,
                        &len);
    if (e != APP_OK)
        return e;
    if ((e = reply_page(r, w, json, len, total, size, page)) != APP_OK)
        return e;
    return APP_OK;
}

/* The message named by capture "uuid"; it must belong to the conversation (403 otherwise). */
static enum app_err message_in(struct req *r, struct resp *w, const struct q_conv_access *ca,
                               const char **id)
{
    struct ctx *c = r->ctx;
    const char *uuid = router_capture(&r->match, "uuid");
    const char *conv;

    if (uuid == NULL || !v_uuid(uuid)) {
        w->message = "Invalid message `uuid`";
        return APP_ERR_INPUT;
    }
    enum app_err e = q_message_of(c->db, r->arena, uuid, id, &conv);
    if (e != APP_OK)
        return e;
    if (*id == NULL) {
        w->message = "Message not found";
        return APP_ERR_NOT_FOUND;
    }
    if (strcmp(conv, ca->id) != 0)
        return APP_ERR_PERMISSION;
    return APP_OK;
}

enum app_err h_message_get(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct q_conv_access ca;
    const char *id;
    enum app_err e = conv_access(r, w, "cuuid", &ca);

    if (e == APP_OK)
        e = message_in(r, w, &ca, &id);
    if (e != APP_OK)
        return e;
    const char *p[1] = {id};
    e = store_json(c->db, r->arena, STMT_MESSAGE_JSON, p, &w->data_json, &w->data_len);
    if (e == APP_OK && w->data_json == NULL) {
        w->message = "Message not found";
        return APP_ERR_NOT_FOUND;
    }
    return e;
}

/* Parses `mentions`: [{"type": "agent"|"team", "id": N}, ...]. */
static enum app_err mentions(struct req *r, struct resp *w, struct json_object *b,
                             struct q_message_new *m)
{
    struct json_object *list;
    if (!json_object_object_get_ex(b, "mentions", &list) ||
        json_object_is_type(list, json_type_null))
        return APP_OK;
    size_t n = json_object_is_type(list, json_type_array) ? json_object_array_length(list) : 0;
    if (!json_object_is_type(list, json_type_array) || n > MAX_MENTIONS)
        goto bad;
    const char **types = ARENA_NEW(r->arena, const char *, n + 1);
    const char **ids = ARENA_NEW(r->arena, const char *, n + 1);
    if (types == NULL || ids == NULL)
        return APP_ERR_TOO_LARGE;
    for (size_t i = 0; i < n; i++) {
        struct json_object *it = json_object_array_get_idx(list, i);
        const char *t = body_string(it, "type");
        int64_t id;
        if (t == NULL || (strcmp(t, "agent") != 0 && strcmp(t, "team") != 0) ||
            !body_int64(it, "id", &id) || id <= 0 || id > INT32_MAX)
            goto bad;
        types[i] = t;
        ids[i] = arena_printf(r->arena, "%lld", (long long)id);
    }
    m->mention_types = types;
    m->mention_ids = ids;
    m->nmentions = n;
    return APP_OK;
bad:
    w->message = "Invalid `mentions`: a list of {\"type\": \"agent\"|\"team\", \"id\": N}";
    return APP_ERR_INPUT;
}

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/*
 * Parses `attachments`: media ids from POST /api/v1/media, each not yet
 * linked (a repeated id counts once).  Checked here so that the 400 can name
 * the id; the transaction checks again.  Shared by send and create.
 */
static enum app_err attachments(struct req *r, struct resp *w, struct json_object *b,
                                struct q_message_new *m)
{
    struct ctx *c = r->ctx;
    struct json_object *list;
    if (!json_object_object_get_ex(b, "attachments", &list) ||
        json_object_is_type(list, json_type_null))
        return APP_OK;
    size_t n = json_object_is_type(list, json_type_array) ? json_object_array_length(list) : 0;
    if (!json_object_is_type(list, json_type_array) || n > MAX_ATTACHMENTS) {
        w->message = arena_printf(r->arena, "Invalid `attachments`: a list of at most %d media ids",
                                  MAX_ATTACHMENTS);
        return APP_ERR_INPUT;
    }
    if (n == 0)
        return APP_OK;
    int64_t *ids = ARENA_NEW(r->arena, int64_t, n);
    if (ids == NULL)
        return APP_ERR_TOO_LARGE;
    for (size_t i = 0; i < n; i++) {
        struct json_object *v = json_object_array_get_idx(list, i);
        ids[i] = json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : 0;
        if (ids[i] <= 0 || ids[i] > INT32_MAX) {
            w->message = "Invalid `attachments`: each item is a media id (a positive integer)";
            return APP_ERR_INPUT;
        }
    }
    qsort(ids, n, sizeof(ids[0]), cmp_id);
    struct sbuf sb;
    sbuf_init(&sb, r->arena);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && ids[i] == ids[i - 1])
            continue;
        sbuf_add(&sb, k++ ? "," : "{");
        sbuf_add(&sb, arena_printf(r->arena, "%lld", (long long)ids[i]));
    }
    sbuf_add(&sb, "}");
    if ((m->attachments = sbuf_str(&sb)) == NULL)
        return APP_ERR_TOO_LARGE;
    m->nattachments = k;

    struct db_res *res;
    const char *p[1] = {m->attachments};
    enum app_err e = db_run(c->db, r->arena, STMT_MEDIA_UNLINKABLE, p, &res);
    if (e != APP_OK || db_ntuples(res) == 0)
        return e;
    w->message = arena_printf(r->arena,
                              db_value(res, 0, 1)[0] == 't'
                                  ? "Attachment %s not found: upload it with POST /api/v1/media"
                                  : "Attachment %s is already attached elsewhere",
                              db_value(res, 0, 0));
    return APP_ERR_INPUT;
}

/* An attachment linked by another request between the check and the commit. */
static enum app_err attach_race(struct resp *w, enum app_err e)
{
    if (e == APP_ERR_CONFLICT)
        w->message = "An attachment was attached elsewhere at the same moment; send again";
    return e;
}

/* Fills the text, preview and meta of m from the request body (shared by send and create). */
static enum app_err message_text(struct req *r, struct json_object *b, const char *sender, int priv,
                                 const char *html, struct q_message_new *m)
{
    m->sender_type = sender;
    m->private_s = priv ? "true" : "false";
    m->content = html;
    m->text = text_from_html(r->arena, html);
    m->preview = m->text ? text_prefix(r->arena, m->text, 1000) : NULL;
    /* meta keeps what upstream keeps there: the client's echo id and the recipients. */
    struct json_object *meta = json_object_new_object();
    static const char *const keep[] = {"echo_id", "to", "cc", "bcc"};
    for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
        struct json_object *v;
        if (json_object_object_get_ex(b, keep[i], &v) && !json_object_is_type(v, json_type_null))
            json_object_object_add(meta, keep[i], json_object_get(v));
    }
    m->meta = arena_strdup(r->arena, json_object_to_json_string_ext(meta, JSON_C_TO_STRING_PLAIN));
    json_object_put(meta);
    if (m->text == NULL || m->preview == NULL || m->meta == NULL)
        return APP_ERR_TOO_LARGE;
    return APP_OK;
}

enum app_err h_message_send(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct q_conv_access ca;
    struct json_object *b, *pv;
    struct q_message_new m;
    const char *msg_id;
    enum app_err e = conv_access(r, w, "cuuid", &ca); /* before the body, as upstream */

    if (e == APP_OK)
        e = body_object(r, w, &b);
    if (e != APP_OK)
        return e;
    memset(&m, 0, sizeof(m));
    const char *sender = body_string(b, "sender_type");
    if (sender == NULL || (strcmp(sender, "agent") != 0 && strcmp(sender, "contact") != 0)) {
        w->message = "Invalid `sender_type`: use agent or contact";
        return APP_ERR_INPUT;
    }
    int priv = json_object_object_get_ex(b, "private", &pv) &&
               json_object_is_type(pv, json_type_boolean) && json_object_get_boolean(pv);
    const char *html = body_string(b, "message");
    if (html == NULL || *html == '\0') {
        w->message = "`message` empty";
        return APP_ERR_INPUT;
    }
    if (strlen(html) > MAX_MESSAGE) {
        w->message = "`message` is too long";
        return APP_ERR_INPUT;
    }
    if (strcmp(sender, "contact") == 0) {
        if (!app_has_perm(c->who, "messages:write_as_contact"))
            return APP_ERR_PERMISSION;
        if (priv) {
            w->message = "A contact's message cannot be private";
            return APP_ERR_INPUT;
        }
        m.type = "incoming";
        m.status = "received";
        m.sender_id = ca.contact_id;
    } else {
        m.type = "outgoing";
        m.status = priv ? "sent" : "pending";
        m.sender_id = c->who->id_str;
        m.add_participant = 1;
        if ((e = mentions(r, w, b, &m)) != APP_OK)
            return e;
        if (!priv)
            m.nmentions = 0; /* mentions belong to private notes */
    }
    m.conv_id = ca.id;
    if ((e = message_text(r, b, sender, priv, html, &m)) != APP_OK ||
        (e = attachments(r, w, b, &m)) != APP_OK)
        return e;
    if ((e = q_message_send(c->db, r->arena, &m, &msg_id)) != APP_OK)
        return attach_race(w, e);
    const char *p[1] = {msg_id};
    return store_json(c->db, r->arena, STMT_MESSAGE_JSON, p, &w->data_json, &w->data_len);
}

enum app_err h_message_retry(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct q_conv_access ca;
    const char *id;
    long rows;
    enum app_err e = conv_access(r, w, "cuuid", &ca);

    if (e == APP_OK)
        e = message_in(r, w, &ca, &id);
    if (e != APP_OK)
        return e;
    const char *p[3] = {router_capture(&r->match, "uuid"), ca.id, c->who->id_str};
    if ((e = store_one(c->db, r->arena, STMT_MESSAGE_RETRY, p, NULL, &rows)) != APP_OK)
        return e;
    if (rows == 0) {
        w->message = "Only your own failed replies can be retried";
        return APP_ERR_INPUT;
    }
    const char *mp[1] = {id};
    return store_json(c->db, r->arena, STMT_MESSAGE_JSON, mp, &w->data_json, &w->data_len);
}

/* An optional positive id field: APP_OK with *out NULL when absent. */
static enum app_err optional_id(struct req *r, struct resp *w, struct json_object *b,
                                const char *key, const struct db_stmt *exists, const char *missing,
                                const char **out)
{
    struct ctx *c = r->ctx;
    struct json_object *v;
    int64_t id;
    const char *found;

    *out = NULL;
    if (!json_object_object_get_ex(b, key, &v) || json_object_is_type(v, json_type_null))
        return APP_OK;
    if (!body_int64(b, key, &id) || id < 0 || id > INT32_MAX) {
        w->message = arena_printf(r->arena, "Invalid `%s`", key);
        return APP_ERR_INPUT;
    }
    if (id == 0)
        return APP_OK; /* 0 means none, as upstream's clients send it */
    *out = arena_printf(r->arena, "%lld", (long long)id);
    const char *p[1] = {*out};
    enum app_err e = store_one(c->db, r->arena, exists, p, &found, NULL);
    if (e == APP_OK && found == NULL) {
        w->message = missing;
        return APP_ERR_INPUT;
    }
    return e;
}

/* POST /api/v1/conversations (reference §7.4). */
enum app_err h_conversation_create(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct json_object *b;
    struct q_conversation_new cn;
    struct q_message_new m;
    const char *conv_id, *found;
    int64_t inbox;
    enum app_err e = body_object(r, w, &b);

    if (e != APP_OK)
        return e;
    memset(&cn, 0, sizeof(cn));
    memset(&m, 0, sizeof(m));
    if (!body_int64(b, "inbox_id", &inbox) || inbox <= 0 || inbox > INT32_MAX) {
        w->message = "`inbox_id` Required";
        return APP_ERR_INPUT;
    }
    cn.inbox_id = arena_printf(r->arena, "%lld", (long long)inbox);
    const char *p1[1] = {cn.inbox_id};
    if ((e = store_one(c->db, r->arena, STMT_INBOX_STATE, p1, &found, NULL)) != APP_OK)
        return e;
    if (found == NULL) {
        w->message = "Inbox not found";
        return APP_ERR_INPUT;
    }
    if (strcmp(found, "disabled") == 0) {
        w->message = "Inbox is disabled";
        return APP_ERR_INPUT;
    }
    if (strcmp(found, "ok") != 0) {
        w->message = "Conversations can only be started in an e-mail inbox";
        return APP_ERR_INPUT;
    }
    const char *email = body_string(b, "contact_email");
    char *lower = email ? text_email_norm(r->arena, email) : NULL;
    if (lower == NULL || !v_email(lower)) {
        w->message = "Invalid `contact_email`";
        return APP_ERR_INPUT;
    }
    cn.email = lower;
    cn.first_name = body_string(b, "first_name");
    if (cn.first_name == NULL || *cn.first_name == '\0' || strlen(cn.first_name) > 140) {
        w->message = "`first_name` Required";
        return APP_ERR_INPUT;
    }
    cn.last_name = body_string(b, "last_name");
    if (cn.last_name == NULL)
        cn.last_name = "";
    cn.external_user_id = body_string(b, "external_user_id");
    cn.subject = body_string(b, "subject");
    if (strlen(cn.last_name) > 140 || (cn.subject && strlen(cn.subject) > 1000)) {
        w->message = "`last_name` or `subject` is too long";
        return APP_ERR_INPUT;
    }
    const char *html = body_string(b, "content");
    if (html == NULL || *html == '\0' || strlen(html) > MAX_MESSAGE) {
        w->message = "`content` Required";
        return APP_ERR_INPUT;
    }
    const char *initiator = body_string(b, "initiator");
    if (initiator == NULL ||
        (strcmp(initiator, "agent") != 0 && strcmp(initiator, "contact") != 0)) {
        w->message = "Invalid `initiator`: use agent or contact";
        return APP_ERR_INPUT;
    }
    if ((e = optional_id(r, w, b, "team_id", STMT_TEAM_EXISTS, "Team not found", &cn.team_id)) !=
            APP_OK ||
        (e = optional_id(r, w, b, "agent_id", STMT_AGENT_EXISTS, "Agent not found",
                         &cn.agent_id)) != APP_OK)
        return e;
    if (strcmp(initiator, "agent") == 0) {
        m.type = "outgoing";
        m.status = "pending";
        m.sender_id = c->who->id_str;
        m.add_participant = 1;
    } else {
        m.type = "incoming";
        m.status = "received";
        m.sender_id = NULL; /* the contact, known inside the transaction */
    }
    if ((e = message_text(r, b, initiator, 0, html, &m)) != APP_OK ||
        (e = attachments(r, w, b, &m)) != APP_OK)
        return e;
    if ((e = q_conversation_create(c->db, r->arena, &cn, &m, &conv_id)) != APP_OK) {
        if (e == APP_ERR_CONFLICT)
            w->message = "A contact with this e-mail, or an attachment, was claimed at the same "
                         "moment; send again";
        return e;
    }
    const char *p2[1] = {conv_id};
    return store_json(c->db, r->arena, STMT_CONV_JSON, p2, &w->data_json, &w->data_len);
}
