/*
 * h_views.c - saved views: personal ones (/views/me), shared ones
 * (/shared-views, for everyone or one team), the shared views I may open,
 * and a view's conversations through the list engine.
 */
#include "api/handlers.h"

#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/arena.h"
#include "lib/http.h"
#include "lib/validate.h"
#include "server/ctx.h"
#include "server/body.h"
#include "lists/query.h"
#include "store/queries.h"
#include "server/reply.h"

/* What a view write carries, validated; params in STMT_VIEW_INSERT's order. */
struct view_in {
    const char *name, *filters, *visibility, *user_id, *team_id;
};

/*
 * The body of a view write.  filters is the list language (an array or a
 * {logic, rules} object; a string holding either is read too) and is
 * checked as the lists check it, so a saved view always runs.
 */
static enum app_err view_body(struct req *r, struct resp *w, int shared, struct view_in *in)
{
    struct json_object *b, *f;
    enum app_err e = body_object(r, w, &b);

    memset(in, 0, sizeof(*in));
    if (e != APP_OK)
        return e;
    in->name = body_string(b, "name");
    if (in->name == NULL || *in->name == '\0' || strlen(in->name) > 140) {
        w->message = "`name` is required (1 to 140 characters)";
        return APP_ERR_INPUT;
    }
    if (!json_object_object_get_ex(b, "filters", &f) || f == NULL) {
        w->message = "`filters` is required";
        return APP_ERR_INPUT;
    }
    if (json_object_is_type(f, json_type_string))
        in->filters = json_object_get_string(f);
    else if (json_object_is_type(f, json_type_array) || json_object_is_type(f, json_type_object))
        in->filters = json_object_to_json_string_ext(f, JSON_C_TO_STRING_PLAIN);
    const char *why = NULL;
    if (in->filters == NULL || (e = cq_check_filters(r->arena, in->filters, &why)) != APP_OK) {
        if (e == APP_ERR_TOO_LARGE)
            return e;
        w->message = arena_printf(r->arena, "Invalid filters: %s",
                                  why ? why : "expected an array of conditions");
        return APP_ERR_INPUT;
    }
    if (!shared) {
        in->visibility = "user";
        in->user_id = ((struct ctx *)r->ctx)->who->id_str;
        return APP_OK;
    }
    in->visibility = body_string(b, "visibility");
    if (in->visibility == NULL ||
        (strcmp(in->visibility, "all") != 0 && strcmp(in->visibility, "team") != 0)) {
        w->message = "Invalid `visibility`: use all or team";
        return APP_ERR_INPUT;
    }
    if (strcmp(in->visibility, "team") == 0) {
        int64_t t;
        if (!body_int64(b, "team_id", &t) || t <= 0 || t > INT32_MAX) {
            w->message = "`team_id` is required for a team view";
            return APP_ERR_INPUT;
        }
        in->team_id = arena_printf(r->arena, "%lld", (long long)t);
    }
    return APP_OK;
}

static enum app_err path_view(struct req *r, struct resp *w, const char **id, struct q_view *v)
{
    struct ctx *c = r->ctx;
    enum app_err e = reply_path_id(r, w, "id", "view", id);

    if (e != APP_OK)
        return e;
    e = q_view(c->db, r->arena, *id, v);
    if (e == APP_OK && !v->found) {
        w->message = "View not found";
        return APP_ERR_NOT_FOUND;
    }
    return e;
}

static enum app_err write_result(struct resp *w, enum app_err e)
{
    if (e == APP_ERR_INPUT) /* the team does not exist */
        w->message = "Unknown `team_id`";
    return e;
}

/* --- personal views ------------------------------------------------------------------------ */

enum app_err h_views_mine_list(struct req *r, struct resp *w)
{
    return reply_json(r, w, STMT_VIEWS_MINE_JSON, ((struct ctx *)r->ctx)->who->id_str);
}

enum app_err h_views_mine_create(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct view_in in;
    enum app_err e = view_body(r, w, 0, &in);

    if (e != APP_OK)
        return e;
    const char *p[5] = {in.name, in.filters, in.visibility, in.user_id, in.team_id};
    return write_result(
        w, store_json(c->db, r->arena, STMT_VIEW_INSERT, p, &w->data_json, &w->data_len));
}

/* A personal view of mine, or 403 (another's, or a shared one), as upstream. */
static enum app_err my_view(struct req *r, struct resp *w, const char **id)
{
    struct ctx *c = r->ctx;
    struct q_view v;
    enum app_err e = path_view(r, w, id, &v);

    if (e != APP_OK)
        return e;
    if (strcmp(v.visibility, "user") != 0 || v.user_id == NULL ||
        strcmp(v.user_id, c->who->id_str) != 0)
        return APP_ERR_PERMISSION;
    return APP_OK;
}

