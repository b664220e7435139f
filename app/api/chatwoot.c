/*
 * api/chatwoot.c - Chatwoot's conversation list and its counts, served
 * from the list engine with the caller's access rule, as deskd's own lists.
 *
 * Parameters (seed 001): assignee_type me|unassigned|assigned|all (all),
 * status open|resolved|pending|snoozed|all (open; ignored with q, as
 * Chatwoot), q, inbox_id, team_id, labels[] (any of), page (25 a page).
 * The four counts honour every parameter but assignee_type.
 */
#include "api/chatwoot.h"

#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/http.h"
#include "lib/jsonw.h"
#include "lib/sbuf.h"
#include "lib/validate.h"
#include "lists/query.h"
#include "rules/access.h"
#include "server/config.h"
#include "server/ctx.h"
#include "server/reply.h"
#include "store/chatwoot.h"

/* Chatwoot's fixed page size (CONVERSATION_RESULTS_PER_PAGE). */
#define CW_PAGE_SIZE 25
#define CW_MAX_PAGE 1000000
#define CW_MAX_LABELS 100
#define CW_MAX_TERM 1000

/*
 * A refusal: 400 as Chatwoot's bad_request_error {description, errors:
 * [{field, message, code}]} (the field is the parameter the message
 * opens with in backticks), anything else {"error": message}.
 */
static void cw_error_body(struct arena *a, enum app_err e, const char *message, const char **body,
                          size_t *len)
{
    struct sbuf sb;
    sbuf_init(&sb, a);
    if (e == APP_ERR_INPUT) {
        const char *field = "", *end;
        size_t flen = 0;
        if (message[0] == '`' && (end = strchr(message + 1, '`')) != NULL) {
            field = message + 1;
            flen = (size_t)(end - field);
        }
        sbuf_add(&sb, "{\"description\":");
        jw_str(&sb, message, strlen(message));
        sbuf_add(&sb, ",\"errors\":[{\"field\":");
        jw_str(&sb, field, flen);
        sbuf_add(&sb, ",\"message\":");
        jw_str(&sb, message, strlen(message));
        sbuf_add(&sb, ",\"code\":\"invalid\"}]}");
    } else {
        sbuf_add(&sb, "{\"error\":");
        jw_str(&sb, message, strlen(message));
        sbuf_add(&sb, "}");
    }
    *body = sbuf_str(&sb);
    *len = sb.len;
    if (*body == NULL) {
        *body = "{\"error\":\"Something went wrong\"}";
        *len = strlen(*body);
    }
}

const struct dialect chatwoot_dialect = {"chatwoot", DIALECT_KEY_API_ACCESS_TOKEN, cw_error_body};

/* A positive 32-bit integer parameter (absent: 0). */
static enum app_err int_param(struct req *r, struct resp *w, const char *name, int64_t *out)
{
    const char *v = http_param(r, name);
    *out = 0;
    if (v == NULL || *v == '\0')
        return APP_OK;
    if (v_int64(v, 1, INT32_MAX, out) != 0)
        return reply_fail(r, w, APP_ERR_INPUT, "`%s` must be a positive integer", name);
    return APP_OK;
}

/* labels[] (or labels), repeated: a JSON array of names in n->tag_names. */
static enum app_err labels_param(struct req *r, struct resp *w, struct cq_narrow *n)
{
    struct sbuf sb;
    size_t count = 0;

    sbuf_init(&sb, r->arena);
    sbuf_add(&sb, "[");
    for (size_t i = 0; i < r->nparams; i++) {
        const char *k = r->params[i].key, *v = r->params[i].value;
        if (strcmp(k, "labels[]") != 0 && strcmp(k, "labels") != 0)
            continue;
        if (*v == '\0')
            continue;
        if (strlen(v) > 140)
            return reply_fail(r, w, APP_ERR_INPUT, "`labels` holds a label over 140 characters");
        if (++count > CW_MAX_LABELS)
            return reply_fail(r, w, APP_ERR_INPUT, "`labels` takes at most %d labels",
                              CW_MAX_LABELS);
        if (count > 1)
            sbuf_add(&sb, ",");
        jw_str(&sb, v, strlen(v));
    }
    sbuf_add(&sb, "]");
    if (count > 0) {
        n->tag_names = sbuf_str(&sb);
        if (n->tag_names == NULL)
            return APP_ERR_INTERNAL;
    }
    return APP_OK;
}

/*
 * The list request of a Chatwoot call: the account, the caller's scopes,
 * every parameter of the seed.  Refusals name the parameter.
 */
static enum app_err cw_request(struct req *r, struct resp *w, struct cq_request *rq)
{
    struct ctx *c = r->ctx;
    struct cq_narrow *n = &rq->narrow;
    int64_t account;
    const char *v;
    enum app_err e;

    memset(rq, 0, sizeof(*rq));
    v = router_capture(&r->match, "account_id");
    if (v == NULL || v_int64(v, 1, INT32_MAX, &account) != 0 ||
        account != c->cfg->chatwoot_account_id)
        return reply_fail(r, w, APP_ERR_NOT_FOUND, "Account not found");

    rq->scopes = access_read_scopes(c->who);
    if (rq->scopes == 0)
        return reply_fail(r, w, APP_ERR_PERMISSION, "You are not authorized to do this action");
    rq->list = CQ_VIEW; /* what the caller may open, as deskd's views */
    rq->user_id = c->who->id;
    rq->page_size = CW_PAGE_SIZE;
    rq->page = 1;

