/*
 * store/statuses.h - conversation statuses.
 */
#ifndef STORE_STATUSES_H
#define STORE_STATUSES_H

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
extern const struct db_stmt STMT_STATUSES_JSON[1];
extern const struct db_stmt STMT_STATUS_BY_NAME[1];
extern const struct db_stmt STMT_STATUS_INSERT[1];
extern const struct db_stmt STMT_STATUS_UPDATE[1];
extern const struct db_stmt STMT_STATUS_DELETE[1];
extern const struct db_stmt STMT_STATUS_NAME[1];

#endif
