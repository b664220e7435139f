/*
 * rules/automation.c - see automation.h.  Matching follows upstream's
 * evaluator: values compare as strings, lower-cased unless the condition
 * is case sensitive; contains / not contains take a comma-separated list
 * and collapse runs of white space on both sides; greater / less than
 * compare integers (a value that is not one counts as 0); ids print as
 * decimal, a missing assignee as "".
 */
#include "rules/automation.h"

#include <ctype.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    enum am_field f;
} field_names[] = {
    {"subject", AM_F_SUBJECT},
    {"content", AM_F_CONTENT},
    {"status", AM_F_STATUS},
    {"priority", AM_F_PRIORITY},
    {"assigned_user", AM_F_USER},
    {"assigned_team", AM_F_TEAM},
    {"hours_since_created", AM_F_HOURS_CREATED},
    {"hours_since_first_reply", AM_F_HOURS_FIRST_REPLY},
    {"hours_since_last_reply", AM_F_HOURS_LAST_REPLY},
    {"hours_since_resolved", AM_F_HOURS_RESOLVED},
    {"inbox", AM_F_INBOX},
    {"to", AM_F_TO},
    {"contact_email", AM_F_CONTACT_EMAIL},
    {"previous_status", AM_F_PREV_STATUS},
    {"previous_priority", AM_F_PREV_PRIORITY},
    {"previous_assigned_user", AM_F_PREV_USER},
    {"previous_assigned_team", AM_F_PREV_TEAM},
};

static const char *const op_names[] = {
    [AM_OP_CONTAINS] = "contains",
    [AM_OP_NOT_CONTAINS] = "not contains",
    [AM_OP_EQUALS] = "equals",
    [AM_OP_NOT_EQUALS] = "not equals",
    [AM_OP_SET] = "set",
    [AM_OP_NOT_SET] = "not set",
    [AM_OP_GREATER] = "greater than",
    [AM_OP_LESS] = "less than",
    [AM_OP_STARTS_WITH] = "starts with",
};

static const char *const event_names[] = {
    "conversation.user.assigned",    "conversation.team.assigned",
    "conversation.status.change",    "conversation.priority.change",
    "conversation.message.outgoing", "conversation.message.incoming",
};

unsigned am_event_bit(const char *name)
{
    for (size_t i = 0; name != NULL && i < sizeof(event_names) / sizeof(event_names[0]); i++)
        if (strcmp(name, event_names[i]) == 0)
            return 1u << i;
    return 0;
}

static const char *str_of(struct json_object *o, const char *key)
{
    struct json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static char *dup_or_empty(const char *s)
{
    return strdup(s != NULL ? s : "");
}

static struct json_object *array_of(struct json_object *o, const char *key)
{
    struct json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_array))
        return NULL;
    return v;
}

/* The strings of an array (other elements are left out); -1 when out of memory. */
static int strings_of(struct json_object *arr, char ***out, size_t *n)
{
    size_t len = arr != NULL ? json_object_array_length(arr) : 0;
    *out = calloc(len + 1, sizeof(char *));
    *n = 0;
    if (*out == NULL)
        return -1;
    for (size_t i = 0; i < len; i++) {
        struct json_object *x = json_object_array_get_idx(arr, i);
        if (!json_object_is_type(x, json_type_string))
            continue;
        if (((*out)[(*n)++] = strdup(json_object_get_string(x))) == NULL)
            return -1;
    }
    return 0;
}

static int parse_cond(struct json_object *c, struct am_cond *out)
{
    const char *field = str_of(c, "field"), *ftype = str_of(c, "field_type");
    const char *op = str_of(c, "operator");
    struct json_object *cs;

    out->field = AM_F_UNKNOWN;
    out->op = AM_OP_UNKNOWN;
    if (ftype != NULL && strcmp(ftype, "contact_custom_attribute") == 0) {
        out->field = AM_F_CUSTOM;
        if ((out->key = dup_or_empty(field)) == NULL)
            return -1;
    } else if (ftype == NULL || *ftype == '\0' || strcmp(ftype, "conversation") == 0) {
        for (size_t i = 0; field != NULL && i < sizeof(field_names) / sizeof(field_names[0]); i++)
            if (strcmp(field, field_names[i].name) == 0)
                out->field = field_names[i].f;
    }
    for (int i = 0; op != NULL && i < AM_OP_UNKNOWN; i++)
        if (strcmp(op, op_names[i]) == 0)
            out->op = (enum am_op)i;
    out->case_sensitive =
        json_object_object_get_ex(c, "case_sensitive_match", &cs) && json_object_get_boolean(cs);
    return (out->value = dup_or_empty(str_of(c, "value"))) == NULL ? -1 : 0;
}

