/*
 * store/views.h - personal and shared views.
 */
#ifndef STORE_VIEWS_H
#define STORE_VIEWS_H

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
extern const struct db_stmt STMT_VIEWS_MINE_JSON[1];
extern const struct db_stmt STMT_VIEWS_SHARED_JSON[1];
extern const struct db_stmt STMT_VIEWS_VISIBLE_JSON[1];
extern const struct db_stmt STMT_VIEW_GET[1];
extern const struct db_stmt STMT_VIEW_INSERT[1];
extern const struct db_stmt STMT_VIEW_UPDATE[1];
extern const struct db_stmt STMT_VIEW_DELETE[1];

/* One view as stored, for the access rules (reference 9). */
struct q_view {
    int found;
    const char *json;       /* the view object (borrowed) */
    const char *visibility; /* "user", "team" or "all" */
    const char *user_id;    /* NULL unless a personal view */
    const char *team_id;    /* NULL unless a team view */
    const char *filters;    /* JSON text */
};

enum app_err q_view(struct db *db, struct arena *a, const char *id, struct q_view *out);

#endif
