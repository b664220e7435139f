/*
 * api/chatwoot.h - Chatwoot's conversation list under /chatwoot (seed 001):
 * GET /chatwoot/api/v1/accounts/{account_id}/conversations and
 * .../conversations/meta, authenticated by `api_access_token: KEY:SECRET`.
 */
#ifndef API_CHATWOOT_H
#define API_CHATWOOT_H

#include "lib/err.h"
#include "server/dialect.h"

struct req;
struct resp;

/* Chatwoot's key header and error shape (400 bad_request_error, else {"error": ...}). */
extern const struct dialect chatwoot_dialect;

enum app_err h_chatwoot_conversations(struct req *r, struct resp *w);
enum app_err h_chatwoot_conversations_meta(struct req *r, struct resp *w);

#endif
