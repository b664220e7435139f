/*
 * api/tags.c - the tags conversations can carry: the list (any agent) and
 * its writes.  Deleting a tag takes it off every conversation.  Where
 * upstream answers 500 (a taken name, an unknown id) deskd answers 409 and
 * 404.
 */
#include "api/tags.h"

#include <string.h>

#include "lib/http.h"
#include "rules/limits.h"
#include "server/body.h"
#include "server/ctx.h"
#include "server/reply.h"
#include "store/tags.h"

enum app_err h_tags_list(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return store_tags_json(c->db, r->arena, &w->data_json, &w->data_len);
}

/* The {name} of a tag write: 1 to NAME_MAX_LEN bytes (the table's limit). */
static enum app_err tag_body(struct req *r, struct resp *w, const char **name)
{
    struct json_object *b;
    enum app_err e = body_object(r, w, &b);

    if (e != APP_OK)
        return e;
    *name = body_string(b, "name");
    if (*name == NULL || **name == '\0' || strlen(*name) > NAME_MAX_LEN)
        return reply_fail(r, w, APP_ERR_INPUT, "`name` is required (1 to %d characters)",
                          NAME_MAX_LEN);
    return APP_OK;
}

/* The database's refusals of a tag write, worded. */
static enum app_err refused(struct req *r, struct resp *w, enum app_err e)
{
    if (e == APP_ERR_CONFLICT)
        return reply_fail(r, w, e, "Tag already exists");
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "Tag not found");
    return e;
}

enum app_err h_tags_create(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    const char *name;
    enum app_err e = tag_body(r, w, &name);

    if (e == APP_OK)
        e = store_tag_create(c->db, r->arena, name, &w->data_json, &w->data_len);
    return refused(r, w, e);
}

enum app_err h_tags_update(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    const char *name;
    int64_t id;
    enum app_err e = reply_path_int(r, w, "id", "tag", &id);

    if (e == APP_OK)
        e = tag_body(r, w, &name);
    if (e != APP_OK)
        return e;
    e = store_tag_update(c->db, r->arena, id, name, &w->data_json, &w->data_len);
    return refused(r, w, e);
}

enum app_err h_tags_delete(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    int64_t id;
    enum app_err e = reply_path_int(r, w, "id", "tag", &id);

    if (e != APP_OK)
        return e;
    return refused(r, w, store_tag_delete(c->db, r->arena, id));
}
