/*
 * api/automation.c - automation rules: stored and managed here (the
 * engine that runs them is store/automation_run.c).  Every write is
 * checked in full (type, name, events, the shape of the condition groups
 * and actions) before one statement stores it.
 */
#include "api/automation.h"

#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/http.h"
#include "lib/jsonio.h"
#include "server/body.h"
#include "server/ctx.h"
#include "server/reply.h"
#include "store/automation.h"

#define RULE_NAME_MAX 140
#define RULE_DESCRIPTION_MAX 300
/* Rules, groups per rule, conditions per group, actions per rule. */
#define RULE_MAX_RULES 20
#define RULE_MAX_GROUPS 2
#define RULE_MAX_CONDITIONS 50
#define RULE_MAX_ACTIONS 20
/* Recipients of one notify action (upstream's bound). */
#define RULE_MAX_RECIPIENTS 1000

static const char *const types[] = {"new_conversation", "conversation_update", "time_trigger",
                                    NULL};
static const char *const events[] = {"conversation.user.assigned",
                                     "conversation.team.assigned",
                                     "conversation.status.change",
                                     "conversation.priority.change",
                                     "conversation.message.outgoing",
                                     "conversation.message.incoming",
                                     NULL};
static const char *const logic[] = {"AND", "OR", NULL};
static const char *const fields[] = {"subject",
                                     "content",
                                     "status",
                                     "priority",
                                     "assigned_user",
                                     "assigned_team",
                                     "hours_since_created",
                                     "hours_since_first_reply",
                                     "hours_since_last_reply",
                                     "hours_since_resolved",
                                     "inbox",
                                     "to",
                                     "contact_email",
                                     "previous_status",
                                     "previous_priority",
                                     "previous_assigned_user",
                                     "previous_assigned_team",
                                     NULL};
/* A condition's field_type: a conversation field (the default) or a contact custom attribute. */
static const char *const field_types[] = {"conversation", "contact_custom_attribute", NULL};
static const char *const operators[] = {
    "contains", "not contains", "equals",    "not equals",  "set",
    "not set",  "greater than", "less than", "starts with", NULL};
static const char *const actions[] = {
    "assign_team", "assign_user", "set_status", "set_priority",    "send_private_note",
    "send_reply",  "set_sla",     "add_tags",   "set_tags",        "remove_tags",
    "send_csat",   "snooze",      "notify",     "trigger_webhook", NULL};
static const char *const modes[] = {"all", "first_match", NULL};

static int known(const char *const *set, const char *s)
{
    for (; s != NULL && *set != NULL; set++)
        if (strcmp(*set, s) == 0)
            return 1;
    return 0;
}

static int is_array(struct json_object *o)
{
    return json_object_is_type(o, json_type_array);
}

/* One condition {field, operator, value, ...}. */
static enum app_err check_condition(struct req *r, struct resp *w, struct json_object *c)
{
    struct json_object *v = jsonio_get(c, "value");
    struct json_object *cs = jsonio_get(c, "case_sensitive_match");
    const char *ftype;
    if (!json_object_is_type(c, json_type_object))
        return reply_fail(r, w, APP_ERR_INPUT, "`rules.groups.rules` must hold objects");
    ftype = body_string(c, "field_type");
    if (jsonio_get(c, "field_type") != NULL && ftype != NULL && *ftype != '\0' &&
        !known(field_types, ftype))
        return reply_fail(
            r, w, APP_ERR_INPUT,
            "Condition `field_type` must be conversation or contact_custom_attribute");
    if (ftype != NULL && strcmp(ftype, "contact_custom_attribute") == 0) {
        const char *key = body_string(c, "field");
        if (key == NULL || *key == '\0')
            return reply_fail(r, w, APP_ERR_INPUT, "Condition `field` is required");
    } else if (!known(fields, body_string(c, "field")))
        return reply_fail(r, w, APP_ERR_INPUT, "Unknown condition `field`");
    if (cs != NULL && !json_object_is_type(cs, json_type_boolean))
        return reply_fail(r, w, APP_ERR_INPUT,
                          "Condition `case_sensitive_match` must be true or false");
    if (!known(operators, body_string(c, "operator")))
        return reply_fail(r, w, APP_ERR_INPUT, "Unknown condition `operator`");
    if (v != NULL && !json_object_is_type(v, json_type_string))
        return reply_fail(r, w, APP_ERR_INPUT, "Condition `value` must be a string");
    return APP_OK;
}

