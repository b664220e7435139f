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

/* [{id, created_at, updated_at, name, description, permissions}] in id order. */
enum app_err store_roles_json(struct db *db, struct arena *a, const char **json, size_t *len);

/*
 * The first of names (a JSON array of strings) that is no role's name
 * (*unknown borrowed), or NULL if every one is.
 */
enum app_err store_roles_unknown(struct db *db, struct arena *a, const char *names,
                                 const char **unknown);

/* The id of the role called name; APP_ERR_NOT_FOUND if there is none. */
enum app_err store_role_id(struct db *db, struct arena *a, const char *name, int64_t *id);

#endif
