/*
 * store/statuses.h - conversation statuses.
 */
#ifndef STORE_STATUSES_H
#define STORE_STATUSES_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct arena;
struct db;

/* [{id, created_at, name, category}] in id order (cached per worker at version). */
enum app_err store_statuses_json(struct db *db, struct arena *a, int64_t version, const char **json,
                                 size_t *len);

/* The status's name (*name borrowed); APP_ERR_NOT_FOUND if there is none. */
enum app_err store_status_name(struct db *db, struct arena *a, int64_t id, const char **name);

/* The id of the status called name; APP_ERR_NOT_FOUND if there is none. */
enum app_err store_status_id(struct db *db, struct arena *a, const char *name, int64_t *id);

/*
 * A new status {id, created_at, name, category} as JSON; category is open,
 * waiting or resolved.  APP_ERR_CONFLICT if the name is taken.
 */
enum app_err store_status_create(struct db *db, struct arena *a, const char *name,
                                 const char *category, const char **json, size_t *len);

/* Renames and recategorises; as store_status_create(), or APP_ERR_NOT_FOUND. */
enum app_err store_status_update(struct db *db, struct arena *a, int64_t id, const char *name,
                                 const char *category, const char **json, size_t *len);

/* APP_ERR_NOT_FOUND, or APP_ERR_INPUT while conversations still use it. */
enum app_err store_status_delete(struct db *db, struct arena *a, int64_t id);

#endif
