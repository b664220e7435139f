/*
 * store/messages.h - messages of a conversation.
 */
#ifndef STORE_MESSAGES_H
#define STORE_MESSAGES_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct arena;
struct db;

/* A message to store, with what it changes around it. */
struct store_message_new {
    int64_t conv_id;
    const char *type, *status; /* message_type, message_status */
    int is_private;
    const char *content, *text; /* HTML and its plain text */
    const char *preview;        /* the conversation's last-message text */
    int64_t sender_id;
    const char *sender_type;          /* agent or contact */
    const char *meta;                 /* JSON object */
    const char *const *mention_types; /* "agent" or "team", with mention_ids */
    const int64_t *mention_ids;
    size_t nmentions;
    const int64_t *attachments; /* media ids to link, each once, each attacher's upload */
    size_t nattachments;
    int64_t attacher; /* the agent sending it: only its own uploads are linked */
};

/*
 * Stores the message, updates the conversation's bookkeeping, the mentions,
 * the attachments and the participants in one transaction: all or nothing
 * (APP_ERR_CONFLICT if an attachment was linked elsewhere meanwhile).
 * *msg_id is the new message's id.
 */
enum app_err store_message_send(struct db *db, struct arena *a, const struct store_message_new *m,
                                int64_t *msg_id);

/* The same steps inside the caller's transaction (store_conversation_create()). */
enum app_err store_message_add(struct db *db, struct arena *a, const struct store_message_new *m,
                               int64_t *msg_id);

/*
 * A page of the conversation's messages, newest first (JSON array text in
 * *json), and the total: private only (is_private 1), public only (0) or
 * both (-1); of the ntypes message types in types (none: any).
 */
enum app_err store_messages_page(struct db *db, struct arena *a, int64_t conv_id, int is_private,
                                 const char *const *types, size_t ntypes, int64_t limit,
                                 int64_t offset, int64_t *total, const char **json, size_t *len);

/* A message (reference §8) as JSON; APP_ERR_NOT_FOUND if there is none. */
enum app_err store_message_json(struct db *db, struct arena *a, int64_t id, const char **json,
                                size_t *len);

/* The id of the message with this uuid and its conversation's; APP_ERR_NOT_FOUND if none. */
enum app_err store_message_of(struct db *db, struct arena *a, const char *uuid, int64_t *id,
                              int64_t *conv_id);

/*
 * Puts the message with this uuid back to pending if it is user_id's own
 * failed outgoing reply in the conversation; APP_ERR_NOT_FOUND otherwise.
 */
enum app_err store_message_retry(struct db *db, struct arena *a, const char *uuid, int64_t conv_id,
                                 int64_t user_id);

#endif
