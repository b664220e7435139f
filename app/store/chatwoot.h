/*
 * store/chatwoot.h - Chatwoot's conversation list (api/chatwoot.c): a list
 * compiled by the list engine, its four assignee counts and its page as
 * Chatwoot's conversation objects.
 */
#ifndef STORE_CHATWOOT_H
#define STORE_CHATWOOT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"
#include "store/conversations.h"

struct arena;
struct db;
struct cq_query;

/*
 * Runs q's counts and page in one statement: counts[CQ_COUNT_*] (exact,
 * without the assignee narrowing) and the page as a JSON array of Chatwoot
 * conversations of account account_id (*json, len bytes), as seen by the
 * caller (q's $1: unread_count, agent_last_seen_at).
 */
enum app_err store_chatwoot_list(struct db *db, struct arena *a, const struct cq_query *q,
                                 int64_t account_id, int64_t counts[CQ__COUNTS], const char **json,
                                 size_t *len);

#endif
