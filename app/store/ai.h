/*
 * store/ai.h - AI prompts and the provider key.
 */
#ifndef STORE_AI_H
#define STORE_AI_H

#include <stddef.h>
#include <stdint.h>

#include "lib/db.h" /* transitional */
#include "lib/err.h"

struct arena;
struct db;
struct db_res;
struct db_stmt;
struct cq_query;
struct q_message_new;
struct sbuf;

/* Transitional: the statements, until each handler calls a typed function. */
extern const struct db_stmt STMT_AI_PROMPTS_JSON[1];
extern const struct db_stmt STMT_AI_PROMPT_CONTENT[1];
extern const struct db_stmt STMT_AI_PROVIDER_KEY[1];
extern const struct db_stmt STMT_AI_PROVIDER_KEY_SET[1];

#endif
