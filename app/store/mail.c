/*
 * store/mail.c - see mail.h.
 */
#include "store/mail.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/arena.h"
#include "lib/db.h"
#include "lib/log.h"
#include "lib/sbuf.h"
#include "store/automation.h"
#include "store/media.h"
#include "store/messages.h"
#include "store/sla.h"
#include "store/store.h"

/* A text[] literal of the n strings, each quoted (arena); NULL if the arena refused. */
static const char *text_array(struct arena *a, const char *const *v, size_t n)
{
    struct sbuf sb;
    sbuf_init(&sb, a);
    sbuf_add(&sb, "{");
    for (size_t i = 0; i < n; i++) {
        sbuf_add(&sb, i ? ",\"" : "\"");
        for (const char *p = v[i]; *p; p++) {
            if (*p == '"' || *p == '\\')
                sbuf_addn(&sb, "\\", 1);
            sbuf_addn(&sb, p, 1);
        }
        sbuf_add(&sb, "\"");
    }
    sbuf_add(&sb, "}");
    return sbuf_str(&sb);
}

static const struct db_stmt inboxes_stmt = {
    "mail_inboxes",
    "SELECT id, uuid, coalesce(\"from\", ''), config::text FROM inboxes"
    " WHERE channel = 'email' AND enabled AND deleted_at IS NULL ORDER BY id LIMIT $1::int",
    1, 1};

enum app_err store_mail_inboxes(struct db *db, struct arena *a, size_t max,
                                struct store_mail_inbox *out, size_t *n)
{
    const char *p[] = {store_i64(a, (int64_t)max)};
    struct db_res *res;
    enum app_err e = db_run(db, a, &inboxes_stmt, p, &res);

    *n = 0;
    if (e != APP_OK)
        return e;
    for (int i = 0; i < db_ntuples(res) && *n < max; i++) {
        struct store_mail_inbox *x = &out[(*n)++];
        x->id = strtoll(db_value(res, i, 0), NULL, 10);
        x->uuid = db_value(res, i, 1);
        x->from = db_value(res, i, 2);
        x->config = db_value(res, i, 3);
    }
    return APP_OK;
}

/* $1 inbox, $2 mailbox, $3 uidvalidity, $4 start uid */
static const struct db_stmt mailbox_stmt = {
    "mail_mailbox",
    "INSERT INTO deskd_mail_mailboxes (inbox_id, mailbox, uid_validity, last_uid)"
    " VALUES ($1::int, $2::text, $3::bigint, $4::bigint)"
    " ON CONFLICT (inbox_id, mailbox) DO UPDATE SET uid_validity = EXCLUDED.uid_validity,"
    " last_uid = CASE WHEN deskd_mail_mailboxes.uid_validity = EXCLUDED.uid_validity"
    "  THEN deskd_mail_mailboxes.last_uid ELSE EXCLUDED.last_uid END,"
    " updated_at = CASE WHEN deskd_mail_mailboxes.uid_validity = EXCLUDED.uid_validity"
    "  THEN deskd_mail_mailboxes.updated_at ELSE now() END"
    " RETURNING last_uid",
    4, 0};

/* $1 inbox, $2 mailbox, $3 uidvalidity */
static const struct db_stmt mailbox_get_stmt = {
    "mail_mailbox_get",
    "SELECT last_uid FROM deskd_mail_mailboxes WHERE inbox_id = $1::int AND mailbox = $2::text"
    " AND uid_validity = $3::bigint",
    3, 1};

enum app_err store_mail_mailbox(struct db *db, struct arena *a, int64_t inbox_id,
                                const char *mailbox, int64_t uidvalidity, int64_t start_uid,
                                int64_t *last_uid)
{
    const char *p[] = {store_i64(a, inbox_id), mailbox, store_i64(a, uidvalidity),
                       store_i64(a, start_uid < 0 ? 0 : start_uid)};
    if (start_uid < 0)
        return store_found_i64(db, a, &mailbox_get_stmt, p, last_uid);
    enum app_err e = store_found_i64(db, a, &mailbox_stmt, p, last_uid);
    return e == APP_ERR_NOT_FOUND ? APP_ERR_INTERNAL : e;
}

