/*
 * h_agents.c - agent, team and role endpoints: reads, availability and API keys.
 */
#include "api/handlers.h"

#include <stdint.h>

#include <string.h>

#include <json-c/json.h>

#include "lib/arena.h"
#include "lib/auth.h"
#include "lib/crypto.h"
#include "lib/http.h"
#include "lib/sbuf.h"
#include "lib/text.h"
#include "lib/validate.h"
#include "server/ctx.h"
#include "server/body.h"
#include "store/queries.h"
#include "server/reply.h"

static enum app_err agent_json(struct req *r, struct resp *w, const char *id)
{
    return reply_json_found(r, w, STMT_AGENT_JSON, id, "User not found");
}

enum app_err h_agents_me(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return agent_json(r, w, c->who->id_str);
}

enum app_err h_agents_get(struct req *r, struct resp *w)
{
    const char *id;
    enum app_err e = reply_path_id(r, w, "id", "agent", &id);
    return e == APP_OK ? agent_json(r, w, id) : e;
}

#define ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

/* POST /api/v1/agents/{id}/api-key: a new key (32) and secret (64), the secret shown once. */
enum app_err h_agents_api_key_create(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    const char *id, *found;
    char key[33], secret[65], hash[128];
    enum app_err e = reply_path_id(r, w, "id", "agent", &id);

    if (e != APP_OK)
        return e;
    if (crypto_random_string(key, 32, ALNUM) != 0 || crypto_random_string(secret, 64, ALNUM) != 0 ||
        auth_bcrypt_hash(secret, 10, hash, sizeof(hash)) != 0)
        return APP_ERR_INTERNAL;
    const char *p[3] = {id, key, hash};
    if ((e = store_one(c->db, r->arena, STMT_API_KEY_SET, p, &found, NULL)) != APP_OK)
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
    enum app_err e = reply_path_id(r, w, "id", "agent", &id);

    if (e != APP_OK)
        return e;
    const char *p[1] = {id};
    if ((e = store_one(c->db, r->arena, STMT_API_KEY_REVOKE, p, &found, NULL)) != APP_OK)
        return e;
    if (found == NULL) {
        w->message = "User not found";
        return APP_ERR_NOT_FOUND;
    }
    return APP_OK;
}

enum app_err h_agents_list(struct req *r, struct resp *w)
{
    return reply_json(r, w, STMT_AGENTS_JSON, NULL);
}

enum app_err h_agents_compact(struct req *r, struct resp *w)
{
    return reply_json(r, w, STMT_AGENTS_COMPACT_JSON, NULL);
}

enum app_err h_agents_me_teams(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return reply_json(r, w, STMT_MY_TEAMS_JSON, c->who->id_str);
}

enum app_err h_teams_list(struct req *r, struct resp *w)
{
    return reply_json(r, w, STMT_TEAMS_JSON, NULL);
}

enum app_err h_teams_compact(struct req *r, struct resp *w)
{
    return reply_json(r, w, STMT_TEAMS_COMPACT_JSON, NULL);
}

enum app_err h_roles_list(struct req *r, struct resp *w)
{
    return reply_json(r, w, STMT_ROLES_JSON, NULL);
}

enum app_err h_teams_get(struct req *r, struct resp *w)
{
    const char *id;
    enum app_err e = reply_path_id(r, w, "id", "team", &id);
    return e == APP_OK ? reply_json_found(r, w, STMT_TEAM_JSON, id, "Team not found") : e;
}

/* A JSON array of 1..100 non-empty name strings at key, as JSON text; NULL if absent. */
static enum app_err names_of(struct json_object *b, const char *key, int required, struct resp *w,
                             struct arena *a, const char **out)
{
    struct json_object *v;
    *out = NULL;
    if (!json_object_object_get_ex(b, key, &v) || v == NULL) {
        if (!required)
            return APP_OK;
        w->message = arena_printf(a, "`%s` is required: an array of %s names", key,
                                  strcmp(key, "roles") == 0 ? "role" : "team");
        return APP_ERR_INPUT;
    }
    size_t n = json_object_is_type(v, json_type_array) ? json_object_array_length(v) : 0;
    int ok = json_object_is_type(v, json_type_array) && n <= 100 && (n > 0 || !required);
    for (size_t i = 0; ok && i < n; i++) {
        struct json_object *e = json_object_array_get_idx(v, i);
        ok = json_object_is_type(e, json_type_string) && json_object_get_string_len(e) > 0;
    }
    if (!ok) {
        w->message = arena_printf(a, "`%s` must be an array of %s%s names", key,
                                  required ? "1 to 100 " : "up to 100 ",
                                  strcmp(key, "roles") == 0 ? "role" : "team");
        return APP_ERR_INPUT;
    }
    *out = arena_strdup(a, json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
    return *out ? APP_OK : APP_ERR_TOO_LARGE;
}

/* What POST and PUT /api/v1/agents take, validated. */
struct agent_in {
    const char *email, *first, *last, *enabled, *avail, *hash, *roles, *teams;
};

static int availability_ok(const char *s)
{
    static const char *const states[] = {"online", "away", "away_manual", "offline",
                                         "away_and_reassigning"};
    for (size_t i = 0; s != NULL && i < sizeof(states) / sizeof(states[0]); i++)
        if (strcmp(s, states[i]) == 0)
            return 1;
    return 0;
}

static enum app_err agent_body(struct req *r, struct resp *w, int create, struct agent_in *in)
{
    struct json_object *b, *v;
    enum app_err e = body_object(r, w, &b);

