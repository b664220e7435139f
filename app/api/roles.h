/*
 * api/roles.h - GET/POST /api/v1/roles, GET/PUT/DELETE /api/v1/roles/{id}.
 */
#ifndef API_ROLES_H
#define API_ROLES_H

#include "lib/err.h"

struct req;
struct resp;

enum app_err h_roles_list(struct req *r, struct resp *w);
enum app_err h_roles_get(struct req *r, struct resp *w);
enum app_err h_roles_create(struct req *r, struct resp *w);
enum app_err h_roles_update(struct req *r, struct resp *w);
enum app_err h_roles_delete(struct req *r, struct resp *w);

#endif
