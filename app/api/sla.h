/*
 * api/sla.h - /api/v1/sla and /api/v1/sla/{id}.
 */
#ifndef API_SLA_H
#define API_SLA_H

#include "lib/err.h"

struct req;
struct resp;

enum app_err h_sla_list(struct req *r, struct resp *w);
enum app_err h_sla_get(struct req *r, struct resp *w);
enum app_err h_sla_create(struct req *r, struct resp *w);
enum app_err h_sla_update(struct req *r, struct resp *w);
enum app_err h_sla_delete(struct req *r, struct resp *w);

#endif
