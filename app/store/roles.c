/*
 * store/roles.c - roles.
 */
#include "store/roles.h"

#include "lib/db.h"
#include "store/store.h"

/* $1 user id */
static const struct db_stmt admin_stmt = {
    "has_admin_role",
    "SELECT 1 FROM user_roles ur JOIN roles r ON r.id = ur.role_id"
    " WHERE ur.user_id = $1::int AND r.name = 'Admin'",
    1, 1};

enum app_err store_user_is_admin(struct db *db, struct arena *a, int64_t user_id, int *admin)
{
    const char *p[] = {store_i64(a, user_id)};
    return store_exists(db, a, &admin_stmt, p, admin);
}

static const struct db_stmt list_stmt = {
    "roles_json",
    "SELECT coalesce(json_agg(json_build_object('id', id, 'created_at',"
    " created_at, 'updated_at', updated_at, 'name', name, 'description',"
    " coalesce(description, ''), 'permissions', permissions) ORDER BY id),"
    " '[]')::text FROM roles",
    0, 1};

enum app_err store_roles_json(struct db *db, struct arena *a, const char **json, size_t *len)
{
    return store_json_found(db, a, &list_stmt, NULL, json, len);
}

/* $1 names, a JSON array of strings */
static const struct db_stmt unknown_stmt = {
    "unknown_role",
    "SELECT n FROM jsonb_array_elements_text($1::jsonb) n WHERE NOT EXISTS"
    " (SELECT 1 FROM roles r WHERE r.name = n) LIMIT 1",
    1, 0};

enum app_err store_roles_unknown(struct db *db, struct arena *a, const char *names,
                                 const char **unknown)
{
    const char *p[] = {names};
    return store_one(db, a, &unknown_stmt, p, unknown, NULL);
}

/* $1 name */
static const struct db_stmt id_stmt = {"role_id", "SELECT id FROM roles WHERE name = $1::text", 1,
                                       1};

enum app_err store_role_id(struct db *db, struct arena *a, const char *name, int64_t *id)
{
    const char *p[] = {name};
    return store_found_i64(db, a, &id_stmt, p, id);
}