static int parse_action(struct json_object *x, struct am_action *out)
{
    struct json_object *v = array_of(x, "value");
    out->type = dup_or_empty(str_of(x, "type"));
    out->subject = dup_or_empty(str_of(x, "subject"));
    out->message = dup_or_empty(str_of(x, "message"));
    out->values_json =
        strdup(v != NULL ? json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN) : "[]");
    if (out->type == NULL || out->subject == NULL || out->message == NULL ||
        out->values_json == NULL)
        return -1;
    if (strings_of(v, &out->values, &out->nvalues) < 0)
        return -1;
    return strings_of(array_of(x, "recipients"), &out->recipients, &out->nrecipients);
}

static int is_and(const char *s)
{
    return s != NULL && strcmp(s, "AND") == 0;
}

/* One entry {group_operator, groups, actions} into r; -1 when out of memory. */
static int parse_rule(struct json_object *one, struct am_rule *r)
{
    struct json_object *groups = array_of(one, "groups"), *acts = array_of(one, "actions");
    size_t ng = groups != NULL ? json_object_array_length(groups) : 0;
    size_t na = acts != NULL ? json_object_array_length(acts) : 0;

    r->groups_and = is_and(str_of(one, "group_operator"));
    r->groups = calloc(ng + 1, sizeof(*r->groups));
    r->actions = calloc(na + 1, sizeof(*r->actions));
    if (r->groups == NULL || r->actions == NULL)
        return -1;
    for (size_t g = 0; g < ng; g++) {
        struct json_object *grp = json_object_array_get_idx(groups, g);
        struct json_object *conds = array_of(grp, "rules");
        size_t nc = conds != NULL ? json_object_array_length(conds) : 0;
        struct am_group *out = &r->groups[r->ngroups++];

        out->is_and = is_and(str_of(grp, "logical_op"));
        if ((out->conds = calloc(nc + 1, sizeof(*out->conds))) == NULL)
            return -1;
        for (size_t i = 0; i < nc; i++)
            if (parse_cond(json_object_array_get_idx(conds, i), &out->conds[out->nconds++]) < 0)
                return -1;
    }
    for (size_t i = 0; i < na; i++)
        if (parse_action(json_object_array_get_idx(acts, i), &r->actions[r->nactions++]) < 0)
            return -1;
    return 0;
}

static void rule_free(struct am_rule *r)
{
    for (size_t g = 0; r->groups != NULL && g < r->ngroups; g++) {
        for (size_t i = 0; i < r->groups[g].nconds; i++) {
            free(r->groups[g].conds[i].key);
            free(r->groups[g].conds[i].value);
        }
        free(r->groups[g].conds);
    }
    for (size_t i = 0; r->actions != NULL && i < r->nactions; i++) {
        struct am_action *x = &r->actions[i];
        for (size_t k = 0; x->values != NULL && k < x->nvalues; k++)
            free(x->values[k]);
        for (size_t k = 0; x->recipients != NULL && k < x->nrecipients; k++)
            free(x->recipients[k]);
        free(x->values);
        free(x->recipients);
        free(x->type);
        free(x->subject);
        free(x->message);
        free(x->values_json);
    }
    free(r->groups);
    free(r->actions);
    free(r->name);
}

int am_set_add(struct am_set *set, int64_t id, const char *name, const char *type,
               const char *events_json, const char *mode, const char *rules_json)
{
    struct json_object *rules = rules_json != NULL ? json_tokener_parse(rules_json) : NULL;
    struct json_object *evs = events_json != NULL ? json_tokener_parse(events_json) : NULL;
    enum am_type t;
    unsigned bits = 0;
    int rc = 0;

    if (type != NULL && strcmp(type, "new_conversation") == 0)
        t = AM_NEW_CONVERSATION;
    else if (type != NULL && strcmp(type, "conversation_update") == 0)
        t = AM_CONVERSATION_UPDATE;
    else if (type != NULL && strcmp(type, "time_trigger") == 0)
        t = AM_TIME_TRIGGER;
    else
        goto done;
    if (!json_object_is_type(rules, json_type_array))
        goto done;
    for (size_t i = 0;
         json_object_is_type(evs, json_type_array) && i < json_object_array_length(evs); i++)
        bits |= am_event_bit(json_object_get_string(json_object_array_get_idx(evs, i)));
    size_t n = json_object_array_length(rules);
    struct am_rule *grown = realloc(set->rules, (set->n + n + 1) * sizeof(*grown));
    if (grown == NULL) {
        rc = -1;
        goto done;
    }
    set->rules = grown;
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct am_rule *r = &set->rules[set->n++];
        memset(r, 0, sizeof(*r));
        r->id = id;
        r->type = t;
        r->events = bits;
        r->first_match = mode != NULL && strcmp(mode, "first_match") == 0;
        if ((r->name = dup_or_empty(name)) == NULL ||
            parse_rule(json_object_array_get_idx(rules, i), r) < 0)
            rc = -1;
    }
