/*
 * api/webhooks.h - /api/v1/webhooks: the list, one, create, update, toggle,
 * delete and test (webhooks:manage).
 */
#ifndef API_WEBHOOKS_H
#define API_WEBHOOKS_H

#include "lib/err.h"

struct req;
struct resp;

enum app_err h_webhooks_list(struct req *r, struct resp *w);
enum app_err h_webhooks_get(struct req *r, struct resp *w);
enum app_err h_webhooks_create(struct req *r, struct resp *w);
enum app_err h_webhooks_update(struct req *r, struct resp *w);
enum app_err h_webhooks_toggle(struct req *r, struct resp *w);
enum app_err h_webhooks_delete(struct req *r, struct resp *w);
enum app_err h_webhooks_test(struct req *r, struct resp *w);

#endif
