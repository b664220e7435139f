/*
 * store/conversations.h - conversation lists: running a compiled list and writing its items.
 */
#ifndef STORE_CONVERSATIONS_H
#define STORE_CONVERSATIONS_H

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
extern const struct db_stmt STMT_CONV_ITEMS[1];
extern const struct db_stmt STMT_CONV_ITEMS_MENTIONED[1];

struct cq_query;

/*
 * Runs a conversation list built by cq_build(): the exact total and the
 * page.  *results is a JSON array (arena), *total the count of the scope.
 */
enum app_err q_conversation_list(struct db *db, struct arena *a, const struct cq_query *q,
                                 int mentioned, int64_t *total, const char **results, size_t *len);

struct sbuf;

/* Writes row `row` of a conv_items result (binary) as one list item object. */
void conv_item_json(const struct db_res *r, int row, struct sbuf *sb);

#endif