/* One group {logical_op, rules: [conditions]}. */
static enum app_err check_group(struct req *r, struct resp *w, struct json_object *g)
{
    struct json_object *list = jsonio_get(g, "rules");
    enum app_err e = APP_OK;
    if (!json_object_is_type(g, json_type_object))
        return reply_fail(r, w, APP_ERR_INPUT, "`rules.groups` must hold objects");
    if (!known(logic, body_string(g, "logical_op")))
        return reply_fail(r, w, APP_ERR_INPUT, "`rules.groups.logical_op` must be AND or OR");
    if (!is_array(list) || json_object_array_length(list) > RULE_MAX_CONDITIONS)
        return reply_fail(r, w, APP_ERR_INPUT, "`rules.groups.rules` must be a list of at most %d",
                          RULE_MAX_CONDITIONS);
    for (size_t i = 0; e == APP_OK && i < json_object_array_length(list); i++)
        e = check_condition(r, w, json_object_array_get_idx(list, i));
    return e;
}

/* One action {type, value: [strings]}. */
static enum app_err check_action(struct req *r, struct resp *w, struct json_object *a)
{
    struct json_object *v = jsonio_get(a, "value");
    if (!json_object_is_type(a, json_type_object))
        return reply_fail(r, w, APP_ERR_INPUT, "`rules.actions` must hold objects");
    const char *type = body_string(a, "type");
    int notify = type != NULL && strcmp(type, "notify") == 0;
    if (!known(actions, type))
        return reply_fail(r, w, APP_ERR_INPUT, "Unknown action `type`");
    if (notify) { /* {type, subject, message, recipients: [...]}, value optional */
        struct json_object *rc = jsonio_get(a, "recipients");
        static const char *const texts[] = {"subject", "message"};
        for (size_t i = 0; i < 2; i++) {
            struct json_object *t = jsonio_get(a, texts[i]);
            if (t != NULL && !json_object_is_type(t, json_type_string))
                return reply_fail(r, w, APP_ERR_INPUT, "Action `%s` must be a string", texts[i]);
        }
        if (rc != NULL && (!is_array(rc) || json_object_array_length(rc) > RULE_MAX_RECIPIENTS))
            return reply_fail(r, w, APP_ERR_INPUT,
                              "Action `recipients` must be a list of at most %d",
                              RULE_MAX_RECIPIENTS);
        for (size_t i = 0; rc != NULL && i < json_object_array_length(rc); i++)
            if (!json_object_is_type(json_object_array_get_idx(rc, i), json_type_string))
                return reply_fail(r, w, APP_ERR_INPUT,
                                  "Action `recipients` must be a list of strings");
        if (v == NULL)
            return APP_OK;
    }
    if (!is_array(v))
        return reply_fail(r, w, APP_ERR_INPUT, "Action `value` must be a list of strings");
    for (size_t i = 0; i < json_object_array_length(v); i++)
        if (!json_object_is_type(json_object_array_get_idx(v, i), json_type_string))
            return reply_fail(r, w, APP_ERR_INPUT, "Action `value` must be a list of strings");
    return APP_OK;
}

