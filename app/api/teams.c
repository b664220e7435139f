/*
 * api/teams.c - teams: the lists, one team, and its writes.
 */
#include "api/teams.h"

#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/http.h"
#include "rules/limits.h"
#include "server/body.h"
#include "server/ctx.h"
#include "server/reply.h"
#include "store/teams.h"

#define EMOJI_MAX_LEN 50
#define MAX_AUTO_ASSIGNED 100000

enum app_err h_teams_list(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return store_teams_json(c->db, r->arena, &w->data_json, &w->data_len);
}

enum app_err h_teams_compact(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return store_teams_compact_json(c->db, r->arena, &w->data_json, &w->data_len);
}

enum app_err h_teams_get(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    int64_t id;
    enum app_err e = reply_path_int(r, w, "id", "team", &id);

    if (e == APP_OK)
        e = store_team_json(c->db, r->arena, id, &w->data_json, &w->data_len);
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "Team not found");
    return e;
}

/* 1 if the integer at key is absent, null or in [0, max] (into *v, 0 if absent). */
static int optional_int(struct json_object *b, const char *key, int64_t max, int64_t *v)
{
    struct json_object *x;
    *v = 0;
    if (!json_object_object_get_ex(b, key, &x) || x == NULL)
        return 1;
    return body_int64(b, key, v) && *v >= 0 && *v <= max;
}

/* What POST and PUT /api/v1/teams take, validated. */
static enum app_err team_body(struct req *r, struct resp *w, struct store_team_in *in)
{
    struct json_object *b;
    enum app_err e = body_object(r, w, &b);

    if (e != APP_OK)
        return e;
    in->name = body_string(b, "name");
    if (in->name == NULL || *in->name == '\0' || strlen(in->name) > NAME_MAX_LEN)
        return reply_fail(r, w, APP_ERR_INPUT, "`name` is required (1 to %d characters)",
                          NAME_MAX_LEN);
    in->emoji = body_string(b, "emoji");
    if (in->emoji != NULL && strlen(in->emoji) > EMOJI_MAX_LEN)
        return reply_fail(r, w, APP_ERR_INPUT, "`emoji` is at most %d characters", EMOJI_MAX_LEN);
    in->assignment_type = body_string(b, "conversation_assignment_type");
    if (in->assignment_type == NULL || *in->assignment_type == '\0')
        in->assignment_type = "Manual";
    if (strcmp(in->assignment_type, "Manual") != 0 &&
        strcmp(in->assignment_type, "Round robin") != 0)
        return reply_fail(r, w, APP_ERR_INPUT,
                          "Invalid `conversation_assignment_type`: use Manual or Round robin");
    in->timezone = body_string(b, "timezone");
    if (in->timezone != NULL && strlen(in->timezone) > NAME_MAX_LEN)
        return reply_fail(r, w, APP_ERR_INPUT, "`timezone` is at most %d characters", NAME_MAX_LEN);
    static const char *const ids[] = {"business_hours_id", "sla_policy_id"};
    int64_t *id_of[] = {&in->business_hours_id, &in->sla_policy_id};
    for (int i = 0; i < 2; i++)
        if (!optional_int(b, ids[i], INT32_MAX, id_of[i]))
            return reply_fail(r, w, APP_ERR_INPUT, "Invalid `%s`", ids[i]);
    if (!optional_int(b, "max_auto_assigned_conversations", MAX_AUTO_ASSIGNED,
                      &in->max_auto_assigned))
        return reply_fail(r, w, APP_ERR_INPUT, "`max_auto_assigned_conversations` must be 0 to %d",
                          MAX_AUTO_ASSIGNED);
    return APP_OK;
}

/* The database's refusals of a team write, worded. */
static enum app_err refused(struct req *r, struct resp *w, enum app_err e)
{
    if (e == APP_ERR_CONFLICT)
        return reply_fail(r, w, e, "Team already exists");
    if (e == APP_ERR_INPUT) /* a foreign key */
        return reply_fail(r, w, e, "Unknown `business_hours_id` or `sla_policy_id`");
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "Team not found");
    return e;
}

enum app_err h_teams_create(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct store_team_in in;
    enum app_err e = team_body(r, w, &in);

    if (e != APP_OK)
        return e;
    e = store_team_create(c->db, r->arena, &in, &w->data_json, &w->data_len);
    return refused(r, w, e);
}

enum app_err h_teams_update(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct store_team_in in;
    int64_t id;
    enum app_err e = reply_path_int(r, w, "id", "team", &id);

    if (e == APP_OK)
        e = team_body(r, w, &in);
    if (e != APP_OK)
        return e;
    e = store_team_update(c->db, r->arena, id, &in, &w->data_json, &w->data_len);
    return refused(r, w, e);
}

/* DELETE /api/v1/teams/{id}: members go with it; its conversations keep no team. */
enum app_err h_teams_delete(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    int64_t id;
    enum app_err e = reply_path_int(r, w, "id", "team", &id);

    if (e != APP_OK)
        return e;
    e = store_team_delete(c->db, r->arena, id);
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "Team not found");
    return e;
}
