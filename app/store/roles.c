/*
 * store/roles.c - roles.
 */
#include "store/roles.h"

#include <stdlib.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/db.h"
#include "lib/jsonw.h"
#include "lib/sbuf.h"
#include "lists/items.h"
#include "lists/query.h"
#include "store/queries.h"
#include "store/store.h"
#include "store/user_sql.h"

const struct db_stmt STMT_UNKNOWN_ROLE[1] = {
    {"unknown_role",
     "SELECT n FROM jsonb_array_elements_text($1::jsonb) n WHERE NOT EXISTS"
     " (SELECT 1 FROM roles r WHERE r.name = n) LIMIT 1",
     1, 0}};

const struct db_stmt STMT_HAS_ADMIN_ROLE[1] = {
    {"has_admin_role",
     "SELECT 1 FROM user_roles ur JOIN roles r ON r.id = ur.role_id"
     " WHERE ur.user_id = $1::int AND r.name = 'Admin'",
     1, 0}};

const struct db_stmt STMT_ROLES_JSON[1] = {
    {"roles_json",
     "SELECT coalesce(json_agg(json_build_object('id', id, 'created_at',"
     " created_at, 'updated_at', updated_at, 'name', name, 'description',"
     " coalesce(description, ''), 'permissions', permissions) ORDER BY id),"
     " '[]')::text FROM roles",
     0, 1}};

const struct db_stmt CLI_ROLE_ID[1] = {
    {"cli_role_id", "SELECT id FROM roles WHERE name = $1::text", 1, 1}};

enum app_err store_user_is_admin(struct db *db, struct arena *a, int64_t user_id, int *admin)
{
    const char *p[] = {store_i64(a, user_id)};
    enum app_err e = store_found(db, a, STMT_HAS_ADMIN_ROLE, p, NULL);
    *admin = e == APP_OK;
    return e == APP_ERR_NOT_FOUND ? APP_OK : e;
}