    v = http_param(r, "assignee_type");
    if (v == NULL || *v == '\0' || strcmp(v, "all") == 0)
        n->assignee = CQ_ASSIGNEE_ANY;
    else if (strcmp(v, "me") == 0)
        n->assignee = CQ_ASSIGNEE_ME;
    else if (strcmp(v, "unassigned") == 0)
        n->assignee = CQ_ASSIGNEE_UNASSIGNED;
    else if (strcmp(v, "assigned") == 0)
        n->assignee = CQ_ASSIGNEE_ASSIGNED;
    else
        return reply_fail(r, w, APP_ERR_INPUT,
                          "`assignee_type` must be one of me, unassigned, assigned, all");

    const char *q = http_param(r, "q");
    if (q != NULL && *q != '\0') {
        if (strlen(q) > CW_MAX_TERM)
            return reply_fail(r, w, APP_ERR_INPUT, "`q` is longer than %d characters", CW_MAX_TERM);
        n->message_term = q;
    }

    v = http_param(r, "status");
    if (v != NULL && *v != '\0' && strcmp(v, "open") != 0 && strcmp(v, "resolved") != 0 &&
        strcmp(v, "pending") != 0 && strcmp(v, "snoozed") != 0 && strcmp(v, "all") != 0)
        return reply_fail(r, w, APP_ERR_INPUT,
                          "`status` must be one of open, resolved, pending, snoozed, all");
    if (v == NULL || *v == '\0')
        v = "open";
    if (n->message_term == NULL) { /* Chatwoot ignores the status when searching */
        if (strcmp(v, "open") == 0) {
            n->status_category = "open";
        } else if (strcmp(v, "resolved") == 0) {
            n->status_category = "resolved";
        } else if (strcmp(v, "snoozed") == 0) {
            n->status_name = "Snoozed";
        } else if (strcmp(v, "pending") == 0) {
            n->status_category = "waiting";
            n->status_name = "Snoozed";
            n->status_not = 1;
        }
    }

    if ((e = int_param(r, w, "inbox_id", &n->inbox_id)) != APP_OK ||
        (e = int_param(r, w, "team_id", &n->team_id)) != APP_OK ||
        (e = labels_param(r, w, n)) != APP_OK)
        return e;

    v = http_param(r, "page");
    if (v != NULL && *v != '\0' && v_int64(v, 1, CW_MAX_PAGE, &rq->page) != 0)
        return reply_fail(r, w, APP_ERR_INPUT, "`page` must be an integer from 1 to %d",
                          CW_MAX_PAGE);
    return APP_OK;
}

static void meta_json(struct sbuf *sb, const int64_t counts[CQ__COUNTS])
{
    sbuf_addf(sb,
              "{\"mine_count\":%" PRId64 ",\"unassigned_count\":%" PRId64
              ",\"assigned_count\":%" PRId64 ",\"all_count\":%" PRId64 "}",
              counts[CQ_COUNT_MINE], counts[CQ_COUNT_UNASSIGNED], counts[CQ_COUNT_ASSIGNED],
              counts[CQ_COUNT_ALL]);
}

static enum app_err compile(struct req *r, struct resp *w, struct cq_request *rq,
                            struct cq_query *q)
{
    const char *msg = NULL;
    enum app_err e = cw_request(r, w, rq);
    if (e != APP_OK)
        return e;
    e = cq_build(r->arena, rq, q, &msg);
    if (e == APP_ERR_INPUT && msg != NULL)
        return reply_fail(r, w, e, "%s", msg);
    return e;
}

/* {"data":{"meta":{mine_count, unassigned_count, assigned_count, all_count},"payload":[...]}} */
enum app_err h_chatwoot_conversations(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct cq_request rq;
    struct cq_query q;
    int64_t counts[CQ__COUNTS];
    const char *payload;
    size_t len;
    enum app_err e = compile(r, w, &rq, &q);

    if (e == APP_OK)
        e = store_chatwoot_list(c->db, r->arena, &q, c->cfg->chatwoot_account_id, counts, &payload,
                                &len);
    if (e != APP_OK)
        return e;
    struct sbuf sb;
    sbuf_init(&sb, r->arena);
    sbuf_reserve(&sb, len + 160);
    sbuf_add(&sb, "{\"data\":{\"meta\":");
    meta_json(&sb, counts);
    sbuf_add(&sb, ",\"payload\":");
    sbuf_addn(&sb, payload, len);
    sbuf_add(&sb, "}}");
    return sbuf_str(&sb) ? reply_body(w, sbuf_str(&sb), sb.len) : APP_ERR_INTERNAL;
}

/* {"meta":{mine_count, unassigned_count, assigned_count, all_count}}: the counts alone. */
enum app_err h_chatwoot_conversations_meta(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct cq_request rq;
    struct cq_query q;
    int64_t counts[CQ__COUNTS];
    enum app_err e = compile(r, w, &rq, &q);

    if (e == APP_OK)
        e = store_conversations_counts(c->db, r->arena, &q, counts);
    if (e != APP_OK)
        return e;
    struct sbuf sb;
    sbuf_init(&sb, r->arena);
    sbuf_add(&sb, "{\"meta\":");
    meta_json(&sb, counts);
    sbuf_add(&sb, "}");
    return sbuf_str(&sb) ? reply_body(w, sbuf_str(&sb), sb.len) : APP_ERR_INTERNAL;
}
