/*
 * api/business_hours.h - /api/v1/business-hours and /api/v1/business-hours/{id}.
 */
#ifndef API_BUSINESS_HOURS_H
#define API_BUSINESS_HOURS_H

#include "lib/err.h"

struct req;
struct resp;

enum app_err h_business_hours_list(struct req *r, struct resp *w);
enum app_err h_business_hours_get(struct req *r, struct resp *w);
enum app_err h_business_hours_create(struct req *r, struct resp *w);
enum app_err h_business_hours_update(struct req *r, struct resp *w);
enum app_err h_business_hours_delete(struct req *r, struct resp *w);

#endif
