/*
 * api/drafts.h - GET /api/v1/drafts, POST/DELETE
 * /api/v1/conversations/{uuid}/draft: the caller's own drafts.
 */
#ifndef API_DRAFTS_H
#define API_DRAFTS_H

#include "lib/err.h"

struct req;
struct resp;

enum app_err h_drafts_list(struct req *r, struct resp *w);
enum app_err h_draft_save(struct req *r, struct resp *w);
enum app_err h_draft_delete(struct req *r, struct resp *w);

#endif