/* $1 inbox, $2 mailbox, $3 uidvalidity: the row locked until the transaction ends. */
static const struct db_stmt lock_stmt = {
    "mail_uid_lock",
    "SELECT last_uid FROM deskd_mail_mailboxes WHERE inbox_id = $1::int AND mailbox = $2::text"
    " AND uid_validity = $3::bigint FOR UPDATE",
    3, 0};

/* $1 inbox, $2 mailbox, $3 uid */
static const struct db_stmt advance_stmt = {
    "mail_uid_advance",
    "UPDATE deskd_mail_mailboxes SET last_uid = $3::bigint, updated_at = now()"
    " WHERE inbox_id = $1::int AND mailbox = $2::text AND last_uid < $3::bigint",
    3, 0};

/* $1 inbox, $2 Message-ID: stored already in this inbox? */
static const struct db_stmt dup_stmt = {
    "mail_duplicate",
    "SELECT 1 FROM conversation_messages m JOIN conversations c ON c.id = m.conversation_id"
    " WHERE m.source_id = $2::text AND c.inbox_id = $1::int LIMIT 1",
    2, 0};

/* $1 address (lower case), $2 first name, $3 last name: the live contact, made if need be. */
static const struct db_stmt contact_stmt = {
    "mail_contact",
    "WITH found AS (SELECT id FROM users WHERE type = 'contact' AND deleted_at IS NULL"
    "  AND lower(email) = $1::text ORDER BY (external_user_id IS NULL) DESC, id LIMIT 1),"
    " made AS (INSERT INTO users (type, email, first_name, last_name)"
    "  SELECT 'contact', $1::text, $2::text, $3::text WHERE NOT EXISTS (SELECT 1 FROM found)"
    "  ON CONFLICT DO NOTHING RETURNING id)"
    " SELECT id FROM found UNION ALL SELECT id FROM made"
    " UNION ALL SELECT id FROM users WHERE type = 'contact' AND deleted_at IS NULL"
    "  AND lower(email) = $1::text AND NOT EXISTS (SELECT 1 FROM found)"
    " LIMIT 1",
    3, 0};

/* $1 inbox, $2 thread ids (text[]): the conversation of the newest message they name. */
static const struct db_stmt by_thread_stmt = {
    "mail_conv_by_thread",
    "SELECT m.conversation_id FROM conversation_messages m"
    " JOIN conversations c ON c.id = m.conversation_id"
    " WHERE m.source_id = ANY($2::text[]) AND c.inbox_id = $1::int"
    " ORDER BY m.id DESC LIMIT 1",
    2, 0};

/* $1 inbox, $2 reference number, $3 contact */
static const struct db_stmt by_ref_stmt = {
    "mail_conv_by_ref",
    "SELECT id FROM conversations WHERE inbox_id = $1::int AND reference_number = $2::text"
    " AND contact_id = $3::bigint",
    3, 0};

/* $1 contact, $2 inbox, $3 subject: as store/conversation.c creates one (Open, "<subject> -
 * #<ref>"). */
static const struct db_stmt conv_stmt = {
    "mail_conv_create",
    "INSERT INTO conversations (reference_number, contact_id, inbox_id, status_id, subject)"
    " SELECT s.ref, $1::bigint, $2::int,"
    " (SELECT id FROM conversation_statuses WHERE name = 'Open'),"
    " CASE WHEN coalesce($3::text, '') = '' THEN '#' || s.ref ELSE $3::text || ' - #' || s.ref END"
    " FROM (SELECT nextval('conversation_reference_number_sequence')::text AS ref) s"
    " RETURNING id",
    3, 0};

