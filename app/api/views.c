/*
 * api/views.c - saved views: personal ones (/views/me), shared ones
 * (/shared-views, for everyone or one team), the shared views I may open,
 * and a view's conversations through the list engine.
 */
#include "api/views.h"

#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/http.h"
#include "lists/query.h"
#include "rules/access.h"
#include "rules/limits.h"
#include "server/body.h"
#include "server/ctx.h"
#include "server/listing.h"
#include "server/reply.h"
#include "store/teams.h"
#include "store/views.h"

/*
 * The body of a view write.  filters is the list language (an array or a
 * {logic, rules} object; a string holding either is read too) and is
 * checked as the lists check it, so a saved view always runs.
 */
static enum app_err view_body(struct req *r, struct resp *w, int shared, struct store_view_in *in)
{
    struct json_object *b, *f;
    enum app_err e = body_object(r, w, &b);

    memset(in, 0, sizeof(*in));
    if (e != APP_OK)
        return e;
    in->name = body_string(b, "name");
    if (in->name == NULL || *in->name == '\0' || strlen(in->name) > NAME_MAX_LEN)
        return reply_fail(r, w, APP_ERR_INPUT, "`name` is required (1 to %d characters)",
                          NAME_MAX_LEN);
    if (!json_object_object_get_ex(b, "filters", &f) || f == NULL)
        return reply_fail(r, w, APP_ERR_INPUT, "`filters` is required");
    if (json_object_is_type(f, json_type_string))
        in->filters = json_object_get_string(f);
    else if (json_object_is_type(f, json_type_array) || json_object_is_type(f, json_type_object))
        in->filters = json_object_to_json_string_ext(f, JSON_C_TO_STRING_PLAIN);
    const char *why = NULL;
    if (in->filters == NULL || (e = cq_check_filters(r->arena, in->filters, &why)) != APP_OK) {
        if (e == APP_ERR_INTERNAL)
            return e;
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid filters: %s",
                          why ? why : "expected an array of conditions");
    }
    if (!shared) {
        in->visibility = "user";
        in->user_id = ((struct ctx *)r->ctx)->who->id;
        return APP_OK;
    }
    in->visibility = body_string(b, "visibility");
    if (in->visibility == NULL ||
        (strcmp(in->visibility, "all") != 0 && strcmp(in->visibility, "team") != 0))
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid `visibility`: use all or team");
    if (strcmp(in->visibility, "team") == 0 &&
        (!body_int64(b, "team_id", &in->team_id) || in->team_id <= 0 || in->team_id > INT32_MAX))
        return reply_fail(r, w, APP_ERR_INPUT, "`team_id` is required for a team view");
    return APP_OK;
}

/* The {id} of a view route and its view, or 404. */
static enum app_err path_view(struct req *r, struct resp *w, int64_t *id, struct store_view *v)
{
    struct ctx *c = r->ctx;
    enum app_err e = reply_path_int(r, w, "id", "view", id);

    if (e == APP_OK)
        e = store_view_get(c->db, r->arena, *id, v);
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "View not found");
    return e;
}

/* The database's refusals of a view write, worded. */
static enum app_err refused(struct req *r, struct resp *w, enum app_err e)
{
    if (e == APP_ERR_INPUT) /* the team does not exist */
        return reply_fail(r, w, e, "Unknown `team_id`");
    if (e == APP_ERR_NOT_FOUND) /* deleted meanwhile */
        return reply_fail(r, w, e, "View not found");
    return e;
}

/* --- personal views ------------------------------------------------------------------------ */

enum app_err h_views_mine_list(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return store_views_mine_json(c->db, r->arena, c->who->id, &w->data_json, &w->data_len);
}

enum app_err h_views_mine_create(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct store_view_in in;
    enum app_err e = view_body(r, w, 0, &in);

    if (e != APP_OK)
        return e;
    e = store_view_create(c->db, r->arena, &in, &w->data_json, &w->data_len);
    return refused(r, w, e);
}

/* A personal view of mine, or 403 (another's, or a shared one), as upstream. */
static enum app_err my_view(struct req *r, struct resp *w, int64_t *id)
{
    struct ctx *c = r->ctx;
    struct store_view v;
    enum app_err e = path_view(r, w, id, &v);

