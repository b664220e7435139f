/*
 * api/activity_log.h - the activity log: GET /api/v1/activity-logs.
 */
#ifndef API_ACTIVITY_LOG_H
#define API_ACTIVITY_LOG_H

#include "lib/err.h"

struct req;
struct resp;

enum app_err h_activity_logs_list(struct req *r, struct resp *w);

#endif
