/*
 * store/chatwoot.c - see chatwoot.h.
 */
#include "store/chatwoot.h"

#include <stdlib.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/db.h"
#include "lib/jsonw.h"
#include "lib/sbuf.h"
#include "lists/query.h"
#include "store/store.h"

/*
 * One statement per list shape (prepared once per connection, as the list
 * engine's): the four counts of the list (q->counts_sql) and, lateral to
 * them, the page's conversations (q->page_sql's ids in order), one row
 * each with the columns of enum col below ($1 the caller), fetched in
 * binary and written as Chatwoot's conversation objects (swagger
 * `conversation` with `meta`) by item_json(): cheaper than having
 * PostgreSQL build and print the JSON (a page of 25 objects carries ~1,100
 * values), and one round trip.  An empty page is one row of counts.
 * Status: the built-in Snoozed -> snoozed, category open -> open, resolved
 * -> resolved, other waiting -> pending.
 */
#define NAME(u) "btrim(" u ".first_name || ' ' || coalesce(" u ".last_name, ''))"

/* clang-format off */
#define ITEM_COLUMNS                                                                               \
    " c.id, c.uuid, c.subject, c.reference_number, ls.last_seen_at, als.last_seen_at,"       \
    " ct.enabled, c.contact_last_seen_at, c.custom_attributes::text, c.inbox_id,"                  \
    " (SELECT json_agg(tg.name ORDER BY tg.name) FROM conversation_tags ctg"                       \
    "  JOIN tags tg ON tg.id = ctg.tag_id WHERE ctg.conversation_id = c.id)::text,"                \
    " c.snoozed_until,"                                                                            \
    " CASE WHEN st.name = 'Snoozed' THEN 'snoozed' WHEN st.category = 'open' THEN 'open'"          \
    "  WHEN st.category = 'resolved' THEN 'resolved' ELSE 'pending' END,"                          \
    " c.created_at, c.updated_at, coalesce(c.last_message_at, c.created_at), c.first_reply_at,"    \
    " (SELECT count(*) FROM conversation_messages um WHERE um.conversation_id = c.id"              \
    "  AND um.type = 'incoming' AND um.created_at > coalesce(ls.last_seen_at, 'epoch')),"          \
    " lower(pr.name), c.waiting_since, c.sla_policy_id,"                                           \
    " sla.id, sla.sla_policy_id, sla.status::text, sla.created_at,"                                \
    " ct.availability_status::text, ct.email, ct.id, " NAME("ct") ", ct.phone_number,"             \
    " ct.external_user_id, ct.avatar_url, ct.custom_attributes::text, ct.last_active_at,"          \
    " ct.created_at, i.channel::text,"                                                             \
    " ag.id, ag.availability_status::text, " NAME("ag") ", ag.avatar_url, ag.email,"               \
    " EXISTS (SELECT 1 FROM user_roles ur JOIN roles r ON r.id = ur.role_id"                       \
    "  WHERE ur.user_id = ag.id AND r.name = 'Admin'),"                                            \
    " tm.id, tm.name,"                                                                             \
    " m.id, m.text_content, m.type::text, m.created_at, m.updated_at, m.private, m.status::text,"  \
    " m.source_id, m.sender_id, m.sender_type::text, su.id, " NAME("su") ", su.type::text"

