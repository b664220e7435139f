/*
 * api/macros.c - macros: the list an agent may see, the writes (every
 * action checked against upstream's macro action types and its value
 * against the rows it names), and applying one to a conversation: the
 * conversation access rule, each action's own permission, then all of it
 * in one transaction.
 */
#include "api/macros.h"

#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/http.h"
#include "lib/jsonio.h"
#include "rules/access.h"
#include "rules/limits.h"
#include "rules/message.h"
#include "server/body.h"
#include "server/ctx.h"
#include "server/reply.h"
#include "store/macros.h"
#include "store/messages.h"
#include "store/teams.h"
#include "store/agents.h"

/* Upstream's column limits. */
#define MACRO_CONTENT_MAX 5000
/* Tag names one tag action may carry. */
#define MACRO_MAX_TAGS 100
/* Actions a macro carries: each type at most once. */
#define MACRO_MAX_ACTIONS 7

/* Upstream's action types allowed in a macro, with the permission each needs when applied. */
static const struct {
    const char *name;
    enum store_macro_act type;
    const char *perm;
    int tags;
} acts_known[] = {
    {"assign_team", STORE_MACRO_ASSIGN_TEAM, "conversations:update_team_assignee", 0},
    {"assign_user", STORE_MACRO_ASSIGN_USER, "conversations:update_user_assignee", 0},
    {"set_status", STORE_MACRO_SET_STATUS, "conversations:update_status", 0},
    {"set_priority", STORE_MACRO_SET_PRIORITY, "conversations:update_priority", 0},
    {"add_tags", STORE_MACRO_ADD_TAGS, "conversations:update_tags", 1},
    {"set_tags", STORE_MACRO_SET_TAGS, "conversations:update_tags", 1},
    {"remove_tags", STORE_MACRO_REMOVE_TAGS, "conversations:update_tags", 1},
};
#define NKNOWN (sizeof(acts_known) / sizeof(acts_known[0]))

static void put(void *p)
{
    json_object_put(p);
}

/* A new json-c value owned by the arena (NULL if either refused). */
static struct json_object *owned(struct req *r, struct json_object *o)
{
    if (o != NULL && arena_defer(r->arena, put, o) != 0) {
        json_object_put(o);
        return NULL;
    }
    return o;
}

/* A positive 32-bit id written as digits. */
static int id_text(const char *s, int64_t *out)
{
    char *end;
    if (s == NULL || *s < '1' || *s > '9' || strlen(s) > 10)
        return 0;
    long long v = strtoll(s, &end, 10);
    if (*end != '\0' || v > INT32_MAX)
        return 0;
    *out = v;
    return 1;
}

/*
 * A list of actions [{type, value: [strings]}]: types known, each once,
 * values well formed.  apply: refusals as upstream's apply words them
 * (403 for a type not allowed or a permission the caller lacks); else as
 * a macro write.  *stored (if non-NULL) is the list as deskd keeps it.
 */
