/*
 * api/wassist.h - Wassist's conversation API (seed 004) under /wassist:
 * X-API-Key carrying a deskd agent's KEY:SECRET, Django REST Framework's
 * error shape, DRF's limit/offset pages.
 */
#ifndef API_WASSIST_H
#define API_WASSIST_H

#include "lib/err.h"

struct req;
struct resp;
struct dialect;

extern const struct dialect wassist_dialect;

enum app_err h_wassist_conversations(struct req *r, struct resp *w);
enum app_err h_wassist_conversation(struct req *r, struct resp *w);
enum app_err h_wassist_messages(struct req *r, struct resp *w);
enum app_err h_wassist_message_send(struct req *r, struct resp *w);
enum app_err h_wassist_takeover(struct req *r, struct resp *w);
enum app_err h_wassist_handback(struct req *r, struct resp *w);
enum app_err h_wassist_create(struct req *r, struct resp *w);
enum app_err h_wassist_prompt(struct req *r, struct resp *w);

#endif
