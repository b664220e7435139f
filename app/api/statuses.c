/*
 * api/statuses.c - conversation statuses: the list (cached per worker) and
 * its writes, with the four defaults the conversation logic relies on
 * protected.
 */
#include "api/statuses.h"

#include <string.h>

#include "lib/http.h"
#include "server/body.h"
#include "server/ctx.h"
#include "server/reply.h"
#include "store/statuses.h"

#define STATUS_NAME_MAX 25

enum app_err h_statuses_list(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return store_statuses_json(c->db, r->arena, c->ref_version, &w->data_json, &w->data_len);
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
    if (*name == NULL || **name == '\0')
        return reply_fail(r, w, APP_ERR_INPUT, "`name` is required");
    if (strlen(*name) > STATUS_NAME_MAX)
        return reply_fail(r, w, APP_ERR_INPUT,
                          "Status is too long, should be at most %d characters", STATUS_NAME_MAX);
    *category = body_string(b, "category");
    if (*category == NULL || **category == '\0')
        *category = "open";
    if (strcmp(*category, "open") != 0 && strcmp(*category, "waiting") != 0 &&
        strcmp(*category, "resolved") != 0)
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid `category`: use open, waiting or resolved");
    return APP_OK;
}

/* The {id} of a status route, refused (404) if unknown and (400) if one of the defaults. */
static enum app_err status_target(struct req *r, struct resp *w, const char *verb, int64_t *id)
{
    struct ctx *c = r->ctx;
    const char *name;
    enum app_err e = reply_path_int(r, w, "id", "status", id);

    if (e == APP_OK)
        e = store_status_name(c->db, r->arena, *id, &name);
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "Status not found");
    if (e == APP_OK && default_status(name))
        return reply_fail(r, w, APP_ERR_INPUT, "Cannot %s default conversation status", verb);
    return e;
}

/* The database's refusals of a status write, worded. */
static enum app_err refused(struct req *r, struct resp *w, enum app_err e)
{
    if (e == APP_ERR_CONFLICT)
        return reply_fail(r, w, e, "Status already exists");
    if (e == APP_ERR_NOT_FOUND) /* deleted meanwhile */
        return reply_fail(r, w, e, "Status not found");
    return e;
}

enum app_err h_statuses_create(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    const char *name, *category;
    enum app_err e = status_body(r, w, &name, &category);

    if (e == APP_OK)
        e = store_status_create(c->db, r->arena, name, category, &w->data_json, &w->data_len);
    return refused(r, w, e);
}

enum app_err h_statuses_update(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    const char *name, *category;
    int64_t id;
    enum app_err e = status_target(r, w, "update", &id);

    if (e == APP_OK)
        e = status_body(r, w, &name, &category);
    if (e != APP_OK)
        return e;
    e = store_status_update(c->db, r->arena, id, name, category, &w->data_json, &w->data_len);
    return refused(r, w, e);
}

enum app_err h_statuses_delete(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    int64_t id;
    enum app_err e = status_target(r, w, "delete", &id);

    if (e != APP_OK)
        return e;
    e = store_status_delete(c->db, r->arena, id);
    if (e == APP_ERR_INPUT) /* the conversations' foreign key refuses */
        return reply_fail(r, w, e,
                          "Cannot delete status as it is in use, reassign its conversations first");
    return refused(r, w, e);
}
