/*
 * store/messages.c - messages of a conversation.
 */
#include "store/messages.h"

#include <stdlib.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/db.h"
#include "lib/jsonw.h"
#include "lib/sbuf.h"
#include "lists/items.h"
#include "lists/query.h"
#include "store/queries.h"
#include "store/user_sql.h"

/*
 * A page of a conversation's messages, newest first, with the total:
 * $1 conversation id, $2 private (NULL = any), $3 types ("{incoming,...}",
 * NULL = any), $4 limit, $5 offset.  Each row: total, message JSON.
 */
const struct db_stmt STMT_MESSAGES_PAGE[1] = {
    {"messages_page",
     "SELECT count(*) OVER (), " MESSAGE_JSON " FROM conversation_messages m"
     " JOIN conversations c ON c.id = m.conversation_id"
     " LEFT JOIN users u ON u.id = m.sender_id"
     " WHERE m.conversation_id = $1::bigint"
     " AND ($2::boolean IS NULL OR m.private = $2::boolean)"
     " AND ($3::text[] IS NULL OR m.type::text = ANY($3::text[]))"
     " ORDER BY m.created_at DESC, m.id DESC"
     " LIMIT $4::bigint OFFSET $5::bigint",
     5, 1}};

const struct db_stmt STMT_MESSAGES_COUNT[1] = {
    {"messages_count",
     "SELECT count(*) FROM conversation_messages m"
     " WHERE m.conversation_id = $1::bigint"
     " AND ($2::boolean IS NULL OR m.private = $2::boolean)"
     " AND ($3::text[] IS NULL OR m.type::text = ANY($3::text[]))",
     3, 1}};

const struct db_stmt STMT_MESSAGE_JSON[1] = {
    {"message_json",
     "SELECT " MESSAGE_JSON " FROM conversation_messages m"
     " JOIN conversations c ON c.id = m.conversation_id"
     " LEFT JOIN users u ON u.id = m.sender_id WHERE m.id = $1::bigint",
     1, 1}};

/* The message by uuid: its id and its conversation's id. */
const struct db_stmt STMT_MESSAGE_OF[1] = {{"message_of",
                                            "SELECT id, conversation_id FROM conversation_messages"
                                            " WHERE uuid = $1::uuid",
                                            1, 1}};

const struct db_stmt STMT_MESSAGE_INSERT[1] = {
    {"message_insert",
     "INSERT INTO conversation_messages (type, status, private,"
     " conversation_id, content_type, content, text_content, sender_id,"
     " sender_type, meta) VALUES ($2::message_type, $3::message_status,"
     " $4::boolean, $1::bigint, 'html', $5::text, $6::text, $7::int,"
     " $8::message_sender_type, $9::jsonb) RETURNING id",
     9, 0}};

/*
 * The conversation's bookkeeping after a message ($2 sender type, $3
 * preview, $4 private, $5 sender id): notes are internal and leave the
 * customer-facing fields alone; a contact message starts the wait, an
 * agent reply ends it and sets first/last reply.
 */
const struct db_stmt STMT_CONV_AFTER_MESSAGE[1] = {
    {"conv_after_message",
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
     5, 0}};

/* $4 'agent' or 'team', $5 its id: only existing agents and teams are mentioned. */
const struct db_stmt STMT_MENTION_INSERT[1] = {
    {"mention_insert",
     "INSERT INTO conversation_mentions (conversation_id, message_id,"
     " mentioned_user_id, mentioned_team_id, mentioned_by_user_id)"
     " SELECT $1::bigint, $2::bigint,"
     " CASE WHEN $4::text = 'agent' THEN $5::int END,"
     " CASE WHEN $4::text = 'team' THEN $5::int END, $3::int"
     " WHERE ($4::text = 'agent' AND EXISTS (SELECT 1 FROM users"
     "  WHERE id = $5::int AND type = 'agent' AND deleted_at IS NULL))"
     " OR ($4::text = 'team' AND EXISTS (SELECT 1 FROM teams"
     "  WHERE id = $5::int))",
     5, 0}};

const struct db_stmt STMT_PARTICIPANT_INSERT[1] = {
    {"participant_insert",
     "INSERT INTO conversation_participants (user_id, conversation_id)"
     " VALUES ($2::int, $1::bigint) ON CONFLICT DO NOTHING",
     2, 0}};

