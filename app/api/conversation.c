/*
 * api/conversation.c - one conversation: its creation, the full object,
 * its participants, and the assignee, priority, status, last-seen,
 * mark-unread and tags updates.  A change of assignee, priority, status
 * or tags records an activity message (store/conversation.h).
 *
 * Every handler on an existing conversation first applies upstream's
 * per-conversation access rule (rules/access.h).
 */
#include "api/conversation.h"

#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/arena.h"
#include "lib/http.h"
#include "lib/text.h"
#include "lib/validate.h"
#include "rules/access.h"
#include "rules/csat.h"
#include "rules/message.h"
#include "rules/limits.h"
#include "server/body.h"
#include "server/config.h"
#include "server/ctx.h"
#include "server/reply.h"
#include "store/agents.h"
#include "store/conversation.h"
#include "store/csat.h"
#include "store/messages.h"
#include "store/priorities.h"
#include "store/statuses.h"
#include "store/teams.h"

#define MAX_TAGS 100

/* The conversation of the route, as the access rule loaded it. */
static enum app_err conversation(struct req *r, struct resp *w, int64_t *id)
{
    struct access_conv ca;
    enum app_err e = conv_access(r, w, "uuid", &ca);
    *id = e == APP_OK ? ca.id : 0;
    return e;
}

/* A conversation that was there a moment ago and is not any more. */
static enum app_err gone(struct req *r, struct resp *w, enum app_err e)
{
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "Conversation not found");
    return e;
}

enum app_err h_conversation_get(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    int64_t id;
    enum app_err e = conversation(r, w, &id);

    if (e != APP_OK)
        return e;
    e = store_conversation_json(c->db, r->arena, id, &w->data_json, &w->data_len);
    return gone(r, w, e);
}

enum app_err h_conversation_participants(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    int64_t id;
    enum app_err e = conversation(r, w, &id);

    if (e != APP_OK)
        return e;
    e = store_conversation_participants_json(c->db, r->arena, id, &w->data_json, &w->data_len);
    return gone(r, w, e);
}

/*
 * The conversation of the route and the status or priority named by the
 * body's field key: 400 when it is empty or unknown.  The updates answer
 * `true` (upstream).
 */
static enum app_err named(struct req *r, struct resp *w, const char *key,
                          enum app_err (*id_of)(struct db *, struct arena *, const char *,
                                                int64_t *),
                          int64_t *id, struct json_object **b, const char **name, int64_t *value)
{
    struct ctx *c = r->ctx;
    enum app_err e = conversation(r, w, id);

    if (e == APP_OK)
        e = body_object(r, w, b);
    if (e != APP_OK)
        return e;
    *name = body_string(*b, key);
    if (*name == NULL || **name == '\0')
        return reply_fail(r, w, APP_ERR_INPUT, "`%s` empty", key);
    e = id_of(c->db, r->arena, *name, value);
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, APP_ERR_INPUT, "Unknown %s `%s`", key, *name);
    return e;
}

enum app_err h_conversation_status(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct json_object *b;
    const char *name;
    int64_t id, status;
    double snooze = 0;
    enum app_err e = named(r, w, "status", store_status_id, &id, &b, &name, &status);

    if (e != APP_OK)
        return e;
    if (strcmp(name, "Snoozed") == 0) {
        const char *d = body_string(b, "snoozed_until");
        if (d == NULL || v_duration(d, &snooze) != 0)
            return reply_fail(r, w, APP_ERR_INPUT,
                              "Invalid `snoozed_until`: use a duration such as 30m, 2h or 1h30m");
    }
    /* Resolving offers the survey when the inbox enables it (upstream), once per conversation. */
    struct store_csat_offer offer, *csat = NULL;
    if (strcmp(name, "Resolved") == 0) {
        char *uuid = arena_alloc(r->arena, CSAT_UUID_LEN + 1);
        char *token = arena_alloc(r->arena, CSAT_TOKEN_LEN + 1);
        if (uuid == NULL || token == NULL || csat_new_link(c->cfg->secret_key, uuid, token) != 0)
            return APP_ERR_INTERNAL;
        offer.uuid = uuid;
        offer.token = token;
        csat = &offer;
    }
    return store_conversation_set_status(c->db, r->arena, id, status, snooze, c->who->id, csat);
}

enum app_err h_conversation_priority(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct json_object *b;
    const char *name;
    int64_t id, priority;
    enum app_err e = named(r, w, "priority", store_priority_id, &id, &b, &name, &priority);

    if (e != APP_OK)
        return e;
    return store_conversation_set_priority(c->db, r->arena, id, priority, c->who->id);
}

