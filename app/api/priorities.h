/*
 * api/priorities.h - GET /api/v1/priorities.
 */
#ifndef API_PRIORITIES_H
#define API_PRIORITIES_H

#include "lib/err.h"

struct req;
struct resp;

enum app_err h_priorities_list(struct req *r, struct resp *w);

#endif
