/*
 * lists/query.c - conversation lists: scope + filters + order + page -> SQL.
 *
 * Filters compile twice with the same parameter numbers: once against the
 * conversations table (the page and, when needed, a count), and once against
 * deskd_conversation_counts (sql/004) when every condition only involves the
 * columns that table groups by, so that the exact total is a sum over a few
 * hundred rows instead of a rescan of the scope.
 *
 * Identifiers come only from the tables below; user input only ever becomes
 * a bound parameter (all sent as text and cast in the SQL).
 */
#include "lists/query.h"

#include <inttypes.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "lib/arena.h"
#include "lib/jsonio.h"
#include "lib/sbuf.h"
#include "lib/text.h"
#include "lib/validate.h"
#include "lists/items.h"
#include "rules/access.h"

enum ctype { T_INT, T_TEXT, T_TS, T_TAGS };

enum { J_CONTACT = 1, J_INBOX = 2, J_STATUS = 4 };

struct column {
    const char *model, *field;
    const char *expr;     /* over conversations c (and ct, i, st) */
    const char *sum_expr; /* over deskd_conversation_counts s (and st, i), or NULL */
    enum ctype type;
    unsigned joins;
    int orderable;
};

/* The allow-list (upstream's conversation fields). */
/* clang-format off */
static const struct column columns[] = {
    {"conversations",         "status_id",               "c.status_id",                     "s.status_id",                   T_INT,  0,         1},
    {"conversations",         "priority_id",             "c.priority_id",                   "nullif(s.priority_id, 0)",      T_INT,  0,         1},
    {"conversations",         "assigned_team_id",        "c.assigned_team_id",              "nullif(s.assigned_team_id, 0)", T_INT,  0,         1},
    {"conversations",         "assigned_user_id",        "c.assigned_user_id",              "nullif(s.assigned_user_id, 0)", T_INT,  0,         1},
    {"conversations",         "inbox_id",                "c.inbox_id",                      "s.inbox_id",                    T_INT,  0,         1},
    {"conversations",         "last_message_at",         "c.last_message_at",               NULL,                            T_TS,   0,         1},
    {"conversations",         "last_interaction_at",     "c.last_interaction_at",           NULL,                            T_TS,   0,         1},
    {"conversations",         "last_interaction_sender", "c.last_interaction_sender::text", NULL,                            T_TEXT, 0,         1},
    {"conversations",         "created_at",              "c.created_at",                    NULL,                            T_TS,   0,         1},
    {"conversations",         "waiting_since",           "c.waiting_since",                 NULL,                            T_TS,   0,         1},
    {"conversations",         "next_sla_deadline_at",    "c.next_sla_deadline_at",          NULL,                            T_TS,   0,         1},
    {"conversations",         "snoozed_until",           "c.snoozed_until",                 NULL,                            T_TS,   0,         1},
    {"conversations",         "sla_policy_id",           "c.sla_policy_id",                 NULL,                            T_INT,  0,         1},
    {"conversations",         "tags",                    NULL,                              NULL,                            T_TAGS, 0,         0},
    {"conversation_statuses", "id",                      "st.id",                           "st.id",                         T_INT,  J_STATUS,  1},
    {"conversation_statuses", "name",                    "st.name",                         "st.name",                       T_TEXT, J_STATUS,  1},
    {"users",                 "email",                   "ct.email",                        NULL,                            T_TEXT, J_CONTACT, 1},
    {"users",                 "external_user_id",        "ct.external_user_id",             NULL,                            T_TEXT, J_CONTACT, 1},
    {"inboxes",               "channel",                 "i.channel::text",                 "i.channel::text",               T_TEXT, J_INBOX,   1},
};
/* clang-format on */

enum op {
    OP_EQ,
    OP_NE,
    OP_GT,
    OP_LT,
    OP_BETWEEN,
    OP_IN,
    OP_SET,
    OP_NOT_SET,
    OP_CONTAINS,
    OP_ILIKE,
    OP_NOT_CONTAINS,
    OP__MAX
};

static const char *const op_names[OP__MAX] = {
    "equals",       /* OP_EQ */
    "not equals",   /* OP_NE */
    "greater than", /* OP_GT */
    "less than",    /* OP_LT */
    "between",      /* OP_BETWEEN */
    "in",           /* OP_IN */
    "set",          /* OP_SET */
    "not set",      /* OP_NOT_SET */
    "contains",     /* OP_CONTAINS */
    "ilike",        /* OP_ILIKE */
    "not contains", /* OP_NOT_CONTAINS */
};

#define TZ "deskd_app_timezone()"

struct compiler {
    struct arena *a;
    const struct column *cols; /* the allow-list in force */
    size_t ncols;
    const char **params;
    int nparams, cap;
    int summarizable;
    unsigned joins;
    int groups, conditions;
    const char *msg;
};

/* A compiled condition or group: SQL over conversations, and over the summary. */
struct frag {
    const char *page; /* NULL = no condition */
    const char *sum;  /* NULL = not expressible over the summary */
};

static int param(struct compiler *c, const char *v)
{
    if (c->nparams == c->cap)
        return -1;
    c->params[c->nparams++] = v;
    return c->nparams;
}

