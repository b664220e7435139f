/*
 * api/automation.h - /api/v1/automations/rules: list (?type=), get, create,
 * update, delete, toggle, weights, execution-mode.
 */
#ifndef API_AUTOMATION_H
#define API_AUTOMATION_H

#include "lib/err.h"

struct req;
struct resp;

enum app_err h_automation_list(struct req *r, struct resp *w);
enum app_err h_automation_get(struct req *r, struct resp *w);
enum app_err h_automation_create(struct req *r, struct resp *w);
enum app_err h_automation_update(struct req *r, struct resp *w);
enum app_err h_automation_delete(struct req *r, struct resp *w);
enum app_err h_automation_toggle(struct req *r, struct resp *w);
enum app_err h_automation_weights(struct req *r, struct resp *w);
enum app_err h_automation_mode(struct req *r, struct resp *w);

#endif