/* Only the caller's own failed outgoing reply in that conversation goes back to pending. */
const struct db_stmt STMT_MESSAGE_RETRY[1] = {
    {"message_retry",
     "UPDATE conversation_messages SET status = 'pending', updated_at = now()"
     " WHERE uuid = $1::uuid AND conversation_id = $2::bigint"
     " AND sender_id = $3::int AND sender_type = 'agent'"
     " AND type = 'outgoing' AND status = 'failed'",
     3, 0}};

/* The steps of storing a message, inside the caller's transaction. */
enum app_err message_store(struct db *db, struct arena *a, const struct q_message_new *m,
                           const char **msg_id)
{
    struct db_res *res;
    const char *ins[9] = {m->conv_id, m->type,      m->status,      m->private_s, m->content,
                          m->text,    m->sender_id, m->sender_type, m->meta};
    enum app_err e = db_run(db, a, STMT_MESSAGE_INSERT, ins, &res);
    if (e == APP_OK)
        *msg_id = db_value(res, 0, 0);
    if (e == APP_OK) {
        const char *upd[5] = {m->conv_id, m->sender_type, m->preview, m->private_s, m->sender_id};
        e = db_run(db, a, STMT_CONV_AFTER_MESSAGE, upd, NULL);
    }
    for (size_t i = 0; e == APP_OK && i < m->nmentions; i++) {
        const char *men[5] = {m->conv_id, *msg_id, m->sender_id, m->mention_types[i],
                              m->mention_ids[i]};
        e = db_run(db, a, STMT_MENTION_INSERT, men, NULL);
    }
    if (e == APP_OK && m->nattachments > 0) {
        const char *lp[2] = {m->attachments, *msg_id};
        long rows;
        e = store_one(db, a, STMT_MEDIA_LINK, lp, NULL, &rows);
        if (e == APP_OK && rows != (long)m->nattachments)
            e = APP_ERR_CONFLICT; /* another message took one since the handler looked */
    }
    if (e == APP_OK && m->add_participant) {
        const char *par[2] = {m->conv_id, m->sender_id};
        e = db_run(db, a, STMT_PARTICIPANT_INSERT, par, NULL);
    }
    return e;
}

enum app_err q_message_send(struct db *db, struct arena *a, const struct q_message_new *m,
                            const char **msg_id)
{
    enum app_err e = db_begin(db);

    *msg_id = NULL;
    if (e != APP_OK)
        return e;
    e = message_store(db, a, m, msg_id);
    if (e == APP_OK)
        e = db_commit(db);
    if (e != APP_OK) {
        db_rollback(db);
        *msg_id = NULL;
    }
    return e;
}

enum app_err q_messages_page(struct db *db, struct arena *a, const char *conv_id,
                             const char *private_s, const char *types, int64_t limit,
                             int64_t offset, int64_t *total, const char **json, size_t *len)
{
    struct db_res *res;
    const char *lim = arena_printf(a, "%lld", (long long)limit);
    const char *off = arena_printf(a, "%lld", (long long)offset);
    const char *params[5] = {conv_id, private_s, types, lim, off};
    enum app_err e = db_run(db, a, STMT_MESSAGES_PAGE, params, &res);

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
    *json = sbuf_str(&sb);
    *len = sb.len;
    if (*json == NULL)
        return APP_ERR_TOO_LARGE;
    if (n > 0) {
        *total = strtoll(db_value(res, 0, 0), NULL, 10);
        return APP_OK;
    }
    /* Past the last page the window count is gone: count once. */
    const char *cp[3] = {conv_id, private_s, types};
    const char *count;
    e = store_one(db, a, STMT_MESSAGES_COUNT, cp, &count, NULL);
    *total = (e == APP_OK && count) ? strtoll(count, NULL, 10) : 0;
    return e;
}

enum app_err q_message_of(struct db *db, struct arena *a, const char *uuid, const char **id,
                          const char **conv_id)
{
    const char *params[1] = {uuid};
    struct db_res *res;
    enum app_err e = db_run(db, a, STMT_MESSAGE_OF, params, &res);

    *id = *conv_id = NULL;
    if (e != APP_OK || db_ntuples(res) == 0)
        return e;
    *id = db_value(res, 0, 0);
    *conv_id = db_value(res, 0, 1);
    return APP_OK;
}
