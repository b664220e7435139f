/*
 * api/roles.c - roles: the list, one role, and its writes.  The Admin role
 * is fixed (never changed or deleted); the Agent role may change its
 * description and permissions but is never renamed or deleted.  A role's
 * permissions are read on every request of its holders (server/authn.c),
 * so a change applies to their next request in every worker.
 */
#include "api/roles.h"

#include <string.h>

#include <json-c/json.h>

#include "lib/arena.h"
#include "lib/http.h"
#include "lib/sbuf.h"
#include "rules/permissions.h"
#include "server/body.h"
#include "server/ctx.h"
#include "server/reply.h"
#include "store/roles.h"

/* Upstream's limits (the roles table's checks), in characters. */
#define ROLE_NAME_MAX 50
#define ROLE_DESCRIPTION_MAX 300

#define ROLE_ADMIN "Admin"
#define ROLE_AGENT "Agent"

enum app_err h_roles_list(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return store_roles_json(c->db, r->arena, &w->data_json, &w->data_len);
}

enum app_err h_roles_get(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    int64_t id;
    enum app_err e = reply_path_int(r, w, "id", "role", &id);

    if (e == APP_OK)
        e = store_role_json(c->db, r->arena, id, &w->data_json, &w->data_len);
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "Role not found");
    return e;
}

/* Characters (not bytes) of the UTF-8 string s, as the database's length() counts them. */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

/*
 * The permissions at key as a text[] literal ({a,b}): a non-empty array of
 * known names, each kept once in the order first given.  Only names from
 * rules/permissions go into the literal, so nothing in it needs quoting.
 */
static enum app_err permissions_of(struct req *r, struct resp *w, struct json_object *b,
                                   const char **out)
{
    struct json_object *v;
    char seen[PERMISSIONS_COUNT] = {0};
    size_t n;

    if (!json_object_object_get_ex(b, "permissions", &v) || v == NULL ||
        !json_object_is_type(v, json_type_array))
        return reply_fail(r, w, APP_ERR_INPUT,
                          "`permissions` is required: an array of permission names");
    n = json_object_array_length(v);
    if (n == 0)
        return reply_fail(r, w, APP_ERR_INPUT, "No permissions provided");
    struct sbuf sb;
    sbuf_init(&sb, r->arena);
    sbuf_add(&sb, "{");
    for (size_t i = 0, kept = 0; i < n; i++) {
        struct json_object *el = json_object_array_get_idx(v, i);
        if (!json_object_is_type(el, json_type_string))
            return reply_fail(r, w, APP_ERR_INPUT,
                              "`permissions` must be an array of permission names");
        const char *name = json_object_get_string(el);
        int k = permission_index(name);
        if (k < 0)
            return reply_fail(r, w, APP_ERR_INPUT, "Invalid permission %.100s", name);
        if (seen[k])
            continue;
        seen[k] = 1;
        if (kept++ > 0)
            sbuf_add(&sb, ",");
        sbuf_add(&sb, permissions_known[k]);
    }
    sbuf_add(&sb, "}");
    *out = sbuf_str(&sb);
    return *out != NULL ? APP_OK : APP_ERR_INTERNAL;
}

/* What POST and PUT /api/v1/roles take, validated: {name, description, permissions}. */
static enum app_err role_body(struct req *r, struct resp *w, struct store_role_in *in)
{
    struct json_object *b, *v;
    enum app_err e = body_object(r, w, &b);

    if (e != APP_OK)
        return e;
    in->name = body_string(b, "name");
    if (in->name == NULL || *in->name == '\0')
        return reply_fail(r, w, APP_ERR_INPUT, "`name` is required");
    if (utf8_chars(in->name) > ROLE_NAME_MAX)
        return reply_fail(r, w, APP_ERR_INPUT,
                          "Role name is too long, should be at most %d characters", ROLE_NAME_MAX);
    in->description = "";
    if (json_object_object_get_ex(b, "description", &v) && v != NULL) {
        if (!json_object_is_type(v, json_type_string))
            return reply_fail(r, w, APP_ERR_INPUT, "`description` must be a string");
        in->description = json_object_get_string(v);
        if (utf8_chars(in->description) > ROLE_DESCRIPTION_MAX)
            return reply_fail(r, w, APP_ERR_INPUT,
                              "Role description is too long, should be at most %d characters",
                              ROLE_DESCRIPTION_MAX);
    }
    return permissions_of(r, w, b, &in->permissions);
}

/* The database's refusals of a role write, worded. */
static enum app_err refused(struct req *r, struct resp *w, enum app_err e)
{
    if (e == APP_ERR_CONFLICT)
        return reply_fail(r, w, e, "Role already exists");
    if (e == APP_ERR_NOT_FOUND) /* deleted meanwhile */
        return reply_fail(r, w, e, "Role not found");
    return e;
}

/* The {id} of a role route and the role's name; 400 for a bad id, 404 for an unknown one. */
static enum app_err role_target(struct req *r, struct resp *w, int64_t *id, const char **name)
{
    struct ctx *c = r->ctx;
    enum app_err e = reply_path_int(r, w, "id", "role", id);

    if (e == APP_OK)
        e = store_role_name(c->db, r->arena, *id, name);
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "Role not found");
    return e;
}

enum app_err h_roles_create(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct store_role_in in;
    enum app_err e = role_body(r, w, &in);

    if (e != APP_OK)
        return e;
    e = store_role_create(c->db, r->arena, &in, &w->data_json, &w->data_len);
    return refused(r, w, e);
}

enum app_err h_roles_update(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct store_role_in in;
    const char *name;
    int64_t id;
    enum app_err e = role_target(r, w, &id, &name);

    if (e != APP_OK)
        return e;
    if (strcmp(name, ROLE_ADMIN) == 0)
        return reply_fail(r, w, APP_ERR_INPUT,
                          "Cannot modify admin role, Please create a new role.");
    if ((e = role_body(r, w, &in)) != APP_OK)
        return e;
    if (strcmp(name, ROLE_AGENT) == 0 && strcmp(in.name, ROLE_AGENT) != 0)
        return reply_fail(r, w, APP_ERR_INPUT, "Cannot rename the Agent role");
    e = store_role_update(c->db, r->arena, id, &in, &w->data_json, &w->data_len);
    return refused(r, w, e);
}

/* DELETE /api/v1/roles/{id}: its holders lose it (and its permissions) at once. */
enum app_err h_roles_delete(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    const char *name;
    int64_t id;
    enum app_err e = role_target(r, w, &id, &name);

    if (e != APP_OK)
        return e;
    if (strcmp(name, ROLE_ADMIN) == 0)
        return reply_fail(r, w, APP_ERR_INPUT,
                          "Cannot modify admin role, Please create a new role.");
    if (strcmp(name, ROLE_AGENT) == 0)
        return reply_fail(r, w, APP_ERR_INPUT, "Cannot delete the Agent role");
    e = store_role_delete(c->db, r->arena, id);
    return refused(r, w, e);
}
