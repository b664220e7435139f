/*
 * api/vambe.c - Vambe's unanswered-conversations list over deskd's list
 * engine (the unanswered list of GET /api/v1/conversations/unanswered).
 *
 * Mapping: a Vambe contact row is a deskd conversation (ai_contact_id is
 * its uuid: Vambe's ai_contact is the contact in one channel, holding the
 * chat, its stage and its assignee); pipeline = inbox (pipelineId its id,
 * current_pipeline its name); stage = status (stageIds status ids,
 * current_stage its name); team members = agents (agent_id the agent's id
 * as a string); archived = in an inbox that is disabled or deleted.
 * Unanswered = waiting_since set (the contact wrote last) and a status not
 * of category resolved; waiting_time = now - waiting_since in ms.
 */
#include "api/vambe.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "lib/arena.h"
#include "lib/http.h"
#include "lib/jsonw.h"
#include "lib/sbuf.h"
#include "lib/validate.h"
#include "lists/query.h"
#include "rules/access.h"
#include "server/ctx.h"
#include "server/dialect.h"
#include "server/reply.h"
#include "store/conversations.h"
#include "store/vambe.h"

static void vambe_error_body(struct arena *a, enum app_err e, const char *message,
                             const char **body, size_t *len)
{
    static const char fallback[] =
        "{\"statusCode\":500,\"message\":\"Internal Server Error\",\"error\":\"Internal Server "
        "Error\"}";
    int status = err_status(e);
    struct sbuf sb;
    sbuf_init(&sb, a);
    sbuf_addf(&sb, "{\"statusCode\":%d,\"message\":", status);
    jw_str(&sb, message, strlen(message));
    sbuf_add(&sb, ",\"error\":");
    /* NestJS puts the status's reason phrase in "error". */
    jw_str(&sb, http_reason(status), strlen(http_reason(status)));
    sbuf_add(&sb, "}");
    *body = sbuf_str(&sb);
    *len = sb.len;
    if (*body == NULL) {
        *body = fallback;
        *len = sizeof(fallback) - 1;
    }
}

const struct dialect vambe_dialect = {"vambe", DIALECT_KEY_X_API_KEY, vambe_error_body};

/* 1 if key is name, name[] or name[<digits>] (the encodings of arrays in query strings). */
static int array_key(const char *key, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(key, name, n) != 0)
        return 0;
    key += n;
    if (*key == '\0')
        return 1;
    if (*key++ != '[')
        return 0;
    while (*key >= '0' && *key <= '9')
        key++;
    return key[0] == ']' && key[1] == '\0';
}

#define MAX_IDS 100

/*
 * The ids of the array parameter name (repeated, name[], name[N], or
 * comma-separated) as a JSON array of integers into sb; *n their number.
 * 400 naming the parameter for a value that is not a positive id.
 */
static enum app_err id_array(struct req *r, struct resp *w, const char *name, struct sbuf *sb,
                             int *n)
{
    *n = 0;
    sbuf_add(sb, "[");
    for (size_t i = 0; i < r->nparams; i++) {
        if (!array_key(r->params[i].key, name))
            continue;
        const char *v = r->params[i].value;
        while (*v != '\0') {
            const char *end = strchr(v, ',');
            size_t len = end ? (size_t)(end - v) : strlen(v);
            char buf[24];
            int64_t id;
            if (len > 0) {
                if (len >= sizeof(buf))
                    return reply_fail(r, w, APP_ERR_INPUT,
                                      "%s must contain only ids (positive integers)", name);
                memcpy(buf, v, len);
                buf[len] = '\0';
                if (v_int64(buf, 1, INT32_MAX, &id) != 0)
                    return reply_fail(r, w, APP_ERR_INPUT,
                                      "%s must contain only ids (positive integers), not `%s`",
                                      name, buf);
                if (++*n > MAX_IDS)
                    return reply_fail(r, w, APP_ERR_INPUT, "%s: at most %d ids", name, MAX_IDS);
                sbuf_addf(sb, "%s%lld", *n > 1 ? "," : "", (long long)id);
            }
            v += len;
            if (*v == ',')
                v++;
        }
    }
    sbuf_add(sb, "]");
    return APP_OK;
}

/* A boolean parameter: true/false (any case) or 1/0; absent -> def. */
static enum app_err flag(struct req *r, struct resp *w, const char *name, int def, int *out)
{
    const char *v = http_param(r, name);
    *out = def;
    if (v == NULL || *v == '\0')
        return APP_OK;
    if (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0)
        *out = 1;
    else if (strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0)
        *out = 0;
    else
        return reply_fail(r, w, APP_ERR_INPUT, "%s must be a boolean (true or false), not `%s`",
                          name, v);
    return APP_OK;
}

