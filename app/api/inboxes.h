/*
 * api/inboxes.h - GET/POST /api/v1/inboxes, GET/PUT/DELETE
 * /api/v1/inboxes/{id}, PUT /api/v1/inboxes/{id}/toggle.
 */
#ifndef API_INBOXES_H
#define API_INBOXES_H

#include "lib/err.h"

struct req;
struct resp;

enum app_err h_inboxes_list(struct req *r, struct resp *w);
enum app_err h_inboxes_get(struct req *r, struct resp *w);
enum app_err h_inboxes_create(struct req *r, struct resp *w);
enum app_err h_inboxes_update(struct req *r, struct resp *w);
enum app_err h_inboxes_toggle(struct req *r, struct resp *w);
enum app_err h_inboxes_delete(struct req *r, struct resp *w);

#endif
