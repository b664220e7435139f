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

#endif
