/*
 * api/ai.h - GET /api/v1/ai/prompts, POST /api/v1/ai/completion,
 * PUT /api/v1/ai/provider.
 */
#ifndef API_AI_H
#define API_AI_H

#include "lib/err.h"

struct req;
struct resp;

enum app_err h_ai_prompts_list(struct req *r, struct resp *w);
enum app_err h_ai_completion(struct req *r, struct resp *w);
enum app_err h_ai_provider_update(struct req *r, struct resp *w);

#endif
