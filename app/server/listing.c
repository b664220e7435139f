/*
 * server/listing.c - see listing.h.
 */
#include "server/listing.h"

#include <inttypes.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/http.h"
#include "lists/params.h"
#include "server/ctx.h"
#include "server/reply.h"
#include "store/activity_log.h"
#include "store/contacts.h"
#include "store/conversations.h"

/*
 * The page of one list: the request's list parameters, compiled by the
 * list engine (conversations: of type for the caller; or the contacts, or
 * the activity log) and run by the store.
 */
enum kind { CONVERSATIONS, CONTACTS, ACTIVITY_LOGS, UNANSWERED };

static enum app_err page(struct req *r, struct resp *w, enum cq_list type, int64_t team_id,
                         const char *filters, unsigned scopes, enum kind kind)
{
    struct ctx *c = r->ctx;
    struct cq_request rq = {0};
    struct cq_query q;
    const char *msg = NULL, *results;
    size_t len;
    int64_t total;
    enum app_err e;

    list_params(r, &rq);
    /* with_counts=true: the four assignee counts of the same scope and filters. */
    const char *wc = http_param(r, "with_counts");
    int with_counts = 0;
    if (kind == CONVERSATIONS && wc != NULL && *wc != '\0') {
        if (strcmp(wc, "true") == 0)
            with_counts = 1;
        else if (strcmp(wc, "false") != 0)
            return reply_fail(r, w, APP_ERR_INPUT, "Invalid `with_counts`: use true or false");
    }
    if (kind == CONTACTS) {
        e = cq_contacts_build(r->arena, &rq, &q, &msg);
    } else if (kind == ACTIVITY_LOGS) {
        e = cq_activity_logs_build(r->arena, &rq, &q, &msg);
    } else {
        rq.list = type;
        rq.user_id = c->who->id;
        rq.team_id = team_id;
        rq.scopes = scopes;
        rq.filters = filters; /* a view's stored filters replace the parameter */
        rq.unanswered = kind == UNANSWERED;
        e = list_conversation_params(r, &rq, &msg);
        if (e == APP_OK)
            e = cq_build(r->arena, &rq, &q, &msg);
    }
    if (e == APP_ERR_INPUT && msg != NULL)
        return reply_fail(r, w, e, "%s", msg);
    if (e == APP_OK && kind == CONTACTS)
        e = store_contacts_list(c->db, r->arena, &q, &total, &results, &len);
    else if (e == APP_OK && kind == UNANSWERED)
        e = store_conversations_unanswered(c->db, r->arena, &q, &total, &results, &len);
    else if (e == APP_OK && kind == ACTIVITY_LOGS)
        e = store_activity_log_list(c->db, r->arena, &q, &total, &results, &len);
    else if (e == APP_OK)
        e = store_conversations_list(c->db, r->arena, &q, type == CQ_MENTIONED, &total, &results,
                                     &len);
    int64_t counts[CQ__COUNTS];
    if (e == APP_OK && with_counts)
        e = store_conversations_counts(c->db, r->arena, &q, counts);
    if (rq.use_offset) /* limit/offset: the page that holds the first row */
        rq.page = rq.offset / rq.page_size + 1;
    if (e == APP_OK)
        e = reply_page(r, w, results, len, total, rq.page_size, rq.page);
    if (e != APP_OK || !with_counts)
        return e;
    /* The page with "counts" after "page": {..., "counts": {mine, unassigned, assigned, all}}. */
    const char *paged =
        arena_printf(r->arena,
                     "%.*s,\"counts\":{\"mine\":%" PRId64 ",\"unassigned\":%" PRId64
                     ",\"assigned\":%" PRId64 ",\"all\":%" PRId64 "}}",
                     (int)(w->data_len - 1), w->data_json, counts[CQ_COUNT_MINE],
                     counts[CQ_COUNT_UNASSIGNED], counts[CQ_COUNT_ASSIGNED], counts[CQ_COUNT_ALL]);
    if (paged == NULL)
        return APP_ERR_INTERNAL;
    w->data_json = paged;
    w->data_len = strlen(paged);
    return APP_OK;
}

enum app_err listing_conversations(struct req *r, struct resp *w, enum cq_list type,
                                   int64_t team_id, const char *filters, unsigned scopes)
{
    return page(r, w, type, team_id, filters, scopes, CONVERSATIONS);
}

enum app_err listing_contacts(struct req *r, struct resp *w)
{
    return page(r, w, CQ_ALL, 0, NULL, 0, CONTACTS);
}

enum app_err listing_activity_logs(struct req *r, struct resp *w)
{
    return page(r, w, CQ_ALL, 0, NULL, 0, ACTIVITY_LOGS);
}

enum app_err listing_unanswered(struct req *r, struct resp *w, unsigned scopes)
{
    return page(r, w, CQ_VIEW, 0, http_param(r, "filters"), scopes, UNANSWERED);
}
