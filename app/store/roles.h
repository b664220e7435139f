/*
 * store/roles.h - roles.
 */
#ifndef STORE_ROLES_H
#define STORE_ROLES_H

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
extern const struct db_stmt STMT_UNKNOWN_ROLE[1];
extern const struct db_stmt STMT_HAS_ADMIN_ROLE[1];
extern const struct db_stmt STMT_ROLES_JSON[1];
extern const struct db_stmt CLI_ROLE_ID[1];

/* *admin 1 if the user holds the Admin role. */
enum app_err store_user_is_admin(struct db *db, struct arena *a, int64_t user_id, int *admin);

#endif