/* PUT .../assignee/user and .../assignee/team: {"assignee_id": N}. */
static enum app_err assign(struct req *r, struct resp *w, enum store_assignee kind,
                           enum app_err (*exists)(struct db *, struct arena *, int64_t),
                           const char *missing)
{
    struct ctx *c = r->ctx;
    struct json_object *b;
    int64_t id, who;
    enum app_err e = conversation(r, w, &id);

    if (e == APP_OK)
        e = body_object(r, w, &b);
    if (e != APP_OK)
        return e;
    if (!body_int64(b, "assignee_id", &who) || who <= 0 || who > INT32_MAX)
        return reply_fail(r, w, APP_ERR_INPUT, "`assignee_id` Required");
    e = exists(c->db, r->arena, who);
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, APP_ERR_INPUT, "%s", missing);
    if (e != APP_OK)
        return e;
    return store_conversation_assign(c->db, r->arena, id, kind, who, c->who->id);
}

enum app_err h_conversation_assign_user(struct req *r, struct resp *w)
{
    return assign(r, w, STORE_ASSIGNEE_AGENT, store_agent_exists, "Agent not found");
}

enum app_err h_conversation_assign_team(struct req *r, struct resp *w)
{
    return assign(r, w, STORE_ASSIGNEE_TEAM, store_team_exists, "Team not found");
}

static enum app_err unassign(struct req *r, struct resp *w, enum store_assignee kind)
{
    struct ctx *c = r->ctx;
    int64_t id;
    enum app_err e = conversation(r, w, &id);

    if (e != APP_OK)
        return e;
    return store_conversation_assign(c->db, r->arena, id, kind, 0, c->who->id);
}

enum app_err h_conversation_unassign_user(struct req *r, struct resp *w)
{
    return unassign(r, w, STORE_ASSIGNEE_AGENT);
}

enum app_err h_conversation_unassign_team(struct req *r, struct resp *w)
{
    return unassign(r, w, STORE_ASSIGNEE_TEAM);
}

static enum app_err seen(struct req *r, struct resp *w, int unread)
{
    struct ctx *c = r->ctx;
    int64_t id;
    enum app_err e = conversation(r, w, &id);

    if (e != APP_OK)
        return e;
    return store_conversation_seen(c->db, r->arena, id, c->who->id, unread);
}

enum app_err h_conversation_last_seen(struct req *r, struct resp *w)
{
    return seen(r, w, 0);
}

enum app_err h_conversation_mark_unread(struct req *r, struct resp *w)
{
    return seen(r, w, 1);
}

/*
 * POST .../tags: {"tags": [names], "action": "set_tags" (default) | "add_tags" | "remove_tags"}.
 * Names that are no tag are skipped and the answer is still `true`, as
 * upstream; each tag really added or removed leaves an activity message.
 */
enum app_err h_conversation_tags(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct json_object *b, *tags;
    enum store_tags_action action;
    int64_t id;
    enum app_err e = conversation(r, w, &id);

    if (e == APP_OK)
        e = body_object(r, w, &b);
    if (e != APP_OK)
        return e;
    const char *verb = body_string(b, "action");
    if (verb == NULL || *verb == '\0' || strcmp(verb, "set_tags") == 0)
        action = STORE_TAGS_SET;
    else if (strcmp(verb, "add_tags") == 0)
        action = STORE_TAGS_ADD;
    else if (strcmp(verb, "remove_tags") == 0)
        action = STORE_TAGS_REMOVE;
    else
        return reply_fail(r, w, APP_ERR_INPUT,
                          "Invalid `action`: use set_tags, add_tags or remove_tags");
    int ok = json_object_object_get_ex(b, "tags", &tags) &&
             json_object_is_type(tags, json_type_array) &&
             json_object_array_length(tags) <= MAX_TAGS;
    for (size_t i = 0; ok && i < json_object_array_length(tags); i++)
        ok = json_object_is_type(json_object_array_get_idx(tags, i), json_type_string);
    if (!ok)
        return reply_fail(r, w, APP_ERR_INPUT, "`tags` must be an array of at most %d tag names",
                          MAX_TAGS);
    const char *names = json_object_to_json_string_ext(tags, JSON_C_TO_STRING_PLAIN);
    if (names == NULL)
        return APP_ERR_INTERNAL;
    return store_conversation_tags(c->db, r->arena, id, action, names, c->who->id);
}

/*
 * An optional positive id field checked with exists: APP_OK with *out 0
 * when absent or 0, 400 missing when there is no such row.
 */
