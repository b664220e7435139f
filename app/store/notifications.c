/*
 * store/notifications.c - an agent's in-app notifications.
 */
#include "store/notifications.h"

#include "lib/db.h"
#include "store/store.h"

/*
 * $1 conversation id, $2 message id, $3 the sender: the agents mentioned
 * in the message and the members of the teams it mentions, once each.
 */
static const struct db_stmt mentions_stmt = {
    "notifications_mentions",
    "WITH who AS (SELECT m.mentioned_user_id AS uid FROM conversation_mentions m"
    "  WHERE m.message_id = $2::bigint AND m.mentioned_user_id IS NOT NULL"
    " UNION SELECT tm.user_id FROM conversation_mentions m"
    "  JOIN team_members tm ON tm.team_id = m.mentioned_team_id"
    "  WHERE m.message_id = $2::bigint)"
    " INSERT INTO user_notifications (user_id, notification_type, title, body,"
    " conversation_id, message_id, actor_id)"
    " SELECT who.uid, 'mention', left(trim(s.first_name || ' ' || coalesce(s.last_name, ''))"
    "  || ' mentioned you in #' || cv.reference_number, 500),"
    " left(msg.text_content, 2000), cv.id, msg.id, $3::int"
    " FROM who JOIN users u ON u.id = who.uid AND u.type = 'agent' AND u.deleted_at IS NULL"
    " JOIN conversations cv ON cv.id = $1::bigint"
    " JOIN conversation_messages msg ON msg.id = $2::bigint"
    " JOIN users s ON s.id = $3::int"
    " WHERE who.uid <> $3::int ORDER BY who.uid",
    3, 0};

enum app_err store_notifications_for_mentions(struct db *db, struct arena *a, int64_t conv_id,
                                              int64_t msg_id, int64_t sender_id)
{
    const char *p[] = {store_i64(a, conv_id), store_i64(a, msg_id), store_i64(a, sender_id)};
    return store_one(db, a, &mentions_stmt, p, NULL, NULL);
}

/* One notification as upstream returns it, over user_notifications n. */
#define NOTIFICATION_JSON                                                                          \
    "json_build_object('id', n.id, 'created_at', n.created_at, 'updated_at', n.updated_at,"        \
    " 'user_id', n.user_id, 'notification_type', n.notification_type, 'title', n.title,"           \
    " 'body', n.body, 'is_read', n.is_read, 'conversation_id', n.conversation_id,"                 \
    " 'message_id', n.message_id, 'actor_id', n.actor_id, 'meta', n.meta,"                         \
    " 'actor_first_name', u.first_name, 'actor_last_name', u.last_name,"                           \
    " 'actor_avatar_url', u.avatar_url, 'conversation_uuid', c.uuid,"                              \
    " 'message_uuid', m.uuid)"

/* $1 user id, $2 limit, $3 offset */
static const struct db_stmt list_stmt = {
    "notifications_list",
    "SELECT coalesce(json_agg(" NOTIFICATION_JSON " ORDER BY n.created_at DESC, n.id DESC),"
    " '[]')::text FROM (SELECT * FROM user_notifications WHERE user_id = $1::int"
    "  ORDER BY created_at DESC, id DESC LIMIT $2::int OFFSET $3::int) n"
    " LEFT JOIN users u ON u.id = n.actor_id"
    " LEFT JOIN conversations c ON c.id = n.conversation_id"
    " LEFT JOIN conversation_messages m ON m.id = n.message_id",
    3, 1};

enum app_err store_notifications_json(struct db *db, struct arena *a, int64_t user_id,
                                      int64_t limit, int64_t offset, const char **json, size_t *len)
{
    const char *p[] = {store_i64(a, user_id), store_i64(a, limit), store_i64(a, offset)};
    return store_json(db, a, &list_stmt, p, json, len);
}

/* $1 user id */
static const struct db_stmt stats_stmt = {
    "notifications_stats",
    "SELECT format('{\"unread_count\":%s,\"total_count\":%s}',"
    " count(*) FILTER (WHERE NOT is_read), count(*)) FROM user_notifications"
    " WHERE user_id = $1::int",
    1, 1};

enum app_err store_notifications_stats_json(struct db *db, struct arena *a, int64_t user_id,
                                            const char **json, size_t *len)
{
    const char *p[] = {store_i64(a, user_id)};
    return store_json_found(db, a, &stats_stmt, p, json, len);
}

/* $1 id, $2 user id */
static const struct db_stmt read_stmt = {
    "notification_read",
    "UPDATE user_notifications SET is_read = true, updated_at = now()"
    " WHERE id = $1::int AND user_id = $2::int RETURNING id",
    2, 0};

enum app_err store_notification_read(struct db *db, struct arena *a, int64_t id, int64_t user_id)
{
    const char *p[] = {store_i64(a, id), store_i64(a, user_id)};
    return store_found(db, a, &read_stmt, p, NULL);
}

/* $1 user id */
static const struct db_stmt read_all_stmt = {
    "notifications_read_all",
    "UPDATE user_notifications SET is_read = true, updated_at = now()"
    " WHERE user_id = $1::int AND NOT is_read",
    1, 0};

enum app_err store_notifications_read_all(struct db *db, struct arena *a, int64_t user_id)
{
    const char *p[] = {store_i64(a, user_id)};
    return store_one(db, a, &read_all_stmt, p, NULL, NULL);
}

/* $1 id, $2 user id */
static const struct db_stmt delete_stmt = {
    "notification_delete",
    "DELETE FROM user_notifications WHERE id = $1::int AND user_id = $2::int RETURNING id", 2, 0};

enum app_err store_notification_delete(struct db *db, struct arena *a, int64_t id, int64_t user_id)
{
    const char *p[] = {store_i64(a, id), store_i64(a, user_id)};
    return store_found(db, a, &delete_stmt, p, NULL);
}

/* $1 user id */
static const struct db_stmt delete_all_stmt = {
    "notifications_delete_all", "DELETE FROM user_notifications WHERE user_id = $1::int", 1, 0};

enum app_err store_notifications_delete_all(struct db *db, struct arena *a, int64_t user_id)
{
    const char *p[] = {store_i64(a, user_id)};
    return store_one(db, a, &delete_all_stmt, p, NULL, NULL);
}