#define ITEM_JOINS                                                                                 \
    " JOIN conversations c ON c.id = p.id"                                                         \
    " JOIN users ct ON ct.id = c.contact_id"                                                       \
    " JOIN inboxes i ON i.id = c.inbox_id"                                                         \
    " JOIN conversation_statuses st ON st.id = c.status_id"                                        \
    " LEFT JOIN conversation_priorities pr ON pr.id = c.priority_id"                               \
    " LEFT JOIN conversation_last_seen ls ON ls.conversation_id = c.id AND ls.user_id = $1::bigint"\
    " LEFT JOIN conversation_last_seen als ON als.conversation_id = c.id"                          \
    "  AND als.user_id = c.assigned_user_id"                                                       \
    " LEFT JOIN users ag ON ag.id = c.assigned_user_id"                                            \
    " LEFT JOIN teams tm ON tm.id = c.assigned_team_id"                                            \
    " LEFT JOIN LATERAL (SELECT a.id, a.sla_policy_id, a.status, a.created_at FROM applied_slas a" \
    "  WHERE a.conversation_id = c.id ORDER BY a.created_at DESC, a.id DESC LIMIT 1) sla ON TRUE"  \
    " LEFT JOIN LATERAL (SELECT m.id, m.text_content, m.type, m.created_at, m.updated_at,"         \
    "  m.private, m.status, m.source_id, m.sender_id, m.sender_type"                               \
    "  FROM conversation_messages m WHERE m.conversation_id = c.id AND m.type <> 'activity'"       \
    "  ORDER BY m.created_at DESC, m.id DESC LIMIT 1) m ON TRUE"                                   \
    " LEFT JOIN users su ON su.id = m.sender_id"
/* clang-format on */

/* The columns of a row: the four counts, then ITEM_COLUMNS. */
enum col {
    C_MINE,
    C_UNASSIGNED,
    C_ASSIGNED,
    C_ALL,
    C_ID,
    C_UUID,
    C_SUBJECT,
    C_REF,
    C_SEEN,
    C_ASSIGNEE_SEEN,
    C_CT_ENABLED,
    C_CT_SEEN,
    C_CUSTOM,
    C_INBOX,
    C_LABELS,
    C_SNOOZED,
    C_STATUS,
    C_CREATED,
    C_UPDATED,
    C_LAST_AT,
    C_FIRST_REPLY,
    C_UNREAD,
    C_PRIORITY,
    C_WAITING,
    C_SLA_POLICY,
    C_SLA_ID,
    C_SLA_SLA,
    C_SLA_STATUS,
    C_SLA_CREATED,
    C_CT_AVAILABILITY,
    C_CT_EMAIL,
    C_CT_ID,
    C_CT_NAME,
    C_CT_PHONE,
    C_CT_IDENTIFIER,
    C_CT_AVATAR,
    C_CT_CUSTOM,
    C_CT_ACTIVE,
    C_CT_CREATED,
    C_CHANNEL,
    C_AG_ID,
    C_AG_AVAILABILITY,
    C_AG_NAME,
    C_AG_AVATAR,
    C_AG_EMAIL,
    C_AG_ADMIN,
    C_TM_ID,
    C_TM_NAME,
    C_M_ID,
    C_M_TEXT,
    C_M_TYPE,
    C_M_CREATED,
    C_M_UPDATED,
    C_M_PRIVATE,
    C_M_STATUS,
    C_M_SOURCE,
    C_M_SENDER_ID,
    C_M_SENDER_TYPE,
    C_SU_ID,
    C_SU_NAME,
    C_SU_TYPE,
};

/* One row of the page being written. */
struct row {
    const struct db_res *r;
    int row;
    struct sbuf *sb;
};

static void put_key(const struct row *w, const char *key)
{
    sbuf_addn(w->sb, ",", 1);
    jw_key(w->sb, key);
}

static void int_value(const struct row *w, enum col col)
{
    int64_t v;
    if (db_bin_int(w->r, w->row, (int)col, &v))
        jw_int(w->sb, v);
    else
        jw_null(w->sb);
}

static void put_int(const struct row *w, const char *key, enum col col)
{
    put_key(w, key);
    int_value(w, col);
}

/* A text column as a string, or null (or "" when empty_for_null). */
static void put_text_or(const struct row *w, const char *key, enum col col, int empty_for_null)
{
    const char *s = db_value(w->r, w->row, (int)col);
    put_key(w, key);
    if (s != NULL)
        jw_str(w->sb, s, db_length(w->r, w->row, (int)col));
    else if (empty_for_null)
        sbuf_addn(w->sb, "\"\"", 2);
    else
        jw_null(w->sb);
}

static void put_text(const struct row *w, const char *key, enum col col)
{
    put_text_or(w, key, col, 0);
}

