/*
 * store/tags.h - the tags conversations can carry.  A conversation's own
 * tags are written by store/conversation.h.
 */
#ifndef STORE_TAGS_H
#define STORE_TAGS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct arena;
struct db;

/* [{id, created_at, updated_at, name}] by name. */
enum app_err store_tags_json(struct db *db, struct arena *a, const char **json, size_t *len);

/* A new tag {id, created_at, updated_at, name} as JSON; APP_ERR_CONFLICT if the name is taken. */
enum app_err store_tag_create(struct db *db, struct arena *a, const char *name, const char **json,
                              size_t *len);

/* Renames a tag; as store_tag_create(), or APP_ERR_NOT_FOUND. */
enum app_err store_tag_update(struct db *db, struct arena *a, int64_t id, const char *name,
                              const char **json, size_t *len);

/* Deletes a tag, and with it (foreign key) its place on every conversation; APP_ERR_NOT_FOUND. */
enum app_err store_tag_delete(struct db *db, struct arena *a, int64_t id);

#endif
