/*
 * api/health.h - GET /health.
 */
#ifndef API_HEALTH_H
#define API_HEALTH_H

#include "lib/err.h"

struct req;
struct resp;

enum app_err h_health_get(struct req *r, struct resp *w);

#endif