static enum app_err parse_actions(struct req *r, struct resp *w, struct json_object *list,
                                  int apply, struct store_macro_action **out, size_t *n,
                                  const char **stored)
{
    struct ctx *c = r->ctx;
    size_t len;
    int seen[NKNOWN] = {0};

    *n = 0;
    *out = NULL;
    if (list == NULL)
        len = 0;
    else if (!json_object_is_type(list, json_type_array))
        return reply_fail(r, w, APP_ERR_INPUT, "`actions` must be a list of actions");
    else
        len = json_object_array_length(list);
    if (len > MACRO_MAX_ACTIONS)
        return reply_fail(r, w, APP_ERR_INPUT, "Duplicate actions not allowed");
    struct store_macro_action *acts = ARENA_NEW(r->arena, struct store_macro_action, len + 1);
    struct json_object *keep = owned(r, json_object_new_array());
    if (acts == NULL || keep == NULL)
        return APP_ERR_INTERNAL;
    for (size_t i = 0; i < len; i++) {
        struct json_object *a = json_object_array_get_idx(list, i), *v;
        const char *type = body_string(a, "type");
        size_t k = 0;
        if (type == NULL)
            return reply_fail(r, w, APP_ERR_INPUT, "Each action must have a type and a value");
        while (k < NKNOWN && strcmp(acts_known[k].name, type) != 0)
            k++;
        if (k == NKNOWN)
            return reply_fail(r, w, apply ? APP_ERR_PERMISSION : APP_ERR_INPUT,
                              "%s action not allowed", strlen(type) > 64 ? "This" : type);
        if (seen[k]++)
            return reply_fail(r, w, APP_ERR_INPUT, "Duplicate actions not allowed");
        if (apply && !app_has_perm(c->who, acts_known[k].perm))
            return reply_fail(r, w, APP_ERR_PERMISSION, "Permission denied for some macro actions");
        v = jsonio_get(a, "value");
        size_t nv = json_object_is_type(v, json_type_array) ? json_object_array_length(v) : 0;
        if (nv == 0)
            return reply_fail(r, w, APP_ERR_INPUT, "Empty value for action %s", type);
        for (size_t j = 0; j < nv; j++) {
            const char *s;
            if (!jsonio_string(json_object_array_get_idx(v, j), &s) || *s == '\0' ||
                strlen(s) > NAME_MAX_LEN)
                return reply_fail(r, w, APP_ERR_INPUT,
                                  "Invalid value for action %s: a list of names or ids", type);
        }
        acts[i].type = acts_known[k].type;
        if (acts_known[k].tags) {
            if (nv > MACRO_MAX_TAGS)
                return reply_fail(r, w, APP_ERR_INPUT, "Action %s takes at most %d tags", type,
                                  MACRO_MAX_TAGS);
            acts[i].tags = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
            if (acts[i].tags == NULL ||
                (acts[i].tags = arena_strdup(r->arena, acts[i].tags)) == NULL)
                return APP_ERR_INTERNAL;
        } else if (nv != 1 ||
                   !id_text(json_object_get_string(json_object_array_get_idx(v, 0)), &acts[i].id)) {
            return reply_fail(r, w, APP_ERR_INPUT, "Invalid value for action %s: one id", type);
        }
        struct json_object *o = json_object_new_object();
        if (o == NULL || json_object_array_add(keep, o) != 0) {
            json_object_put(o);
            return APP_ERR_INTERNAL;
        }
        json_object_object_add(o, "type", json_object_new_string(type));
        json_object_object_add(o, "value", json_object_get(v));
    }
    if (stored != NULL &&
        (*stored = json_object_to_json_string_ext(keep, JSON_C_TO_STRING_PLAIN)) == NULL)
        return APP_ERR_INTERNAL;
    *out = acts;
    *n = len;
    return APP_OK;
}

/* Words an action whose value names no row (store_macro_actions_check()). */
static enum app_err missing_value(struct req *r, struct resp *w, const struct store_macro_action *a,
                                  const char *tag)
{
    switch (a->type) {
    case STORE_MACRO_ASSIGN_TEAM:
        return reply_fail(r, w, APP_ERR_INPUT, "Team not found");
    case STORE_MACRO_ASSIGN_USER:
        return reply_fail(r, w, APP_ERR_INPUT, "Agent not found");
    case STORE_MACRO_SET_STATUS:
        return reply_fail(r, w, APP_ERR_INPUT, "Status not found");
    case STORE_MACRO_SET_PRIORITY:
        return reply_fail(r, w, APP_ERR_INPUT, "Priority not found");
    default:
        return reply_fail(r, w, APP_ERR_INPUT, "Tag `%s` not found", tag ? tag : "");
    }
}

/* An optional id field: a JSON integer or a string of digits (upstream sends strings). */
static int optional_id(struct json_object *b, const char *key, int64_t *out)
{
    struct json_object *v = jsonio_get(b, key);
    const char *s;
    *out = 0;
    if (v == NULL || json_object_is_type(v, json_type_null))
        return 1;
    if (jsonio_int64(v, out))
        return *out >= 0 && *out <= INT32_MAX;
    if (jsonio_string(v, &s))
        return *s == '\0' || id_text(s, out);
    return 0;
}

/* The body of a macro write, every value checked. */
static enum app_err macro_body(struct req *r, struct resp *w, struct store_macro_in *in)
{
    struct ctx *c = r->ctx;
    struct json_object *b, *vw;
    struct store_macro_action *acts;
    size_t n, bad = 0;
    const char *missing;
    enum app_err e = body_object(r, w, &b);

