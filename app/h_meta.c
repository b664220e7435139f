/*
 * h_meta.c - health and the small read-only lists: statuses, priorities
 * and AI prompts (without their content).
 */
#include "handlers.h"

#include <stdlib.h>
#include <string.h>

#include "../lib/http.h"
#include "../lib/xalloc.h"
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

/*
 * The reference lists are small and read on every screen of a client, so
 * each worker keeps their JSON, tagged with the reference-data version it
 * was built at.  It is served only when the version read with this
 * request's credentials is the same (see sql/003_cache_versions.sql), so a
 * committed change is never missed.
 */
struct cached_list {
    enum stmt stmt;
    int64_t version;
    char *json; /* malloc'd; replaced only by a later request */
    size_t len;
};

static struct cached_list cache[] = {
    {STMT_STATUSES_JSON, 0, NULL, 0},
    {STMT_PRIORITIES_JSON, 0, NULL, 0},
    {STMT_AI_PROMPTS_JSON, 0, NULL, 0},
};

static enum app_err list(struct req *r, struct resp *w, enum stmt s)
{
    struct ctx *c = r->ctx;
    struct cached_list *e = NULL;

    for (size_t i = 0; i < sizeof(cache) / sizeof(cache[0]); i++)
        if (cache[i].stmt == s)
            e = &cache[i];
    if (e != NULL && e->json != NULL && c->ref_version != 0 && e->version == c->ref_version) {
        w->data_json = e->json;
        w->data_len = e->len;
        return APP_OK;
    }
    enum app_err err = q_json(c->db, r->arena, s, NULL, &w->data_json, &w->data_len);
    if (err == APP_OK && w->data_json == NULL)
        return APP_ERR_INTERNAL;
    if (err == APP_OK && e != NULL && c->ref_version != 0) {
        char *copy = xmalloc(w->data_len + 1);
        memcpy(copy, w->data_json, w->data_len + 1);
        free(e->json);
        e->json = copy;
        e->len = w->data_len;
        e->version = c->ref_version;
    }
    return err;
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
