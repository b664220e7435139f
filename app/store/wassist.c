/*
 * store/wassist.c - see wassist.h.  PostgreSQL builds the objects.
 */
#include "store/wassist.h"

#include <stdlib.h>

#include "lib/arena.h"
#include "lib/db.h"
#include "lists/query.h"
#include "store/conversations.h"
#include "store/store.h"

/*
 * One Wassist Conversation over conversations c (ct its contact, i its
 * inbox, st its status; $1 the caller).  The seed types every field but
 * id and contact as a string, so booleans are "true"/"false":
 * activeAgent is the inbox's uuid (Wassist's `agent`), isHumanTakeover
 * whether an agent is assigned, active whether the status's category is
 * not resolved, chatWindowRemainingTime the seconds left of WhatsApp's
 * 24-hour window since the contact's last message ("0" when closed).
 */
#define WASSIST_OBJECT                                                                             \
    "json_build_object('id', c.uuid, 'contact', json_build_object('phoneNumber',"                  \
    " coalesce(ct.phone_number_country_code, '') || coalesce(ct.phone_number, ''), 'name',"        \
    " nullif(btrim(ct.first_name || ' ' || coalesce(ct.last_name, '')), '')),"                     \
    " 'activeAgent', i.uuid::text,"                                                                \
    " 'chatWindowRemainingTime', greatest(0, 86400 - coalesce(floor(extract(epoch FROM"            \
    "  now() - (SELECT max(im.created_at) FROM conversation_messages im"                           \
    "  WHERE im.conversation_id = c.id AND im.type = 'incoming'))), 86400))::bigint::text,"        \
    " 'lastMessage', coalesce(c.last_message, ''),"                                                \
    " 'isHumanTakeover', (c.assigned_user_id IS NOT NULL)::text,"                                  \
    " 'active', (st.category <> 'resolved')::text,"                                                \
    " 'status', st.name, 'lastMessageAt', c.last_message_at,"                                      \
    " 'unreadCount', (SELECT count(*) FROM (SELECT 1 FROM conversation_messages um"                \
    "  WHERE um.conversation_id = c.id AND um.type <> 'activity' AND um.created_at >"              \
    "  coalesce((SELECT ls.last_seen_at FROM conversation_last_seen ls"                            \
    "  WHERE ls.conversation_id = c.id AND ls.user_id = $1::bigint), 'epoch') LIMIT 10) u),"       \
    " 'assignedAgentId', c.assigned_user_id, 'createdAt', c.created_at)"

#define WASSIST_JOINS                                                                              \
    " JOIN users ct ON ct.id = c.contact_id JOIN inboxes i ON i.id = c.inbox_id"                   \
    " JOIN conversation_statuses st ON st.id = c.status_id"

/* $1 the caller, $2 the page's ids ("{1,2,3}"): their objects, in that order. */
static const struct db_stmt items_stmt = {"wassist_items",
                                          "SELECT coalesce(json_agg(" WASSIST_OBJECT
                                          " ORDER BY p.ord), '[]')::text"
                                          " FROM unnest($2::bigint[]) WITH ORDINALITY p(id, ord)"
                                          " JOIN conversations c ON c.id = p.id" WASSIST_JOINS,
                                          2, 1};

enum app_err store_wassist_list(struct db *db, struct arena *a, const struct cq_query *q,
                                int64_t *total, const char **results, size_t *len)
{
    const char *ids;
    enum app_err e = store_conversations_ids(db, a, q, total, &ids);

    *results = "[]";
    *len = 2;
    if (e != APP_OK || ids == NULL)
        return e;
    const char *params[2] = {q->params[0], ids};
    e = store_json(db, a, &items_stmt, params, results, len);
    if (e == APP_OK && *results == NULL)
        return APP_ERR_INTERNAL;
    return e;
}

/* $1 the caller, $2 the conversation id. */
static const struct db_stmt one_stmt = {
    "wassist_conversation",
    "SELECT " WASSIST_OBJECT "::text FROM conversations c" WASSIST_JOINS " WHERE c.id = $2::bigint",
    2, 1};