    if (e != APP_OK)
        return e;
    memset(in, 0, sizeof(*in));
    in->name = body_string(b, "name");
    if (in->name == NULL || *in->name == '\0')
        return reply_fail(r, w, APP_ERR_INPUT, "`name` empty");
    if (strlen(in->name) > NAME_MAX_LEN)
        return reply_fail(r, w, APP_ERR_INPUT, "Name is too long, should be at most %d characters",
                          NAME_MAX_LEN);
    struct json_object *mc = jsonio_get(b, "message_content");
    in->message_content = body_string(b, "message_content");
    if (in->message_content == NULL) {
        if (mc != NULL && !json_object_is_type(mc, json_type_null))
            return reply_fail(r, w, APP_ERR_INPUT, "`message_content` must be text");
        in->message_content = "";
    }
    if (strlen(in->message_content) > MACRO_CONTENT_MAX)
        return reply_fail(r, w, APP_ERR_INPUT,
                          "Message content is too long, should be at most %d characters",
                          MACRO_CONTENT_MAX);

    /* visible_when: a non-empty list of upstream's three places, each kept once. */
    static const char *const places[] = {"replying", "starting_conversation",
                                         "adding_private_note"};
    int has[3] = {0};
    vw = jsonio_get(b, "visible_when");
    size_t nvw = json_object_is_type(vw, json_type_array) ? json_object_array_length(vw) : 0;
    if (nvw == 0)
        return reply_fail(r, w, APP_ERR_INPUT, "`visible_when` empty");
    for (size_t i = 0; i < nvw; i++) {
        const char *s = NULL;
        size_t k = 0;
        jsonio_string(json_object_array_get_idx(vw, i), &s);
        while (s != NULL && k < 3 && strcmp(s, places[k]) != 0)
            k++;
        if (s == NULL || k == 3)
            return reply_fail(r, w, APP_ERR_INPUT,
                              "Invalid `visible_when`: use replying, starting_conversation or "
                              "adding_private_note");
        has[k] = 1;
    }
    struct json_object *vk = owned(r, json_object_new_array());
    if (vk == NULL)
        return APP_ERR_INTERNAL;
    for (size_t k = 0; k < 3; k++)
        if (has[k])
            json_object_array_add(vk, json_object_new_string(places[k]));
    in->visible_when = json_object_to_json_string_ext(vk, JSON_C_TO_STRING_PLAIN);
    if (in->visible_when == NULL)
        return APP_ERR_INTERNAL;

    /* visibility with the team or agent it names. */
    in->visibility = body_string(b, "visibility");
    if (in->visibility == NULL ||
        (strcmp(in->visibility, "all") != 0 && strcmp(in->visibility, "team") != 0 &&
         strcmp(in->visibility, "user") != 0))
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid `visibility`: use all, team or user");
    if (!optional_id(b, "team_id", &in->team_id))
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid `team_id`");
    if (!optional_id(b, "user_id", &in->user_id))
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid `user_id`");
    if (strcmp(in->visibility, "team") == 0) {
        in->user_id = 0;
        if (in->team_id == 0)
            return reply_fail(r, w, APP_ERR_INPUT, "`team_id` Required");
        if ((e = store_team_exists(c->db, r->arena, in->team_id)) == APP_ERR_NOT_FOUND)
            return reply_fail(r, w, APP_ERR_INPUT, "Team not found");
    } else if (strcmp(in->visibility, "user") == 0) {
        in->team_id = 0;
        if (in->user_id == 0)
            return reply_fail(r, w, APP_ERR_INPUT, "`user_id` Required");
        if ((e = store_agent_exists(c->db, r->arena, in->user_id)) == APP_ERR_NOT_FOUND)
            return reply_fail(r, w, APP_ERR_INPUT, "Agent not found");
    } else {
        in->team_id = in->user_id = 0;
    }
    if (e != APP_OK)
        return e;

    e = parse_actions(r, w, jsonio_get(b, "actions"), 0, &acts, &n, &in->actions);
    if (e == APP_OK)
        e = store_macro_actions_check(c->db, r->arena, acts, n, &bad, &missing);
    if (e == APP_ERR_INPUT && w->message == NULL && bad < n)
        return missing_value(r, w, &acts[bad], missing);
    return e;
}

/* The {id} of a macro route. */
static enum app_err macro_id(struct req *r, struct resp *w, int64_t *id)
{
    return reply_path_int(r, w, "id", "macro", id);
}

/* A store refusal of a macro route, worded. */
static enum app_err refused(struct req *r, struct resp *w, enum app_err e)
{
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "Macro not found");
    return e;
}

enum app_err h_macros_list(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return store_macros_json(c->db, r->arena, c->who->id, app_has_perm(c->who, "macros:manage"),
                             &w->data_json, &w->data_len);
}

enum app_err h_macros_get(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    int64_t id;
    enum app_err e = macro_id(r, w, &id);

    if (e == APP_OK)
        e = store_macro_json(c->db, r->arena, id, &w->data_json, &w->data_len);
    return refused(r, w, e);
}

