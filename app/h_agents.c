/*
 * h_agents.c - agent endpoints: the current agent and one agent by id.
 */
#include "handlers.h"

#include <stdint.h>

#include "../lib/http.h"
#include "../lib/validate.h"
#include "app.h"
#include "queries.h"

static enum app_err agent_json(struct req *r, struct resp *w, const char *id)
{
    struct ctx *c = r->ctx;
    const char *params[1] = {id};
    enum app_err e = q_json(c->db, r->arena, STMT_AGENT_JSON, params, &w->data_json, &w->data_len);
    if (e != APP_OK)
        return e;
    if (w->data_json == NULL) {
        w->message = "User not found";
        return APP_ERR_NOT_FOUND;
    }
    return APP_OK;
}

enum app_err h_agents_me(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return agent_json(r, w, c->who->id_str);
}

enum app_err h_agents_get(struct req *r, struct resp *w)
{
    const char *id = router_capture(&r->match, "id");
    int64_t v;

    if (id == NULL || v_int64(id, 1, INT32_MAX, &v) != 0) {
        w->message = "Invalid agent `id`";
        return APP_ERR_INPUT;
    }
    return agent_json(r, w, id);
}
