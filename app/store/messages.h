/*
 * store/messages.h - messages of a conversation.
 */
#ifndef STORE_MESSAGES_H
#define STORE_MESSAGES_H

#include <stddef.h>
#include <stdint.h>

#include "lib/db.h" /* transitional */
#include "lib/err.h"

struct arena;
struct db;
struct db_res;
struct db_stmt;
struct cq_query;
struct q_message_new;
struct sbuf;

/* Transitional: the statements, until each handler calls a typed function. */
extern const struct db_stmt STMT_MESSAGES_PAGE[1];
extern const struct db_stmt STMT_MESSAGES_COUNT[1];
extern const struct db_stmt STMT_MESSAGE_JSON[1];
extern const struct db_stmt STMT_MESSAGE_OF[1];
extern const struct db_stmt STMT_MESSAGE_INSERT[1];
extern const struct db_stmt STMT_CONV_AFTER_MESSAGE[1];
extern const struct db_stmt STMT_MENTION_INSERT[1];
extern const struct db_stmt STMT_PARTICIPANT_INSERT[1];
extern const struct db_stmt STMT_MESSAGE_RETRY[1];

/* A message to store, with what it changes around it. */
struct q_message_new {
    const char *conv_id;
    const char *type, *status;  /* message_type, message_status */
    const char *private_s;      /* "true" / "false" */
    const char *content, *text; /* HTML and its plain text */
    const char *preview;        /* the conversation's last-message text */
    const char *sender_id, *sender_type;
    const char *meta; /* JSON object */
    const char *const *mention_types, *const *mention_ids;
    size_t nmentions;
    int add_participant;     /* the sender (an agent) joins the participants */
    const char *attachments; /* media ids to link, an int[] literal "{1,2}", each once */
    size_t nattachments;
};

/*
 * Stores the message, updates the conversation's bookkeeping, the mentions,
 * the attachments and the participants in one transaction: all or nothing
 * (APP_ERR_CONFLICT if an attachment was linked elsewhere meanwhile).
 * *msg_id (arena) is the new message's id.
 */
enum app_err q_message_send(struct db *db, struct arena *a, const struct q_message_new *m,
                            const char **msg_id);

/*
 * A page of messages (JSON array text in *json) and the total; private and
 * types may be NULL (no filter).
 */
enum app_err q_messages_page(struct db *db, struct arena *a, const char *conv_id,
                             const char *private_s, const char *types, int64_t limit,
                             int64_t offset, int64_t *total, const char **json, size_t *len);

/* A message by uuid: its id and its conversation's id (both NULL if none). */
enum app_err q_message_of(struct db *db, struct arena *a, const char *uuid, const char **id,
                          const char **conv_id);

/* The steps of storing m, inside the caller's transaction (*msg_id, arena). */
enum app_err message_store(struct db *db, struct arena *a, const struct q_message_new *m,
                           const char **msg_id);

#endif
