/*
 * h_meta.c - health, the small reference lists (statuses, priorities and
 * AI prompts without their content, cached per worker) and status writes.
 */
#include "api/handlers.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/http.h"
#include "lib/validate.h"
#include "lib/xalloc.h"
#include "server/ctx.h"
#include "server/body.h"
#include "store/queries.h"
#include "server/reply.h"

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
    const struct db_stmt *stmt;
    int64_t version;
    char *json; /* malloc'd; replaced only by a later request */
    size_t len;
};

static struct cached_list cache[] = {
    {STMT_STATUSES_JSON, 0, NULL, 0},
    {STMT_PRIORITIES_JSON, 0, NULL, 0},
    {STMT_AI_PROMPTS_JSON, 0, NULL, 0},
};

static enum app_err list(struct req *r, struct resp *w, const struct db_stmt *s)
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

/* The seeded statuses the conversation logic relies on: never renamed or deleted. */
static int default_status(const char *name)
{
    static const char *const names[] = {"Open", "Snoozed", "Resolved", "Closed"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(name, names[i]) == 0)
            return 1;
    return 0;
}

/* {name, category} of a status write; category defaults to open, as before categories existed. */
static enum app_err status_body(struct req *r, struct resp *w, const char **name,
                                const char **category)
{
    struct json_object *b;
    enum app_err e = body_object(r, w, &b);

    if (e != APP_OK)
        return e;
    *name = body_string(b, "name");
    if (*name == NULL || **name == '\0') {
        w->message = "`name` is required";
        return APP_ERR_INPUT;
    }
    if (strlen(*name) > 25) {
        w->message = "Status is too long, should be at most 25 characters";
        return APP_ERR_INPUT;
    }
    *category = body_string(b, "category");
    if (*category == NULL || **category == '\0')
        *category = "open";
    if (strcmp(*category, "open") != 0 && strcmp(*category, "waiting") != 0 &&
        strcmp(*category, "resolved") != 0) {
        w->message = "Invalid `category`: use open, waiting or resolved";
        return APP_ERR_INPUT;
    }
    return APP_OK;
}

/* The {id} of a status route, refused (404) if unknown and (400) if one of the defaults. */
static enum app_err status_target(struct req *r, struct resp *w, const char *verb, const char **id)
{
    struct ctx *c = r->ctx;
    const char *name = NULL;
    enum app_err e = reply_path_id(r, w, "id", "status", id);

    if (e != APP_OK)
        return e;
    const char *p[1] = {*id};
    e = q_one(c->db, r->arena, STMT_STATUS_NAME, p, &name, NULL);
    if (e != APP_OK)
        return e;
    if (name == NULL) {
        w->message = "Status not found";
        return APP_ERR_NOT_FOUND;
    }
    if (default_status(name)) {
        w->message = arena_printf(r->arena, "Cannot %s default conversation status", verb);
        return APP_ERR_INPUT;
    }
    return APP_OK;
}

enum app_err h_statuses_create(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    const char *p[2];
    enum app_err e = status_body(r, w, &p[0], &p[1]);

    if (e == APP_OK)
        e = q_json(c->db, r->arena, STMT_STATUS_INSERT, p, &w->data_json, &w->data_len);
    if (e == APP_ERR_CONFLICT)
        w->message = "Status already exists";
    return e;
}

enum app_err h_statuses_update(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    const char *p[3];
    enum app_err e = status_target(r, w, "update", &p[0]);

    if (e == APP_OK)
        e = status_body(r, w, &p[1], &p[2]);
    if (e == APP_OK)
        e = q_json(c->db, r->arena, STMT_STATUS_UPDATE, p, &w->data_json, &w->data_len);
    if (e == APP_OK && w->data_json == NULL) { /* deleted meanwhile */
        w->message = "Status not found";
        return APP_ERR_NOT_FOUND;
    }
    if (e == APP_ERR_CONFLICT)
        w->message = "Status already exists";
    return e;
}

enum app_err h_statuses_delete(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    const char *p[1], *found = NULL;
    enum app_err e = status_target(r, w, "delete", &p[0]);

    if (e != APP_OK)
        return e;
    e = q_one(c->db, r->arena, STMT_STATUS_DELETE, p, &found, NULL);
    if (e == APP_ERR_INPUT) /* the conversations' foreign key refuses */
        w->message = "Cannot delete status as it is in use, reassign its conversations first";
    else if (e == APP_OK && found == NULL) {
        w->message = "Status not found";
        return APP_ERR_NOT_FOUND;
    }
    return e;
}