    if (e != APP_OK)
        return e;
    if (strcmp(v.visibility, "user") != 0 || v.user_id != c->who->id)
        return APP_ERR_PERMISSION;
    return APP_OK;
}

enum app_err h_views_mine_update(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct store_view_in in;
    int64_t id;
    enum app_err e = my_view(r, w, &id);

    if (e == APP_OK)
        e = view_body(r, w, 0, &in);
    if (e != APP_OK)
        return e;
    e = store_view_update(c->db, r->arena, id, &in, &w->data_json, &w->data_len);
    if (e == APP_ERR_NOT_FOUND) /* deleted meanwhile */
        return reply_fail(r, w, e, "View not found");
    return e;
}

enum app_err h_views_mine_delete(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    int64_t id;
    enum app_err e = my_view(r, w, &id);

    return e == APP_OK ? store_view_delete(c->db, r->arena, id) : e;
}

/* --- shared views ---------------------------------------------------------------------------- */

enum app_err h_shared_views_list(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return store_views_shared_json(c->db, r->arena, &w->data_json, &w->data_len);
}

/* A shared view; a personal one is not found through these routes. */
static enum app_err shared_view(struct req *r, struct resp *w, int64_t *id, struct store_view *v)
{
    enum app_err e = path_view(r, w, id, v);

    if (e == APP_OK && strcmp(v->visibility, "user") == 0)
        return reply_fail(r, w, APP_ERR_NOT_FOUND, "View not found");
    return e;
}

enum app_err h_shared_views_get(struct req *r, struct resp *w)
{
    struct store_view v;
    int64_t id;
    enum app_err e = shared_view(r, w, &id, &v);

    if (e == APP_OK) {
        w->data_json = v.json;
        w->data_len = v.len;
    }
    return e;
}

enum app_err h_shared_views_create(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct store_view_in in;
    enum app_err e = view_body(r, w, 1, &in);

    if (e != APP_OK)
        return e;
    e = store_view_create(c->db, r->arena, &in, &w->data_json, &w->data_len);
    return refused(r, w, e);
}

enum app_err h_shared_views_update(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct store_view v;
    struct store_view_in in;
    int64_t id;
    enum app_err e = shared_view(r, w, &id, &v);

    if (e == APP_OK)
        e = view_body(r, w, 1, &in);
    if (e != APP_OK)
        return e;
    e = store_view_update(c->db, r->arena, id, &in, &w->data_json, &w->data_len);
    return refused(r, w, e);
}

enum app_err h_shared_views_delete(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct store_view v;
    int64_t id;
    enum app_err e = shared_view(r, w, &id, &v);

    return e == APP_OK ? store_view_delete(c->db, r->arena, id) : e;
}

enum app_err h_views_visible(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return store_views_visible_json(c->db, r->arena, c->who->id, &w->data_json, &w->data_len);
}

/* --- a view's conversations ------------------------------------------------------------------ */

/* 1 in *allowed if the caller may open the view: their own, for everyone, or for one of their
 * teams. */
static enum app_err may_open(struct req *r, const struct store_view *v, int *allowed)
{
    struct ctx *c = r->ctx;

    *allowed = strcmp(v->visibility, "all") == 0;
    if (strcmp(v->visibility, "user") == 0)
        *allowed = v->user_id == c->who->id;
    else if (strcmp(v->visibility, "team") == 0 && v->team_id != 0)
        return store_team_member(c->db, r->arena, v->team_id, c->who->id, allowed);
    return APP_OK;
}

/* The view's list, within what the caller's permissions reach. */
enum app_err h_view_conversations(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct store_view v;
    int64_t id;
    int allowed;
    enum app_err e = path_view(r, w, &id, &v);

    if (e == APP_OK)
        e = may_open(r, &v, &allowed);
    if (e != APP_OK)
        return e;
    if (!allowed)
        return reply_fail(r, w, APP_ERR_PERMISSION, "You do not have access to this view");
    unsigned scopes = access_scopes(c->who);
    if (scopes == 0)
        return APP_ERR_PERMISSION;
    /* The stored filters replace the `filters` parameter, as upstream. */
    return listing_conversations(r, w, CQ_VIEW, 0, v.filters, scopes);
}
