/*
 * h_agents.c - agent, team and role endpoints: reads, availability and API keys.
 */
#include "handlers.h"

#include <stdint.h>

#include <string.h>

#include "../lib/arena.h"
#include "../lib/auth.h"
#include "../lib/crypto.h"
#include "../lib/http.h"
#include "../lib/sbuf.h"
#include "../lib/validate.h"
#include "app.h"
#include "body.h"
#include "queries.h"

static enum app_err agent_json(struct req *r, struct resp *w, const char *id)
{
    struct ctx *c = r->ctx;
    const char *params[1] = {id};
    enum app_err e = q_json(c->db, r->arena, STMT_AGENT_JSON, params, &w->data_json, &w->data_len);
    if (e != APP_OK)
        return e;
    if (w->data_json == NULL) {
        w->message = "User not found";
        return APP_ERR_NOT_FOUND;
    }
    return APP_OK;
}

enum app_err h_agents_me(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return agent_json(r, w, c->who->id_str);
}

enum app_err h_agents_get(struct req *r, struct resp *w)
{
    const char *id = router_capture(&r->match, "id");
    int64_t v;

    if (id == NULL || v_int64(id, 1, INT32_MAX, &v) != 0) {
        w->message = "Invalid agent `id`";
        return APP_ERR_INPUT;
    }
    return agent_json(r, w, id);
}

#define ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

/* The {id} capture as a positive int, or a 400. */
static enum app_err path_id(struct req *r, struct resp *w, const char *what, const char **id)
{
    int64_t v;
    *id = router_capture(&r->match, "id");
    if (*id == NULL || v_int64(*id, 1, INT32_MAX, &v) != 0) {
        w->message = arena_printf(r->arena, "Invalid %s `id`", what);
        return APP_ERR_INPUT;
    }
    return APP_OK;
}

/* POST /api/v1/agents/{id}/api-key: a new key (32) and secret (64), the secret shown once. */
enum app_err h_agents_api_key_create(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    const char *id, *found;
    char key[33], secret[65], hash[128];
    enum app_err e = path_id(r, w, "agent", &id);

    if (e != APP_OK)
        return e;
    if (crypto_random_string(key, 32, ALNUM) != 0 || crypto_random_string(secret, 64, ALNUM) != 0 ||
        auth_bcrypt_hash(secret, 10, hash, sizeof(hash)) != 0)
        return APP_ERR_INTERNAL;
    const char *p[3] = {id, key, hash};
    if ((e = q_one(c->db, r->arena, STMT_API_KEY_SET, p, &found, NULL)) != APP_OK)
        return e;
    if (found == NULL) {
        w->message = "User not found";
        return APP_ERR_NOT_FOUND;
    }
    struct sbuf sb;
    sbuf_init(&sb, r->arena);
    sbuf_addf(&sb, "{\"api_key\":\"%s\",\"api_secret\":\"%s\"}", key, secret);
    w->data_json = sbuf_str(&sb);
    w->data_len = sb.len;
    return w->data_json ? APP_OK : APP_ERR_TOO_LARGE;
}

enum app_err h_agents_api_key_revoke(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    const char *id, *found;
    enum app_err e = path_id(r, w, "agent", &id);

    if (e != APP_OK)
        return e;
    const char *p[1] = {id};
    if ((e = q_one(c->db, r->arena, STMT_API_KEY_REVOKE, p, &found, NULL)) != APP_OK)
        return e;
    if (found == NULL) {
        w->message = "User not found";
        return APP_ERR_NOT_FOUND;
    }
    return APP_OK;
}

static enum app_err list_of(struct req *r, struct resp *w, enum stmt s, const char *param)
{
    struct ctx *c = r->ctx;
    const char *p[1] = {param};
    return q_json(c->db, r->arena, s, param ? p : NULL, &w->data_json, &w->data_len);
}

enum app_err h_agents_list(struct req *r, struct resp *w)
{
    return list_of(r, w, STMT_AGENTS_JSON, NULL);
}

enum app_err h_agents_compact(struct req *r, struct resp *w)
{
    return list_of(r, w, STMT_AGENTS_COMPACT_JSON, NULL);
}

enum app_err h_agents_me_teams(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return list_of(r, w, STMT_MY_TEAMS_JSON, c->who->id_str);
}

enum app_err h_teams_list(struct req *r, struct resp *w)
{
    return list_of(r, w, STMT_TEAMS_JSON, NULL);
}

enum app_err h_teams_compact(struct req *r, struct resp *w)
{
    return list_of(r, w, STMT_TEAMS_COMPACT_JSON, NULL);
}

enum app_err h_roles_list(struct req *r, struct resp *w)
{
    return list_of(r, w, STMT_ROLES_JSON, NULL);
}

enum app_err h_teams_get(struct req *r, struct resp *w)
{
    const char *id;
    enum app_err e = path_id(r, w, "team", &id);
    if (e == APP_OK)
        e = list_of(r, w, STMT_TEAM_JSON, id);
    if (e == APP_OK && w->data_json == NULL) {
        w->message = "Team not found";
        return APP_ERR_NOT_FOUND;
    }
    return e;
}

/* PUT /api/v1/agents/me/availability: {"status": ..., "source": "user"|"idle"}. */
enum app_err h_agents_me_availability(struct req *r, struct resp *w)
{
    static const char *const states[] = {"online", "away", "away_manual", "offline",
                                         "away_and_reassigning"};
    struct ctx *c = r->ctx;
    struct json_object *b;
    enum app_err e = body_object(r, w, &b);

    if (e != APP_OK)
        return e;
    const char *status = body_string(b, "status");
    size_t i;
    for (i = 0; status != NULL && i < sizeof(states) / sizeof(states[0]); i++)
        if (strcmp(status, states[i]) == 0)
            break;
    if (status == NULL || i == sizeof(states) / sizeof(states[0])) {
        w->message = "Invalid `status`: use online, away, away_manual, offline or "
                     "away_and_reassigning";
        return APP_ERR_INPUT;
    }
    const char *source = body_string(b, "source");
    if (source != NULL && *source && strcmp(source, "user") != 0 && strcmp(source, "idle") != 0) {
        w->message = "Invalid `source`: use user or idle";
        return APP_ERR_INPUT;
    }
    const char *p[2] = {c->who->id_str, status};
    if ((e = q_one(c->db, r->arena, STMT_AVAILABILITY_SET, p, NULL, NULL)) != APP_OK)
        return e;
    return q_json(c->db, r->arena, STMT_AGENT_JSON, p, &w->data_json, &w->data_len);
}
