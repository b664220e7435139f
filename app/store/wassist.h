/*
 * store/wassist.h - Wassist's Conversation objects (seed 004): a list page
 * compiled by the list engine, and one conversation.
 */
#ifndef STORE_WASSIST_H
#define STORE_WASSIST_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct arena;
struct db;
struct cq_query;

/*
 * Runs a list built by cq_build(): *total the exact count, *results (len
 * bytes) the page as a JSON array of Wassist Conversation objects.
 */
enum app_err store_wassist_list(struct db *db, struct arena *a, const struct cq_query *q,
                                int64_t *total, const char **results, size_t *len);

/* One conversation (by id) as a Wassist Conversation object; APP_ERR_NOT_FOUND if none. */
enum app_err store_wassist_conversation(struct db *db, struct arena *a, int64_t id, int64_t user_id,
                                        const char **json, size_t *len);

/*
 * The conversation's messages other than activity, newest first: *total
 * of them, and limit from offset as a JSON array of
 * {id, content, direction, sender, senderName, private, status, createdAt}.
 */
enum app_err store_wassist_messages(struct db *db, struct arena *a, int64_t conv_id, int64_t limit,
                                    int64_t offset, int64_t *total, const char **json, size_t *len);

/* One message (by id) as store_wassist_messages() writes them. */
enum app_err store_wassist_message(struct db *db, struct arena *a, int64_t id, const char **json,
                                   size_t *len);

/* The id of the live inbox with this uuid (Wassist's agentId); APP_ERR_NOT_FOUND if none. */
enum app_err store_wassist_inbox(struct db *db, struct arena *a, const char *uuid, int64_t *id);

/* Whether the conversation is active (its status's category is not resolved). */
enum app_err store_wassist_active(struct db *db, struct arena *a, int64_t id, int *active);

#endif