done:
    json_object_put(rules);
    json_object_put(evs);
    return rc;
}

void am_set_free(struct am_set *set)
{
    for (size_t i = 0; set->rules != NULL && i < set->n; i++)
        rule_free(&set->rules[i]);
    free(set->rules);
    set->rules = NULL;
    set->n = 0;
}

/*
 * s into out (cap bytes): lower-cased (ASCII) unless keep_case, and with
 * collapse, runs of white space made one space and the ends trimmed.  The
 * result is never longer than s.
 */
static void normalize(const char *s, char *out, size_t cap, int keep_case, int collapse)
{
    size_t n = 0;
    int space = 0;
    if (collapse)
        while (isspace((unsigned char)*s))
            s++;
    for (; *s != '\0'; s++) {
        unsigned char ch = (unsigned char)*s;
        if (collapse && isspace(ch)) {
            space = 1;
            continue;
        }
        if (space && n + 1 < cap)
            out[n++] = ' ';
        space = 0;
        if (n + 1 < cap)
            out[n++] = keep_case ? (char)ch : (char)tolower(ch);
    }
    out[n] = '\0';
}

/* An integer as upstream's Atoi reads it; anything else is 0. */
static long long int_of(const char *s)
{
    char *end;
    long long v;
    if (*s == '\0')
        return 0;
    v = strtoll(s, &end, 10);
    return *end == '\0' ? v : 0;
}

/* Whether a comma-separated candidate of list occurs in text (both normalized). */
static int contains_any(const char *text, const char *list)
{
    size_t tl = strlen(text) + 1, ll = strlen(list) + 1;
    char *t = malloc(tl), *cand = malloc(ll), *copy = strdup(list), *p = copy, *piece;
    int found = 0;

    if (t != NULL && cand != NULL && copy != NULL) {
        normalize(text, t, tl, 1, 1);
        /* every piece, empty ones too (Go's Split) */
        while (!found && (piece = strsep(&p, ",")) != NULL) {
            normalize(piece, cand, ll, 1, 1);
            found = strstr(t, cand) != NULL;
        }
    }
    free(t);
    free(cand);
    free(copy);
    return found;
}

/* The "to" field: each recipient against the condition, as upstream. */
static int recipient_holds(const struct am_cond *c, const struct am_snap *s)
{
    int negative = c->op == AM_OP_NOT_EQUALS || c->op == AM_OP_NOT_CONTAINS;
    char want[1024], got[1024];

    normalize(c->value, want, sizeof(want), c->case_sensitive, 0);
    for (size_t i = 0; i < s->nto; i++) {
        int matched = 0;
        normalize(s->to[i], got, sizeof(got), 1, 1); /* trimmed */
        if (*got == '\0')
            continue;
        if (c->op == AM_OP_SET)
            return 1;
        if (c->op == AM_OP_NOT_SET)
            return 0;
        normalize(s->to[i], got, sizeof(got), c->case_sensitive, 1);
        if (c->op == AM_OP_EQUALS || c->op == AM_OP_NOT_EQUALS)
            matched = strcmp(got, want) == 0;
        else if (c->op == AM_OP_CONTAINS || c->op == AM_OP_NOT_CONTAINS) {
            char *copy = strdup(want), *save = NULL;
            char norm[1024];
            for (char *tok = copy != NULL ? strtok_r(copy, ",", &save) : NULL;
                 tok != NULL && !matched; tok = strtok_r(NULL, ",", &save)) {
                normalize(tok, norm, sizeof(norm), 1, 1);
                matched = *norm != '\0' && strstr(got, norm) != NULL;
            }
            free(copy);
        } else
            return 0;
        if (matched)
            return !negative;
    }
    if (c->op == AM_OP_SET)
        return 0;
    if (c->op == AM_OP_NOT_SET)
        return 1;
    return negative;
}

static void id_text(char *buf, size_t n, int64_t id)
{
    if (id > 0)
        snprintf(buf, n, "%lld", (long long)id);
    else
        *buf = '\0';
}

static void hours_text(char *buf, size_t n, double h)
{
    if (h >= 0)
        snprintf(buf, n, "%.0f", h);
    else
        *buf = '\0';
}

/* A custom attribute's value as text; 0 if the contact has no such key. */
static int custom_text(const struct am_snap *s, const char *key, char *buf, size_t n)
{
    struct json_object *o = s->custom_attributes ? json_tokener_parse(s->custom_attributes) : NULL;
    struct json_object *v;
    int found = 0;

    if (json_object_is_type(o, json_type_object) && json_object_object_get_ex(o, key, &v)) {
        found = 1;
        if (json_object_is_type(v, json_type_double))
            snprintf(buf, n, "%lld", (long long)json_object_get_double(v));
        else if (json_object_is_type(v, json_type_string) ||
                 json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_boolean))
            snprintf(buf, n, "%s", json_object_get_string(v));
        else
            snprintf(buf, n, "%s", json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
    }
    json_object_put(o);
    return found;
}

