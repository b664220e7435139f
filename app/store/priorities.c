/*
 * store/priorities.c - conversation priorities.
 */
#include "store/priorities.h"

#include "lib/db.h"
#include "store/store.h"

static const struct db_stmt list_stmt = {
    "priorities_json",
    "SELECT coalesce(json_agg(json_build_object('id', id, 'created_at', created_at,"
    " 'name', name) ORDER BY id), '[]')::text FROM conversation_priorities",
    0, 1};

static struct store_cached list_cache = {&list_stmt, 0, NULL, 0};

enum app_err store_priorities_json(struct db *db, struct arena *a, int64_t version,
                                   const char **json, size_t *len)
{
    return store_cached_json(db, a, &list_cache, version, json, len);
}

/* $1 name */
static const struct db_stmt id_stmt = {
    "priority_id", "SELECT id FROM conversation_priorities WHERE name = $1::text", 1, 1};

enum app_err store_priority_id(struct db *db, struct arena *a, const char *name, int64_t *id)
{
    const char *p[] = {name};
    return store_found_i64(db, a, &id_stmt, p, id);
}