/* A json/jsonb column printed as text, written as it is (or fallback for NULL). */
static void put_json(const struct row *w, const char *key, enum col col, const char *fallback)
{
    const char *s = db_value(w->r, w->row, (int)col);
    put_key(w, key);
    if (s != NULL)
        sbuf_addn(w->sb, s, db_length(w->r, w->row, (int)col));
    else
        sbuf_add(w->sb, fallback);
}

static int bool_of(const struct row *w, enum col col)
{
    int v = 0;
    return db_bin_bool(w->r, w->row, (int)col, &v) && v;
}

/*
 * A timestamp as Chatwoot's unix seconds (rounded, as PostgreSQL casts
 * the epoch to an integer), null for NULL, or 0 for NULL when zero_for_null
 * (Chatwoot's `.to_i` of nil).
 */
static void put_unix_or(const struct row *w, const char *key, enum col col, int zero_for_null)
{
    int64_t us;
    put_key(w, key);
    if (!db_bin_timestamptz(w->r, w->row, (int)col, &us)) {
        if (zero_for_null)
            sbuf_addn(w->sb, "0", 1);
        else
            jw_null(w->sb);
        return;
    }
    us += INT64_C(946684800000000); /* 2000-01-01 in unix microseconds */
    jw_int(w->sb, us >= 0 ? (us + 500000) / 1000000 : -((-us + 500000) / 1000000));
}

static void put_unix(const struct row *w, const char *key, enum col col)
{
    put_unix_or(w, key, col, 0);
}

static int text_is(const struct row *w, enum col col, const char *v)
{
    const char *s = db_value(w->r, w->row, (int)col);
    return s != NULL && strcmp(s, v) == 0;
}

