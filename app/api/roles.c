/*
 * api/roles.c - the roles list.
 */
#include "api/roles.h"

#include "lib/http.h"
#include "server/ctx.h"
#include "store/roles.h"

enum app_err h_roles_list(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return store_roles_json(c->db, r->arena, &w->data_json, &w->data_len);
}