int am_cond_holds(const struct am_cond *c, const struct am_snap *s)
{
    char num[64];
    const char *got = num;
    int rc = 0;

    *num = '\0';
    switch (c->field) {
    case AM_F_SUBJECT:
        got = s->subject;
        break;
    case AM_F_CONTENT:
        got = s->content;
        break;
    case AM_F_CONTACT_EMAIL:
        got = s->contact_email;
        break;
    case AM_F_STATUS:
        snprintf(num, sizeof(num), "%lld", (long long)s->status);
        break;
    case AM_F_PRIORITY:
        snprintf(num, sizeof(num), "%lld", (long long)s->priority);
        break;
    case AM_F_INBOX:
        snprintf(num, sizeof(num), "%lld", (long long)s->inbox);
        break;
    case AM_F_USER:
        id_text(num, sizeof(num), s->user);
        break;
    case AM_F_TEAM:
        id_text(num, sizeof(num), s->team);
        break;
    case AM_F_HOURS_CREATED:
        hours_text(num, sizeof(num), s->hours_created);
        break;
    case AM_F_HOURS_FIRST_REPLY:
        hours_text(num, sizeof(num), s->hours_first_reply);
        break;
    case AM_F_HOURS_LAST_REPLY:
        hours_text(num, sizeof(num), s->hours_last_reply);
        break;
    case AM_F_HOURS_RESOLVED:
        hours_text(num, sizeof(num), s->hours_resolved);
        break;
    case AM_F_PREV_STATUS:
    case AM_F_PREV_PRIORITY:
    case AM_F_PREV_USER:
    case AM_F_PREV_TEAM:
        if (!s->has_prev)
            return 0; /* no previous values: such a condition never holds */
        id_text(num, sizeof(num),
                c->field == AM_F_PREV_STATUS     ? s->prev_status
                : c->field == AM_F_PREV_PRIORITY ? s->prev_priority
                : c->field == AM_F_PREV_USER     ? s->prev_user
                                                 : s->prev_team);
        break;
    case AM_F_TO:
        return recipient_holds(c, s);
    case AM_F_CUSTOM:
        if (!custom_text(s, c->key, num, sizeof(num)))
            return 0;
        break;
    case AM_F_UNKNOWN:
        return 0;
    }
    if (got == NULL)
        got = "";
    size_t gl = strlen(got) + 1, vl = strlen(c->value) + 1;
    char *g = malloc(gl), *v = malloc(vl);
    if (g == NULL || v == NULL)
        goto out;
    normalize(got, g, gl, c->case_sensitive, 0);
    normalize(c->value, v, vl, c->case_sensitive, 0);
    switch (c->op) {
    case AM_OP_EQUALS:
        rc = strcmp(g, v) == 0;
        break;
    case AM_OP_NOT_EQUALS:
        rc = strcmp(g, v) != 0;
        break;
    case AM_OP_CONTAINS:
        rc = contains_any(g, v);
        break;
    case AM_OP_NOT_CONTAINS:
        rc = !contains_any(g, v);
        break;
    case AM_OP_SET:
        rc = *g != '\0';
        break;
    case AM_OP_NOT_SET:
        rc = *g == '\0';
        break;
    case AM_OP_GREATER:
        rc = int_of(g) > int_of(v);
        break;
    case AM_OP_LESS:
        rc = int_of(g) < int_of(v);
        break;
    case AM_OP_STARTS_WITH:
        rc = strncmp(g, v, strlen(v)) == 0;
        break;
    case AM_OP_UNKNOWN:
        rc = 0;
        break;
    }
out:
    free(g);
    free(v);
    return rc;
}

static int group_holds(const struct am_group *g, const struct am_snap *s)
{
    for (size_t i = 0; i < g->nconds; i++) {
        int ok = am_cond_holds(&g->conds[i], s);
        if (g->is_and && !ok)
            return 0;
        if (!g->is_and && ok)
            return 1;
    }
    return g->is_and;
}

int am_rule_matches(const struct am_rule *r, const struct am_snap *s)
{
    size_t counted = 0, held = 0;
    if (r->ngroups > 2)
        return 0;
    for (size_t i = 0; i < r->ngroups; i++) {
        if (r->groups[i].nconds == 0)
            continue;
        counted++;
        held += (size_t)group_holds(&r->groups[i], s);
    }
    return r->groups_and ? held == counted : held > 0;
}