/* The conversation's last message that is not an activity, as Chatwoot's message object. */
static void message_json(const struct row *w, const char *account)
{
    sbuf_add(w->sb, "{\"id\":");
    int_value(w, C_M_ID);
    put_text_or(w, "content", C_M_TEXT, 1);
    put_key(w, "account_id");
    sbuf_add(w->sb, account);
    put_int(w, "inbox_id", C_INBOX);
    put_int(w, "conversation_id", C_ID);
    put_key(w, "message_type");
    sbuf_add(w->sb, text_is(w, C_M_TYPE, "incoming")   ? "0"
                    : text_is(w, C_M_TYPE, "outgoing") ? "1"
                                                       : "2");
    put_unix(w, "created_at", C_M_CREATED);
    put_unix(w, "updated_at", C_M_UPDATED);
    put_key(w, "private");
    jw_bool(w->sb, bool_of(w, C_M_PRIVATE));
    put_key(w, "status");
    sbuf_add(w->sb, text_is(w, C_M_STATUS, "failed") ? "\"failed\"" : "\"sent\"");
    put_text(w, "source_id", C_M_SOURCE);
    sbuf_add(w->sb, ",\"content_type\":\"text\",\"content_attributes\":{}");
    put_key(w, "sender_type");
    if (db_value(w->r, w->row, C_M_SENDER_ID) == NULL)
        jw_null(w->sb);
    else
        sbuf_add(w->sb, text_is(w, C_M_SENDER_TYPE, "contact") ? "\"Contact\"" : "\"User\"");
    put_int(w, "sender_id", C_M_SENDER_ID);
    sbuf_add(w->sb, ",\"external_source_ids\":{},\"additional_attributes\":{}");
    put_text(w, "processed_message_content", C_M_TEXT);
    sbuf_add(w->sb, ",\"sentiment\":{}");
    put_key(w, "sender");
    if (db_value(w->r, w->row, C_SU_ID) == NULL) {
        sbuf_addn(w->sb, "{}", 2);
    } else {
        sbuf_add(w->sb, "{\"id\":");
        int_value(w, C_SU_ID);
        put_text(w, "name", C_SU_NAME);
        put_key(w, "type");
        sbuf_add(w->sb, text_is(w, C_SU_TYPE, "agent") ? "\"user\"}" : "\"contact\"}");
    }
    sbuf_addn(w->sb, "}", 1);
}
/* Row w as one Chatwoot conversation of account `account` (its decimal digits). */
static void item_json(const struct row *w, const char *account)
{
    struct sbuf *sb = w->sb;
    size_t msg_at, msg_len = 0;

    sbuf_add(sb, "{\"id\":");
    int_value(w, C_ID);
    put_key(w, "messages");
    msg_at = sb->len;
    if (db_value(w->r, w->row, C_M_ID) == NULL) {
        sbuf_addn(sb, "[]", 2);
    } else {
        sbuf_addn(sb, "[", 1);
        msg_at = sb->len;
        message_json(w, account);
        msg_len = sb->len - msg_at;
        sbuf_addn(sb, "]", 1);
    }
    put_key(w, "account_id");
    sbuf_add(sb, account);
    put_key(w, "uuid");
    {
        char uuid[37];
        if (db_bin_uuid(w->r, w->row, C_UUID, uuid))
            jw_str(sb, uuid, 36);
        else
            jw_null(sb);
    }
    sbuf_add(sb, ",\"additional_attributes\":{\"subject\":");
    {
        const char *subject = db_value(w->r, w->row, C_SUBJECT);
        if (subject != NULL)
            jw_str(sb, subject, db_length(w->r, w->row, C_SUBJECT));
        else
            jw_null(sb);
    }
    put_text(w, "reference_number", C_REF);
    sbuf_addn(sb, "}", 1);
    put_unix_or(w, "agent_last_seen_at", C_SEEN, 1);
    put_unix_or(w, "assignee_last_seen_at", C_ASSIGNEE_SEEN, 1);
    put_key(w, "can_reply");
    jw_bool(sb, bool_of(w, C_CT_ENABLED));
    put_unix_or(w, "contact_last_seen_at", C_CT_SEEN, 1);
    put_json(w, "custom_attributes", C_CUSTOM, "null");
    put_int(w, "inbox_id", C_INBOX);
    put_json(w, "labels", C_LABELS, "[]");
    sbuf_add(sb, ",\"muted\":false");
    put_unix(w, "snoozed_until", C_SNOOZED);
    put_text(w, "status", C_STATUS);
    put_unix(w, "created_at", C_CREATED);
    put_unix(w, "updated_at", C_UPDATED);
    put_unix(w, "timestamp", C_LAST_AT);
    put_unix(w, "first_reply_created_at", C_FIRST_REPLY);
    put_int(w, "unread_count", C_UNREAD);
    put_key(w, "last_non_activity_message");
    /* The same object as messages[0]: copied, not written twice. */
    if (msg_len > 0) {
        sbuf_reserve(sb, msg_len);
        sbuf_addn(sb, sb->buf + msg_at, msg_len);
    } else {
        jw_null(sb);
    }
    put_unix(w, "last_activity_at", C_LAST_AT);
    put_text(w, "priority", C_PRIORITY);
    put_unix(w, "waiting_since", C_WAITING);
    put_int(w, "sla_policy_id", C_SLA_POLICY);
    put_key(w, "applied_sla");
    if (db_value(w->r, w->row, C_SLA_ID) == NULL) {
        sbuf_addn(sb, "{}", 2);
    } else {
        sbuf_add(sb, "{\"id\":");
        int_value(w, C_SLA_ID);
        put_int(w, "sla_id", C_SLA_SLA);
        put_text(w, "sla_status", C_SLA_STATUS);
        put_unix(w, "created_at", C_SLA_CREATED);
        sbuf_addn(sb, "}", 1);
    }
    sbuf_add(sb, ",\"sla_events\":[],\"meta\":{\"sender\":{\"additional_attributes\":{}");
    put_text(w, "availability_status", C_CT_AVAILABILITY);
    put_text(w, "email", C_CT_EMAIL);
    put_int(w, "id", C_CT_ID);
    put_text(w, "name", C_CT_NAME);
    put_text(w, "phone_number", C_CT_PHONE);
    put_key(w, "blocked");
    jw_bool(sb, !bool_of(w, C_CT_ENABLED));
    put_text(w, "identifier", C_CT_IDENTIFIER);
    put_text_or(w, "thumbnail", C_CT_AVATAR, 1);
    put_json(w, "custom_attributes", C_CT_CUSTOM, "null");
    put_unix_or(w, "last_activity_at", C_CT_ACTIVE, 1);
    put_unix(w, "created_at", C_CT_CREATED);
    sbuf_add(sb, ",\"type\":\"contact\"},\"channel\":");
    sbuf_add(sb, text_is(w, C_CHANNEL, "email") ? "\"Channel::Email\"" : "\"Channel::WebWidget\"");
    sbuf_add(sb, ",\"hmac_verified\":false");
    if (db_value(w->r, w->row, C_AG_ID) != NULL) {
        sbuf_add(sb, ",\"assignee\":{\"id\":");
        int_value(w, C_AG_ID);
        put_key(w, "account_id");
        sbuf_add(sb, account);
        put_text(w, "availability_status", C_AG_AVAILABILITY);
        put_text(w, "available_name", C_AG_NAME);
        put_text_or(w, "avatar_url", C_AG_AVATAR, 1);
        sbuf_add(sb, ",\"confirmed\":true,\"display_name\":null");
        put_text_or(w, "email", C_AG_EMAIL, 1);
        put_text(w, "name", C_AG_NAME);
        put_key(w, "role");
        sbuf_add(sb, bool_of(w, C_AG_ADMIN) ? "\"administrator\"" : "\"agent\"");
        put_text_or(w, "thumbnail", C_AG_AVATAR, 1);
        sbuf_add(sb, ",\"type\":\"user\"}");
    }
    if (db_value(w->r, w->row, C_TM_ID) != NULL) {
        sbuf_add(sb, ",\"team\":{\"id\":");
        int_value(w, C_TM_ID);
        put_text(w, "name", C_TM_NAME);
        sbuf_addn(sb, "}", 1);
    }
    sbuf_add(sb, "}}");
}

