/*
 * rules/access.c - see access.h.
 */
#include "rules/access.h"

#include "server/ctx.h"

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

int access_conversation(const struct principal *p, const struct access_facts *f)
{
    unsigned s = access_scopes(p);

    if (!app_has_perm(p, "conversations:read"))
        return 0;
    return (s & ACCESS_ALL) || ((s & ACCESS_ASSIGNED) && f->has_user && f->user_id == p->id) ||
           ((s & ACCESS_TEAM_ALL) && f->my_team) ||
           ((s & ACCESS_TEAM_INBOX) && f->my_team && !f->has_user) ||
           ((s & ACCESS_UNASSIGNED) && !f->has_user && !f->has_team);
}
