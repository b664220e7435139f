/*
 * api/custom_attributes.h - GET/POST /api/v1/custom-attributes,
 * GET/PUT/DELETE /api/v1/custom-attributes/{id}, and the values:
 * PUT /api/v1/conversations/{uuid}/custom-attributes and
 * PUT /api/v1/conversations/{uuid}/contacts/custom-attributes.
 */
#ifndef API_CUSTOM_ATTRIBUTES_H
#define API_CUSTOM_ATTRIBUTES_H

#include "lib/err.h"

struct req;
struct resp;

enum app_err h_custom_attributes_list(struct req *r, struct resp *w);
enum app_err h_custom_attributes_get(struct req *r, struct resp *w);
enum app_err h_custom_attributes_create(struct req *r, struct resp *w);
enum app_err h_custom_attributes_update(struct req *r, struct resp *w);
enum app_err h_custom_attributes_delete(struct req *r, struct resp *w);
enum app_err h_conversation_custom_attrs(struct req *r, struct resp *w);
enum app_err h_contact_custom_attrs(struct req *r, struct resp *w);

#endif
