/*
 * api/settings.h - the general and the e-mail notification settings.
 */
#ifndef API_SETTINGS_H
#define API_SETTINGS_H

#include "lib/err.h"

struct req;
struct resp;

/* GET /api/v1/settings/general: every app.* setting, app.version and the update fields. */
enum app_err h_settings_general_get(struct req *r, struct resp *w);
/* PUT /api/v1/settings/general: the known app.* keys sent, checked, written at once. */
enum app_err h_settings_general_update(struct req *r, struct resp *w);
/* GET /api/v1/settings/notifications/email: the SMTP settings, the password masked. */
enum app_err h_settings_email_get(struct req *r, struct resp *w);
/* PUT /api/v1/settings/notifications/email: the password sealed; the mask or "" keeps it. */
enum app_err h_settings_email_update(struct req *r, struct resp *w);

#endif
