/*
 * store/custom_attributes.h - the definitions of the custom attributes
 * contacts and conversations carry, and writing those values.
 */
#ifndef STORE_CUSTOM_ATTRIBUTES_H
#define STORE_CUSTOM_ATTRIBUTES_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct arena;
struct db;

/* What a definition write sets (checked by the handler). */
struct custom_attribute_in {
    const char *applies_to; /* contact or conversation */
    const char *name;
    const char *description;
    const char *key;         /* not changed by an update */
    const char *data_type;   /* not changed by an update */
    const char *values_json; /* a JSON array of strings */
    const char *regex;       /* "" for none */
    const char *regex_hint;
};

/*
 * [{id, created_at, updated_at, name, description, applies_to, key, values,
 * data_type, regex, regex_hint}], latest change first; applies_to NULL for
 * every definition.
 */
enum app_err store_custom_attributes_json(struct db *db, struct arena *a, const char *applies_to,
                                          const char **json, size_t *len);

/* One definition as listed; APP_ERR_NOT_FOUND. */
enum app_err store_custom_attribute_json(struct db *db, struct arena *a, int64_t id,
                                         const char **json, size_t *len);

/* The stored key and data_type of a definition (borrowed); APP_ERR_NOT_FOUND. */
enum app_err store_custom_attribute_kind(struct db *db, struct arena *a, int64_t id,
                                         const char **key, const char **data_type);

/* *ok 1 if PostgreSQL compiles regex (its ~ operator), else 0. */
enum app_err store_custom_attribute_regex_ok(struct db *db, struct arena *a, const char *regex,
                                             int *ok);

/* A new definition as listed; APP_ERR_CONFLICT if its key is taken for its applies_to. */
enum app_err store_custom_attribute_create(struct db *db, struct arena *a,
                                           const struct custom_attribute_in *in, const char **json,
                                           size_t *len);

/*
 * Rewrites every field but key and data_type; as create, or
 * APP_ERR_NOT_FOUND.
 */
enum app_err store_custom_attribute_update(struct db *db, struct arena *a, int64_t id,
                                           const struct custom_attribute_in *in, const char **json,
                                           size_t *len);

/* APP_ERR_NOT_FOUND.  Values already stored under its key stay where they are. */
enum app_err store_custom_attribute_delete(struct db *db, struct arena *a, int64_t id);

/*
 * The definitions of applies_to as one JSON object
 * {key: {"data_type", "values", "regex", "regex_hint"}} ({} when none).
 */
enum app_err store_custom_attribute_defs(struct db *db, struct arena *a, const char *applies_to,
                                         const char **json, size_t *len);

/*
 * The first key (in byte order) of the JSON object attrs whose non-empty
 * string value does not match its applies_to definition's regex (*key
 * NULL if none).  A stored regex PostgreSQL cannot compile is APP_ERR_INPUT.
 */
enum app_err store_custom_attribute_regex_miss(struct db *db, struct arena *a,
                                               const char *applies_to, const char *attrs,
                                               const char **key);

/* Replaces the conversation's custom_attributes with the JSON object attrs; APP_ERR_NOT_FOUND. */
enum app_err store_conversation_custom_attributes_set(struct db *db, struct arena *a,
                                                      int64_t conversation_id, const char *attrs);

/* Replaces the contact's custom_attributes with the JSON object attrs; APP_ERR_NOT_FOUND. */
enum app_err store_contact_custom_attributes_set(struct db *db, struct arena *a, int64_t contact_id,
                                                 const char *attrs);

#endif
