/*
 * api/sla.c - SLA policies: the list every agent's web app loads at boot
 * (any agent, as upstream).  Their writes and their application to
 * conversations are not served yet.
 */
#include "api/sla.h"

#include "lib/http.h"
#include "server/ctx.h"
#include "store/sla.h"

enum app_err h_sla_list(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return store_sla_policies_json(c->db, r->arena, &w->data_json, &w->data_len);
}