/* $1 conversation: a customer writing again reopens a resolved conversation (as upstream). */
static const struct db_stmt reopen_stmt = {
    "mail_conv_reopen",
    "UPDATE conversations c SET status_id = (SELECT id FROM conversation_statuses"
    " WHERE name = 'Open'), resolved_at = NULL, closed_at = NULL, updated_at = now()"
    " FROM conversation_statuses s WHERE c.id = $1::bigint AND s.id = c.status_id"
    " AND s.category = 'resolved'",
    1, 0};

/* $1 message, $2 source id */
static const struct db_stmt source_stmt = {
    "mail_message_source",
    "UPDATE conversation_messages SET source_id = $2::text WHERE id = $1::bigint", 2, 0};

/*
 * $1 message, $2 content id, $3 media uuid: the HTML's image of that
 * Content-ID shows the stored file (the sanitiser writes src="cid:...").
 */
static const struct db_stmt cid_stmt = {
    "mail_message_cid",
    "UPDATE conversation_messages SET content = replace(content, 'src=\"cid:' || $2::text || '\"',"
    " 'src=\"/uploads/' || $3::text || '\"') WHERE id = $1::bigint",
    3, 0};

/* $1 inbox, $2 Message-ID, $3 reason: a sent reply that came back. */
static const struct db_stmt bounced_stmt = {
    "mail_bounced",
    "UPDATE conversation_messages m SET status = 'failed', updated_at = now(),"
    " meta = m.meta || jsonb_build_object('delivery_error', $3::text)"
    " FROM conversations c WHERE c.id = m.conversation_id AND c.inbox_id = $1::int"
    " AND m.source_id = $2::text AND m.type = 'outgoing' AND m.status = 'sent'",
    3, 0};

/* Cuts a display name into first and last name (arena). */
static void split_name(struct arena *a, const char *name, const char *addr, const char **first,
                       const char **last)
{
    const char *sp = name ? strrchr(name, ' ') : NULL;
    if (name == NULL || *name == '\0') {
        const char *at = strchr(addr, '@');
        *first = arena_strndup(a, addr, at ? (size_t)(at - addr) : strlen(addr));
        *last = "";
    } else if (sp != NULL && sp != name && sp[1] != '\0') {
        *first = arena_strndup(a, name, (size_t)(sp - name));
        *last = arena_strdup(a, sp + 1);
    } else {
        *first = name;
        *last = "";
    }
    if (*first && strlen(*first) > 140)
        *first = arena_strndup(a, *first, 140);
    if (*last && strlen(*last) > 140)
        *last = arena_strndup(a, *last, 140);
}

/*
 * The commit of an inbound message need not wait for the WAL flush: a
 * commit lost in a crash of PostgreSQL loses the UID with the message, so
 * the message is read again from the mailbox, never lost nor doubled.
 */
static const struct db_stmt async_stmt = {
    "mail_async_commit", "SELECT set_config('synchronous_commit', 'off', true)", 0, 0};

