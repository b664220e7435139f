/*
 * store/ai.c - AI prompts and the provider's key.
 */
#include "store/ai.h"

#include "lib/db.h"
#include "store/store.h"

static const struct db_stmt prompts_stmt = {
    "ai_prompts_json",
    "SELECT coalesce(json_agg(json_build_object('id', id, 'created_at', created_at,"
    " 'updated_at', updated_at, 'title', title, 'key', key) ORDER BY title, id), '[]')::text"
    " FROM ai_prompts",
    0, 1};

static struct store_cached prompts_cache = {&prompts_stmt, 0, NULL, 0};

enum app_err store_ai_prompts_json(struct db *db, struct arena *a, int64_t version,
                                   const char **json, size_t *len)
{
    return store_cached_json(db, a, &prompts_cache, version, json, len);
}

/* $1 key */
static const struct db_stmt content_stmt = {
    "ai_prompt_content", "SELECT content FROM ai_prompts WHERE key = $1::text", 1, 1};

enum app_err store_ai_prompt_content(struct db *db, struct arena *a, const char *key,
                                     const char **content)
{
    const char *p[] = {key};
    return store_found(db, a, &content_stmt, p, content);
}

/*
 * The completion provider's row (upstream keeps a second, type embedding,
 * which deskd neither reads nor writes; sql/035).
 */
static const struct db_stmt key_stmt = {"ai_provider_key",
                                        "SELECT coalesce(config->>'api_key', '') FROM ai_providers"
                                        " WHERE type = 'completion' AND provider = 'openai'",
                                        0, 1};

enum app_err store_ai_provider_key(struct db *db, struct arena *a, const char **stored)
{
    enum app_err e = store_one(db, a, &key_stmt, NULL, stored, NULL);
    if (e == APP_OK && *stored == NULL)
        *stored = "";
    return e;
}

/* $1 the value to store */
static const struct db_stmt key_set_stmt = {
    "ai_provider_key_set",
    "UPDATE ai_providers SET config = jsonb_set(config, '{api_key}', to_jsonb($1::text)),"
    " updated_at = now() WHERE provider = 'openai' AND type = 'completion' RETURNING id",
    1, 0};

enum app_err store_ai_provider_key_set(struct db *db, struct arena *a, const char *value)
{
    const char *p[] = {value};
    return store_found(db, a, &key_set_stmt, p, NULL);
}
