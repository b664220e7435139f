/*
 * store/drafts.c - conversation drafts (conversation_drafts).
 */
#include "store/drafts.h"

#include "lib/db.h"
#include "store/store.h"

/* One draft, over conversation_drafts d joined to conversations c. */
#define DRAFT_JSON                                                                                 \
    "json_build_object('id', d.id, 'conversation_id', d.conversation_id,"                          \
    " 'conversation_uuid', c.uuid, 'user_id', d.user_id, 'type', d.type,"                          \
    " 'content', d.content, 'created_at', d.created_at, 'updated_at', d.updated_at,"               \
    " 'meta', d.meta)"

/* $1 user */
static const struct db_stmt list_stmt = {
    "drafts_json",
    "SELECT coalesce(json_agg(" DRAFT_JSON " ORDER BY d.updated_at DESC, d.id DESC), '[]')::text"
    " FROM conversation_drafts d JOIN conversations c ON c.id = d.conversation_id"
    " WHERE d.user_id = $1::bigint",
    1, 1};

enum app_err store_drafts_json(struct db *db, struct arena *a, int64_t user_id, const char **json,
                               size_t *len)
{
    const char *p[] = {store_i64(a, user_id)};
    return store_json_found(db, a, &list_stmt, p, json, len);
}

/* $1 conversation, $2 user, $3 type, $4 content, $5 meta */
static const struct db_stmt save_stmt = {
    "draft_save",
    "WITH d AS (INSERT INTO conversation_drafts"
    " (conversation_id, user_id, type, content, meta, updated_at)"
    " VALUES ($1::bigint, $2::bigint, $3::text, $4::text, $5::jsonb, now())"
    " ON CONFLICT (conversation_id, user_id, type) DO UPDATE"
    " SET content = EXCLUDED.content, meta = EXCLUDED.meta, updated_at = now()"
    " RETURNING *)"
    " SELECT " DRAFT_JSON "::text FROM d JOIN conversations c ON c.id = d.conversation_id",
    5, 0};

enum app_err store_draft_save(struct db *db, struct arena *a, int64_t conversation_id,
                              int64_t user_id, const char *type, const char *content,
                              const char *meta, const char **json, size_t *len)
{
    const char *p[] = {store_i64(a, conversation_id), store_i64(a, user_id), type, content, meta};
    return store_json_found(db, a, &save_stmt, p, json, len);
}

/* $1 conversation uuid, $2 user, $3 type or NULL for both */
static const struct db_stmt delete_stmt = {
    "draft_delete",
    "DELETE FROM conversation_drafts WHERE user_id = $2::bigint"
    " AND conversation_id = (SELECT id FROM conversations WHERE uuid = $1::uuid)"
    " AND ($3::text IS NULL OR type = $3::text)",
    3, 0};

enum app_err store_draft_delete(struct db *db, struct arena *a, const char *conversation_uuid,
                                int64_t user_id, const char *type)
{
    const char *p[] = {conversation_uuid, store_i64(a, user_id), type};
    return store_one(db, a, &delete_stmt, p, NULL, NULL);
}