static enum app_err take(struct db *db, struct arena *a, const struct store_mail_in *in,
                         enum store_mail_took *took, int64_t *conv_id, int64_t *msg_id,
                         const char **uuids)
{
    const char *inbox = store_i64(a, in->inbox_id), *uid = store_i64(a, in->uid);
    const char *lk[] = {inbox, in->mailbox, store_i64(a, in->uidvalidity)};
    int64_t last;
    enum app_err e = store_one(db, a, &async_stmt, NULL, NULL, NULL);

    if (e == APP_OK)
        e = store_found_i64(db, a, &lock_stmt, lk, &last);

    if (e == APP_ERR_NOT_FOUND || (e == APP_OK && last >= in->uid)) {
        *took = STORE_MAIL_ALREADY; /* or the mailbox was renumbered meanwhile */
        return APP_OK;
    }
    if (e != APP_OK)
        return e;
    const char *adv[] = {inbox, in->mailbox, uid};
    if ((e = store_one(db, a, &advance_stmt, adv, NULL, NULL)) != APP_OK)
        return e;
    if (in->skip != NULL) {
        *took = STORE_MAIL_SKIPPED;
        if (in->bounced_id != NULL) {
            const char *bp[] = {inbox, in->bounced_id, in->bounced_reason};
            long rows = 0;
            if ((e = store_one(db, a, &bounced_stmt, bp, NULL, &rows)) != APP_OK)
                return e;
            if (rows > 0)
                *took = STORE_MAIL_BOUNCED;
        }
        return APP_OK;
    }
    if (in->message_id != NULL) {
        const char *dp[] = {inbox, in->message_id};
        int yes;
        if ((e = store_exists(db, a, &dup_stmt, dp, &yes)) != APP_OK)
            return e;
        if (yes) {
            *took = STORE_MAIL_DUPLICATE;
            return APP_OK;
        }
    }
    const char *first, *lastn;
    int64_t contact;
    split_name(a, in->from_name, in->from_addr, &first, &lastn);
    const char *cp[] = {in->from_addr, first, lastn};
    if ((e = store_found_i64(db, a, &contact_stmt, cp, &contact)) != APP_OK)
        return e == APP_ERR_NOT_FOUND ? APP_ERR_INTERNAL : e;

    *conv_id = 0;
    if (in->nthread > 0) {
        const char *tp[] = {inbox, text_array(a, in->thread, in->nthread)};
        e = store_found_i64(db, a, &by_thread_stmt, tp, conv_id);
        if (e != APP_OK && e != APP_ERR_NOT_FOUND)
            return e;
    }
    if (*conv_id == 0 && in->ref != NULL) {
        const char *rp[] = {inbox, in->ref, store_i64(a, contact)};
        e = store_found_i64(db, a, &by_ref_stmt, rp, conv_id);
        if (e != APP_OK && e != APP_ERR_NOT_FOUND)
            return e;
    }
    *took = *conv_id ? STORE_MAIL_TAKEN_REPLY : STORE_MAIL_TAKEN_NEW;
    const char *subj = in->subject;
    if (subj != NULL && strlen(subj) > 900)
        subj = arena_strndup(a, subj, 900);
    if (*conv_id == 0) {
        const char *np[] = {store_i64(a, contact), inbox, subj};
        if ((e = store_found_i64(db, a, &conv_stmt, np, conv_id)) != APP_OK)
            return e == APP_ERR_NOT_FOUND ? APP_ERR_INTERNAL : e;
    } else {
        const char *rp[] = {store_i64(a, *conv_id)};
        if ((e = store_one(db, a, &reopen_stmt, rp, NULL, NULL)) != APP_OK)
            return e;
    }
    struct store_message_new m;
    memset(&m, 0, sizeof(m));
    m.conv_id = *conv_id;
    m.type = "incoming";
    m.status = "received";
    m.content = in->html;
    m.text = in->text;
    m.preview = in->preview;
    m.sender_id = contact;
    m.sender_type = "contact";
    m.meta = in->meta;
    /* A new conversation runs its new_conversation rules, not the message's. */
    store_automation_quiet(*took == STORE_MAIL_TAKEN_NEW);
    e = store_message_add(db, a, &m, msg_id);
    store_automation_quiet(0);
    /* A new conversation gets settings' default SLA policy, if any (it has no team yet). */
    if (e == APP_OK && *took == STORE_MAIL_TAKEN_NEW)
        e = store_sla_apply(db, a, *conv_id);
    if (e == APP_OK && *took == STORE_MAIL_TAKEN_NEW)
        e = store_automation_new(db, a, *conv_id);
    if (e != APP_OK)
        return e;
    if (in->message_id != NULL) {
        const char *sp[] = {store_i64(a, *msg_id), in->message_id};
        if ((e = store_one(db, a, &source_stmt, sp, NULL, NULL)) != APP_OK)
            return e;
    }
    for (size_t i = 0; i < in->nfiles; i++) {
        in->files[i].model = "messages";
        in->files[i].model_id = *msg_id;
        if ((e = store_media_write(db, a, in->upload_dir, &in->files[i], &uuids[i])) != APP_OK)
            return e;
        if (in->files[i].content_id != NULL && strpbrk(in->files[i].content_id, "\"&<>") == NULL) {
            const char *cp2[] = {store_i64(a, *msg_id), in->files[i].content_id, uuids[i]};
            if ((e = store_one(db, a, &cid_stmt, cp2, NULL, NULL)) != APP_OK)
                return e;
        }
    }
    return APP_OK;
}

