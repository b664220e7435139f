/*
 * api/config.h - what the web app reads before login: the public app
 * config and the language files.
 */
#ifndef API_CONFIG_H
#define API_CONFIG_H

#include "lib/err.h"

struct req;
struct resp;

/* GET /api/v1/config: public app settings and the SSO providers (none yet). */
enum app_err h_config_get(struct req *r, struct resp *w);

/* GET /api/v1/lang/{lang}: DESKD_LANG_DIR/<lang>.json as it is, not enveloped. */
enum app_err h_lang_get(struct req *r, struct resp *w);

#endif
