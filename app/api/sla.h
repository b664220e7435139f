/*
 * api/sla.h - GET /api/v1/sla.
 */
#ifndef API_SLA_H
#define API_SLA_H

#include "lib/err.h"

struct req;
struct resp;

enum app_err h_sla_list(struct req *r, struct resp *w);

#endif
