/*
 * store/ai.c - AI prompts and the provider key.
 */
#include "store/ai.h"

#include <stdlib.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/db.h"
#include "lib/jsonw.h"
#include "lib/sbuf.h"
#include "lists/items.h"
#include "lists/query.h"
#include "store/queries.h"
#include "store/user_sql.h"

const struct db_stmt STMT_AI_PROMPTS_JSON[1] = {
    {"ai_prompts_json",
     "SELECT coalesce(json_agg(json_build_object('id', id, 'created_at',"
     " created_at, 'updated_at', updated_at, 'title', title, 'key', key)"
     " ORDER BY title, id), '[]')::text FROM ai_prompts",
     0, 1}};

const struct db_stmt STMT_AI_PROMPT_CONTENT[1] = {
    {"ai_prompt_content", "SELECT content FROM ai_prompts WHERE key = $1::text", 1, 0}};

/* The default provider's key as stored: "", plain text or "enc:<base64>". */
const struct db_stmt STMT_AI_PROVIDER_KEY[1] = {
    {"ai_provider_key",
     "SELECT coalesce(config->>'api_key', '') FROM ai_providers"
     " WHERE is_default",
     0, 0}};

const struct db_stmt STMT_AI_PROVIDER_KEY_SET[1] = {
    {"ai_provider_key_set",
     "UPDATE ai_providers SET config = jsonb_set(config, '{api_key}',"
     " to_jsonb($1::text)), updated_at = now()"
     " WHERE provider = 'openai' RETURNING id",
     1, 0}};