enum app_err store_mail_take(struct db *db, struct arena *a, const struct store_mail_in *in,
                             enum store_mail_took *took, int64_t *conv_id, int64_t *msg_id)
{
    const char **uuids = ARENA_NEW(a, const char *, in->nfiles + 1);
    enum app_err e;

    *conv_id = *msg_id = 0;
    *took = STORE_MAIL_ALREADY;
    if (uuids == NULL)
        return APP_ERR_INTERNAL;
    if ((e = store_begin(db)) != APP_OK)
        return e;
    e = store_end(db, take(db, a, in, took, conv_id, msg_id, uuids));
    if (e != APP_OK) {
        *conv_id = *msg_id = 0;
        for (size_t i = 0; i < in->nfiles; i++) {
            const char *path = uuids[i] ? arena_printf(a, "%s/%s", in->upload_dir, uuids[i]) : NULL;
            if (path != NULL && unlink(path) != 0 && errno != ENOENT)
                log_warn("mail: cannot remove %s", path);
        }
    }
    return e;
}

/*
 * $1 max, $2 max attempts, $3 lease seconds.  Each claimed reply as JSON:
 * {id, uuid, attempts, content, text, meta, conv_uuid, ref, subject,
 * contact_email, inbox_uuid, from, config, in_reply_to (the newest earlier
 * message with a Message-ID), refs (the Message-IDs of the conversation
 * before it, oldest first, the last 20), attachments [{uuid, name, type,
 * disposition, content_id}], from_name_template, inbox_name, agent_first,
 * agent_last (the sender's names)}.
 */
static const struct db_stmt claim_stmt = {
    "mail_claim",
    "WITH due AS (SELECT m.id, coalesce(s.attempts, 0) AS attempts FROM conversation_messages m"
    "  JOIN conversations c ON c.id = m.conversation_id JOIN inboxes i ON i.id = c.inbox_id"
    "  LEFT JOIN deskd_mail_sends s ON s.message_id = m.id"
    "  WHERE m.type = 'outgoing' AND NOT m.private AND m.status IN ('pending', 'failed')"
    "  AND i.channel = 'email' AND i.enabled AND i.deleted_at IS NULL"
    "  AND coalesce(i.config -> 'smtp' -> 0 ->> 'host', '') <> ''"
    "  AND (s.leased_until IS NULL OR s.leased_until < now())"
    "  AND (m.status = 'pending' OR (s.attempts < $2::int AND s.next_attempt_at <= now()))"
    "  ORDER BY m.id LIMIT $1::int FOR UPDATE OF m SKIP LOCKED),"
    " leased AS (INSERT INTO deskd_mail_sends (message_id, leased_until)"
    "  SELECT id, now() + make_interval(secs => $3::int) FROM due"
    "  ON CONFLICT (message_id) DO UPDATE SET leased_until = EXCLUDED.leased_until,"
    "  updated_at = now() RETURNING message_id)"
    " SELECT m.id, d.attempts, json_build_object('id', m.id, 'uuid', m.uuid,"
    "  'content', m.content, 'text', m.text_content, 'meta', m.meta,"
    "  'conv_uuid', c.uuid, 'ref', c.reference_number, 'subject', coalesce(c.subject, ''),"
    "  'contact_email', u.email, 'inbox_uuid', i.uuid, 'from', coalesce(i.\"from\", ''),"
    "  'config', i.config, 'from_name_template', coalesce(i.from_name_template, ''),"
    "  'inbox_name', i.name, 'agent_first', coalesce(ag.first_name, ''),"
    "  'agent_last', coalesce(ag.last_name, ''),"
    "  'in_reply_to', (SELECT x.source_id FROM conversation_messages x"
    "   WHERE x.conversation_id = c.id AND x.source_id IS NOT NULL AND x.id < m.id"
    "   ORDER BY x.id DESC LIMIT 1),"
    "  'refs', coalesce((SELECT json_agg(r.source_id ORDER BY r.id) FROM (SELECT x.id, x.source_id"
    "   FROM conversation_messages x WHERE x.conversation_id = c.id AND x.source_id IS NOT NULL"
    "   AND x.id < m.id ORDER BY x.id DESC LIMIT 20) r), '[]'),"
    "  'attachments', coalesce((SELECT json_agg(json_build_object('uuid', md.uuid, 'name',"
    "   md.filename, 'type', md.content_type, 'disposition', md.disposition, 'content_id',"
    "   md.content_id) ORDER BY md.id) FROM media md WHERE md.model_type = 'messages'"
    "   AND md.model_id = m.id), '[]'))::text"
    " FROM leased l JOIN due d ON d.id = l.message_id"
    " JOIN conversation_messages m ON m.id = l.message_id"
    " JOIN conversations c ON c.id = m.conversation_id JOIN inboxes i ON i.id = c.inbox_id"
    " JOIN users u ON u.id = c.contact_id LEFT JOIN users ag ON ag.id = m.sender_id"
    " ORDER BY m.id",
    3, 0};

