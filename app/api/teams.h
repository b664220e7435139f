/*
 * api/teams.h - GET/POST /api/v1/teams, GET /api/v1/teams/compact,
 * GET/PUT/DELETE /api/v1/teams/{id}.
 */
#ifndef API_TEAMS_H
#define API_TEAMS_H

#include "lib/err.h"

struct req;
struct resp;

enum app_err h_teams_list(struct req *r, struct resp *w);
enum app_err h_teams_compact(struct req *r, struct resp *w);
enum app_err h_teams_get(struct req *r, struct resp *w);
enum app_err h_teams_create(struct req *r, struct resp *w);
enum app_err h_teams_update(struct req *r, struct resp *w);
enum app_err h_teams_delete(struct req *r, struct resp *w);

#endif