    memset(in, 0, sizeof(*in));
    if (e != APP_OK)
        return e;
    in->first = body_string(b, "first_name");
    if (in->first == NULL || *in->first == '\0' || strlen(in->first) > 140) {
        w->message = "`first_name` is required (1 to 140 characters)";
        return APP_ERR_INPUT;
    }
    in->last = body_string(b, "last_name");
    if (in->last != NULL && strlen(in->last) > 140) {
        w->message = "`last_name` is at most 140 characters";
        return APP_ERR_INPUT;
    }
    const char *email = body_string(b, "email");
    in->email = email ? text_email_norm(r->arena, email) : NULL;
    if (in->email == NULL || !v_email(in->email)) {
        w->message = "Invalid `email`";
        return APP_ERR_INPUT;
    }
    if (json_object_object_get_ex(b, "enabled", &v) && v != NULL) {
        if (!json_object_is_type(v, json_type_boolean)) {
            w->message = "`enabled` must be true or false";
            return APP_ERR_INPUT;
        }
        in->enabled = json_object_get_boolean(v) ? "true" : "false";
    }
    in->avail = body_string(b, "availability_status");
    if (in->avail != NULL && *in->avail == '\0')
        in->avail = NULL;
    if (in->avail != NULL && !availability_ok(in->avail)) {
        w->message = "Invalid `availability_status`: use online, away, away_manual, offline or "
                     "away_and_reassigning";
        return APP_ERR_INPUT;
    }
    if ((e = names_of(b, "roles", 1, w, r->arena, &in->roles)) != APP_OK ||
        (e = names_of(b, "teams", 0, w, r->arena, &in->teams)) != APP_OK)
        return e;

    const char *pw = body_string(b, "new_password");
    char generated[24], hash[128];
    if (pw != NULL && *pw == '\0')
        pw = NULL;
    if (pw != NULL && !v_password(pw)) {
        w->message = "Password must be 10 to 72 characters with an upper-case letter, a "
                     "lower-case letter, a digit and a special character";
        return APP_ERR_INPUT;
    }
    if (pw == NULL && create) {
        /* Nobody knows it: the agent signs in once an admin sets one. */
        if (crypto_random_string(generated, 16, ALNUM) != 0)
            return APP_ERR_INTERNAL;
        memcpy(generated + 16, "aZ9!", 5);
        pw = generated;
    }
    if (pw != NULL) {
        if (auth_bcrypt_hash(pw, 10, hash, sizeof(hash)) != 0)
            return APP_ERR_INTERNAL;
        in->hash = arena_strdup(r->arena, hash);
    }
    return APP_OK;
}

/* The named roles and teams must all exist; the first unknown name is the 400. */
static enum app_err names_exist(struct req *r, struct resp *w, const struct agent_in *in)
{
    struct ctx *c = r->ctx;
    const char *bad = NULL;
    const char *p[1] = {in->roles};
    enum app_err e = store_one(c->db, r->arena, STMT_UNKNOWN_ROLE, p, &bad, NULL);

