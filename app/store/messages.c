/*
 * store/messages.c - messages of a conversation.
 */
#include "store/messages.h"

#include <stdlib.h>
#include <string.h>

#include "lib/db.h"
#include "lib/sbuf.h"
#include "store/automation.h"
#include "store/media.h"
#include "store/notifications.h"
#include "store/sla.h"
#include "store/store.h"

/*
 * One message (reference §8), over conversation_messages m, its conversation
 * c and its sender u; attachments are the media linked to the message.  No
 * thumbnails are made: an image's thumbnail_url is the image itself.
 */
#define MESSAGE_JSON                                                                               \
    "json_build_object('id', m.id, 'created_at', m.created_at, 'updated_at', m.updated_at,"        \
    " 'uuid', m.uuid, 'type', m.type, 'status', m.status, 'conversation_id', m.conversation_id,"   \
    " 'conversation_uuid', c.uuid, 'content', m.content, 'text_content', m.text_content,"          \
    " 'content_type', m.content_type, 'private', m.private, 'sender_id', m.sender_id,"             \
    " 'sender_type', m.sender_type, 'meta', m.meta,"                                               \
    " 'attachments', coalesce((SELECT json_agg(json_build_object('name', md.filename,"             \
    "  'size', md.size, 'content', NULL, 'content_id', md.content_id,"                             \
    "  'content_type', md.content_type, 'disposition', md.disposition, 'uuid', md.uuid,"           \
    "  'url', '/uploads/' || md.uuid, 'thumbnail_url', CASE WHEN md.content_type LIKE 'image/%'"   \
    "  AND md.content_type <> 'image/svg+xml' THEN '/uploads/' || md.uuid END)"                    \
    "  ORDER BY md.id) FROM media md"                                                              \
    "  WHERE md.model_type = 'messages' AND md.model_id = m.id), '[]'),"                           \
    " 'author', json_build_object('id', u.id, 'first_name', u.first_name,"                         \
    "  'last_name', coalesce(u.last_name, ''), 'email', u.email, 'avatar_url', u.avatar_url,"      \
    "  'availability_status', u.availability_status, 'type', u.type,"                              \
    "  'last_active_at', u.last_active_at))::text"

/*
 * $1 conversation id, $2 type, $3 status, $4 private, $5 HTML, $6 text,
 * $7 sender id, $8 sender type, $9 meta.
 */
static const struct db_stmt insert_stmt = {
    "message_insert",
    "INSERT INTO conversation_messages (type, status, private,"
    " conversation_id, content_type, content, text_content, sender_id,"
    " sender_type, meta) VALUES ($2::message_type, $3::message_status,"
    " $4::boolean, $1::bigint, 'html', $5::text, $6::text, $7::int,"
    " $8::message_sender_type, $9::jsonb) RETURNING id",
    9, 0};

/*
 * The conversation's bookkeeping after a message ($1 conversation id, $2
 * sender type, $3 preview, $4 private, $5 sender id): notes are internal and leave the
 * customer-facing fields alone; a contact message starts the wait, an
 * agent reply ends it and sets first/last reply.
 */
static const struct db_stmt after_stmt = {
    "conv_after_message",
    "UPDATE conversations SET updated_at = now(),"
    " last_message = CASE WHEN $4::boolean THEN last_message"
    "  ELSE $3::text END,"
    " last_message_at = CASE WHEN $4::boolean THEN last_message_at"
    "  ELSE now() END,"
    " last_message_sender = CASE WHEN $4::boolean"
    "  THEN last_message_sender ELSE $2::message_sender_type END,"
    " last_message_sender_id = CASE WHEN $4::boolean"
    "  THEN last_message_sender_id ELSE $5::int END,"
    " last_interaction = CASE WHEN $4::boolean THEN last_interaction"
    "  ELSE $3::text END,"
    " last_interaction_at = CASE WHEN $4::boolean"
    "  THEN last_interaction_at ELSE now() END,"
    " last_interaction_sender = CASE WHEN $4::boolean"
    "  THEN last_interaction_sender ELSE $2::message_sender_type END,"
    " last_interaction_sender_id = CASE WHEN $4::boolean"
    "  THEN last_interaction_sender_id ELSE $5::int END,"
    " waiting_since = CASE WHEN $4::boolean THEN waiting_since"
    "  WHEN $2::text = 'contact' THEN coalesce(waiting_since, now())"
    "  ELSE NULL END,"
    " first_reply_at = CASE WHEN NOT $4::boolean AND $2::text = 'agent'"
    "  THEN coalesce(first_reply_at, now()) ELSE first_reply_at END,"
    " last_reply_at = CASE WHEN NOT $4::boolean AND $2::text = 'agent'"
    "  THEN now() ELSE last_reply_at END"
    " WHERE id = $1::bigint",
    5, 0};

/*
 * $1 conversation id, $2 message id, $3 the sender, $4 'agent' or 'team',
 * $5 its id: only existing agents and teams are mentioned.
 */