enum app_err h_views_mine_update(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct view_in in;
    const char *id;
    enum app_err e = my_view(r, w, &id);

    if (e == APP_OK)
        e = view_body(r, w, 0, &in);
    if (e != APP_OK)
        return e;
    const char *p[5] = {id, in.name, in.filters, in.visibility, NULL};
    return store_json(c->db, r->arena, STMT_VIEW_UPDATE, p, &w->data_json, &w->data_len);
}

static enum app_err delete_view(struct req *r, const char *id)
{
    struct ctx *c = r->ctx;
    const char *p[1] = {id};
    return store_one(c->db, r->arena, STMT_VIEW_DELETE, p, NULL, NULL);
}

enum app_err h_views_mine_delete(struct req *r, struct resp *w)
{
    const char *id;
    enum app_err e = my_view(r, w, &id);
    return e == APP_OK ? delete_view(r, id) : e;
}

/* --- shared views ---------------------------------------------------------------------------- */

enum app_err h_shared_views_list(struct req *r, struct resp *w)
{
    return reply_json(r, w, STMT_VIEWS_SHARED_JSON, NULL);
}

/* A shared view; a personal one is not found through these routes. */
static enum app_err shared_view(struct req *r, struct resp *w, const char **id, struct q_view *v)
{
    enum app_err e = path_view(r, w, id, v);
    if (e == APP_OK && strcmp(v->visibility, "user") == 0) {
        w->message = "View not found";
        return APP_ERR_NOT_FOUND;
    }
    return e;
}

enum app_err h_shared_views_get(struct req *r, struct resp *w)
{
    struct q_view v;
    const char *id;
    enum app_err e = shared_view(r, w, &id, &v);

    if (e == APP_OK) {
        w->data_json = v.json;
        w->data_len = strlen(v.json);
    }
    return e;
}

enum app_err h_shared_views_create(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct view_in in;
    enum app_err e = view_body(r, w, 1, &in);

    if (e != APP_OK)
        return e;
    const char *p[5] = {in.name, in.filters, in.visibility, NULL, in.team_id};
    return write_result(
        w, store_json(c->db, r->arena, STMT_VIEW_INSERT, p, &w->data_json, &w->data_len));
}

enum app_err h_shared_views_update(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct q_view v;
    struct view_in in;
    const char *id;
    enum app_err e = shared_view(r, w, &id, &v);

    if (e == APP_OK)
        e = view_body(r, w, 1, &in);
    if (e != APP_OK)
        return e;
    const char *p[5] = {id, in.name, in.filters, in.visibility, in.team_id};
    return write_result(
        w, store_json(c->db, r->arena, STMT_VIEW_UPDATE, p, &w->data_json, &w->data_len));
}

enum app_err h_shared_views_delete(struct req *r, struct resp *w)
{
    struct q_view v;
    const char *id;
    enum app_err e = shared_view(r, w, &id, &v);
    return e == APP_OK ? delete_view(r, id) : e;
}

enum app_err h_views_visible(struct req *r, struct resp *w)
{
    return reply_json(r, w, STMT_VIEWS_VISIBLE_JSON, ((struct ctx *)r->ctx)->who->id_str);
}

/* --- a view's conversations ------------------------------------------------------------------ */

enum app_err h_view_conversations(struct req *r, struct resp *w)
{
    static const struct {
        const char *perm;
        unsigned scope;
    } grants[] = {
        {"conversations:read_all", CQ_SCOPE_ALL},
        {"conversations:read_unassigned", CQ_SCOPE_UNASSIGNED},
        {"conversations:read_assigned", CQ_SCOPE_ASSIGNED},
        {"conversations:read_team_inbox", CQ_SCOPE_TEAM_INBOX},
        {"conversations:read_team_all", CQ_SCOPE_TEAM_ALL},
    };
    struct ctx *c = r->ctx;
    struct q_view v;
    const char *id;
    unsigned scopes = 0;
    enum app_err e = path_view(r, w, &id, &v);

    if (e != APP_OK)
        return e;
    int allowed = strcmp(v.visibility, "all") == 0;
    if (strcmp(v.visibility, "user") == 0)
        allowed = v.user_id != NULL && strcmp(v.user_id, c->who->id_str) == 0;
    else if (strcmp(v.visibility, "team") == 0 && v.team_id != NULL &&
             (e = q_team_member(c->db, r->arena, v.team_id, c->who->id_str, &allowed)) != APP_OK)
        return e;
    if (!allowed) {
        w->message = "You do not have access to this view";
        return APP_ERR_PERMISSION;
    }
    for (size_t i = 0; i < sizeof(grants) / sizeof(grants[0]); i++)
        if (app_has_perm(c->who, grants[i].perm))
            scopes |= grants[i].scope;
    if (scopes == 0)
        return APP_ERR_PERMISSION;
    return conversations_of_view(r, w, v.filters, scopes);
}