    if (e == APP_OK && bad != NULL) {
        w->message = arena_printf(r->arena, "Role not found: %s", bad);
        return APP_ERR_INPUT;
    }
    if (e == APP_OK && in->teams != NULL) {
        p[0] = in->teams;
        e = store_one(c->db, r->arena, STMT_UNKNOWN_TEAM, p, &bad, NULL);
        if (e == APP_OK && bad != NULL) {
            w->message = arena_printf(r->arena, "Team not found: %s", bad);
            return APP_ERR_INPUT;
        }
    }
    return e;
}

/* Replaces the agent's roles, and its teams when given; inside the caller's transaction. */
static enum app_err set_links(struct db *db, struct arena *a, const char *id,
                              const struct agent_in *in)
{
    const char *p[2] = {id, in->roles};
    enum app_err e = store_one(db, a, STMT_USER_ROLES_CLEAR, p, NULL, NULL);
    if (e == APP_OK)
        e = store_one(db, a, STMT_USER_ROLES_ADD, p, NULL, NULL);
    if (e == APP_OK && in->teams != NULL) {
        p[1] = in->teams;
        e = store_one(db, a, STMT_USER_TEAMS_CLEAR, p, NULL, NULL);
        if (e == APP_OK)
            e = store_one(db, a, STMT_USER_TEAMS_ADD, p, NULL, NULL);
    }
    return e;
}

/* Runs the write of an agent and its links in one transaction; *id is the agent's id. */
static enum app_err agent_write(struct req *r, struct resp *w, const struct agent_in *in,
                                const char **id)
{
    struct ctx *c = r->ctx;
    const char *found = NULL;
    enum app_err e = names_exist(r, w, in);

    if (e != APP_OK)
        return e;
    if ((e = db_begin(c->db)) != APP_OK)
        return e;
    if (*id == NULL) {
        const char *p[6] = {in->email, in->first, in->last, in->hash, in->enabled, in->avail};
        e = store_one(c->db, r->arena, STMT_AGENT_INSERT, p, &found, NULL);
    } else {
        const char *p[7] = {*id, in->email, in->first, in->last, in->enabled, in->avail, in->hash};
        e = store_one(c->db, r->arena, STMT_AGENT_UPDATE, p, &found, NULL);
    }
    if (e == APP_OK && found != NULL)
        e = set_links(c->db, r->arena, found, in);
    if (e == APP_OK && found != NULL)
        e = db_commit(c->db);
    if (e != APP_OK || found == NULL) {
        db_rollback(c->db);
        if (e == APP_ERR_CONFLICT)
            w->message = "User with same email already exists";
        if (e == APP_OK) {
            w->message = "User not found";
            e = APP_ERR_NOT_FOUND;
        }
        return e;
    }
    *id = found;
    return APP_OK;
}

enum app_err h_agents_create(struct req *r, struct resp *w)
{
    struct agent_in in;
    const char *id = NULL;
    enum app_err e = agent_body(r, w, 1, &in);

    if (e == APP_OK)
        e = agent_write(r, w, &in, &id);
    return e == APP_OK ? agent_json(r, w, id) : e;
}

enum app_err h_agents_update(struct req *r, struct resp *w)
{
    struct agent_in in;
    const char *id;
    enum app_err e = reply_path_id(r, w, "id", "agent", &id);

    if (e == APP_OK)
        e = agent_body(r, w, 0, &in);
    if (e == APP_OK)
        e = agent_write(r, w, &in, &id);
    return e == APP_OK ? agent_json(r, w, id) : e;
}

/* DELETE /api/v1/agents/{id}: soft delete, links and sessions gone, open conversations unassigned.
 */
enum app_err h_agents_delete(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    const char *id, *found = NULL;
    enum app_err e = reply_path_id(r, w, "id", "agent", &id);

    if (e != APP_OK)
        return e;
    if (strcmp(id, c->who->id_str) == 0) {
        w->message = "You cannot delete yourself";
        return APP_ERR_INPUT;
    }
    static const struct db_stmt *const after[] = {STMT_USER_ROLES_CLEAR, STMT_USER_TEAMS_CLEAR,
                                                  STMT_AGENT_UNASSIGN_OPEN,
                                                  STMT_USER_SESSIONS_REVOKE};
    const char *p[1] = {id};
    if ((e = db_begin(c->db)) != APP_OK)
        return e;
    e = store_one(c->db, r->arena, STMT_AGENT_SOFT_DELETE, p, &found, NULL);
    for (size_t i = 0; e == APP_OK && found != NULL && i < sizeof(after) / sizeof(after[0]); i++)
        e = store_one(c->db, r->arena, after[i], p, NULL, NULL);
    if (e == APP_OK && found != NULL)
        e = db_commit(c->db);
    if (e != APP_OK || found == NULL) {
        db_rollback(c->db);
        if (e == APP_OK) {
            w->message = "User not found";
            e = APP_ERR_NOT_FOUND;
        }
    }
    return e;
}

/* What POST and PUT /api/v1/teams take, validated: params in STMT_TEAM_INSERT's order. */
static enum app_err team_body(struct req *r, struct resp *w, const char *p[7])
{
    struct json_object *b;
    enum app_err e = body_object(r, w, &b);
    int64_t n;

