/*
 * api/vambe.h - Vambe's analytics API as deskd serves it under /vambe:
 * GET /vambe/api/analytics/team/snapshot/unanswered-conversations-details,
 * authenticated by X-API-Key (a deskd agent's KEY:SECRET), its errors as
 * {"statusCode":N,"message":"...","error":"<reason>"}.
 */
#ifndef API_VAMBE_H
#define API_VAMBE_H

#include "lib/err.h"

struct dialect;
struct req;
struct resp;

extern const struct dialect vambe_dialect;

/* Vambe's page size (its documentation gives none). */
#define VAMBE_PAGE_SIZE 50

enum app_err h_vambe_unanswered(struct req *r, struct resp *w);

#endif