static enum app_err optional_id(struct req *r, struct resp *w, struct json_object *b,
                                const char *key,
                                enum app_err (*exists)(struct db *, struct arena *, int64_t),
                                const char *missing, int64_t *out)
{
    struct ctx *c = r->ctx;
    struct json_object *v;
    int64_t id;

    *out = 0;
    if (!json_object_object_get_ex(b, key, &v) || json_object_is_type(v, json_type_null))
        return APP_OK;
    if (!body_int64(b, key, &id) || id < 0 || id > INT32_MAX)
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid `%s`", key);
    if (id == 0)
        return APP_OK; /* 0 means none, as upstream's clients send it */
    enum app_err e = exists(c->db, r->arena, id);
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, APP_ERR_INPUT, "%s", missing);
    *out = id;
    return e;
}

/* The inbox of a new conversation: a live, enabled e-mail inbox. */
static enum app_err inbox(struct req *r, struct resp *w, struct json_object *b, int64_t *id)
{
    struct ctx *c = r->ctx;
    enum store_inbox_state state;

    if (!body_int64(b, "inbox_id", id) || *id <= 0 || *id > INT32_MAX)
        return reply_fail(r, w, APP_ERR_INPUT, "`inbox_id` Required");
    enum app_err e = store_inbox_state(c->db, r->arena, *id, &state);
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, APP_ERR_INPUT, "Inbox not found");
    if (e != APP_OK)
        return e;
    if (state == STORE_INBOX_DISABLED)
        return reply_fail(r, w, APP_ERR_INPUT, "Inbox is disabled");
    if (state != STORE_INBOX_OK)
        return reply_fail(r, w, APP_ERR_INPUT,
                          "Conversations can only be started in an e-mail inbox");
    return APP_OK;
}

/* POST /api/v1/conversations (reference §7.4). */
enum app_err h_conversation_create(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct json_object *b;
    struct store_conversation_new cn;
    struct store_message_new m;
    int64_t conv_id;
    int ext_taken;
    enum app_err e = body_object(r, w, &b);

    if (e != APP_OK)
        return e;
    memset(&cn, 0, sizeof(cn));
    memset(&m, 0, sizeof(m));
    cn.actor = c->who->id;
    if ((e = inbox(r, w, b, &cn.inbox_id)) != APP_OK)
        return e;
    const char *email = body_string(b, "contact_email");
    char *lower = email ? text_email_norm(r->arena, email) : NULL;
    if (lower == NULL || !v_email(lower))
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid `contact_email`");
    cn.email = lower;
    cn.first_name = body_string(b, "first_name");
    if (cn.first_name == NULL || *cn.first_name == '\0' || strlen(cn.first_name) > NAME_MAX_LEN)
        return reply_fail(r, w, APP_ERR_INPUT, "`first_name` Required");
    cn.last_name = body_string(b, "last_name");
    if (cn.last_name == NULL)
        cn.last_name = "";
    cn.external_user_id = body_string(b, "external_user_id");
    cn.subject = body_string(b, "subject");
    if (strlen(cn.last_name) > NAME_MAX_LEN || (cn.subject && strlen(cn.subject) > SUBJECT_MAX_LEN))
        return reply_fail(r, w, APP_ERR_INPUT, "`last_name` or `subject` is too long");
    const char *html = body_string(b, "content");
    if (html == NULL || *html == '\0' || strlen(html) > MESSAGE_MAX_LEN)
        return reply_fail(r, w, APP_ERR_INPUT, "`content` Required");
    const char *initiator = body_string(b, "initiator");
    if (initiator == NULL || (strcmp(initiator, "agent") != 0 && strcmp(initiator, "contact") != 0))
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid `initiator`: use agent or contact");
    if ((e = optional_id(r, w, b, "team_id", store_team_exists, "Team not found", &cn.team_id)) !=
            APP_OK ||
        (e = optional_id(r, w, b, "agent_id", store_agent_exists, "Agent not found",
                         &cn.agent_id)) != APP_OK)
        return e;
    if (strcmp(initiator, "agent") == 0) {
        m.type = "outgoing";
        m.status = "pending";
        m.sender_id = c->who->id;
    } else {
        m.type = "incoming";
        m.status = "received";
        m.sender_id = 0; /* the contact, known inside the transaction */
    }
    if ((e = message_body(r, w, b, initiator, 0, html, &m)) != APP_OK)
        return e;
    e = store_conversation_create(c->db, r->arena, &cn, &m, &conv_id, &ext_taken);
    if (e == APP_ERR_CONFLICT && ext_taken)
        return reply_fail(r, w, e,
                          "A contact with this `external_user_id` already exists with another "
                          "e-mail");
    if (e == APP_ERR_CONFLICT) /* an attachment linked by another request meanwhile */
        return reply_fail(r, w, e,
                          "An attachment was attached elsewhere at the same moment; send again");
    if (e != APP_OK)
        return e;
    return store_conversation_json(c->db, r->arena, conv_id, &w->data_json, &w->data_len);
}