static const struct db_stmt mention_stmt = {
    "mention_insert",
    "INSERT INTO conversation_mentions (conversation_id, message_id,"
    " mentioned_user_id, mentioned_team_id, mentioned_by_user_id)"
    " SELECT $1::bigint, $2::bigint,"
    " CASE WHEN $4::text = 'agent' THEN $5::int END,"
    " CASE WHEN $4::text = 'team' THEN $5::int END, $3::int"
    " WHERE ($4::text = 'agent' AND EXISTS (SELECT 1 FROM users"
    "  WHERE id = $5::int AND type = 'agent' AND deleted_at IS NULL))"
    " OR ($4::text = 'team' AND EXISTS (SELECT 1 FROM teams"
    "  WHERE id = $5::int))",
    5, 0};

/* $1 conversation id, $2 user id */
static const struct db_stmt participant_stmt = {
    "participant_insert",
    "INSERT INTO conversation_participants (user_id, conversation_id)"
    " VALUES ($2::int, $1::bigint) ON CONFLICT DO NOTHING",
    2, 0};

enum app_err store_message_add(struct db *db, struct arena *a, const struct store_message_new *m,
                               int64_t *msg_id)
{
    const char *conv = store_i64(a, m->conv_id), *sender = store_i64(a, m->sender_id);
    const char *priv = store_bool(m->is_private);
    const char *ins[] = {conv,    m->type, m->status,      priv,   m->content,
                         m->text, sender,  m->sender_type, m->meta};
    enum app_err e = store_found_i64(db, a, &insert_stmt, ins, msg_id);
    const char *id = e == APP_OK ? store_i64(a, *msg_id) : NULL;

    if (e == APP_ERR_NOT_FOUND)
        e = APP_ERR_INTERNAL; /* an insert that returns its row */
    if (e == APP_OK) {
        const char *upd[] = {conv, m->sender_type, m->preview, priv, sender};
        e = store_one(db, a, &after_stmt, upd, NULL, NULL);
    }
    for (size_t i = 0; e == APP_OK && i < m->nmentions; i++) {
        const char *men[] = {conv, id, sender, m->mention_types[i],
                             store_i64(a, m->mention_ids[i])};
        e = store_one(db, a, &mention_stmt, men, NULL, NULL);
    }
    if (e == APP_OK && m->nmentions > 0)
        e = store_notifications_for_mentions(db, a, m->conv_id, *msg_id, m->sender_id);
    if (e == APP_OK && m->nattachments > 0)
        e = store_media_link(db, a, m->attachments, m->nattachments, m->attacher, *msg_id);
    if (e == APP_OK) { /* every sender takes part, the contact too (upstream) */
        const char *par[] = {conv, sender};
        e = store_one(db, a, &participant_stmt, par, NULL, NULL);
    }
    /*
     * An agent's public reply may meet the first-response SLA (first_reply_at
     * above) and answers the open next-response event; a contact's message
     * may open one.
     */
    if (e == APP_OK && !m->is_private && m->sender_type != NULL &&
        strcmp(m->sender_type, "agent") == 0) {
        e = store_sla_settle(db, a, m->conv_id);
        if (e == APP_OK)
            e = store_sla_next_response_met(db, a, m->conv_id);
    }
    if (e == APP_OK && !m->is_private && m->sender_type != NULL &&
        strcmp(m->sender_type, "contact") == 0)
        e = store_sla_next_response_open(db, a, m->conv_id, *msg_id);
    /* A message in or a reply out is an update event of the rules. */
    if (e == APP_OK && m->type != NULL && strcmp(m->type, "incoming") == 0)
        e = store_automation_event(db, a, m->conv_id, "conversation.message.incoming");
    else if (e == APP_OK && m->type != NULL && strcmp(m->type, "outgoing") == 0 && !m->is_private)
        e = store_automation_event(db, a, m->conv_id, "conversation.message.outgoing");
    return e;
}

enum app_err store_message_send(struct db *db, struct arena *a, const struct store_message_new *m,
                                int64_t *msg_id)
{
    enum app_err e = store_begin(db);

    *msg_id = 0;
    if (e != APP_OK)
        return e;
    e = store_end(db, store_message_add(db, a, m, msg_id));
    if (e != APP_OK)
        *msg_id = 0;
    return e;
}

/* $1 conversation id, $2 private (NULL = any), $3 types (NULL = any) */
static const struct db_stmt count_stmt = {
    "messages_count",
    "SELECT count(*) FROM conversation_messages m"
    " WHERE m.conversation_id = $1::bigint"
    " AND ($2::boolean IS NULL OR m.private = $2::boolean)"
    " AND ($3::text[] IS NULL OR m.type::text = ANY($3::text[]))",
    3, 1};

/*
 * A page of a conversation's messages, newest first, with the total:
 * $1 conversation id, $2 private (NULL = any), $3 types ("{incoming,...}",
 * NULL = any), $4 limit, $5 offset.  Each row: total, message JSON.
 */