/* Appends one condition of the list engine's filter language to the flat array in sb. */
static void condition(struct sbuf *sb, int *first, const char *field, const char *op,
                      const char *value_json)
{
    sbuf_addf(sb, "%s{\"model\":\"conversations\",\"field\":\"%s\",\"operator\":\"%s\"",
              *first ? "" : ",", field, op);
    if (value_json != NULL)
        sbuf_addf(sb, ",\"value\":%s", value_json);
    sbuf_add(sb, "}");
    *first = 0;
}

#define MAX_PAGE 10000000

enum app_err h_vambe_unanswered(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct cq_request rq = {0};
    struct cq_query q;
    struct sbuf agents, stages, filters;
    int nagents, nstages, hide_archived, hide_unassigned, first = 1;
    int64_t page = 1, pipeline = 0, total;
    const char *v, *msg = NULL, *ids, *contacts;
    size_t clen;
    enum app_err e;

    if ((v = http_param(r, "page")) != NULL && *v != '\0' && v_int64(v, 1, MAX_PAGE, &page) != 0)
        return reply_fail(r, w, APP_ERR_INPUT, "page must be an integer from 1 to %d, not `%s`",
                          MAX_PAGE, v);
    if ((v = http_param(r, "pipelineId")) != NULL && *v != '\0' &&
        v_int64(v, 1, INT32_MAX, &pipeline) != 0)
        return reply_fail(r, w, APP_ERR_INPUT,
                          "pipelineId must be a pipeline (inbox) id, a positive integer, not `%s`",
                          v);
    sbuf_init(&agents, r->arena);
    sbuf_init(&stages, r->arena);
    sbuf_init(&filters, r->arena);
    if ((e = id_array(r, w, "agentIds", &agents, &nagents)) != APP_OK ||
        (e = id_array(r, w, "stageIds", &stages, &nstages)) != APP_OK ||
        (e = flag(r, w, "hideArchived", 1, &hide_archived)) != APP_OK ||
        (e = flag(r, w, "hideUnassigned", 1, &hide_unassigned)) != APP_OK)
        return e;

    /* The filters, in the list engine's language (bound as parameters there). */
    sbuf_add(&filters, "[");
    if (nagents > 0)
        condition(&filters, &first, "assigned_user_id", "in", sbuf_str(&agents));
    if (pipeline > 0)
        condition(&filters, &first, "inbox_id", "equals",
                  arena_printf(r->arena, "%lld", (long long)pipeline));
    if (nstages > 0)
        condition(&filters, &first, "status_id", "in", sbuf_str(&stages));
    if (hide_unassigned)
        condition(&filters, &first, "assigned_user_id", "set", NULL);
    sbuf_add(&filters, "]");

    rq.list = CQ_VIEW;
    rq.unanswered = 1;
    rq.live_inboxes = hide_archived;
    rq.user_id = c->who->id;
    rq.scopes = access_read_scopes(c->who);
    rq.filters = sbuf_str(&filters);
    rq.page = page;
    rq.page_size = VAMBE_PAGE_SIZE;
    if (rq.filters == NULL)
        return APP_ERR_INTERNAL;
    e = cq_build(r->arena, &rq, &q, &msg);
    if (e == APP_ERR_INPUT && msg != NULL)
        return reply_fail(r, w, e, "%s", msg);
    if (e == APP_OK)
        e = store_conversations_ids(c->db, r->arena, &q, &total, &ids);
    if (e == APP_OK)
        e = store_vambe_contacts(c->db, r->arena, ids, &contacts, &clen);
    if (e != APP_OK)
        return e;

    int more = total > page * VAMBE_PAGE_SIZE;
    struct sbuf body;
    sbuf_init(&body, r->arena);
    sbuf_reserve(&body, clen + 96);
    sbuf_add(&body, "{\"contacts\":");
    sbuf_addn(&body, contacts, clen);
    sbuf_addf(&body, ",\"hasNextPage\":%s,\"nextPage\":", more ? "true" : "false");
    if (more)
        sbuf_addf(&body, "\"%lld\"", (long long)(page + 1));
    else
        sbuf_add(&body, "null");
    sbuf_addf(&body, ",\"total\":%lld}", (long long)total);
    if (sbuf_str(&body) == NULL)
        return APP_ERR_INTERNAL;
    return reply_body(w, sbuf_str(&body), body.len);
}
