/*
 * api/messages.h - a conversation's messages:
 * GET/POST /api/v1/conversations/{uuid}/messages, GET
 * .../messages/{uuid} and PUT .../messages/{uuid}/retry.
 */
#ifndef API_MESSAGES_H
#define API_MESSAGES_H

#include "lib/err.h"

struct req;
struct resp;

enum app_err h_messages_list(struct req *r, struct resp *w);
enum app_err h_message_get(struct req *r, struct resp *w);
enum app_err h_message_send(struct req *r, struct resp *w);
enum app_err h_message_retry(struct req *r, struct resp *w);

#endif
