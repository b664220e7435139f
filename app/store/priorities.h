/*
 * store/priorities.h - conversation priorities.
 */
#ifndef STORE_PRIORITIES_H
#define STORE_PRIORITIES_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct arena;
struct db;

/* [{id, created_at, name}] in id order (cached per worker at version). */
enum app_err store_priorities_json(struct db *db, struct arena *a, int64_t version,
                                   const char **json, size_t *len);

/* The id of the priority called name; APP_ERR_NOT_FOUND if there is none. */
enum app_err store_priority_id(struct db *db, struct arena *a, const char *name, int64_t *id);

#endif
