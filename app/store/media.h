/*
 * store/media.h - media rows.
 */
#ifndef STORE_MEDIA_H
#define STORE_MEDIA_H

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
extern const struct db_stmt STMT_MEDIA_INSERT[1];
extern const struct db_stmt STMT_MEDIA_LINK[1];
extern const struct db_stmt STMT_MEDIA_UNLINKABLE[1];
extern const struct db_stmt STMT_MEDIA_JSON[1];
extern const struct db_stmt STMT_MEDIA_BY_UUID[1];

#endif
