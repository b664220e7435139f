/*
 * h_conversation.c - one conversation: the full object, its participants,
 * and the assignee, priority, status, last-seen and mark-unread updates.
 * A change of assignee, priority or status records an activity message in
 * the same statement (app/queries.c ACTIVITY_INSERT).
 *
 * Every handler first applies upstream's per-conversation access rule
 * (reference §4): conversations:read, then read_all, or read_assigned and
 * assigned to me, or read_team_all and assigned to one of my teams, or
 * read_team_inbox and in one of my teams without an agent, or
 * read_unassigned and neither agent nor team.
 */
#include "api/handlers.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/arena.h"
#include "lib/http.h"
#include "lib/validate.h"
#include "server/ctx.h"
#include "server/body.h"
#include "rules/access.h"
#include "server/reply.h"
#include "store/priorities.h"
#include "store/queries.h"
#include "store/statuses.h"

enum app_err conv_access(struct req *r, struct resp *w, const char *capture,
                         struct q_conv_access *out)
{
    return conv_access_uuid(r, w, router_capture(&r->match, capture), out);
}

enum app_err conv_access_uuid(struct req *r, struct resp *w, const char *uuid,
                              struct q_conv_access *out)
{
    struct ctx *c = r->ctx;
    const struct principal *p = c->who;
    struct q_conv_access ca;

    if (uuid == NULL || !v_uuid(uuid)) {
        w->message = "Invalid conversation `uuid`";
        return APP_ERR_INPUT;
    }
    enum app_err e = q_conv_access(c->db, r->arena, uuid, p->id_str, &ca);
    if (e != APP_OK)
        return e;
    if (!ca.found) {
        w->message = "Conversation not found";
        return APP_ERR_NOT_FOUND;
    }
    int ok =
        app_has_perm(p, "conversations:read") &&
        (app_has_perm(p, "conversations:read_all") ||
         (app_has_perm(p, "conversations:read_assigned") && ca.has_user && ca.user_id == p->id) ||
         (app_has_perm(p, "conversations:read_team_all") && ca.my_team) ||
         (app_has_perm(p, "conversations:read_team_inbox") && ca.my_team && !ca.has_user) ||
         (app_has_perm(p, "conversations:read_unassigned") && !ca.has_user && !ca.has_team));
    if (!ok)
        return APP_ERR_PERMISSION;
    *out = ca;
    return APP_OK;
}

static enum app_err conversation(struct req *r, struct resp *w, const char **id)
{
    struct q_conv_access ca;
    enum app_err e = conv_access(r, w, "uuid", &ca);
    if (e == APP_OK)
        *id = ca.id;
    return e;
}

static enum app_err json_of(struct req *r, struct resp *w, const struct db_stmt *s, const char *id)
{
    struct ctx *c = r->ctx;
    const char *params[1] = {id};
    enum app_err e = store_json(c->db, r->arena, s, params, &w->data_json, &w->data_len);
    if (e == APP_OK && w->data_json == NULL) {
        w->message = "Conversation not found"; /* deleted in between */
        return APP_ERR_NOT_FOUND;
    }
    return e;
}

enum app_err h_conversation_get(struct req *r, struct resp *w)
{
    const char *id;
    enum app_err e = conversation(r, w, &id);
    return e != APP_OK ? e : json_of(r, w, STMT_CONV_JSON, id);
}

enum app_err h_conversation_participants(struct req *r, struct resp *w)
{
    const char *id;
    enum app_err e = conversation(r, w, &id);
    return e != APP_OK ? e : json_of(r, w, STMT_CONV_PARTICIPANTS_JSON, id);
}

/* Runs an update of the conversation; answers `true` (upstream). */
static enum app_err update(struct req *r, const struct db_stmt *s, const char *const *params)
{
    struct ctx *c = r->ctx;
    return store_one(c->db, r->arena, s, params, NULL, NULL);
}

/* A status or priority looked up by name: 400 naming it when unknown. */
static enum app_err by_name(struct req *r, struct resp *w, enum app_err e, const char *what,
                            const char *name, int64_t v, const char **id)
{
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, APP_ERR_INPUT, "Unknown %s `%s`", what, name);
    *id = arena_printf(r->arena, "%lld", (long long)v);
    return e;
}

enum app_err h_conversation_status(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct json_object *b;
    const char *id, *status_id = NULL, *snooze = NULL;
    enum app_err e = conversation(r, w, &id);

    if (e == APP_OK)
        e = body_object(r, w, &b);
    if (e != APP_OK)
        return e;
    const char *name = body_string(b, "status");
    if (name == NULL || *name == '\0') {
        w->message = "`status` empty";
        return APP_ERR_INPUT;
    }
    int64_t v;
    e = store_status_id(c->db, r->arena, name, &v);
    if ((e = by_name(r, w, e, "status", name, v, &status_id)) != APP_OK)
        return e;
    if (strcmp(name, "Snoozed") == 0) {
        const char *d = body_string(b, "snoozed_until");
        double secs;
        if (d == NULL || v_duration(d, &secs) != 0) {
            w->message = "Invalid `snoozed_until`: use a duration such as 30m, 2h or 1h30m";
            return APP_ERR_INPUT;
        }
        snooze = arena_printf(r->arena, "%.6f", secs);
    }
    const char *params[4] = {id, status_id, snooze, c->who->id_str};
    return update(r, STMT_CONV_SET_STATUS, params);
}