enum app_err store_mail_claim(struct db *db, struct arena *a, int max, int max_attempts,
                              long lease_s, struct store_mail_out *out, int *n)
{
    const char *p[] = {store_i64(a, max), store_i64(a, max_attempts), store_i64(a, lease_s)};
    struct db_res *res;
    enum app_err e = db_run(db, a, &claim_stmt, p, &res);

    *n = 0;
    if (e != APP_OK)
        return e;
    for (int i = 0; i < db_ntuples(res) && *n < max; i++) {
        struct store_mail_out *x = &out[(*n)++];
        x->id = strtoll(db_value(res, i, 0), NULL, 10);
        x->attempts = (int)strtol(db_value(res, i, 1), NULL, 10);
        x->json = db_value(res, i, 2);
    }
    return APP_OK;
}

/* $1 id, $2 Message-ID */
static const struct db_stmt sent_stmt = {
    "mail_sent",
    "WITH s AS (UPDATE deskd_mail_sends SET attempts = attempts + 1, leased_until = NULL,"
    "  next_attempt_at = NULL, last_error = NULL, updated_at = now()"
    "  WHERE message_id = $1::bigint RETURNING message_id)"
    " UPDATE conversation_messages SET status = 'sent', source_id = $2::text,"
    " meta = meta - 'delivery_error', updated_at = now()"
    " WHERE id = $1::bigint AND status IN ('pending', 'failed')",
    2, 0};

enum app_err store_mail_sent(struct db *db, struct arena *a, int64_t id, const char *message_id)
{
    const char *p[] = {store_i64(a, id), message_id};
    return store_one(db, a, &sent_stmt, p, NULL, NULL);
}

/* $1 id, $2 reason, $3 seconds to the next try (NULL: none) */
static const struct db_stmt failed_stmt = {
    "mail_failed",
    "WITH s AS (UPDATE deskd_mail_sends SET attempts = attempts + 1, leased_until = NULL,"
    "  next_attempt_at = now() + make_interval(secs => $3::int), last_error = $2::text,"
    "  updated_at = now() WHERE message_id = $1::bigint RETURNING message_id)"
    " UPDATE conversation_messages SET status = 'failed',"
    " meta = meta || jsonb_build_object('delivery_error', $2::text), updated_at = now()"
    " WHERE id = $1::bigint AND status IN ('pending', 'failed')",
    3, 0};

enum app_err store_mail_failed(struct db *db, struct arena *a, int64_t id, const char *reason,
                               long retry_s)
{
    const char *p[] = {store_i64(a, id), reason, retry_s >= 0 ? store_i64(a, retry_s) : NULL};
    return store_one(db, a, &failed_stmt, p, NULL, NULL);
}
