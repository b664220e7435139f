/*
 * store/statuses.c - conversation statuses.
 */
#include "store/statuses.h"

#include "lib/db.h"
#include "store/store.h"

/* One status as the list shows it, over conversation_statuses. */
#define STATUS_JSON                                                                                \
    "json_build_object('id', id, 'created_at', created_at, 'name', name,"                          \
    " 'category', category)"

static const struct db_stmt list_stmt = {"statuses_json",
                                         "SELECT coalesce(json_agg(" STATUS_JSON
                                         " ORDER BY id), '[]')::text FROM conversation_statuses",
                                         0, 1};

static struct store_cached list_cache = {&list_stmt, 0, NULL, 0};

enum app_err store_statuses_json(struct db *db, struct arena *a, int64_t version, const char **json,
                                 size_t *len)
{
    return store_cached_json(db, a, &list_cache, version, json, len);
}

/* $1 id */
static const struct db_stmt name_stmt = {
    "status_name", "SELECT name FROM conversation_statuses WHERE id = $1::int", 1, 1};

enum app_err store_status_name(struct db *db, struct arena *a, int64_t id, const char **name)
{
    const char *p[] = {store_i64(a, id)};
    return store_found(db, a, &name_stmt, p, name);
}

/* $1 name */
static const struct db_stmt id_stmt = {
    "status_id", "SELECT id FROM conversation_statuses WHERE name = $1::text", 1, 1};

enum app_err store_status_id(struct db *db, struct arena *a, const char *name, int64_t *id)
{
    const char *p[] = {name};
    return store_found_i64(db, a, &id_stmt, p, id);
}

/* $1 name, $2 category */
static const struct db_stmt create_stmt = {
    "status_create",
    "INSERT INTO conversation_statuses (name, category)"
    " VALUES ($1::text, $2::conversation_status_category) RETURNING " STATUS_JSON "::text",
    2, 0};

enum app_err store_status_create(struct db *db, struct arena *a, const char *name,
                                 const char *category, const char **json, size_t *len)
{
    const char *p[] = {name, category};
    return store_json_found(db, a, &create_stmt, p, json, len);
}

/* $1 id, $2 name, $3 category */
static const struct db_stmt update_stmt = {
    "status_update",
    "UPDATE conversation_statuses SET name = $2::text,"
    " category = $3::conversation_status_category, updated_at = now()"
    " WHERE id = $1::int RETURNING " STATUS_JSON "::text",
    3, 0};

enum app_err store_status_update(struct db *db, struct arena *a, int64_t id, const char *name,
                                 const char *category, const char **json, size_t *len)
{
    const char *p[] = {store_i64(a, id), name, category};
    return store_json_found(db, a, &update_stmt, p, json, len);
}

/* $1 id; the conversations' foreign key refuses a status in use (23503). */
static const struct db_stmt delete_stmt = {
    "status_delete", "DELETE FROM conversation_statuses WHERE id = $1::int RETURNING id", 1, 0};

enum app_err store_status_delete(struct db *db, struct arena *a, int64_t id)
{
    const char *p[] = {store_i64(a, id)};
    return store_found(db, a, &delete_stmt, p, NULL);
}