enum app_err h_conversation_priority(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct json_object *b;
    const char *id, *priority_id = NULL;
    enum app_err e = conversation(r, w, &id);

    if (e == APP_OK)
        e = body_object(r, w, &b);
    if (e != APP_OK)
        return e;
    const char *name = body_string(b, "priority");
    if (name == NULL || *name == '\0') {
        w->message = "`priority` empty";
        return APP_ERR_INPUT;
    }
    int64_t v;
    e = store_priority_id(c->db, r->arena, name, &v);
    if ((e = by_name(r, w, e, "priority", name, v, &priority_id)) != APP_OK)
        return e;
    const char *params[3] = {id, priority_id, c->who->id_str};
    return update(r, STMT_CONV_SET_PRIORITY, params);
}

/* PUT .../assignee/user and .../assignee/team: {"assignee_id": N}. */
static enum app_err assign(struct req *r, struct resp *w, const struct db_stmt *exists,
                           const struct db_stmt *set, const char *missing)
{
    struct ctx *c = r->ctx;
    struct json_object *b;
    const char *id, *found;
    int64_t who;
    enum app_err e = conversation(r, w, &id);

    if (e == APP_OK)
        e = body_object(r, w, &b);
    if (e != APP_OK)
        return e;
    if (!body_int64(b, "assignee_id", &who) || who <= 0 || who > INT32_MAX) {
        w->message = "`assignee_id` Required";
        return APP_ERR_INPUT;
    }
    const char *whos = arena_printf(r->arena, "%lld", (long long)who);
    const char *p1[1] = {whos};
    if ((e = store_one(c->db, r->arena, exists, p1, &found, NULL)) != APP_OK)
        return e;
    if (found == NULL) {
        w->message = missing;
        return APP_ERR_INPUT;
    }
    const char *params[3] = {id, whos, c->who->id_str};
    return update(r, set, params);
}

enum app_err h_conversation_assign_user(struct req *r, struct resp *w)
{
    return assign(r, w, STMT_AGENT_EXISTS, STMT_CONV_SET_USER, "Agent not found");
}

enum app_err h_conversation_assign_team(struct req *r, struct resp *w)
{
    return assign(r, w, STMT_TEAM_EXISTS, STMT_CONV_SET_TEAM, "Team not found");
}

static enum app_err unassign(struct req *r, struct resp *w, const struct db_stmt *set)
{
    struct ctx *c = r->ctx;
    const char *id;
    enum app_err e = conversation(r, w, &id);
    if (e != APP_OK)
        return e;
    const char *params[3] = {id, NULL, c->who->id_str};
    return update(r, set, params);
}

enum app_err h_conversation_unassign_user(struct req *r, struct resp *w)
{
    return unassign(r, w, STMT_CONV_SET_USER);
}

enum app_err h_conversation_unassign_team(struct req *r, struct resp *w)
{
    return unassign(r, w, STMT_CONV_SET_TEAM);
}

static enum app_err seen(struct req *r, struct resp *w, const struct db_stmt *s)
{
    struct ctx *c = r->ctx;
    const char *id;
    enum app_err e = conversation(r, w, &id);
    if (e != APP_OK)
        return e;
    const char *params[2] = {id, c->who->id_str};
    return update(r, s, params);
}

enum app_err h_conversation_last_seen(struct req *r, struct resp *w)
{
    return seen(r, w, STMT_CONV_LAST_SEEN);
}

enum app_err h_conversation_mark_unread(struct req *r, struct resp *w)
{
    return seen(r, w, STMT_CONV_MARK_UNREAD);
}

/* POST .../tags: {"tags": [names], "action": "set_tags" (default) | "add_tags" | "remove_tags"}. */
enum app_err h_conversation_tags(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct json_object *b, *tags;
    const char *id, *unknown;
    const struct db_stmt *s = STMT_CONV_TAGS_SET;
    enum app_err e = conversation(r, w, &id);

    if (e == APP_OK)
        e = body_object(r, w, &b);
    if (e != APP_OK)
        return e;
    const char *action = body_string(b, "action");
    if (action == NULL || *action == '\0' || strcmp(action, "set_tags") == 0)
        s = STMT_CONV_TAGS_SET;
    else if (strcmp(action, "add_tags") == 0)
        s = STMT_CONV_TAGS_ADD;
    else if (strcmp(action, "remove_tags") == 0)
        s = STMT_CONV_TAGS_REMOVE;
    else {
        w->message = "Invalid `action`: use set_tags, add_tags or remove_tags";
        return APP_ERR_INPUT;
    }
    if (!json_object_object_get_ex(b, "tags", &tags) ||
        !json_object_is_type(tags, json_type_array) || json_object_array_length(tags) > 100) {
        w->message = "`tags` must be an array of at most 100 tag names";
        return APP_ERR_INPUT;
    }
    for (size_t i = 0; i < json_object_array_length(tags); i++) {
        struct json_object *t = json_object_array_get_idx(tags, i);
        if (!json_object_is_type(t, json_type_string) || json_object_get_string_len(t) == 0 ||
            json_object_get_string_len(t) > 140) {
            w->message = "`tags` must be an array of at most 100 tag names";
            return APP_ERR_INPUT;
        }
    }
    const char *list = json_object_to_json_string_ext(tags, JSON_C_TO_STRING_PLAIN);
    const char *p1[1] = {list};
    if ((e = store_one(c->db, r->arena, STMT_TAGS_UNKNOWN, p1, &unknown, NULL)) != APP_OK)
        return e;
    if (unknown != NULL) {
        w->message = arena_printf(r->arena, "Unknown tag `%s`", unknown);
        return APP_ERR_INPUT;
    }
    const char *params[2] = {id, list};
    return update(r, s, params);
}