/* rules: [{group_operator, groups: [...], actions: [...]}]. */
static enum app_err check_rules(struct req *r, struct resp *w, struct json_object *rules)
{
    enum app_err e = APP_OK;
    if (!is_array(rules) || json_object_array_length(rules) == 0 ||
        json_object_array_length(rules) > RULE_MAX_RULES)
        return reply_fail(r, w, APP_ERR_INPUT, "`rules` must be a list of 1 to %d rules",
                          RULE_MAX_RULES);
    for (size_t i = 0; e == APP_OK && i < json_object_array_length(rules); i++) {
        struct json_object *one = json_object_array_get_idx(rules, i);
        struct json_object *groups = jsonio_get(one, "groups");
        struct json_object *acts = jsonio_get(one, "actions");
        if (!json_object_is_type(one, json_type_object))
            return reply_fail(r, w, APP_ERR_INPUT, "`rules` must hold objects");
        if (!known(logic, body_string(one, "group_operator")))
            return reply_fail(r, w, APP_ERR_INPUT, "`rules.group_operator` must be AND or OR");
        if (!is_array(groups) || json_object_array_length(groups) > RULE_MAX_GROUPS)
            return reply_fail(r, w, APP_ERR_INPUT, "`rules.groups` must be a list of at most %d",
                              RULE_MAX_GROUPS);
        if (!is_array(acts) || json_object_array_length(acts) == 0 ||
            json_object_array_length(acts) > RULE_MAX_ACTIONS)
            return reply_fail(r, w, APP_ERR_INPUT, "`rules.actions` must be a list of 1 to %d",
                              RULE_MAX_ACTIONS);
        for (size_t k = 0; e == APP_OK && k < json_object_array_length(groups); k++)
            e = check_group(r, w, json_object_array_get_idx(groups, k));
        for (size_t k = 0; e == APP_OK && k < json_object_array_length(acts); k++)
            e = check_action(r, w, json_object_array_get_idx(acts, k));
    }
    return e;
}

/* The body of a create or update, checked in full. */
static enum app_err rule_body(struct req *r, struct resp *w, struct store_automation_in *in)
{
    struct json_object *b, *ev, *en, *rules;
    enum app_err e = body_object(r, w, &b);

    if (e != APP_OK)
        return e;
    memset(in, 0, sizeof(*in));
    in->name = body_string(b, "name");
    in->description = body_string(b, "description");
    in->type = body_string(b, "type");
    if (in->name == NULL || *in->name == '\0')
        return reply_fail(r, w, APP_ERR_INPUT, "`name` is required");
    if (strlen(in->name) > RULE_NAME_MAX)
        return reply_fail(r, w, APP_ERR_INPUT, "`name` is longer than %d", RULE_NAME_MAX);
    if (jsonio_get(b, "description") != NULL && in->description == NULL)
        return reply_fail(r, w, APP_ERR_INPUT, "`description` must be a string");
    if (in->description != NULL && strlen(in->description) > RULE_DESCRIPTION_MAX)
        return reply_fail(r, w, APP_ERR_INPUT, "`description` is longer than %d",
                          RULE_DESCRIPTION_MAX);
    if (!known(types, in->type))
        return reply_fail(r, w, APP_ERR_INPUT,
                          "`type` must be new_conversation, conversation_update or time_trigger");
    ev = jsonio_get(b, "events");
    if (ev != NULL && !is_array(ev))
        return reply_fail(r, w, APP_ERR_INPUT, "`events` must be a list of events");
    for (size_t i = 0; ev != NULL && i < json_object_array_length(ev); i++) {
        struct json_object *x = json_object_array_get_idx(ev, i);
        if (!json_object_is_type(x, json_type_string) || !known(events, json_object_get_string(x)))
            return reply_fail(r, w, APP_ERR_INPUT, "Unknown event in `events`");
    }
    if (strcmp(in->type, "conversation_update") == 0 &&
        (ev == NULL || json_object_array_length(ev) == 0))
        return reply_fail(r, w, APP_ERR_INPUT, "`events` is required for conversation_update");
    en = jsonio_get(b, "enabled");
    if (en != NULL && !json_object_is_type(en, json_type_boolean))
        return reply_fail(r, w, APP_ERR_INPUT, "`enabled` must be true or false");
    in->enabled = en == NULL || json_object_get_boolean(en);
    rules = jsonio_get(b, "rules");
    if ((e = check_rules(r, w, rules)) != APP_OK)
        return e;
    in->events = ev != NULL ? json_object_to_json_string_ext(ev, JSON_C_TO_STRING_PLAIN) : "[]";
    in->rules = json_object_to_json_string_ext(rules, JSON_C_TO_STRING_PLAIN);
    return APP_OK;
}

