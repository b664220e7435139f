/*
 * api/tags.h - GET/POST /api/v1/tags, PUT/DELETE /api/v1/tags/{id}.
 */
#ifndef API_TAGS_H
#define API_TAGS_H

#include "lib/err.h"

struct req;
struct resp;

enum app_err h_tags_list(struct req *r, struct resp *w);
enum app_err h_tags_create(struct req *r, struct resp *w);
enum app_err h_tags_update(struct req *r, struct resp *w);
enum app_err h_tags_delete(struct req *r, struct resp *w);

#endif