static enum app_err fail(struct compiler *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Records the message for a 400 and returns APP_ERR_INPUT. */
static enum app_err fail(struct compiler *c, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    c->msg = arena_strdup(c->a, buf);
    return c->msg ? APP_ERR_INPUT : APP_ERR_INTERNAL;
}

/*
 * The outcome of a refused compilation: APP_ERR_INPUT with *message, or
 * APP_ERR_INTERNAL when the arena could not hold the message.
 */
static enum app_err refused(const struct compiler *c, enum app_err e, const char **message)
{
    *message = c->msg;
    return e == APP_ERR_INPUT && c->msg == NULL ? APP_ERR_INTERNAL : e;
}

static int is_date(const char *s)
{
    int y, m, d;
    char tail;
    return strlen(s) == 10 && sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && s[4] == '-' &&
           s[7] == '-' && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

static int is_timestamp(const char *s)
{
    static regex_t re;
    static int ready;
    if (!ready) {
        if (regcomp(&re,
                    "^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?"
                    "(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)?$",
                    REG_EXTENDED | REG_NOSUB) != 0)
            return 0;
        ready = 1;
    }
    return strlen(s) <= 40 && regexec(&re, s, 0, NULL, 0) == 0;
}

static const struct column *find_column(const struct compiler *c, const char *model,
                                        const char *field)
{
    for (size_t i = 0; i < c->ncols; i++)
        if (strcmp(c->cols[i].model, model) == 0 && strcmp(c->cols[i].field, field) == 0)
            return &c->cols[i];
    return NULL;
}

/* A filter value as text: JSON strings as they are, numbers printed; else NULL. */
static const char *value_text(struct compiler *c, struct json_object *v)
{
    if (v == NULL)
        return NULL;
    if (json_object_is_type(v, json_type_string)) {
        const char *s = json_object_get_string(v);
        if ((size_t)json_object_get_string_len(v) != strlen(s))
            return NULL; /* embedded NUL */
        return s;
    }
    if (json_object_is_type(v, json_type_int))
        return arena_printf(c->a, "%lld", (long long)json_object_get_int64(v));
    return NULL;
}

/* Checks and binds one scalar value for the column type; returns $n or -1 with c->msg. */
static int bind_value(struct compiler *c, const struct column *col, const char *v)
{
    int64_t n;
    if (strlen(v) > 1000) {
        fail(c, "Invalid filter: the value for `%s` is too long", col->field);
        return -1;
    }
    if (col->type == T_INT && v_int64(v, INT64_MIN, INT64_MAX, &n) != 0) {
        fail(c, "Invalid filter: `%s` needs an integer value, not `%s`", col->field, v);
        return -1;
    }
    if (col->type == T_TS && !is_date(v) && !is_timestamp(v)) {
        fail(c, "Invalid filter: `%s` needs a date (YYYY-MM-DD) or timestamp, not `%s`", col->field,
             v);
        return -1;
    }
    int k = param(c, v);
    if (k < 0)
        fail(c, "Invalid filter: too many values");
    return k;
}

static const char *cast(enum ctype t)
{
    return t == T_INT ? "bigint" : t == T_TS ? "timestamptz" : "text";
}

/* Parses the `in`/tags value: a JSON array (or a string holding one) of strings/numbers. */
static struct json_object *value_array(struct compiler *c, struct json_object *v)
{
    int ok;
    if (v != NULL && json_object_is_type(v, json_type_string)) {
        const char *s = json_object_get_string(v);
        v = jsonio_parse(c->a, s, strlen(s), 4, &ok);
        if (!ok)
            return NULL;
    }
    if (v == NULL || !json_object_is_type(v, json_type_array))
        return NULL;
    return v;
}

static enum app_err tags_leaf(struct compiler *c, enum op op, struct json_object *value,
                              struct frag *out)
{
    static const char exists[] =
        "EXISTS (SELECT 1 FROM conversation_tags ctg WHERE ctg.conversation_id = c.id)";
    c->summarizable = 0;
    out->sum = NULL;
    if (op == OP_SET || op == OP_NOT_SET) {
        out->page = op == OP_SET ? exists : arena_printf(c->a, "NOT %s", exists);
        return out->page ? APP_OK : APP_ERR_INTERNAL;
    }
    if (op != OP_CONTAINS && op != OP_NOT_CONTAINS)
        return fail(c, "Invalid filter: `tags` supports contains, not contains, set and not set");
    struct json_object *arr = value_array(c, value);
    if (arr == NULL)
        return fail(c, "Invalid filter: `tags` needs a JSON array of tag ids");
    size_t n = json_object_array_length(arr);
    if (n == 0) {
        out->page = NULL; /* an empty list drops the condition, as upstream */
        return APP_OK;
    }
    if (n > CQ_MAX_IN_VALUES)
        return fail(c, "Invalid filter: at most 100 tag ids");
    struct sbuf ids;
    sbuf_init(&ids, c->a);
    sbuf_add(&ids, "{");
    for (size_t i = 0; i < n; i++) {
        const char *t = value_text(c, json_object_array_get_idx(arr, i));
        int64_t id;
        if (t == NULL || v_int64(t, 1, INT32_MAX, &id) != 0)
            return fail(c, "Invalid filter: tag ids must be positive integers");
        sbuf_addf(&ids, "%s%lld", i ? "," : "", (long long)id);
    }
    sbuf_add(&ids, "}");
    const char *lit = sbuf_str(&ids);
    int k = lit ? param(c, lit) : -1;
    if (k < 0)
        return fail(c, "Invalid filter: too many values");
    out->page = arena_printf(c->a,
                             "c.id %sIN (SELECT ctg.conversation_id FROM conversation_tags ctg"
                             " WHERE ctg.tag_id = ANY($%d::int[]))",
                             op == OP_NOT_CONTAINS ? "NOT " : "", k);
    return out->page ? APP_OK : APP_ERR_INTERNAL;
}

/* Writes the SQL for one operator applied to expression e into sb. */
static enum app_err emit(struct compiler *c, struct sbuf *sb, const struct column *col,
                         const char *e, enum op op, const int *k, int nk, int date_only)
{
    const char *ty = cast(col->type);
    switch (op) {
    case OP_EQ:
    case OP_NE:
        if (date_only) {
            sbuf_addf(sb,
                      "%s(%s >= ($%d::date)::timestamp AT TIME ZONE " TZ " AND %s < ($%d::date + 1)"
                      "::timestamp AT TIME ZONE " TZ ")",
                      op == OP_NE ? "NOT " : "", e, k[0], e, k[0]);
        } else {
            sbuf_addf(sb, "%s %s $%d::%s", e, op == OP_EQ ? "=" : "<>", k[0], ty);
        }
        break;
    case OP_GT:
        if (date_only)
            sbuf_addf(sb, "%s >= ($%d::date + 1)::timestamp AT TIME ZONE " TZ, e, k[0]);
        else
            sbuf_addf(sb, "%s > $%d::%s", e, k[0], ty);
        break;
    case OP_LT:
        if (date_only)
            sbuf_addf(sb, "%s < ($%d::date)::timestamp AT TIME ZONE " TZ, e, k[0]);
        else
            sbuf_addf(sb, "%s < $%d::%s", e, k[0], ty);
        break;
    case OP_BETWEEN:
        if (date_only)
            sbuf_addf(sb,
                      "(%s >= ($%d::date)::timestamp AT TIME ZONE " TZ " AND %s < ($%d::date + 1)"
                      "::timestamp AT TIME ZONE " TZ ")",
                      e, k[0], e, k[1]);
        else
            sbuf_addf(sb, "%s BETWEEN $%d::%s AND $%d::%s", e, k[0], ty, k[1], ty);
        break;
    case OP_IN:
        sbuf_addf(sb, "%s IN (", e);
        for (int i = 0; i < nk; i++)
            sbuf_addf(sb, "%s$%d::%s", i ? ", " : "", k[i], ty);
        sbuf_add(sb, ")");
        break;
    case OP_SET:
        sbuf_addf(sb, "%s IS NOT NULL", e);
        break;
    case OP_NOT_SET:
        sbuf_addf(sb, "%s IS NULL", e);
        break;
    case OP_CONTAINS:
    case OP_ILIKE:
        sbuf_addf(sb, "%s ILIKE $%d::text", e, k[0]);
        break;
    case OP_NOT_CONTAINS:
        sbuf_addf(sb, "%s NOT ILIKE $%d::text", e, k[0]);
        break;
    default:
        return fail(c, "Invalid filter operator");
    }
    return APP_OK;
}

static enum app_err leaf(struct compiler *c, struct json_object *node, struct frag *out)
{
    const char *model = NULL, *field = NULL, *opname = NULL;
    struct json_object *value = jsonio_get(node, "value");
    int k[CQ_MAX_IN_VALUES];
    int nk = 0, date_only = 0;
    enum op op;

    out->page = out->sum = NULL;
    if (!json_object_is_type(node, json_type_object))
        return fail(c, "Invalid filter: each condition must be an object");
    if (!jsonio_string(jsonio_get(node, "field"), &field) || *field == '\0')
        return APP_OK; /* upstream skips conditions without a field */
    if (++c->conditions > CQ_MAX_CONDITIONS)
        return fail(c, "Too many filter conditions: at most 50");
    if (!jsonio_string(jsonio_get(node, "model"), &model))
        model = "conversations";
    const struct column *col = find_column(c, model, field);
    if (col == NULL)
        return fail(c, "Invalid filter: unknown field `%s.%s`", model, field);
    if (!jsonio_string(jsonio_get(node, "operator"), &opname))
        return fail(c, "Invalid filter: `%s` has no operator", field);
    for (op = 0; op < OP__MAX; op++)
        if (strcmp(opname, op_names[op]) == 0)
            break;
    if (op == OP__MAX)
        return fail(c, "Invalid filter: unknown operator `%s` on `%s`", opname, field);
    if (col->type == T_TAGS)
        return tags_leaf(c, op, value, out);

    /* Which operators make sense for the column's type. */
    if ((op == OP_GT || op == OP_LT) && col->type == T_TEXT)
        return fail(c, "Invalid filter: `%s` cannot be used on text field `%s`", opname, field);
    if ((op == OP_CONTAINS || op == OP_ILIKE || op == OP_NOT_CONTAINS) && col->type != T_TEXT)
        return fail(c, "Invalid filter: `%s` needs a text field, `%s` is not one", opname, field);
    if (op == OP_IN && col->type == T_TS)
        return fail(c, "Invalid filter: `in` cannot be used on date field `%s`", field);

    if (op == OP_IN) {
        struct json_object *arr = value_array(c, value);
        size_t n = arr ? json_object_array_length(arr) : 0;
        if (arr == NULL || n < 1 || n > CQ_MAX_IN_VALUES)
            return fail(c, "Invalid filter: `in` on `%s` needs a JSON array of 1 to 100 values",
                        field);
        for (size_t i = 0; i < n; i++) {
            const char *t = value_text(c, json_object_array_get_idx(arr, i));
            if (t == NULL)
                return fail(c, "Invalid filter: `in` values on `%s` must be strings or numbers",
                            field);
            if ((k[nk++] = bind_value(c, col, t)) < 0)
                return APP_ERR_INPUT;
        }
    } else if (op == OP_BETWEEN) {
        const char *t = value_text(c, value);
        const char *comma = t ? strchr(t, ',') : NULL;
        if (comma == NULL || strchr(comma + 1, ','))
            return fail(c, "Invalid filter: `between` on `%s` needs two values \"a,b\"", field);
        char *lo = arena_strndup(c->a, t, (size_t)(comma - t));
        char *hi = arena_strdup(c->a, comma + 1);
        if (lo == NULL || hi == NULL)
            return APP_ERR_INTERNAL;
        while (*lo == ' ')
            lo++;
        while (*hi == ' ')
            hi++;
        for (char *p = lo + strlen(lo); p > lo && p[-1] == ' ';)
            *--p = '\0';
        for (char *p = hi + strlen(hi); p > hi && p[-1] == ' ';)
            *--p = '\0';
        if (*lo == '\0' || *hi == '\0')
            return fail(c, "Invalid filter: `between` on `%s` needs two values \"a,b\"", field);
        if (col->type == T_TS && is_date(lo) != is_date(hi))
            return fail(c, "Invalid filter: `between` on `%s` needs two dates or two timestamps",
                        field);
        date_only = col->type == T_TS && is_date(lo);
        if ((k[nk++] = bind_value(c, col, lo)) < 0 || (k[nk++] = bind_value(c, col, hi)) < 0)
            return APP_ERR_INPUT;
    } else if (op != OP_SET && op != OP_NOT_SET) {
        const char *t = value_text(c, value);
        if (t == NULL || *t == '\0')
            return fail(c, "Invalid filter: `%s` on `%s` needs a value", opname, field);
        if (op == OP_CONTAINS || op == OP_NOT_CONTAINS || op == OP_ILIKE) {
            const char *pat =
                op == OP_ILIKE ? arena_printf(c->a, "%%%s%%", t) : text_like_contains(c->a, t);
            if (pat == NULL)
                return APP_ERR_INTERNAL;
            if (strlen(t) > 1000)
                return fail(c, "Invalid filter: the value for `%s` is too long", field);
            if ((k[nk++] = param(c, pat)) < 0)
                return fail(c, "Invalid filter: too many values");
        } else {
            date_only = col->type == T_TS && is_date(t);
            if ((k[nk++] = bind_value(c, col, t)) < 0)
                return APP_ERR_INPUT;
        }
    }

    struct sbuf pg, sm;
    sbuf_init(&pg, c->a);
    enum app_err e = emit(c, &pg, col, col->expr, op, k, nk, date_only);
    if (e != APP_OK)
        return e;
    out->page = sbuf_str(&pg);
    c->joins |= col->joins;
    if (col->sum_expr != NULL) {
        sbuf_init(&sm, c->a);
        emit(c, &sm, col, col->sum_expr, op, k, nk, date_only);
        out->sum = sbuf_str(&sm);
    } else {
        c->summarizable = 0;
    }
    return (out->page == NULL) ? APP_ERR_INTERNAL : APP_OK;
}

static int is_group(struct json_object *node)
{
    struct json_object *rules = jsonio_get(node, "rules");
    return jsonio_get(node, "logic") != NULL ||
           (rules != NULL && json_object_is_type(rules, json_type_array) &&
            json_object_array_length(rules) > 0);
}

static enum app_err child(struct compiler *c, struct json_object *n, int depth, struct frag *out);

/* Joins the children of an array with AND or OR. */
static enum app_err group_of(struct compiler *c, struct json_object *rules, int or, int depth,
                             struct frag *out)
{
    struct sbuf pg, sm;
    size_t n = json_object_array_length(rules);
    int parts = 0;

    sbuf_init(&pg, c->a);
    sbuf_init(&sm, c->a);
    for (size_t i = 0; i < n; i++) {
        struct frag f;
        enum app_err e = child(c, json_object_array_get_idx(rules, i), depth, &f);
        if (e != APP_OK)
            return e;
        if (f.page == NULL)
            continue;
        sbuf_add(&pg, parts ? (or ? " OR " : " AND ") : "(");
        sbuf_add(&pg, f.page);
        if (f.sum != NULL) {
            sbuf_add(&sm, parts ? (or ? " OR " : " AND ") : "(");
            sbuf_add(&sm, f.sum);
        }
        parts++;
    }
    if (parts == 0) {
        out->page = out->sum = NULL;
        return APP_OK;
    }
    sbuf_add(&pg, ")");
    sbuf_add(&sm, ")");
    out->page = sbuf_str(&pg);
    out->sum = c->summarizable ? sbuf_str(&sm) : NULL;
    return out->page ? APP_OK : APP_ERR_INTERNAL;
}

static enum app_err compile_group(struct compiler *c, struct json_object *g, int depth,
                                  struct frag *out)
{
    const char *logic = "AND";
    struct json_object *lv = jsonio_get(g, "logic");
    struct json_object *rules = jsonio_get(g, "rules");

    if (lv != NULL && !json_object_is_type(lv, json_type_null) && !jsonio_string(lv, &logic))
        return fail(c, "Invalid filter: `logic` must be AND or OR");
    if (*logic == '\0')
        logic = "AND";
    if (strcasecmp(logic, "AND") != 0 && strcasecmp(logic, "OR") != 0)
        return fail(c, "Invalid filter: `logic` must be AND or OR, not `%s`", logic);
    if (rules == NULL || json_object_is_type(rules, json_type_null)) {
        out->page = out->sum = NULL;
        return APP_OK;
    }
    if (!json_object_is_type(rules, json_type_array))
        return fail(c, "Invalid filter: `rules` must be an array");
    return group_of(c, rules, strcasecmp(logic, "OR") == 0, depth, out);
}

/* Dispatches a child of a group: nested groups at depth 1, conditions otherwise. */
static enum app_err child(struct compiler *c, struct json_object *n, int depth, struct frag *out)
{
    if (n != NULL && is_group(n)) {
        if (depth >= 1)
            return fail(c, "Invalid filter: groups can be nested only one level deep");
        if (++c->groups > CQ_MAX_GROUPS)
            return fail(c, "Too many filter groups: at most 10");
        return compile_group(c, n, depth + 1, out);
    }
    return leaf(c, n, out);
}

static enum app_err compile_filters(struct compiler *c, const char *json, struct frag *out)
{
    int ok;
    struct json_object *root;

    out->page = out->sum = NULL;
    if (json == NULL || *json == '\0')
        return APP_OK;
    root = jsonio_parse(c->a, json, strlen(json), 16, &ok);
    if (!ok)
        return fail(c, "Invalid filters: not valid JSON");
    /*
     * "status_id\u0000..." would read as status_id, "\u0000" as no field
     * (skipped), a key "field\u0000x" as a second "field".
     */
    if (jsonio_holds_nul(root, json, strlen(json)))
        return fail(c, "Invalid filters: a string holds a NUL character");
    if (root == NULL)
        return APP_OK; /* null */
    if (json_object_is_type(root, json_type_array))
        return group_of(c, root, 0, 0, out); /* the flat shape: conditions AND-ed */
    if (json_object_is_type(root, json_type_object)) {
        if (is_group(root))
            return compile_group(c, root, 0, out);
        return leaf(c, root, out);
    }
    return fail(c, "Invalid filters: expected an array or a {logic, rules} object");
}

int cq_is_timestamp(const char *s)
{
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, mo, d, h, mi, sec = 0, oh = 0, om = 0;
    size_t n;

    if (s == NULL || !is_timestamp(s))
        return 0;
    /* The shape is right (is_timestamp); now the ranges, so that PostgreSQL never refuses it. */
    if (sscanf(s, "%4d-%2d-%2d%*c%2d:%2d", &y, &mo, &d, &h, &mi) != 5)
        return 0;
    if (s[16] == ':')
        sec = (s[17] - '0') * 10 + (s[18] - '0');
    n = strlen(s);
    const char *z = s + 16;
    while (*z != '\0' && *z != '+' && *z != '-' && *z != 'Z' && *z != 'z')
        z++;
    if (*z == '+' || *z == '-') {
        oh = (z[1] - '0') * 10 + (z[2] - '0');
        if ((size_t)(z - s) + 3 < n)
            om = (z[z[3] == ':' ? 4 : 3] - '0') * 10 + (z[z[3] == ':' ? 5 : 4] - '0');
    }
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return y >= 1 && mo >= 1 && mo <= 12 && d >= 1 &&
           d <= (mo == 2 && !leap ? 28 : mdays[mo - 1]) && h <= 23 && mi <= 59 && sec <= 59 &&
           oh <= 14 && om <= 59;
}

void cq_page_params(const char *page, const char *page_size, int64_t *p, int64_t *ps)
{
    int64_t v;
    *p = 1;
    *ps = CQ_DEFAULT_PAGE_SIZE;
    if (page != NULL && v_int64(page, INT64_MIN, INT64_MAX, &v) == 0 && v >= 1)
        *p = v > 1000000000 ? 1000000000 : v;
    if (page_size != NULL && v_int64(page_size, INT64_MIN, INT64_MAX, &v) == 0 && v >= 1)
        *ps = v > CQ_MAX_PAGE_SIZE ? CQ_MAX_PAGE_SIZE : v;
}

static void add_joins(struct sbuf *sb, unsigned joins)
{
    if (joins & J_CONTACT)
        sbuf_add(sb, " JOIN users ct ON ct.id = c.contact_id");
    if (joins & J_INBOX)
        sbuf_add(sb, " JOIN inboxes i ON i.id = c.inbox_id");
    if (joins & J_STATUS)
        sbuf_add(sb, " JOIN conversation_statuses st ON st.id = c.status_id");
}

/*
 * order_by ("model.field" from the allow-list, sortable) and order (asc or
 * desc, any case) over *col and *dir, which hold the defaults on entry.
 */
static enum app_err ordering(struct compiler *c, const char *order_by, const char *order,
                             const struct column **col, const char **dir, const char **message)
{
    if (order_by != NULL && *order_by != '\0') {
        const char *dot = strchr(order_by, '.');
        char model[64];
        *col = NULL;
        if (dot != NULL && (size_t)(dot - order_by) < sizeof(model)) {
            memcpy(model, order_by, (size_t)(dot - order_by));
            model[dot - order_by] = '\0';
            *col = find_column(c, model, dot + 1);
        }
        if (*col == NULL || !(*col)->orderable) {
            *message =
                arena_printf(c->a, "Invalid `order_by`: `%s` is not a sortable field", order_by);
            return *message ? APP_ERR_INPUT : APP_ERR_INTERNAL;
        }
    }
    if (order != NULL && *order != '\0') {
        if (strcasecmp(order, "asc") == 0)
            *dir = "ASC";
        else if (strcasecmp(order, "desc") != 0) {
            *message = "Invalid `order`: use asc or desc";
            return APP_ERR_INPUT;
        }
    }
    return APP_OK;
}

/* The contacts list's allow-list (reference 6.2): users.{email, created_at, updated_at}. */
/* clang-format off */
static const struct column contact_columns[] = {
    {"users", "email",      "u.email",      NULL, T_TEXT, 0, 1},
    {"users", "created_at", "u.created_at", NULL, T_TS,   0, 1},
    {"users", "updated_at", "u.updated_at", NULL, T_TS,   0, 1},
};
/* clang-format on */

/*
 * Starts compiling a list over the allow-list cols (n of them) into out:
 * room for every parameter the limits allow plus extra of the caller's.
 */
static enum app_err compiler_start(struct compiler *c, struct arena *a, const struct column *cols,
                                   size_t n, int extra, struct cq_query *out, const char **message)
{
    memset(c, 0, sizeof(*c));
    memset(out, 0, sizeof(*out));
    *message = NULL;
    c->a = a;
    c->cols = cols;
    c->ncols = n;
    c->cap = extra + CQ_MAX_CONDITIONS * CQ_MAX_IN_VALUES + 2;
    c->params = ARENA_NEW(a, const char *, (size_t)c->cap);
    return c->params != NULL ? APP_OK : APP_ERR_INTERNAL;
}

/*
 * A list whose page PostgreSQL writes: from_where (the rows and their
 * conditions, "FROM ... WHERE ...") counted, and the page of object (a
 * json_build_object over those rows) in the order `order` (an ORDER BY
 * list), both in one statement with c's parameters.
 */
static enum app_err object_page(const struct compiler *c, const struct cq_request *rq,
                                const char *object, const char *order, const char *from_where,
                                struct cq_query *out)
{
    struct arena *a = c->a;

    if (order == NULL || from_where == NULL)
        return APP_ERR_INTERNAL;
    out->count_sql = arena_printf(a, "SELECT count(*)%s", from_where);
    out->page_sql =
        arena_printf(a,
                     "SELECT coalesce(json_agg(p.j ORDER BY p.ord), '[]')::text FROM (SELECT %s j,"
                     " row_number() OVER (ORDER BY %s) ord%s ORDER BY %s LIMIT %lld OFFSET %lld) p",
                     object, order, from_where, order, (long long)rq->page_size,
                     (long long)((rq->page - 1) * rq->page_size));
    out->list_sql = out->count_sql && out->page_sql
                        ? arena_printf(a, "SELECT (%s), (%s)", out->count_sql, out->page_sql)
                        : NULL;
    out->params = c->params;
    out->nparams = c->nparams;
    return out->list_sql ? APP_OK : APP_ERR_INTERNAL;
}

enum app_err cq_contacts_build(struct arena *a, const struct cq_request *rq, struct cq_query *out,
                               const char **message)
{
    struct compiler c;
    struct frag f;
    const char *dir = "DESC";
    enum app_err e =
        compiler_start(&c, a, contact_columns, sizeof(contact_columns) / sizeof(contact_columns[0]),
                       0, out, message);
    const struct column *ocol = find_column(&c, "users", "created_at");

    if (e != APP_OK)
        return e;
    if ((e = compile_filters(&c, rq->filters, &f)) != APP_OK)
        return refused(&c, e, message);
    if ((e = ordering(&c, rq->order_by, rq->order, &ocol, &dir, message)) != APP_OK)
        return e;
    /* The page as UserCompact objects. */
    return object_page(
        &c, rq,
        "json_build_object('id', u.id, 'type', u.type, 'first_name', u.first_name, 'last_name',"
        " coalesce(u.last_name, ''), 'email', coalesce(u.email, ''), 'enabled', u.enabled,"
        " 'avatar_url', u.avatar_url, 'created_at', u.created_at, 'updated_at', u.updated_at)",
        arena_printf(a, "%s %s NULLS LAST, u.id %s", ocol->expr, dir, dir),
        arena_printf(a,
                     " FROM users u WHERE u.type IN ('contact', 'visitor')"
                     " AND u.deleted_at IS NULL%s%s",
                     f.page ? " AND " : "", f.page ? f.page : ""),
        out);
}

/* The activity log's filter allow-list (upstream's AllowedFields for it). */
/* clang-format off */
static const struct column activity_columns[] = {
    {"activity_logs", "activity_type", "l.activity_type::text", NULL, T_TEXT, 0, 0},
    {"activity_logs", "actor_id",      "l.actor_id",            NULL, T_INT,  0, 0},
    {"activity_logs", "ip",            "host(l.ip)",            NULL, T_TEXT, 0, 0},
    {"activity_logs", "created_at",    "l.created_at",          NULL, T_TS,   0, 0},
};
/* clang-format on */

/* The column order_by names (bare or "activity_logs.<field>"); id for anything else. */
static const char *activity_order(const char *order_by)
{
    static const char *const fields[] = {"id", "created_at", "updated_at"};
    const char *f = order_by;
    if (f != NULL && strncmp(f, "activity_logs.", 14) == 0)
        f += 14;
    for (size_t i = 0; f != NULL && i < sizeof(fields) / sizeof(fields[0]); i++)
        if (strcmp(f, fields[i]) == 0)
            return fields[i];
    return "id";
}

enum app_err cq_activity_logs_build(struct arena *a, const struct cq_request *rq,
                                    struct cq_query *out, const char **message)
{
    struct compiler c;
    struct frag f;
    enum app_err e =
        compiler_start(&c, a, activity_columns,
                       sizeof(activity_columns) / sizeof(activity_columns[0]), 0, out, message);

    if (e != APP_OK)
        return e;
    if ((e = compile_filters(&c, rq->filters, &f)) != APP_OK)
        return refused(&c, e, message);
    const char *col = activity_order(rq->order_by);
    const char *dir = rq->order != NULL && strcasecmp(rq->order, "asc") == 0 ? "ASC" : "DESC";
    /* The page as upstream's ActivityLog objects. */
    return object_page(
        &c, rq,
        "json_build_object('id', l.id, 'created_at', l.created_at, 'updated_at', l.updated_at,"
        " 'activity_type', l.activity_type, 'activity_description', l.activity_description,"
        " 'actor_id', l.actor_id, 'target_model_type', l.target_model_type, 'target_model_id',"
        " l.target_model_id, 'ip', coalesce(host(l.ip), ''))",
        arena_printf(a, "l.%s %s NULLS LAST, l.id %s", col, dir, dir),
        arena_printf(a, " FROM activity_logs l%s%s", f.page ? " WHERE " : "", f.page ? f.page : ""),
        out);
}

/*
 * The narrowing of a list by other products' parameters (cq_narrow) as one
 * AND of conditions over conversations and, where each is expressible
 * there, over the summary; NULL page = none.
 */
static enum app_err narrow_of(struct compiler *c, const struct cq_narrow *n, struct frag *out)
{
    struct sbuf pg, sm;
    int k, m;

    sbuf_init(&pg, c->a);
    sbuf_init(&sm, c->a);
    sbuf_add(&pg, "TRUE");
    sbuf_add(&sm, "TRUE");
    if (n->status_category != NULL || n->status_name != NULL) {
        sbuf_add(&pg, " AND c.status_id IN (SELECT cs.id FROM conversation_statuses cs WHERE TRUE");
        sbuf_add(&sm, " AND s.status_id IN (SELECT cs.id FROM conversation_statuses cs WHERE TRUE");
        if (n->status_category != NULL) {
            if ((k = param(c, n->status_category)) < 0)
                return fail(c, "Invalid filter: too many values");
            sbuf_addf(&pg, " AND cs.category::text = $%d::text", k);
            sbuf_addf(&sm, " AND cs.category::text = $%d::text", k);
        }
        if (n->status_name != NULL) {
            if ((k = param(c, n->status_name)) < 0)
                return fail(c, "Invalid filter: too many values");
            sbuf_addf(&pg, " AND cs.name %s $%d::text", n->status_not ? "<>" : "=", k);
            sbuf_addf(&sm, " AND cs.name %s $%d::text", n->status_not ? "<>" : "=", k);
        }
        sbuf_add(&pg, ")");
        sbuf_add(&sm, ")");
    }
    if (n->inbox_id > 0) {
        if ((k = param(c, arena_printf(c->a, "%" PRId64, n->inbox_id))) < 0)
            return fail(c, "Invalid filter: too many values");
        sbuf_addf(&pg, " AND c.inbox_id = $%d::int", k);
        sbuf_addf(&sm, " AND s.inbox_id = $%d::int", k);
    }
    if (n->team_id > 0) {
        if ((k = param(c, arena_printf(c->a, "%" PRId64, n->team_id))) < 0)
            return fail(c, "Invalid filter: too many values");
        sbuf_addf(&pg, " AND c.assigned_team_id = $%d::bigint", k);
        sbuf_addf(&sm, " AND s.assigned_team_id = $%d::bigint", k);
    }
    if (n->tag_names != NULL) {
        if ((k = param(c, n->tag_names)) < 0)
            return fail(c, "Invalid filter: too many values");
        sbuf_addf(&pg,
                  " AND c.id IN (SELECT ctg.conversation_id FROM conversation_tags ctg"
                  " JOIN tags tg ON tg.id = ctg.tag_id"
                  " WHERE tg.name IN (SELECT json_array_elements_text($%d::json)))",
                  k);
        c->summarizable = 0;
    }
    if (n->message_term != NULL) {
        const char *pattern = text_like_contains(c->a, n->message_term);
        if (pattern == NULL)
            return APP_ERR_INTERNAL;
        if ((m = param(c, pattern)) < 0)
            return fail(c, "Invalid filter: too many values");
        /* The trigram index on text_content (sql/001) serves the ILIKE. */
        sbuf_addf(&pg,
                  " AND c.id IN (SELECT msg.conversation_id FROM conversation_messages msg"
                  " WHERE msg.text_content ILIKE $%d::text AND msg.type <> 'activity')",
                  m);
        c->summarizable = 0;
    }
    if (pg.len == 4) { /* "TRUE": nothing to narrow */
        out->page = out->sum = NULL;
        return APP_OK;
    }
    out->page = sbuf_str(&pg);
    out->sum = sbuf_str(&sm);
    return out->page && out->sum ? APP_OK : APP_ERR_INTERNAL;
}

/* The assignee condition of n over conversations and over the summary (NULL: none). */
static void assignee_of(const struct cq_narrow *n, const char **page, const char **sum)
{
    switch (n->assignee) {
    case CQ_ASSIGNEE_ME:
        *page = "c.assigned_user_id = $1::bigint";
        *sum = "s.assigned_user_id = $1::bigint";
        break;
    case CQ_ASSIGNEE_UNASSIGNED:
        *page = "c.assigned_user_id IS NULL";
        *sum = "s.assigned_user_id = 0";
        break;
    case CQ_ASSIGNEE_ASSIGNED:
        *page = "c.assigned_user_id IS NOT NULL";
        *sum = "s.assigned_user_id <> 0";
        break;
    default:
        *page = *sum = NULL;
        break;
    }
}

/*
 * The OR of the list scopes a view may show (ACCESS_ALL handled by the
 * caller), over conversations c or (sum) over a counts summary s; NULL if
 * none.
 */
static const char *view_scope_over(struct arena *a, unsigned scopes, int sum)
{
    static const struct {
        unsigned bit;
        const char *sql, *sum;
    } parts[] = {
        {ACCESS_UNASSIGNED, "(c.assigned_user_id IS NULL AND c.assigned_team_id IS NULL)",
         "(s.assigned_user_id = 0 AND s.assigned_team_id = 0)"},
        {ACCESS_ASSIGNED, "c.assigned_user_id = $1::bigint", "s.assigned_user_id = $1::bigint"},
        {ACCESS_TEAM_INBOX, "(c.assigned_user_id IS NULL AND c.assigned_team_id IN " MY_TEAMS ")",
         "(s.assigned_user_id = 0 AND s.assigned_team_id IN " MY_TEAMS ")"},
        {ACCESS_TEAM_ALL, "c.assigned_team_id IN " MY_TEAMS, "s.assigned_team_id IN " MY_TEAMS},
    };
    struct sbuf sb;
    int n = 0;

    if (scopes & ACCESS_TEAM_ALL)
        scopes &= ~(unsigned)ACCESS_TEAM_INBOX; /* contained in it */
    sbuf_init(&sb, a);
    sbuf_add(&sb, "(");
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
        if (scopes & parts[i].bit)
            sbuf_addf(&sb, "%s%s", n++ ? " OR " : "", sum ? parts[i].sum : parts[i].sql);
    sbuf_add(&sb, ")");
    return n ? sbuf_str(&sb) : NULL;
}

static const char *view_scope(struct arena *a, unsigned scopes)
{
    return view_scope_over(a, scopes, 0);
}

/* The unanswered list's own conditions (cq_request.unanswered), over c and over s. */
#define UNANSWERED_OPEN                                                                            \
    "(SELECT cs.id FROM conversation_statuses cs WHERE cs.category <> 'resolved')"
#define UNANSWERED_LIVE_INBOXES                                                                    \
    "(SELECT li.id FROM inboxes li WHERE li.enabled AND li.deleted_at IS NULL)"

/*
 * The scope of the unanswered list (CQ_VIEW with rq->unanswered) over c and
 * s: what rq->scopes let the caller open, waiting, not resolved, and maybe
 * only in live inboxes.
 */
static enum app_err unanswered_scope(struct arena *a, const struct cq_request *rq,
                                     const char **scope, const char **scope_sum)
{
    const char *within = "TRUE", *within_sum = "TRUE";
    if (!(rq->scopes & ACCESS_ALL)) {
        within = view_scope_over(a, rq->scopes, 0);
        within_sum = view_scope_over(a, rq->scopes, 1);
        if (within == NULL || within_sum == NULL)
            within = within_sum = "FALSE"; /* no scope at all: nothing */
    }
    const char *live = rq->live_inboxes ? " AND c.inbox_id IN " UNANSWERED_LIVE_INBOXES : "";
    const char *live_sum = rq->live_inboxes ? " AND s.inbox_id IN " UNANSWERED_LIVE_INBOXES : "";
    *scope = arena_printf(
        a, "%s AND c.waiting_since IS NOT NULL AND c.status_id IN " UNANSWERED_OPEN "%s", within,
        live);
    *scope_sum =
        arena_printf(a, "%s AND s.status_id IN " UNANSWERED_OPEN "%s", within_sum, live_sum);
    return *scope && *scope_sum ? APP_OK : APP_ERR_INTERNAL;
}

/*
 * The summary table a count over the summary's conditions cond (over
 * `s`) reads.  The unanswered list: its (status, inbox, assignee) rollup
 * (sql/036) when cond names neither priority nor team, else its full
 * summary (sql/024).  The others: the (status, assignee) rollup (sql/028,
 * a few hundred rows) when cond names neither priority, team nor inbox;
 * else the full summary (sql/004, a row per combination of the five).
 */
static const char *summary_of(const struct cq_request *rq, unsigned joins, const char *cond)
{
    static const char *const finer[] = {"s.priority_id", "s.assigned_team_id", "s.inbox_id"};
    int unanswered = rq->unanswered && rq->list == CQ_VIEW;

    if (cond == NULL || (!unanswered && (joins & J_INBOX)))
        return unanswered ? "deskd_unanswered_counts" : "deskd_conversation_counts";
    /* The inbox is a column of the unanswered rollup: only priority and team are finer. */
    for (size_t i = 0; i < sizeof(finer) / sizeof(finer[0]) - (size_t)unanswered; i++)
        if (strstr(cond, finer[i]) != NULL)
            return unanswered ? "deskd_unanswered_counts" : "deskd_conversation_counts";
    return unanswered ? "deskd_unanswered_rollup" : "deskd_assignee_counts";
}

/*
 * The optional conditions of rq (has_unread, the last-message range, the
 * status category, the inbox, the contact) AND-ed onto where (over
 * conversations c) and, for those the summary can express, onto wsum;
 * the others make the total an exact count(*).
 */
static enum app_err extra_conditions(struct compiler *c, const struct cq_request *rq,
                                     struct sbuf *where, struct sbuf *wsum)
{
    int k;

    if (rq->has_unread != CQ_UNREAD_ANY) {
        /* As the item's unread_message_count (lists/items.h): not activity, after my marker. */
        sbuf_addf(where,
                  " AND %sEXISTS (SELECT 1 FROM conversation_messages um"
                  " WHERE um.conversation_id = c.id AND um.type <> 'activity'"
                  " AND um.created_at > coalesce((SELECT ls.last_seen_at FROM"
                  " conversation_last_seen ls WHERE ls.conversation_id = c.id"
                  " AND ls.user_id = $1::bigint), 'epoch'))",
                  rq->has_unread == CQ_UNREAD_NO ? "NOT " : "");
        c->summarizable = 0;
    }
    if (rq->last_message_after != NULL) {
        if ((k = param(c, rq->last_message_after)) < 0)
            return APP_ERR_INTERNAL;
        sbuf_addf(where, " AND c.last_message_at >= $%d::timestamptz", k);
        c->summarizable = 0;
    }
    if (rq->last_message_before != NULL) {
        if ((k = param(c, rq->last_message_before)) < 0)
            return APP_ERR_INTERNAL;
        sbuf_addf(where, " AND c.last_message_at < $%d::timestamptz", k);
        c->summarizable = 0;
    }
    if (rq->state != CQ_STATE_ANY) {
        const char *in = rq->state == CQ_STATE_CLOSED ? "IN" : "NOT IN";
        static const char closed[] =
            "(SELECT cs.id FROM conversation_statuses cs WHERE cs.category = 'resolved')";
        sbuf_addf(where, " AND c.status_id %s %s", in, closed);
        sbuf_addf(wsum, " AND s.status_id %s %s", in, closed);
    }
    if (rq->inbox_uuid != NULL) {
        if ((k = param(c, rq->inbox_uuid)) < 0)
            return APP_ERR_INTERNAL;
        sbuf_addf(where,
                  " AND c.inbox_id = (SELECT ib.id FROM inboxes ib WHERE ib.uuid = $%d::uuid)", k);
        sbuf_addf(wsum,
                  " AND s.inbox_id = (SELECT ib.id FROM inboxes ib WHERE ib.uuid = $%d::uuid)", k);
    }
    if (rq->contact != NULL) {
        /*
         * The contacts first (an InitPlan over sql/025's indexes), then their
         * conversations by contact_id: as IN (...) the planner walks the whole
         * last_message_at index instead, looking for the few rows.
         */
        if ((k = param(c, rq->contact)) < 0)
            return APP_ERR_INTERNAL;
        sbuf_addf(where,
                  " AND c.contact_id = ANY (ARRAY(SELECT cu.id FROM users cu"
                  " WHERE cu.type IN ('contact', 'visitor') AND cu.deleted_at IS NULL"
                  " AND (cu.phone_number = $%d::text OR lower(cu.email) = lower($%d::text))))",
                  k, k);
        c->summarizable = 0;
    }
    return APP_OK;
}

enum app_err cq_check_filters(struct arena *a, const char *filters, const char **message)
{
    struct cq_request rq = {
        .list = CQ_ALL, .user_id = 0, .filters = filters, .page = 1, .page_size = 1};
    struct cq_query q;
    return cq_build(a, &rq, &q, message);
}

enum app_err cq_build(struct arena *a, const struct cq_request *rq, struct cq_query *out,
                      const char **message)
{
    struct compiler c;
    struct frag f;
    const struct column *ocol;
    const char *dir = "DESC";
    const char *scope = NULL, *scope_sum = NULL;

    enum app_err e0 =
        compiler_start(&c, a, columns, sizeof(columns) / sizeof(columns[0]), 6, out, message);
    if (e0 != APP_OK)
        return e0;
    ocol = find_column(&c, "conversations", "last_message_at");
    c.summarizable = 1;
    param(&c, arena_printf(a, "%" PRId64, rq->user_id)); /* $1: the caller, always */

    switch (rq->list) {
    case CQ_ALL:
        break;
    case CQ_UNASSIGNED:
        scope = "c.assigned_user_id IS NULL AND c.assigned_team_id IS NULL";
        scope_sum = "s.assigned_user_id = 0 AND s.assigned_team_id = 0";
        break;
    case CQ_ASSIGNED:
        scope = "c.assigned_user_id = $1::bigint";
        scope_sum = "s.assigned_user_id = $1::bigint";
        break;
    case CQ_TEAM_UNASSIGNED:
        param(&c, arena_printf(a, "%" PRId64, rq->team_id)); /* $2 */
        scope = "c.assigned_team_id = $2::bigint AND c.assigned_user_id IS NULL";
        scope_sum = "s.assigned_team_id = $2::bigint AND s.assigned_user_id = 0";
        break;
    case CQ_MENTIONED:
        scope = "c.id IN (SELECT m.conversation_id FROM conversation_mentions m"
                " WHERE m.mentioned_user_id = $1::bigint OR m.mentioned_team_id IN " MY_TEAMS ")";
        /* Only conversations the access rule lets the caller open (rq->scopes). */
        if (!(rq->scopes & ACCESS_ALL)) {
            const char *within = view_scope(a, rq->scopes);
            scope = arena_printf(a, "%s AND %s", scope, within ? within : "FALSE");
            if (scope == NULL)
                return APP_ERR_INTERNAL;
        }
        c.summarizable = 0;
        break;
    case CQ_VIEW:
        if (rq->unanswered) {
            if (unanswered_scope(a, rq, &scope, &scope_sum) != APP_OK)
                return APP_ERR_INTERNAL;
            break; /* stays summarizable: deskd_unanswered_counts */
        }
        if (rq->scopes & ACCESS_ALL)
            break;
        if ((scope = view_scope(a, rq->scopes)) == NULL)
            return APP_ERR_INTERNAL;
        /* The scopes involve only the agent and team: the summary can count them. */
        if ((scope_sum = view_scope_over(a, rq->scopes, 1)) == NULL)
            return APP_ERR_INTERNAL;
        break;
    default:
        return APP_ERR_INTERNAL;
    }

    enum app_err e = compile_filters(&c, rq->filters, &f);
    if (e != APP_OK)
        return refused(&c, e, message);
    struct frag nf = {0};
    const char *who = NULL, *who_sum = NULL;
    if ((e = narrow_of(&c, &rq->narrow, &nf)) != APP_OK)
        return refused(&c, e, message);
    assignee_of(&rq->narrow, &who, &who_sum);

    if (rq->unanswered && rq->list == CQ_VIEW) {
        /* Always waiting longest first. */
        if ((rq->order_by != NULL && *rq->order_by != '\0') ||
            (rq->order != NULL && *rq->order != '\0')) {
            *message = "Invalid `order_by`: the unanswered list is always ordered by waiting "
                       "time, longest first";
            return APP_ERR_INPUT;
        }
        ocol = find_column(&c, "conversations", "waiting_since");
        dir = "ASC";
    } else if ((e = ordering(&c, rq->order_by, rq->order, &ocol, &dir, message)) != APP_OK) {
        return e;
    }
    if (ocol == NULL)
        return APP_ERR_INTERNAL;
    c.joins |= ocol->joins;

    /* WHERE over conversations, and over the summary. */
    struct sbuf where, wsum;
    sbuf_init(&where, a);
    sbuf_init(&wsum, a);
    sbuf_add(&where, " WHERE TRUE");
    sbuf_add(&wsum, " WHERE TRUE");
    if (scope != NULL) {
        sbuf_addf(&where, " AND %s", scope);
        if (scope_sum != NULL)
            sbuf_addf(&wsum, " AND %s", scope_sum);
    }
    if (f.page != NULL) {
        sbuf_addf(&where, " AND %s", f.page);
        if (f.sum != NULL)
            sbuf_addf(&wsum, " AND %s", f.sum);
    }
    if ((e = extra_conditions(&c, rq, &where, &wsum)) != APP_OK)
        return e;
    if (nf.page != NULL) {
        sbuf_addf(&where, " AND %s", nf.page);
        sbuf_addf(&wsum, " AND %s", nf.sum);
    }
    /* Everything but the assignee: what the four counts count. */
    const char *base = arena_strdup(a, sbuf_str(&where) ? sbuf_str(&where) : "");
    const char *base_sum = arena_strdup(a, sbuf_str(&wsum) ? sbuf_str(&wsum) : "");
    if (who != NULL) {
        sbuf_addf(&where, " AND %s", who);
        sbuf_addf(&wsum, " AND %s", who_sum);
    }

    /*
     * LIMIT and OFFSET are numbers computed here, written as literals: the
     * statement is prepared and reused per shape, and a generic plan must
     * know the row limit to keep walking an index.
     */
    long long limit = (long long)rq->page_size;
    long long offset =
        rq->use_offset ? (long long)rq->offset : (long long)((rq->page - 1) * rq->page_size);

    /* The page: ids only, in order (the items come from a prepared statement). */
    struct sbuf pg;
    sbuf_init(&pg, a);
    sbuf_add(&pg, "SELECT c.id FROM conversations c");
    add_joins(&pg, c.joins);
    sbuf_add(&pg, sbuf_str(&where) ? sbuf_str(&where) : "");
    sbuf_addf(&pg, " ORDER BY %s %s NULLS LAST, c.id %s LIMIT %lld OFFSET %lld", ocol->expr, dir,
              dir, limit, offset);

    struct sbuf cnt;
    sbuf_init(&cnt, a);
    out->count_from_summary = c.summarizable;
    if (c.summarizable) {
        sbuf_addf(&cnt, "SELECT coalesce(sum(s.n), 0)::bigint FROM %s s",
                  summary_of(rq, c.joins, sbuf_str(&wsum)));
        if (c.joins & J_STATUS)
            sbuf_add(&cnt, " JOIN conversation_statuses st ON st.id = s.status_id");
        if (c.joins & J_INBOX)
            sbuf_add(&cnt, " JOIN inboxes i ON i.id = s.inbox_id");
        sbuf_add(&cnt, sbuf_str(&wsum) ? sbuf_str(&wsum) : "");
    } else {
        sbuf_add(&cnt, "SELECT count(*) FROM conversations c");
        add_joins(&cnt, c.joins);
        sbuf_add(&cnt, sbuf_str(&where) ? sbuf_str(&where) : "");
    }
    /* The four assignee counts in one pass (unassigned: no agent, as Chatwoot's). */
    if (base == NULL || base_sum == NULL)
        return APP_ERR_INTERNAL;
    if (c.summarizable) {
        struct sbuf cs;
        sbuf_init(&cs, a);
        sbuf_add(&cs, "SELECT coalesce(sum(s.n) FILTER (WHERE s.assigned_user_id = $1::bigint), 0)"
                      "::bigint, coalesce(sum(s.n) FILTER (WHERE s.assigned_user_id = 0), 0)"
                      "::bigint, coalesce(sum(s.n) FILTER (WHERE s.assigned_user_id <> 0), 0)"
                      "::bigint, coalesce(sum(s.n), 0)::bigint FROM ");
        sbuf_add(&cs, summary_of(rq, c.joins, base_sum));
        sbuf_add(&cs, " s");
        if (c.joins & J_STATUS)
            sbuf_add(&cs, " JOIN conversation_statuses st ON st.id = s.status_id");
        if (c.joins & J_INBOX)
            sbuf_add(&cs, " JOIN inboxes i ON i.id = s.inbox_id");
        sbuf_add(&cs, base_sum);
        out->counts_sql = sbuf_str(&cs);
    } else {
        struct sbuf cs;
        sbuf_init(&cs, a);
        sbuf_add(&cs, "SELECT count(*) FILTER (WHERE c.assigned_user_id = $1::bigint),"
                      " count(*) FILTER (WHERE c.assigned_user_id IS NULL),"
                      " count(*) FILTER (WHERE c.assigned_user_id IS NOT NULL), count(*)"
                      " FROM conversations c");
        add_joins(&cs, c.joins);
        sbuf_add(&cs, base);
        out->counts_sql = sbuf_str(&cs);
    }
    out->page_sql = sbuf_str(&pg);
    out->count_sql = sbuf_str(&cnt);
    out->counts_list_sql = out->counts_sql && out->page_sql
                               ? arena_printf(a,
                                              "SELECT k.*, array_to_string(ARRAY(%s), ',')"
                                              " FROM (%s) k",
                                              out->page_sql, out->counts_sql)
                               : NULL;
    /* One round trip: the exact total and the page's ids. */
    out->list_sql =
        arena_printf(a, "SELECT (%s), array_to_string(ARRAY(%s), ',')",
                     out->count_sql ? out->count_sql : "", out->page_sql ? out->page_sql : "");
    out->params = c.params;
    out->nparams = c.nparams;
    if (out->page_sql == NULL || out->count_sql == NULL || out->list_sql == NULL ||
        out->counts_list_sql == NULL || sbuf_str(&where) == NULL)
        return APP_ERR_INTERNAL;
    return APP_OK;
}
