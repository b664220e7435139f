/*
 * api/roles.h - GET /api/v1/roles.
 */
#ifndef API_ROLES_H
#define API_ROLES_H

#include "lib/err.h"

struct req;
struct resp;

enum app_err h_roles_list(struct req *r, struct resp *w);

#endif