enum app_err store_chatwoot_list(struct db *db, struct arena *a, const struct cq_query *q,
                                 int64_t account_id, int64_t counts[CQ__COUNTS], const char **json,
                                 size_t *len)
{
    static const enum col count_cols[CQ__COUNTS] = {
        [CQ_COUNT_MINE] = C_MINE,
        [CQ_COUNT_UNASSIGNED] = C_UNASSIGNED,
        [CQ_COUNT_ASSIGNED] = C_ASSIGNED,
        [CQ_COUNT_ALL] = C_ALL,
    };
    const char *account = store_i64(a, account_id);
    const char *sql = arena_printf(a,
                                   "SELECT k.*, x.* FROM (%s) k LEFT JOIN LATERAL (SELECT"
                                   " " ITEM_COLUMNS ", p.ord FROM unnest(ARRAY(%s)) WITH"
                                   " ORDINALITY p(id, ord)" ITEM_JOINS ") x ON TRUE ORDER BY x.ord",
                                   q->counts_sql, q->page_sql);
    struct db_res *res;
    enum app_err e;

    *json = NULL;
    *len = 0;
    if (account == NULL || sql == NULL || q->counts_sql == NULL || q->page_sql == NULL)
        return APP_ERR_INTERNAL;
    if ((e = db_exec_cached_binary(db, a, sql, q->nparams, q->params, &res)) != APP_OK)
        return e;
    if (db_ntuples(res) < 1)
        return APP_ERR_INTERNAL;
    for (int i = 0; i < CQ__COUNTS; i++)
        if (!db_bin_int(res, 0, (int)count_cols[i], &counts[i]))
            return APP_ERR_INTERNAL;
    struct sbuf sb;
    sbuf_init(&sb, a);
    sbuf_reserve(&sb, (size_t)db_ntuples(res) * 3000 + 2); /* an object is ~2.5 kB */
    sbuf_addn(&sb, "[", 1);
    for (int row = 0; row < db_ntuples(res); row++) {
        struct row w = {res, row, &sb};
        if (db_value(res, row, C_ID) == NULL) /* the empty page's one row */
            continue;
        if (sb.len > 1)
            sbuf_addn(&sb, ",", 1);
        item_json(&w, account);
    }
    sbuf_addn(&sb, "]", 1);
    *json = sbuf_str(&sb);
    *len = sb.len;
    return *json ? APP_OK : APP_ERR_INTERNAL;
}
