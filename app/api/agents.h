/*
 * api/agents.h - GET/POST /api/v1/agents, GET /api/v1/agents/compact,
 * GET/PUT/DELETE /api/v1/agents/{id}, POST/DELETE /api/v1/agents/{id}/api-key,
 * GET /api/v1/agents/me, GET /api/v1/agents/me/teams,
 * PUT /api/v1/agents/me/availability.
 */
#ifndef API_AGENTS_H
#define API_AGENTS_H

#include "lib/err.h"

struct req;
struct resp;

enum app_err h_agents_me(struct req *r, struct resp *w);
enum app_err h_agents_get(struct req *r, struct resp *w);
enum app_err h_agents_list(struct req *r, struct resp *w);
enum app_err h_agents_compact(struct req *r, struct resp *w);
enum app_err h_agents_create(struct req *r, struct resp *w);
enum app_err h_agents_update(struct req *r, struct resp *w);
enum app_err h_agents_delete(struct req *r, struct resp *w);
enum app_err h_agents_me_teams(struct req *r, struct resp *w);
enum app_err h_agents_me_availability(struct req *r, struct resp *w);
enum app_err h_agents_api_key_create(struct req *r, struct resp *w);
enum app_err h_agents_api_key_revoke(struct req *r, struct resp *w);

#endif