enum app_err store_wassist_conversation(struct db *db, struct arena *a, int64_t id, int64_t user_id,
                                        const char **json, size_t *len)
{
    const char *params[2] = {store_i64(a, user_id), store_i64(a, id)};
    return store_json_found(db, a, &one_stmt, params, json, len);
}

/* One message over conversation_messages m (s its sender, may be missing). */
#define WASSIST_MESSAGE                                                                            \
    "json_build_object('id', m.uuid, 'content', coalesce(m.text_content, m.content, ''), "         \
    "'direction',"                                                                                 \
    " CASE WHEN m.type = 'incoming' THEN 'inbound' ELSE 'outbound' END, 'sender',"                 \
    " m.sender_type, 'senderName', nullif(btrim(coalesce(s.first_name, '') || ' ' ||"              \
    " coalesce(s.last_name, '')), ''), 'private', m.private, 'status', m.status, 'createdAt',"     \
    " m.created_at)"

/* $1 conversation id, $2 limit, $3 offset: the count and the page. */
static const struct db_stmt messages_stmt = {
    "wassist_messages",
    "SELECT (SELECT count(*) FROM conversation_messages c WHERE c.conversation_id = $1::bigint"
    " AND c.type <> 'activity'),"
    " (SELECT coalesce(json_agg(" WASSIST_MESSAGE " ORDER BY m.created_at DESC, m.id DESC), '[]')"
    "  FROM (SELECT * FROM conversation_messages c WHERE c.conversation_id = $1::bigint"
    "  AND c.type <> 'activity' ORDER BY c.created_at DESC, c.id DESC"
    "  LIMIT $2::bigint OFFSET $3::bigint) m LEFT JOIN users s ON s.id = m.sender_id)::text",
    3, 1};

enum app_err store_wassist_messages(struct db *db, struct arena *a, int64_t conv_id, int64_t limit,
                                    int64_t offset, int64_t *total, const char **json, size_t *len)
{
    const char *params[3] = {store_i64(a, conv_id), store_i64(a, limit), store_i64(a, offset)};
    struct db_res *res;
    enum app_err e = db_run(db, a, &messages_stmt, params, &res);

    *total = 0;
    *json = NULL;
    *len = 0;
    if (e != APP_OK)
        return e;
    if (db_ntuples(res) != 1 || db_value(res, 0, 0) == NULL || db_value(res, 0, 1) == NULL)
        return APP_ERR_INTERNAL;
    *total = strtoll(db_value(res, 0, 0), NULL, 10);
    *json = db_value(res, 0, 1);
    *len = (size_t)db_length(res, 0, 1);
    return APP_OK;
}

/* $1 message id. */
static const struct db_stmt message_stmt = {
    "wassist_message",
    "SELECT " WASSIST_MESSAGE "::text FROM conversation_messages m"
    " LEFT JOIN users s ON s.id = m.sender_id WHERE m.id = $1::bigint",
    1, 1};

enum app_err store_wassist_message(struct db *db, struct arena *a, int64_t id, const char **json,
                                   size_t *len)
{
    return store_json_by_id(db, a, &message_stmt, id, json, len);
}

/* $1 inbox uuid: the live inbox's id (Wassist's agentId names the inbox). */
static const struct db_stmt inbox_stmt = {
    "wassist_inbox", "SELECT id FROM inboxes WHERE uuid = $1::uuid AND deleted_at IS NULL", 1, 0};

enum app_err store_wassist_inbox(struct db *db, struct arena *a, const char *uuid, int64_t *id)
{
    const char *p[] = {uuid};
    return store_found_i64(db, a, &inbox_stmt, p, id);
}

/* $1 conversation id: 1 while its status's category is not resolved, else 0. */
static const struct db_stmt active_stmt = {
    "wassist_active",
    "SELECT (st.category <> 'resolved')::int FROM conversations c"
    " JOIN conversation_statuses st ON st.id = c.status_id WHERE c.id = $1::bigint",
    1, 0};

enum app_err store_wassist_active(struct db *db, struct arena *a, int64_t id, int *active)
{
    const char *p[] = {store_i64(a, id)};
    int64_t v = 0;
    enum app_err e = p[0] ? store_found_i64(db, a, &active_stmt, p, &v) : APP_ERR_INTERNAL;
    *active = v != 0;
    return e;
}
