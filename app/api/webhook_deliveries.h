/*
 * api/webhook_deliveries.h - what the dispatcher did with a webhook's
 * events: GET /api/v1/webhooks/{id}/deliveries (webhooks:manage).
 */
#ifndef API_WEBHOOK_DELIVERIES_H
#define API_WEBHOOK_DELIVERIES_H

#include "lib/err.h"

struct req;
struct resp;

enum app_err h_webhook_deliveries_list(struct req *r, struct resp *w);

#endif
