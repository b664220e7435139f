/*
 * store/settings.h - settings rows.
 */
#ifndef STORE_SETTINGS_H
#define STORE_SETTINGS_H

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
extern const struct db_stmt STMT_SETTING[1];

/* The setting's value as JSON text (*value borrowed); NULL if the key is not set. */
enum app_err store_setting(struct db *db, struct arena *a, const char *key, const char **value);

#endif
