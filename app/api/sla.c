/*
 * api/sla.c - SLA policies: the list every agent's web app loads at boot
 * (any agent, as upstream) and, under sla:manage, one policy and its
 * writes.  Durations are hours and minutes ("2h", "30m", "1h30m"); the
 * notifications list is stored as sent.  Their application to
 * conversations is not served yet.
 */
#include "api/sla.h"

#include <string.h>

#include <json-c/json.h>

#include "lib/arena.h"
#include "lib/http.h"
#include "rules/business_hours.h"
#include "server/body.h"
#include "server/ctx.h"
#include "server/reply.h"
#include "store/sla.h"

#define SLA_NAME_MAX 140
#define SLA_DESCRIPTION_MAX 300

enum app_err h_sla_list(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return store_sla_policies_json(c->db, r->arena, &w->data_json, &w->data_len);
}

/* A required (or, if optional, absent or "") duration field. */
static enum app_err duration(struct req *r, struct resp *w, struct json_object *b, const char *key,
                             int optional, const char **out)
{
    enum app_err e = body_opt_string(r, w, b, key, out);
    if (e != APP_OK)
        return e;
    if (optional && (*out == NULL || **out == '\0')) {
        *out = "";
        return APP_OK;
    }
    if (*out == NULL || bh_duration_minutes(*out) < 0)
        return reply_fail(r, w, APP_ERR_INPUT,
                          "Invalid `%s`: expected a duration such as 2h, 30m or 1h30m", key);
    return APP_OK;
}

/* The body of a policy write, checked field by field. */
static enum app_err policy_body(struct req *r, struct resp *w, struct sla_policy_in *in)
{
    struct json_object *b, *n;
    enum app_err e = body_object(r, w, &b);

    if (e != APP_OK)
        return e;
    in->name = body_string(b, "name");
    if (in->name == NULL || in->name[0] == '\0' || strlen(in->name) > SLA_NAME_MAX)
        return reply_fail(r, w, APP_ERR_INPUT, "`name` is required (1 to %d characters)",
                          SLA_NAME_MAX);
    e = body_opt_string(r, w, b, "description", &in->description);
    if (e != APP_OK)
        return e;
    if (in->description == NULL)
        in->description = "";
    if (strlen(in->description) > SLA_DESCRIPTION_MAX)
        return reply_fail(r, w, APP_ERR_INPUT, "`description` is too long (at most %d characters)",
                          SLA_DESCRIPTION_MAX);
    if ((e = duration(r, w, b, "first_response_time", 0, &in->first_response)) != APP_OK ||
        (e = duration(r, w, b, "resolution_time", 0, &in->resolution)) != APP_OK ||
        (e = duration(r, w, b, "next_response_time", 1, &in->next_response)) != APP_OK)
        return e;
    in->notifications = "[]";
    if (json_object_object_get_ex(b, "notifications", &n) && n != NULL) {
        if (!json_object_is_type(n, json_type_array))
            return reply_fail(r, w, APP_ERR_INPUT, "Invalid `notifications`: expected a list");
        for (size_t i = 0; i < json_object_array_length(n); i++)
            if (!json_object_is_type(json_object_array_get_idx(n, i), json_type_object))
                return reply_fail(r, w, APP_ERR_INPUT,
                                  "Invalid `notifications`: each entry must be an object");
        in->notifications =
            arena_strdup(r->arena, json_object_to_json_string_ext(n, JSON_C_TO_STRING_PLAIN));
    }
    return APP_OK;
}

static enum app_err refused(struct req *r, struct resp *w, enum app_err e)
{
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "SLA policy not found");
    return e;
}

enum app_err h_sla_get(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    int64_t id;
    enum app_err e = reply_path_int(r, w, "id", "SLA policy", &id);

    if (e != APP_OK)
        return e;
    return refused(r, w, store_sla_policy_json(c->db, r->arena, id, &w->data_json, &w->data_len));
}

enum app_err h_sla_create(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct sla_policy_in in;
    enum app_err e = policy_body(r, w, &in);

    if (e != APP_OK)
        return e;
    return store_sla_policy_create(c->db, r->arena, &in, &w->data_json, &w->data_len);
}

enum app_err h_sla_update(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct sla_policy_in in;
    int64_t id;
    enum app_err e = reply_path_int(r, w, "id", "SLA policy", &id);

    if (e == APP_OK)
        e = policy_body(r, w, &in);
    if (e != APP_OK)
        return e;
    return refused(r, w,
                   store_sla_policy_update(c->db, r->arena, id, &in, &w->data_json, &w->data_len));
}

enum app_err h_sla_delete(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    int64_t id;
    enum app_err e = reply_path_int(r, w, "id", "SLA policy", &id);

    if (e != APP_OK)
        return e;
    return refused(r, w, store_sla_policy_delete(c->db, r->arena, id));
}
