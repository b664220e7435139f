/*
 * h_meta.c - health and the small read-only lists: statuses, priorities
 * and AI prompts (without their content).
 */
#include "handlers.h"

#include "../lib/http.h"
#include "app.h"
#include "queries.h"

enum app_err h_health_get(struct req *r, struct resp *w)
{
    static const char body[] = "{\"status\":\"success\",\"data\":true}";
    (void)r;
    w->raw_body = body;
    w->raw_len = sizeof(body) - 1;
    return APP_OK;
}

static enum app_err list(struct req *r, struct resp *w, enum stmt s)
{
    struct ctx *c = r->ctx;
    enum app_err e = q_json(c->db, r->arena, s, NULL, &w->data_json, &w->data_len);
    if (e == APP_OK && w->data_json == NULL)
        return APP_ERR_INTERNAL;
    return e;
}

enum app_err h_statuses_list(struct req *r, struct resp *w)
{
    return list(r, w, STMT_STATUSES_JSON);
}

enum app_err h_priorities_list(struct req *r, struct resp *w)
{
    return list(r, w, STMT_PRIORITIES_JSON);
}

enum app_err h_ai_prompts_list(struct req *r, struct resp *w)
{
    return list(r, w, STMT_AI_PROMPTS_JSON);
}
