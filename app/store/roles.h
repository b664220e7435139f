/*
 * store/roles.h - roles.
 */
#ifndef STORE_ROLES_H
#define STORE_ROLES_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct arena;
struct db;

/* *admin 1 if the user holds the Admin role. */
enum app_err store_user_is_admin(struct db *db, struct arena *a, int64_t user_id, int *admin);

/*
 * A role as upstream sends it: {id, created_at, updated_at, name,
 * description ("" when unset), permissions}.
 */

/* Every role, in id order. */
enum app_err store_roles_json(struct db *db, struct arena *a, const char **json, size_t *len);

/* One role; APP_ERR_NOT_FOUND if there is none. */
enum app_err store_role_json(struct db *db, struct arena *a, int64_t id, const char **json,
                             size_t *len);

/* The role's name (*name borrowed); APP_ERR_NOT_FOUND if there is none. */
enum app_err store_role_name(struct db *db, struct arena *a, int64_t id, const char **name);

/* What a role write sets. */
struct store_role_in {
    const char *name;
    const char *description; /* "" when none */
    const char *permissions; /* a PostgreSQL text[] literal: {a,b} */
};

/* A new role, as JSON.  APP_ERR_CONFLICT if the name is taken. */
enum app_err store_role_create(struct db *db, struct arena *a, const struct store_role_in *in,
                               const char **json, size_t *len);

/* Sets every field of the role; as store_role_create(), or APP_ERR_NOT_FOUND. */
enum app_err store_role_update(struct db *db, struct arena *a, int64_t id,
                               const struct store_role_in *in, const char **json, size_t *len);

/* Deletes the role; its holders lose it at once.  APP_ERR_NOT_FOUND if there is none. */
enum app_err store_role_delete(struct db *db, struct arena *a, int64_t id);

/*
 * The first of names (a JSON array of strings) that is no role's name
 * (*unknown borrowed), or NULL if every one is.
 */
enum app_err store_roles_unknown(struct db *db, struct arena *a, const char *names,
                                 const char **unknown);

/* The id of the role called name; APP_ERR_NOT_FOUND if there is none. */
enum app_err store_role_id(struct db *db, struct arena *a, const char *name, int64_t *id);

#endif
