/*
 * api/conversations.c - conversation lists: all, unassigned, assigned,
 * mentioned and a team's unassigned inbox, all through the list engine.
 */
#include "api/conversations.h"

#include <inttypes.h>
#include <stdint.h>

#include "lib/arena.h"
#include "lib/http.h"
#include "lists/query.h"
#include "rules/access.h"
#include "server/ctx.h"
#include "server/listing.h"
#include "server/reply.h"
#include "store/teams.h"

static enum app_err list(struct req *r, struct resp *w, enum cq_list type, int64_t team_id)
{
    return listing_conversations(r, w, type, team_id, http_param(r, "filters"), 0);
}

enum app_err h_conversations_all(struct req *r, struct resp *w)
{
    return list(r, w, CQ_ALL, 0);
}

enum app_err h_conversations_unassigned(struct req *r, struct resp *w)
{
    return list(r, w, CQ_UNASSIGNED, 0);
}

enum app_err h_conversations_assigned(struct req *r, struct resp *w)
{
    return list(r, w, CQ_ASSIGNED, 0);
}

/* Where I (or a team of mine) was mentioned, within what the access rule lets me open. */
enum app_err h_conversations_mentioned(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return listing_conversations(r, w, CQ_MENTIONED, 0, http_param(r, "filters"),
                                 access_read_scopes(c->who));
}

/*
 * The conversations waiting for an answer (the contact wrote last), not
 * resolved, longest wait first, within what the access rule lets me open.
 */
enum app_err h_conversations_unanswered(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return listing_unanswered(r, w, access_read_scopes(c->who));
}

/* A team's conversations without an agent, for the team's members only. */
enum app_err h_team_conversations_unassigned(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    int64_t id;
    int member;
    enum app_err e = reply_path_int(r, w, "id", "team", &id);

    if (e == APP_OK)
        e = store_team_member(c->db, r->arena, id, c->who->id, &member);
    if (e != APP_OK)
        return e;
    if (!member)
        return reply_fail(r, w, APP_ERR_PERMISSION, "You're not a member of this team");
    return list(r, w, CQ_TEAM_UNASSIGNED, id);
}
