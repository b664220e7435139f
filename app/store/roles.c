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

/* One role as upstream sends it, over roles. */
#define ROLE_JSON                                                                                  \
    "json_build_object('id', id, 'created_at', created_at, 'updated_at', updated_at,"              \
    " 'name', name, 'description', coalesce(description, ''), 'permissions', permissions)"

static const struct db_stmt list_stmt = {
    "roles_json", "SELECT coalesce(json_agg(" ROLE_JSON " ORDER BY id), '[]')::text FROM roles", 0,
    1};

enum app_err store_roles_json(struct db *db, struct arena *a, const char **json, size_t *len)
{
    return store_json_found(db, a, &list_stmt, NULL, json, len);
}

/* $1 id */
static const struct db_stmt get_stmt = {
    "role_json", "SELECT " ROLE_JSON "::text FROM roles WHERE id = $1::int", 1, 1};

enum app_err store_role_json(struct db *db, struct arena *a, int64_t id, const char **json,
                             size_t *len)
{
    return store_json_by_id(db, a, &get_stmt, id, json, len);
}

/* $1 id */
static const struct db_stmt name_stmt = {"role_name", "SELECT name FROM roles WHERE id = $1::int",
                                         1, 1};

enum app_err store_role_name(struct db *db, struct arena *a, int64_t id, const char **name)
{
    const char *p[] = {store_i64(a, id)};
    return store_found(db, a, &name_stmt, p, name);
}

/* $1 name, $2 description, $3 permissions (text[]) */
static const struct db_stmt create_stmt = {
    "role_create",
    "INSERT INTO roles (name, description, permissions) VALUES ($1::text, $2::text, $3::text[])"
    " RETURNING " ROLE_JSON "::text",
    3, 0};

enum app_err store_role_create(struct db *db, struct arena *a, const struct store_role_in *in,
                               const char **json, size_t *len)
{
    const char *p[] = {in->name, in->description, in->permissions};
    return store_json_found(db, a, &create_stmt, p, json, len);
}

/* $1 id, $2 name, $3 description, $4 permissions (text[]) */
static const struct db_stmt update_stmt = {
    "role_update",
    "UPDATE roles SET name = $2::text, description = $3::text, permissions = $4::text[],"
    " updated_at = now() WHERE id = $1::int RETURNING " ROLE_JSON "::text",
    4, 0};

enum app_err store_role_update(struct db *db, struct arena *a, int64_t id,
                               const struct store_role_in *in, const char **json, size_t *len)
{
    const char *p[] = {store_i64(a, id), in->name, in->description, in->permissions};
    return store_json_found(db, a, &update_stmt, p, json, len);
}

/* $1 id; its user_roles rows go with it (ON DELETE CASCADE). */
static const struct db_stmt delete_stmt = {
    "role_delete", "DELETE FROM roles WHERE id = $1::int RETURNING id", 1, 0};

enum app_err store_role_delete(struct db *db, struct arena *a, int64_t id)
{
    const char *p[] = {store_i64(a, id)};
    return store_found(db, a, &delete_stmt, p, NULL);
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