enum app_err h_macros_create(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct store_macro_in in;
    enum app_err e = macro_body(r, w, &in);

    if (e == APP_OK)
        e = store_macro_create(c->db, r->arena, &in, &w->data_json, &w->data_len);
    if (e == APP_ERR_INPUT && w->message == NULL) /* the team or agent deleted meanwhile */
        return reply_fail(r, w, e, "The macro's team or agent no longer exists");
    return e;
}

enum app_err h_macros_update(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct store_macro_in in;
    int64_t id;
    enum app_err e = macro_id(r, w, &id);

    if (e == APP_OK)
        e = store_macro_exists(c->db, r->arena, id);
    if (e == APP_OK)
        e = macro_body(r, w, &in);
    if (e == APP_OK)
        e = store_macro_update(c->db, r->arena, id, &in, &w->data_json, &w->data_len);
    if (e == APP_ERR_INPUT && w->message == NULL)
        return reply_fail(r, w, e, "The macro's team or agent no longer exists");
    return refused(r, w, e);
}

enum app_err h_macros_delete(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    int64_t id;
    enum app_err e = macro_id(r, w, &id);

    if (e == APP_OK)
        e = store_macro_delete(c->db, r->arena, id);
    return refused(r, w, e);
}

/* The first byte of the body that is not white space (0 if none). */
static char first_byte(const struct req *r)
{
    for (size_t i = 0; r->body != NULL && i < r->body_len; i++)
        if (strchr(" \t\r\n", r->body[i]) == NULL)
            return r->body[i];
    return 0;
}

/*
 * POST .../macros/{id}/apply.  The body is upstream's list of actions to
 * run (the macro's, as the agent left them), or an object {"actions": [...],
 * "message": HTML, "private": bool} that also adds the reply or note.
 */
enum app_err h_macro_apply(struct req *r, struct resp *w)
{
    static const char applied[] = "{\"message\":\"Macro applied\"}";
    struct ctx *c = r->ctx;
    struct access_conv ca;
    struct json_object *b = NULL, *list;
    struct store_macro_action *acts;
    struct store_message_new m, *msg = NULL;
    size_t n, bad = 0;
    const char *missing;
    int64_t id;
    enum app_err e = conv_access(r, w, "uuid", &ca);

    if (e == APP_OK)
        e = macro_id(r, w, &id);
    if (e == APP_OK)
        e = refused(r, w,
                    store_macro_visible(c->db, r->arena, id, c->who->id,
                                        app_has_perm(c->who, "macros:manage")));
    if (e != APP_OK)
        return e;
    if (first_byte(r) == '[') {
        if ((e = body_array(r, w, &list)) != APP_OK)
            return e;
    } else {
        if ((e = body_object(r, w, &b)) != APP_OK)
            return e;
        list = jsonio_get(b, "actions");
    }
    if ((e = parse_actions(r, w, list, 1, &acts, &n, NULL)) != APP_OK)
        return e;

    const char *html = b != NULL ? body_string(b, "message") : NULL;
    if (html != NULL && *html != '\0') {
        struct json_object *pv = jsonio_get(b, "private");
        int priv = json_object_is_type(pv, json_type_boolean) && json_object_get_boolean(pv);
        if (!app_has_perm(c->who, "messages:write"))
            return reply_fail(r, w, APP_ERR_PERMISSION, "Permission denied for some macro actions");
        if (strlen(html) > MESSAGE_MAX_LEN)
            return reply_fail(r, w, APP_ERR_INPUT, "`message` is too long");
        memset(&m, 0, sizeof(m));
        m.conv_id = ca.id;
        m.type = "outgoing";
        m.status = priv ? "sent" : "pending";
        m.sender_id = c->who->id;
        if ((e = message_body(r, w, b, "agent", priv, html, &m)) != APP_OK)
            return e;
        msg = &m;
    }

    e = store_macro_apply(c->db, r->arena, id, ca.id, acts, n, msg, c->who->id, &bad, &missing);
    if (e == APP_ERR_INPUT && w->message == NULL && bad < n)
        return missing_value(r, w, &acts[bad], missing);
    if (e == APP_ERR_CONFLICT)
        return reply_fail(r, w, e,
                          "An attachment was attached elsewhere at the same moment; apply again");
    if (e != APP_OK)
        return refused(r, w, e);
    w->raw_body = applied;
    w->raw_len = sizeof(applied) - 1;
    return APP_OK;
}
