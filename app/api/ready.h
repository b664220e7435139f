/*
 * api/ready.h - GET /ready.
 */
#ifndef API_READY_H
#define API_READY_H

#include "lib/err.h"

struct req;
struct resp;

enum app_err h_ready_get(struct req *r, struct resp *w);

#endif
