/*
 * store/tags.c - the tags conversations can carry.
 */
#include "store/tags.h"

#include "lib/db.h"
#include "store/store.h"

/* One tag as upstream shows it, over tags. */
#define TAG_JSON                                                                                   \
    "json_build_object('id', id, 'created_at', created_at, 'updated_at', updated_at,"              \
    " 'name', name)"

static const struct db_stmt list_stmt = {
    "tags_json", "SELECT coalesce(json_agg(" TAG_JSON " ORDER BY name, id), '[]')::text FROM tags",
    0, 1};

enum app_err store_tags_json(struct db *db, struct arena *a, const char **json, size_t *len)
{
    return store_json(db, a, &list_stmt, NULL, json, len);
}

/* $1 name */
static const struct db_stmt create_stmt = {
    "tag_create", "INSERT INTO tags (name) VALUES ($1::text) RETURNING " TAG_JSON "::text", 1, 0};

enum app_err store_tag_create(struct db *db, struct arena *a, const char *name, const char **json,
                              size_t *len)
{
    const char *p[] = {name};
    return store_json_found(db, a, &create_stmt, p, json, len);
}

/* $1 id, $2 name */
static const struct db_stmt update_stmt = {"tag_update",
                                           "UPDATE tags SET name = $2::text, updated_at = now()"
                                           " WHERE id = $1::int RETURNING " TAG_JSON "::text",
                                           2, 0};

enum app_err store_tag_update(struct db *db, struct arena *a, int64_t id, const char *name,
                              const char **json, size_t *len)
{
    const char *p[] = {store_i64(a, id), name};
    return store_json_found(db, a, &update_stmt, p, json, len);
}

/* $1 id; conversation_tags rows go with it (ON DELETE CASCADE). */
static const struct db_stmt delete_stmt = {
    "tag_delete", "DELETE FROM tags WHERE id = $1::int RETURNING id", 1, 0};

enum app_err store_tag_delete(struct db *db, struct arena *a, int64_t id)
{
    const char *p[] = {store_i64(a, id)};
    return store_found(db, a, &delete_stmt, p, NULL);
}
