/*
 * api/views.h - saved views: GET/POST /api/v1/views/me, PUT/DELETE
 * /api/v1/views/me/{id}, GET /api/v1/views/shared, GET
 * /api/v1/views/{id}/conversations, GET/POST /api/v1/shared-views,
 * GET/PUT/DELETE /api/v1/shared-views/{id}.
 */
#ifndef API_VIEWS_H
#define API_VIEWS_H

#include "lib/err.h"

struct req;
struct resp;

enum app_err h_views_mine_list(struct req *r, struct resp *w);
enum app_err h_views_mine_create(struct req *r, struct resp *w);
enum app_err h_views_mine_update(struct req *r, struct resp *w);
enum app_err h_views_mine_delete(struct req *r, struct resp *w);
enum app_err h_views_visible(struct req *r, struct resp *w);
enum app_err h_view_conversations(struct req *r, struct resp *w);
enum app_err h_shared_views_list(struct req *r, struct resp *w);
enum app_err h_shared_views_get(struct req *r, struct resp *w);
enum app_err h_shared_views_create(struct req *r, struct resp *w);
enum app_err h_shared_views_update(struct req *r, struct resp *w);
enum app_err h_shared_views_delete(struct req *r, struct resp *w);

#endif
