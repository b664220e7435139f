/*
 * rules/access.c - see access.h.
 */
#include "rules/access.h"

#include "lib/http.h"
#include "lib/validate.h"
#include "server/ctx.h"
#include "server/reply.h"
#include "store/conversation.h"

unsigned access_scopes(const struct principal *p)
{
    static const struct {
        const char *perm;
        enum access_scope scope;
    } grants[] = {
        {"conversations:read_all", ACCESS_ALL},
        {"conversations:read_unassigned", ACCESS_UNASSIGNED},
        {"conversations:read_assigned", ACCESS_ASSIGNED},
        {"conversations:read_team_inbox", ACCESS_TEAM_INBOX},
        {"conversations:read_team_all", ACCESS_TEAM_ALL},
    };
    unsigned scopes = 0;

    for (size_t i = 0; i < sizeof(grants) / sizeof(grants[0]); i++)
        if (app_has_perm(p, grants[i].perm))
            scopes |= (unsigned)grants[i].scope;
    return scopes;
}

unsigned access_read_scopes(const struct principal *p)
{
    return app_has_perm(p, "conversations:read") ? access_scopes(p) : 0;
}

int access_scoped(unsigned s, int64_t user_id, const struct access_facts *f)
{
    return (s & ACCESS_ALL) || ((s & ACCESS_ASSIGNED) && f->has_user && f->user_id == user_id) ||
           ((s & ACCESS_TEAM_ALL) && f->my_team) ||
           ((s & ACCESS_TEAM_INBOX) && f->my_team && !f->has_user) ||
           ((s & ACCESS_UNASSIGNED) && !f->has_user && !f->has_team);
}

int access_conversation(const struct principal *p, const struct access_facts *f)
{
    return p != NULL && access_scoped(access_read_scopes(p), p->id, f);
}

enum app_err conv_access(struct req *r, struct resp *w, const char *capture,
                         struct access_conv *out)
{
    return conv_access_uuid(r, w, router_capture(&r->match, capture), out);
}

enum app_err conv_access_uuid(struct req *r, struct resp *w, const char *uuid,
                              struct access_conv *out)
{
    struct ctx *c = r->ctx;

    if (uuid == NULL || !v_uuid(uuid))
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid conversation `uuid`");
    enum app_err e = store_conversation_access(c->db, r->arena, uuid, c->who->id, out);
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "Conversation not found");
    if (e != APP_OK)
        return e;
    return access_conversation(c->who, &out->facts) ? APP_OK : APP_ERR_PERMISSION;
}
