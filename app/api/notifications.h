/*
 * api/notifications.h - the caller's in-app notifications:
 * GET/DELETE /api/v1/notifications, GET /api/v1/notifications/stats,
 * PUT /api/v1/notifications/{id}/read, PUT /api/v1/notifications/read-all,
 * DELETE /api/v1/notifications/{id}.
 */
#ifndef API_NOTIFICATIONS_H
#define API_NOTIFICATIONS_H

#include "lib/err.h"

struct req;
struct resp;

enum app_err h_notifications_list(struct req *r, struct resp *w);
enum app_err h_notifications_stats(struct req *r, struct resp *w);
enum app_err h_notification_read(struct req *r, struct resp *w);
enum app_err h_notifications_read_all(struct req *r, struct resp *w);
enum app_err h_notification_delete(struct req *r, struct resp *w);
enum app_err h_notifications_delete_all(struct req *r, struct resp *w);

#endif
