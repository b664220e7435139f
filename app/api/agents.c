/*
 * api/agents.c - agents: the agent object and the lists, the agent's
 * writes with its roles and teams, availability and API keys.
 */
#include "api/agents.h"

#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/arena.h"
#include "lib/http.h"
#include "lib/sbuf.h"
#include "lib/text.h"
#include "lib/validate.h"
#include "rules/apikey.h"
#include "rules/limits.h"
#include "rules/password.h"
#include "server/body.h"
#include "server/ctx.h"
#include "server/reply.h"
#include "store/activity_log.h"
#include "store/agents.h"
#include "store/roles.h"
#include "store/teams.h"

#define NAMES_MAX 100 /* most roles or teams an agent write names */

/* data = the agent object, or "User not found". */
static enum app_err agent_json(struct req *r, struct resp *w, int64_t id)
{
    struct ctx *c = r->ctx;
    enum app_err e = store_agent_json(c->db, r->arena, id, &w->data_json, &w->data_len);
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "User not found");
    return e;
}

enum app_err h_agents_me(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return agent_json(r, w, c->who->id);
}

enum app_err h_agents_get(struct req *r, struct resp *w)
{
    int64_t id;
    enum app_err e = reply_path_int(r, w, "id", "agent", &id);
    return e == APP_OK ? agent_json(r, w, id) : e;
}

/* POST /api/v1/agents/{id}/api-key: a new key and secret, the secret shown once. */
enum app_err h_agents_api_key_create(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct apikey k;
    int64_t id;
    enum app_err e = reply_path_int(r, w, "id", "agent", &id);

    if (e != APP_OK)
        return e;
    if (apikey_mint(&k) != 0)
        return APP_ERR_INTERNAL;
    e = store_agent_api_key_set(c->db, r->arena, id, k.key, k.hash);
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "User not found");
    if (e != APP_OK)
        return e;
    struct sbuf sb;
    sbuf_init(&sb, r->arena);
    sbuf_addf(&sb, "{\"api_key\":\"%s\",\"api_secret\":\"%s\"}", k.key, k.secret);
    w->data_json = sbuf_str(&sb);
    w->data_len = sb.len;
    return w->data_json ? APP_OK : APP_ERR_INTERNAL;
}

enum app_err h_agents_api_key_revoke(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    int64_t id;
    enum app_err e = reply_path_int(r, w, "id", "agent", &id);

    if (e == APP_OK)
        e = store_agent_api_key_revoke(c->db, r->arena, id);
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "User not found");
    return e;
}

enum app_err h_agents_list(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return store_agents_json(c->db, r->arena, &w->data_json, &w->data_len);
}

enum app_err h_agents_compact(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return store_agents_compact_json(c->db, r->arena, &w->data_json, &w->data_len);
}

enum app_err h_agents_me_teams(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return store_teams_of_agent_json(c->db, r->arena, c->who->id, &w->data_json, &w->data_len);
}

/*
 * The JSON array of 1 to NAMES_MAX (0 to NAMES_MAX if not required)
 * non-empty name strings at key, as JSON text; NULL if absent.
 */
