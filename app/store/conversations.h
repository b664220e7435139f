/*
 * store/conversations.h - conversation lists: running a list compiled by
 * the list engine (lists/query.h) and writing its items.
 */
#ifndef STORE_CONVERSATIONS_H
#define STORE_CONVERSATIONS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct arena;
struct db;
struct cq_query;

/*
 * Runs a conversation list built by cq_build(): *total is the exact count
 * of the list, *results (len bytes) the page as a JSON array of list
 * items; with mentioned, each item names the latest message mentioning
 * the caller or one of the caller's teams.
 */
enum app_err store_conversations_list(struct db *db, struct arena *a, const struct cq_query *q,
                                      int mentioned, int64_t *total, const char **results,
                                      size_t *len);

/*
 * As store_conversations_list() for the unanswered list (cq_request
 * .unanswered): each item also has "waiting_time_ms", the milliseconds it
 * has waited for an answer, computed now.
 */
enum app_err store_conversations_unanswered(struct db *db, struct arena *a,
                                            const struct cq_query *q, int64_t *total,
                                            const char **results, size_t *len);

/*
 * Runs a list built by cq_build() for its total and its page's ids only:
 * *ids is a bigint[] literal ("{3,1,2}", in the list's order; arena), or
 * NULL when the page is empty.
 */
enum app_err store_conversations_ids(struct db *db, struct arena *a, const struct cq_query *q,
                                     int64_t *total, const char **ids);

/* The four assignee counts of a compiled list (q->counts_sql): the order of enum cq_count. */
enum cq_count { CQ_COUNT_MINE, CQ_COUNT_UNASSIGNED, CQ_COUNT_ASSIGNED, CQ_COUNT_ALL, CQ__COUNTS };

/* Runs q->counts_sql: counts[CQ_COUNT_*], exact. */
enum app_err store_conversations_counts(struct db *db, struct arena *a, const struct cq_query *q,
                                        int64_t counts[CQ__COUNTS]);

#endif
