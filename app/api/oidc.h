/*
 * api/oidc.h - GET/POST /api/v1/oidc, GET/PUT/DELETE /api/v1/oidc/{id}:
 * the OpenID Connect providers, stored only (the login flow is not served).
 */
#ifndef API_OIDC_H
#define API_OIDC_H

#include "lib/err.h"

struct req;
struct resp;

enum app_err h_oidc_list(struct req *r, struct resp *w);
enum app_err h_oidc_get(struct req *r, struct resp *w);
enum app_err h_oidc_create(struct req *r, struct resp *w);
enum app_err h_oidc_update(struct req *r, struct resp *w);
enum app_err h_oidc_delete(struct req *r, struct resp *w);

#endif