static enum app_err names_of(struct req *r, struct resp *w, struct json_object *b, const char *key,
                             int required, const char **out)
{
    const char *what = strcmp(key, "roles") == 0 ? "role" : "team";
    struct json_object *v;

    *out = NULL;
    if (!json_object_object_get_ex(b, key, &v) || v == NULL) {
        if (!required)
            return APP_OK;
        return reply_fail(r, w, APP_ERR_INPUT, "`%s` is required: an array of %s names", key, what);
    }
    size_t n = json_object_is_type(v, json_type_array) ? json_object_array_length(v) : 0;
    int ok = json_object_is_type(v, json_type_array) && n <= NAMES_MAX && (n > 0 || !required);
    for (size_t i = 0; ok && i < n; i++) {
        struct json_object *e = json_object_array_get_idx(v, i);
        ok = json_object_is_type(e, json_type_string) && json_object_get_string_len(e) > 0;
    }
    if (!ok)
        return reply_fail(r, w, APP_ERR_INPUT, "`%s` must be an array of %s%d %s names", key,
                          required ? "1 to " : "up to ", NAMES_MAX, what);
    *out = arena_strdup(r->arena, json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
    return *out ? APP_OK : APP_ERR_INTERNAL;
}

static int availability_ok(const char *s)
{
    static const char *const states[] = {"online", "away", "away_manual", "offline",
                                         "away_and_reassigning"};
    for (size_t i = 0; s != NULL && i < sizeof(states) / sizeof(states[0]); i++)
        if (strcmp(s, states[i]) == 0)
            return 1;
    return 0;
}

/* What POST (create) and PUT /api/v1/agents take, validated; the password hashed. */
static enum app_err agent_body(struct req *r, struct resp *w, int create, struct store_agent_in *in)
{
    struct json_object *b, *v;
    enum app_err e = body_object(r, w, &b);

    memset(in, 0, sizeof(*in));
    in->enabled = -1;
    if (e != APP_OK)
        return e;
    in->first_name = body_string(b, "first_name");
    if (in->first_name == NULL || *in->first_name == '\0' || strlen(in->first_name) > NAME_MAX_LEN)
        return reply_fail(r, w, APP_ERR_INPUT, "`first_name` is required (1 to %d characters)",
                          NAME_MAX_LEN);
    in->last_name = body_string(b, "last_name");
    if (in->last_name != NULL && strlen(in->last_name) > NAME_MAX_LEN)
        return reply_fail(r, w, APP_ERR_INPUT, "`last_name` is at most %d characters",
                          NAME_MAX_LEN);
    const char *email = body_string(b, "email");
    if (email != NULL && (in->email = text_email_norm(r->arena, email)) == NULL)
        return APP_ERR_INTERNAL;
    if (in->email == NULL || !v_email(in->email))
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid `email`");
    if (json_object_object_get_ex(b, "enabled", &v) && v != NULL) {
        if (!json_object_is_type(v, json_type_boolean))
            return reply_fail(r, w, APP_ERR_INPUT, "`enabled` must be true or false");
        in->enabled = json_object_get_boolean(v) ? 1 : 0;
    }
    in->availability = body_string(b, "availability_status");
    if (in->availability != NULL && *in->availability == '\0')
        in->availability = NULL;
    if (in->availability != NULL && !availability_ok(in->availability))
        return reply_fail(r, w, APP_ERR_INPUT,
                          "Invalid `availability_status`: use online, away, away_manual, offline "
                          "or away_and_reassigning");
    if ((e = names_of(r, w, b, "roles", 1, &in->roles)) != APP_OK ||
        (e = names_of(r, w, b, "teams", 0, &in->teams)) != APP_OK)
        return e;

    const char *pw = body_string(b, "new_password");
    char generated[PASSWORD_GENERATED_SIZE], hash[PASSWORD_HASH_SIZE];
    if (pw != NULL && *pw == '\0')
        pw = NULL;
    if (pw != NULL && !password_ok(pw))
        return reply_fail(r, w, APP_ERR_INPUT,
                          "Password must be 10 to 72 characters with an upper-case letter, a "
                          "lower-case letter, a digit and a special character");
    if (pw == NULL && create) {
        /* Nobody knows it: the agent signs in once an admin sets one. */
        if (password_generate(generated) != 0)
            return APP_ERR_INTERNAL;
        pw = generated;
    }
    if (pw != NULL) {
        if (password_hash(pw, hash) != 0)
            return APP_ERR_INTERNAL;
        if ((in->password_hash = arena_strdup(r->arena, hash)) == NULL)
            return APP_ERR_INTERNAL;
    }
    return APP_OK;
}

/* The named roles and teams must all exist; the first unknown name is the 400. */
static enum app_err names_exist(struct req *r, struct resp *w, const struct store_agent_in *in)
{
    struct ctx *c = r->ctx;
    const char *bad = NULL;
    enum app_err e = store_roles_unknown(c->db, r->arena, in->roles, &bad);

    if (e == APP_OK && bad != NULL)
        return reply_fail(r, w, APP_ERR_INPUT, "Role not found: %s", bad);
    if (e == APP_OK && in->teams != NULL) {
        e = store_teams_unknown(c->db, r->arena, in->teams, &bad);
        if (e == APP_OK && bad != NULL)
            return reply_fail(r, w, APP_ERR_INPUT, "Team not found: %s", bad);
    }
    return e;
}

/* The database's refusals of an agent write, worded. */
static enum app_err refused(struct req *r, struct resp *w, enum app_err e)
{
    if (e == APP_ERR_CONFLICT)
        return reply_fail(r, w, e, "User with same email already exists");
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "User not found");
    return e;
}

enum app_err h_agents_create(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct store_agent_in in;
    int64_t id;
    enum app_err e = agent_body(r, w, 1, &in);

    if (e == APP_OK)
        e = names_exist(r, w, &in);
    if (e != APP_OK)
        return e;
    e = store_agent_create(c->db, r->arena, &in, &id);
    return e == APP_OK ? agent_json(r, w, id) : refused(r, w, e);
}

enum app_err h_agents_update(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct store_agent_in in;
    int64_t id;
    enum app_err e = reply_path_int(r, w, "id", "agent", &id);

    if (e == APP_OK)
        e = agent_body(r, w, 0, &in);
    if (e == APP_OK)
        e = names_exist(r, w, &in);
    if (e != APP_OK)
        return e;
    e = store_agent_update(c->db, r->arena, id, &in);
    return e == APP_OK ? agent_json(r, w, id) : refused(r, w, e);
}

/* DELETE /api/v1/agents/{id}: a soft delete (see store_agent_delete()); never oneself. */
enum app_err h_agents_delete(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    int64_t id;
    enum app_err e = reply_path_int(r, w, "id", "agent", &id);

    if (e != APP_OK)
        return e;
    if (id == c->who->id)
        return reply_fail(r, w, APP_ERR_INPUT, "You cannot delete yourself");
    e = store_agent_delete(c->db, r->arena, id);
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "User not found");
    return e;
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
    if (!availability_ok(status))
        return reply_fail(r, w, APP_ERR_INPUT,
                          "Invalid `status`: use online, away, away_manual, offline or "
                          "away_and_reassigning");
    const char *source = body_string(b, "source");
    if (source != NULL && *source && strcmp(source, "user") != 0 && strcmp(source, "idle") != 0)
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid `source`: use user or idle");
    if ((e = store_agent_availability_set(c->db, r->arena, c->who->id, status)) != APP_OK)
        return e;
    (void)store_activity_log_availability(c->db, r->arena, c->who->id, status, r->remote_addr);
    e = store_agent_json(c->db, r->arena, c->who->id, &w->data_json, &w->data_len);
    return e == APP_ERR_NOT_FOUND ? APP_OK : e; /* deleted meanwhile: data is true */
}