    if (e != APP_OK)
        return e;
    p[0] = body_string(b, "name");
    if (p[0] == NULL || *p[0] == '\0' || strlen(p[0]) > 140) {
        w->message = "`name` is required (1 to 140 characters)";
        return APP_ERR_INPUT;
    }
    p[1] = body_string(b, "emoji");
    if (p[1] != NULL && strlen(p[1]) > 50) {
        w->message = "`emoji` is at most 50 characters";
        return APP_ERR_INPUT;
    }
    p[2] = body_string(b, "conversation_assignment_type");
    if (p[2] == NULL || *p[2] == '\0')
        p[2] = "Manual";
    if (strcmp(p[2], "Manual") != 0 && strcmp(p[2], "Round robin") != 0) {
        w->message = "Invalid `conversation_assignment_type`: use Manual or Round robin";
        return APP_ERR_INPUT;
    }
    p[3] = body_string(b, "timezone");
    if (p[3] != NULL && strlen(p[3]) > 140) {
        w->message = "`timezone` is at most 140 characters";
        return APP_ERR_INPUT;
    }
    static const char *const ids[] = {"business_hours_id", "sla_policy_id"};
    for (int i = 0; i < 2; i++) {
        struct json_object *v;
        p[4 + i] = NULL;
        if (!json_object_object_get_ex(b, ids[i], &v) || v == NULL)
            continue;
        if (!body_int64(b, ids[i], &n) || n < 0 || n > INT32_MAX) {
            w->message = arena_printf(r->arena, "Invalid `%s`", ids[i]);
            return APP_ERR_INPUT;
        }
        p[4 + i] = n ? arena_printf(r->arena, "%lld", (long long)n) : NULL;
    }
    struct json_object *mx;
    p[6] = "0";
    if (json_object_object_get_ex(b, "max_auto_assigned_conversations", &mx) && mx != NULL) {
        if (!body_int64(b, "max_auto_assigned_conversations", &n) || n < 0 || n > 100000) {
            w->message = "`max_auto_assigned_conversations` must be 0 to 100000";
            return APP_ERR_INPUT;
        }
        p[6] = arena_printf(r->arena, "%lld", (long long)n);
    }
    return APP_OK;
}

/* A refused team write: the name taken, or a business-hours or SLA id that does not exist. */
static enum app_err team_refused(struct resp *w, enum app_err e)
{
    if (e == APP_ERR_CONFLICT)
        w->message = "Team already exists";
    else if (e == APP_ERR_INPUT)
        w->message = "Unknown `business_hours_id` or `sla_policy_id`";
    return e;
}

enum app_err h_teams_create(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    const char *p[7], *id;
    enum app_err e = team_body(r, w, p);

    if (e == APP_OK && (e = store_one(c->db, r->arena, STMT_TEAM_INSERT, p, &id, NULL)) != APP_OK)
        return team_refused(w, e);
    return e == APP_OK ? reply_json(r, w, STMT_TEAM_JSON, id) : e;
}

enum app_err h_teams_update(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    const char *p[8], *found = NULL;
    enum app_err e = reply_path_id(r, w, "id", "team", &p[0]);

    if (e == APP_OK)
        e = team_body(r, w, p + 1);
    if (e == APP_OK &&
        (e = store_one(c->db, r->arena, STMT_TEAM_UPDATE, p, &found, NULL)) != APP_OK)
        return team_refused(w, e);
    if (e == APP_OK && found == NULL) {
        w->message = "Team not found";
        return APP_ERR_NOT_FOUND;
    }
    return e == APP_OK ? reply_json(r, w, STMT_TEAM_JSON, found) : e;
}

/* DELETE /api/v1/teams/{id}: members go with it; its conversations keep no team. */
enum app_err h_teams_delete(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    const char *id, *found = NULL;
    enum app_err e = reply_path_id(r, w, "id", "team", &id);

    if (e != APP_OK)
        return e;
    const char *p[1] = {id};
    if ((e = store_one(c->db, r->arena, STMT_TEAM_DELETE, p, &found, NULL)) != APP_OK)
        return e;
    if (found == NULL) {
        w->message = "Team not found";
        return APP_ERR_NOT_FOUND;
    }
    return APP_OK;
}

/* PUT /api/v1/agents/me/availability: {"status": ..., "source": "user"|"idle"}. */
enum app_err h_agents_me_availability(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct json_object *b;
    enum app_err e = body_object(r, w, &b);

    if (e != APP_OK)
        return e;
    const char *status = body_string(b, "status");
    if (!availability_ok(status)) {
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
    if ((e = store_one(c->db, r->arena, STMT_AVAILABILITY_SET, p, NULL, NULL)) != APP_OK)
        return e;
    return store_json(c->db, r->arena, STMT_AGENT_JSON, p, &w->data_json, &w->data_len);
}
