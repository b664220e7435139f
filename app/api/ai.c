/*
 * api/ai.c - AI assistance: the prompts (cached per worker), rewriting a
 * draft with a stored prompt through the configured provider, and setting
 * the provider's API key, which is stored sealed with AES-256-GCM as
 * "enc:<base64>" (upstream's format).
 */
#include "api/ai.h"

#include <string.h>

#include "clients/ai_provider.h"
#include "lib/arena.h"
#include "lib/http.h"
#include "lib/jsonw.h"
#include "lib/log.h"
#include "lib/sbuf.h"
#include "lib/validate.h"
#include "rules/secret.h"
#include "server/body.h"
#include "server/config.h"
#include "server/ctx.h"
#include "server/reply.h"
#include "store/ai.h"

enum app_err h_ai_prompts_list(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return store_ai_prompts_json(c->db, r->arena, c->ref_version, &w->data_json, &w->data_len);
}

/* The stored value opened (see rules/secret.h); a value that does not open is logged. */
static enum app_err stored_key(struct req *r, const char *stored, const char **plain)
{
    struct ctx *c = r->ctx;

    if (secret_open(r->arena, c->cfg->secret_key, stored, plain) == 0)
        return APP_OK;
    if (!arena_exhausted(r->arena))
        log_err("ai: the stored provider key does not open; was the server secret changed? "
                "Set the key again with PUT /api/v1/ai/provider");
    return APP_ERR_INTERNAL;
}

/* POST /api/v1/ai/completion {prompt_key, content}: the rewritten text as data. */
enum app_err h_ai_completion(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct json_object *b;
    const char *prompt, *stored, *api_key, *text;
    enum app_err e = body_object(r, w, &b);

    if (e != APP_OK)
        return e;
    const char *pkey = body_string(b, "prompt_key"), *content = body_string(b, "content");
    if (pkey == NULL || *pkey == '\0')
        return reply_fail(r, w, APP_ERR_INPUT, "`prompt_key` is required");
    if (content == NULL || *content == '\0')
        return reply_fail(r, w, APP_ERR_INPUT, "`content` is required");
    e = store_ai_prompt_content(c->db, r->arena, pkey, &prompt);
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, APP_ERR_INPUT, "Template not found");
    if (e == APP_OK)
        e = store_ai_provider_key(c->db, r->arena, &stored);
    if (e != APP_OK)
        return e;
    if (*stored == '\0')
        return reply_fail(r, w, APP_ERR_INPUT,
                          "OpenAI API Key is not set. Please ask your administrator to set it up");
    if ((e = stored_key(r, stored, &api_key)) != APP_OK)
        return e;

    struct ai_call call = {c->cfg->ai_base_url, c->cfg->ai_model, api_key,
                           c->cfg->ai_timeout,  prompt,           content};
    long status;
    switch (ai_complete(r->arena, &call, &text, &status)) {
    case AI_OK:
        if (!v_utf8(text, strlen(text)))
            break;
        struct sbuf sb;
        sbuf_init(&sb, r->arena);
        jw_str(&sb, text, strlen(text));
        w->data_json = sbuf_str(&sb);
        w->data_len = sb.len;
        return w->data_json ? APP_OK : APP_ERR_INTERNAL;
    case AI_REJECTED:
        return reply_fail(
            r, w, APP_ERR_INPUT,
            "The AI provider refused the API key; ask your administrator to check it");
    case AI_RATE_LIMITED:
        return reply_fail(r, w, APP_ERR_RATE_LIMIT,
                          "The AI provider is rate limiting requests; try again in a minute");
    case AI_TIMEOUT:
        return reply_fail(r, w, APP_ERR_GATEWAY_TIMEOUT, "The AI provider did not answer in time");
    case AI_UNREACHABLE:
        return reply_fail(r, w, APP_ERR_BAD_GATEWAY, "The AI provider cannot be reached");
    case AI_FAILED:
        return reply_fail(r, w, APP_ERR_BAD_GATEWAY, "The AI provider failed (HTTP %ld)", status);
    case AI_BAD_ANSWER:
        break;
    }
    return reply_fail(r, w, APP_ERR_BAD_GATEWAY,
                      "The AI provider sent an answer that is not a chat completion");
}

/* PUT /api/v1/ai/provider {provider: "openai", api_key}: "" clears the key. */
enum app_err h_ai_provider_update(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct json_object *b;
    enum app_err e = body_object(r, w, &b);

    if (e != APP_OK)
        return e;
    const char *provider = body_string(b, "provider"), *api_key = body_string(b, "api_key");
    if (provider == NULL || strcmp(provider, "openai") != 0)
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid provider: only openai is supported");
    if (api_key == NULL)
        return reply_fail(r, w, APP_ERR_INPUT, "`api_key` is required (an empty string clears it)");
    if (strlen(api_key) > SECRET_MAX_LEN)
        return reply_fail(r, w, APP_ERR_INPUT, "`api_key` is too long");
    const char *value = secret_seal(r->arena, c->cfg->secret_key, api_key);
    if (value == NULL)
        return APP_ERR_INTERNAL;
    e = store_ai_provider_key_set(c->db, r->arena, value);
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "No openai provider is configured");
    if (e != APP_OK)
        return e;
    w->data_json = "\"Provider updated successfully\"";
    w->data_len = strlen(w->data_json);
    return APP_OK;
}
