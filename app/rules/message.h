/*
 * rules/message.h - what a new message holds, for a reply or note and for
 * the first message of a new conversation alike: its HTML bounded, its
 * text and preview, the meta upstream keeps, and attachments that are the
 * caller's uploads not yet linked to anything.
 */
#ifndef RULES_MESSAGE_H
#define RULES_MESSAGE_H

#include "lib/err.h"

struct req;
struct resp;
struct json_object;
struct store_message_new;

/* The most attachments a message links. */
#define MESSAGE_MAX_ATTACHMENTS 50

/*
 * Fills the text, preview, meta and attachments of m from the request body
 * b: the HTML html by sender_type (agent or contact), private or not.  The
 * attachments (media ids the calling agent uploaded, not yet linked) are
 * refused with 400 naming one.
 */
enum app_err message_body(struct req *r, struct resp *w, struct json_object *b,
                          const char *sender_type, int is_private, const char *html,
                          struct store_message_new *m);

/* The longest message body (HTML) accepted, in bytes. */
#define MESSAGE_MAX_LEN (1024 * 1024)

#endif
