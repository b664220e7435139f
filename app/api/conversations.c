/*
 * h_conversations.c - conversation lists: all, unassigned, assigned,
 * mentioned and a team's unassigned inbox, all through the query engine.
 */
#include "api/handlers.h"

#include <stdint.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/http.h"
#include "lib/validate.h"
#include "server/ctx.h"
#include "lists/query.h"
#include "store/queries.h"
#include "server/reply.h"

static enum app_err run_list(struct req *r, struct resp *w, enum cq_list type, const char *team_id,
                             const char *filters, unsigned scopes)
{
    struct ctx *c = r->ctx;
    struct cq_request rq = {0};
    struct cq_query q;
    const char *msg = NULL, *results;
    size_t rlen;
    int64_t total;

    list_params(r, &rq);
    rq.list = type;
    rq.user_id = c->who->id_str;
    rq.team_id = team_id;
    rq.scopes = scopes;
    rq.filters = filters; /* a view's stored filters replace the parameter */

    enum app_err e = cq_build(r->arena, &rq, &q, &msg);
    if (e != APP_OK) {
        w->message = msg;
        return e;
    }
    e = q_conversation_list(c->db, r->arena, &q, type == CQ_MENTIONED, &total, &results, &rlen);
    if (e != APP_OK)
        return e;
    if ((e = reply_page(r, w, results, rlen, total, rq.page_size, rq.page)) != APP_OK)
        return e;
    return APP_OK;
}

static enum app_err list(struct req *r, struct resp *w, enum cq_list type, const char *team_id)
{
    return run_list(r, w, type, team_id, http_param(r, "filters"), 0);
}

/* A view's list: its stored filters (the `filters` parameter is ignored, as upstream). */
enum app_err conversations_of_view(struct req *r, struct resp *w, const char *filters,
                                   unsigned scopes)
{
    return run_list(r, w, CQ_VIEW, NULL, filters, scopes);
}

enum app_err h_conversations_all(struct req *r, struct resp *w)
{
    return list(r, w, CQ_ALL, NULL);
}

enum app_err h_conversations_unassigned(struct req *r, struct resp *w)
{
    return list(r, w, CQ_UNASSIGNED, NULL);
}

enum app_err h_conversations_assigned(struct req *r, struct resp *w)
{
    return list(r, w, CQ_ASSIGNED, NULL);
}

enum app_err h_conversations_mentioned(struct req *r, struct resp *w)
{
    return list(r, w, CQ_MENTIONED, NULL);
}

enum app_err h_team_conversations_unassigned(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    const char *id;
    int member;
    enum app_err e = reply_path_id(r, w, "id", "team", &id);

    if (e != APP_OK)
        return e;
    e = q_team_member(c->db, r->arena, id, c->who->id_str, &member);
    if (e != APP_OK)
        return e;
    if (!member) {
        w->message = "You're not a member of this team";
        return APP_ERR_PERMISSION;
    }
    return list(r, w, CQ_TEAM_UNASSIGNED, id);
}