static const struct db_stmt page_stmt = {
    "messages_page",
    "SELECT count(*) OVER (), " MESSAGE_JSON " FROM conversation_messages m"
    " JOIN conversations c ON c.id = m.conversation_id"
    " LEFT JOIN users u ON u.id = m.sender_id"
    " WHERE m.conversation_id = $1::bigint"
    " AND ($2::boolean IS NULL OR m.private = $2::boolean)"
    " AND ($3::text[] IS NULL OR m.type::text = ANY($3::text[]))"
    " ORDER BY m.created_at DESC, m.id DESC"
    " LIMIT $4::bigint OFFSET $5::bigint",
    5, 1};

/* The types as a text[] literal "{incoming,...}" (NULL if there are none). */
static const char *types_literal(struct arena *a, const char *const *types, size_t n)
{
    struct sbuf sb;

    if (n == 0)
        return NULL;
    sbuf_init(&sb, a);
    for (size_t i = 0; i < n; i++) {
        sbuf_add(&sb, i ? "," : "{");
        sbuf_add(&sb, types[i]);
    }
    sbuf_add(&sb, "}");
    return sbuf_str(&sb);
}

enum app_err store_messages_page(struct db *db, struct arena *a, int64_t conv_id, int is_private,
                                 const char *const *types, size_t ntypes, int64_t limit,
                                 int64_t offset, int64_t *total, const char **json, size_t *len)
{
    struct db_res *res;
    const char *conv = store_i64(a, conv_id), *tl = types_literal(a, types, ntypes);
    const char *priv = is_private < 0 ? NULL : store_bool(is_private);
    const char *params[] = {conv, priv, tl, store_i64(a, limit), store_i64(a, offset)};

    *total = 0;
    *json = NULL;
    *len = 0;
    if (ntypes > 0 && tl == NULL)
        return APP_ERR_INTERNAL;
    enum app_err e = db_run(db, a, &page_stmt, params, &res);
    if (e != APP_OK)
        return e;
    int n = db_ntuples(res);
    struct sbuf sb;
    sbuf_init(&sb, a);
    sbuf_addn(&sb, "[", 1);
    for (int i = 0; i < n; i++) {
        if (i)
            sbuf_addn(&sb, ",", 1);
        sbuf_addn(&sb, db_value(res, i, 1), db_length(res, i, 1));
    }
    sbuf_addn(&sb, "]", 1);
    if ((*json = sbuf_str(&sb)) == NULL)
        return APP_ERR_INTERNAL;
    *len = sb.len;
    if (n > 0) {
        *total = strtoll(db_value(res, 0, 0), NULL, 10);
        return APP_OK;
    }
    /* Past the last page the window count is gone: count once. */
    const char *cp[] = {conv, priv, tl};
    e = store_found_i64(db, a, &count_stmt, cp, total);
    return e == APP_ERR_NOT_FOUND ? APP_ERR_INTERNAL : e; /* a count always returns its row */
}

/* $1 id */
static const struct db_stmt json_stmt = {
    "message_json",
    "SELECT " MESSAGE_JSON " FROM conversation_messages m"
    " JOIN conversations c ON c.id = m.conversation_id"
    " LEFT JOIN users u ON u.id = m.sender_id WHERE m.id = $1::bigint",
    1, 1};

enum app_err store_message_json(struct db *db, struct arena *a, int64_t id, const char **json,
                                size_t *len)
{
    return store_json_by_id(db, a, &json_stmt, id, json, len);
}

/* $1 uuid: the message's id and its conversation's. */
static const struct db_stmt of_stmt = {"message_of",
                                       "SELECT id, conversation_id FROM conversation_messages"
                                       " WHERE uuid = $1::uuid",
                                       1, 1};

enum app_err store_message_of(struct db *db, struct arena *a, const char *uuid, int64_t *id,
                              int64_t *conv_id)
{
    const char *p[] = {uuid};
    struct db_res *res;
    enum app_err e = db_run(db, a, &of_stmt, p, &res);

    *id = *conv_id = 0;
    if (e != APP_OK)
        return e;
    if (db_ntuples(res) == 0)
        return APP_ERR_NOT_FOUND;
    *id = strtoll(db_value(res, 0, 0), NULL, 10);
    *conv_id = strtoll(db_value(res, 0, 1), NULL, 10);
    return APP_OK;
}

/*
 * $1 uuid, $2 conversation id, $3 the caller: only the caller's own failed
 * outgoing reply in that conversation goes back to pending.
 */
static const struct db_stmt retry_stmt = {
    "message_retry",
    "UPDATE conversation_messages SET status = 'pending', updated_at = now()"
    " WHERE uuid = $1::uuid AND conversation_id = $2::bigint"
    " AND sender_id = $3::int AND sender_type = 'agent'"
    " AND type = 'outgoing' AND status = 'failed'",
    3, 0};

enum app_err store_message_retry(struct db *db, struct arena *a, const char *uuid, int64_t conv_id,
                                 int64_t user_id)
{
    const char *p[] = {uuid, store_i64(a, conv_id), store_i64(a, user_id)};
    return store_found(db, a, &retry_stmt, p, NULL);
}
