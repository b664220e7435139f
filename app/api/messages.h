/*
 * api/messages.h - a conversation's messages:
 * GET/POST /api/v1/conversations/{uuid}/messages, GET
 * .../messages/{uuid} and PUT .../messages/{uuid}/retry; and the body of a
 * first message, shared with the conversation's creation.
 */
#ifndef API_MESSAGES_H
#define API_MESSAGES_H

#include "lib/err.h"

struct req;
struct resp;
struct json_object;
struct store_message_new;

enum app_err h_messages_list(struct req *r, struct resp *w);
enum app_err h_message_get(struct req *r, struct resp *w);
enum app_err h_message_send(struct req *r, struct resp *w);
enum app_err h_message_retry(struct req *r, struct resp *w);

/*
 * Fills the text, preview, meta and attachments of m from the request body
 * b: the HTML html by sender_type (agent or contact), private or not.  The
 * attachments (media ids not yet linked) are refused with 400 naming one.
 */
enum app_err message_body(struct req *r, struct resp *w, struct json_object *b,
                          const char *sender_type, int is_private, const char *html,
                          struct store_message_new *m);

/* The longest message body (HTML) accepted, in bytes. */
#define MESSAGE_MAX_LEN (1024 * 1024)

#endif
