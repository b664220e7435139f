/*
 * api/auth.h - POST /api/v1/auth/login, POST /api/v1/auth/logout, GET /logout.
 */
#ifndef API_AUTH_H
#define API_AUTH_H

#include "lib/err.h"

struct req;
struct resp;

enum app_err h_auth_login(struct req *r, struct resp *w);
enum app_err h_auth_logout(struct req *r, struct resp *w);
enum app_err h_logout_redirect(struct req *r, struct resp *w);

#endif
