/*
 * api/templates.h - /api/v1/templates (templates:manage): list by type,
 * one, create, update, delete.
 */
#ifndef API_TEMPLATES_H
#define API_TEMPLATES_H

#include "lib/err.h"

struct req;
struct resp;

enum app_err h_templates_list(struct req *r, struct resp *w);
enum app_err h_templates_get(struct req *r, struct resp *w);
enum app_err h_templates_create(struct req *r, struct resp *w);
enum app_err h_templates_update(struct req *r, struct resp *w);
enum app_err h_templates_delete(struct req *r, struct resp *w);

#endif
