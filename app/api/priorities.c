/*
 * api/priorities.c - conversation priorities (read-only, cached per worker).
 */
#include "api/priorities.h"

#include "lib/http.h"
#include "server/ctx.h"
#include "store/priorities.h"

enum app_err h_priorities_list(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return store_priorities_json(c->db, r->arena, c->ref_version, &w->data_json, &w->data_len);
}
