/*
 * api/statuses.h - GET/POST /api/v1/statuses, PUT/DELETE /api/v1/statuses/{id}.
 */
#ifndef API_STATUSES_H
#define API_STATUSES_H

#include "lib/err.h"

struct req;
struct resp;

enum app_err h_statuses_list(struct req *r, struct resp *w);
enum app_err h_statuses_create(struct req *r, struct resp *w);
enum app_err h_statuses_update(struct req *r, struct resp *w);
enum app_err h_statuses_delete(struct req *r, struct resp *w);

#endif
