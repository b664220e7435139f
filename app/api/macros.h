/*
 * api/macros.h - GET/POST /api/v1/macros, GET/PUT/DELETE /api/v1/macros/{id},
 * POST /api/v1/conversations/{uuid}/macros/{id}/apply.
 */
#ifndef API_MACROS_H
#define API_MACROS_H

#include "lib/err.h"

struct req;
struct resp;

enum app_err h_macros_list(struct req *r, struct resp *w);
enum app_err h_macros_get(struct req *r, struct resp *w);
enum app_err h_macros_create(struct req *r, struct resp *w);
enum app_err h_macros_update(struct req *r, struct resp *w);
enum app_err h_macros_delete(struct req *r, struct resp *w);
enum app_err h_macro_apply(struct req *r, struct resp *w);

#endif
