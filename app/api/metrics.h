/*
 * api/metrics.h - GET /metrics: the Prometheus text exposition.
 */
#ifndef API_METRICS_H
#define API_METRICS_H

#include "lib/err.h"

struct req;
struct resp;

enum app_err h_metrics_get(struct req *r, struct resp *w);

#endif
