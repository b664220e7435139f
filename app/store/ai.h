/*
 * store/ai.h - AI prompts and the provider's key.
 */
#ifndef STORE_AI_H
#define STORE_AI_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct arena;
struct db;

/* [{id, created_at, updated_at, title, key}] by title, never content (cached at version). */
enum app_err store_ai_prompts_json(struct db *db, struct arena *a, int64_t version,
                                   const char **json, size_t *len);

/* The content of the prompt with this key; APP_ERR_NOT_FOUND if there is none. */
enum app_err store_ai_prompt_content(struct db *db, struct arena *a, const char *key,
                                     const char **content);

/* The default provider's key as stored: "" (none or no provider), plain text or "enc:<base64>". */
enum app_err store_ai_provider_key(struct db *db, struct arena *a, const char **stored);

/* Stores value as the openai provider's key; APP_ERR_NOT_FOUND if there is no such provider. */
enum app_err store_ai_provider_key_set(struct db *db, struct arena *a, const char *value);

#endif
