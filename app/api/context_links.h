/*
 * api/context_links.h - /api/v1/context-links: the list, one, create,
 * update, toggle and delete (context_links:manage) and the active links
 * (any agent).
 */
#ifndef API_CONTEXT_LINKS_H
#define API_CONTEXT_LINKS_H

#include "lib/err.h"

struct req;
struct resp;

enum app_err h_context_links_list(struct req *r, struct resp *w);
enum app_err h_context_links_active(struct req *r, struct resp *w);
enum app_err h_context_links_get(struct req *r, struct resp *w);
enum app_err h_context_links_create(struct req *r, struct resp *w);
enum app_err h_context_links_update(struct req *r, struct resp *w);
enum app_err h_context_links_toggle(struct req *r, struct resp *w);
enum app_err h_context_links_delete(struct req *r, struct resp *w);

#endif