static enum app_err rule_id(struct req *r, struct resp *w, int64_t *id)
{
    return reply_path_int(r, w, "id", "rule", id);
}

static enum app_err refused(struct req *r, struct resp *w, enum app_err e)
{
    if (e == APP_ERR_NOT_FOUND && w->message == NULL)
        return reply_fail(r, w, e, "Automation rule not found");
    return e;
}

static enum app_err answer_true(struct resp *w)
{
    w->data_json = "true";
    w->data_len = 4;
    return APP_OK;
}

enum app_err h_automation_list(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    const char *type = http_param(r, "type");
    if (type != NULL && *type == '\0')
        type = NULL;
    if (type != NULL && !known(types, type))
        return reply_fail(r, w, APP_ERR_INPUT,
                          "`type` must be new_conversation, conversation_update or time_trigger");
    return store_automation_rules_json(c->db, r->arena, type, &w->data_json, &w->data_len);
}

enum app_err h_automation_get(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    int64_t id;
    enum app_err e = rule_id(r, w, &id);
    if (e == APP_OK)
        e = store_automation_rule_json(c->db, r->arena, id, &w->data_json, &w->data_len);
    return refused(r, w, e);
}

enum app_err h_automation_create(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct store_automation_in in;
    enum app_err e = rule_body(r, w, &in);
    if (e == APP_OK)
        e = store_automation_rule_create(c->db, r->arena, &in, &w->data_json, &w->data_len);
    return e;
}

enum app_err h_automation_update(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct store_automation_in in;
    int64_t id;
    enum app_err e = rule_id(r, w, &id);
    if (e == APP_OK)
        e = rule_body(r, w, &in);
    if (e == APP_OK)
        e = store_automation_rule_update(c->db, r->arena, id, &in, &w->data_json, &w->data_len);
    return refused(r, w, e);
}

enum app_err h_automation_delete(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    int64_t id;
    enum app_err e = rule_id(r, w, &id);
    if (e == APP_OK)
        e = store_automation_rule_delete(c->db, r->arena, id);
    if (e == APP_OK)
        return answer_true(w);
    return refused(r, w, e);
}

enum app_err h_automation_toggle(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    int64_t id;
    enum app_err e = rule_id(r, w, &id);
    if (e == APP_OK)
        e = store_automation_rule_toggle(c->db, r->arena, id, &w->data_json, &w->data_len);
    return refused(r, w, e);
}

/* Body {"<rule id>": weight, ...}. */
enum app_err h_automation_weights(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct json_object *b;
    size_t n = 0;
    enum app_err e = body_object(r, w, &b);
    if (e != APP_OK)
        return e;
    json_object_object_foreach(b, key, val)
    {
        char *end;
        long long id = strtoll(key, &end, 10);
        int64_t wt;
        if (*key < '1' || *key > '9' || *end != '\0' || strlen(key) > 10 || id > INT32_MAX)
            return reply_fail(r, w, APP_ERR_INPUT, "Weights must be keyed by rule `id`");
        if (!json_object_is_type(val, json_type_int) ||
            (wt = json_object_get_int64(val)) < INT32_MIN || wt > INT32_MAX)
            return reply_fail(r, w, APP_ERR_INPUT, "`weight` must be an integer");
        n++;
    }
    if (n == 0)
        return answer_true(w);
    e = store_automation_weights(c->db, r->arena,
                                 json_object_to_json_string_ext(b, JSON_C_TO_STRING_PLAIN), n);
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "Automation rule not found");
    return e == APP_OK ? answer_true(w) : e;
}

/* Body {"mode": "all" | "first_match"}: for the new_conversation rules, as upstream. */
enum app_err h_automation_mode(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct json_object *b;
    const char *mode;
    enum app_err e = body_object(r, w, &b);
    if (e != APP_OK)
        return e;
    mode = body_string(b, "mode");
    if (!known(modes, mode))
        return reply_fail(r, w, APP_ERR_INPUT, "`mode` must be all or first_match");
    e = store_automation_mode(c->db, r->arena, mode);
    return e == APP_OK ? answer_true(w) : e;
}
