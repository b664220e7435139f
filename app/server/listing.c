/*
 * server/listing.c - see listing.h.
 */
#include "server/listing.h"

#include "lib/http.h"
#include "lists/params.h"
#include "server/ctx.h"
#include "server/reply.h"
#include "store/conversations.h"

enum app_err listing_conversations(struct req *r, struct resp *w, enum cq_list type,
                                   int64_t team_id, const char *filters, unsigned scopes)
{
    struct ctx *c = r->ctx;
    struct cq_request rq = {0};
    struct cq_query q;
    const char *msg = NULL, *results;
    size_t len;
    int64_t total;

    list_params(r, &rq);
    rq.list = type;
    rq.user_id = c->who->id;
    rq.team_id = team_id;
    rq.scopes = scopes;
    rq.filters = filters; /* a view's stored filters replace the parameter */

    enum app_err e = cq_build(r->arena, &rq, &q, &msg);
    if (e == APP_ERR_INPUT)
        return reply_fail(r, w, e, "%s", msg);
    if (e == APP_OK)
        e = store_conversations_list(c->db, r->arena, &q, type == CQ_MENTIONED, &total, &results,
                                     &len);
    if (e != APP_OK)
        return e;
    return reply_page(r, w, results, len, total, rq.page_size, rq.page);
}
