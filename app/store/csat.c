/*
 * store/csat.c - customer satisfaction surveys.
 */
#include "store/csat.h"

#include <string.h>

#include "lib/arena.h"
#include "lib/db.h"
#include "lib/html.h"
#include "rules/csat.h"
#include "store/messages.h"
#include "store/store.h"

/*
 * $1 conversation id, $2 the survey's uuid, $3 its token: the new row, if
 * the conversation qualifies (see store_csat_offer()), and the link.  The
 * conversation row is locked by the status change that calls this, so two
 * resolutions never both offer one.
 */
static const struct db_stmt offer_stmt = {
    "csat_offer",
    "WITH n AS (INSERT INTO csat_responses (uuid, conversation_id)"
    " SELECT $2::uuid, c.id FROM conversations c JOIN inboxes i ON i.id = c.inbox_id"
    " JOIN conversation_statuses st ON st.id = c.status_id JOIN users ct ON ct.id = c.contact_id"
    " WHERE c.id = $1::bigint AND i.csat_enabled AND st.name = 'Resolved'"
    " AND coalesce(ct.email, '') <> ''"
    " AND NOT EXISTS (SELECT 1 FROM csat_responses r WHERE r.conversation_id = c.id)"
    " RETURNING id)"
    " SELECT rtrim(coalesce((SELECT value #>> '{}' FROM settings WHERE key = 'app.root_url'),"
    " ''), '/') || '/csat/' || $3::text FROM n",
    3, 0};

enum app_err store_csat_offer(struct db *db, struct arena *a, int64_t conv_id,
                              const struct store_csat_offer *o, int64_t actor, int *offered)
{
    const char *p[] = {store_i64(a, conv_id), o->uuid, o->token};
    const char *link;
    long rows = 0;
    enum app_err e = store_one(db, a, &offer_stmt, p, &link, &rows);

    *offered = 0;
    if (e != APP_OK || rows == 0)
        return e;
    const char *href = link ? html_escape(a, link) : NULL;
    if (href == NULL)
        return APP_ERR_INTERNAL;
    struct store_message_new m;
    memset(&m, 0, sizeof(m));
    m.conv_id = conv_id;
    m.type = "outgoing";
    m.status = "pending";
    m.content = arena_printf(a, CSAT_OFFER_HTML, href);
    m.text = arena_printf(a, CSAT_OFFER_TEXT, link);
    m.preview = m.text;
    m.sender_id = actor;
    m.sender_type = "agent";
    m.meta = "{\"is_csat\": true}";
    if (m.content == NULL || m.text == NULL)
        return APP_ERR_INTERNAL;
    int64_t msg_id;
    e = store_message_add(db, a, &m, &msg_id);
    if (e == APP_OK)
        *offered = 1;
    return e;
}

/* $1 uuid */
static const struct db_stmt json_stmt = {
    "csat_json",
    "SELECT json_build_object('uuid', r.uuid, 'created_at', r.created_at,"
    " 'responded', r.response_timestamp IS NOT NULL, 'rating', r.rating,"
    " 'feedback', r.feedback, 'response_timestamp', r.response_timestamp,"
    " 'conversation', json_build_object('reference_number', c.reference_number,"
    " 'subject', coalesce(c.subject, '')))::text"
    " FROM csat_responses r JOIN conversations c ON c.id = r.conversation_id"
    " WHERE r.uuid = $1::uuid",
    1, 1};

enum app_err store_csat_json(struct db *db, struct arena *a, const char *uuid, const char **json,
                             size_t *len)
{
    const char *p[] = {uuid};
    return store_json_found(db, a, &json_stmt, p, json, len);
}

/*
 * $1 uuid, $2 rating, $3 feedback, $4 meta: only a survey not yet answered
 * changes (the row lock makes a concurrent second answer wait, then find
 * it answered); the row's state either way.
 */
static const struct db_stmt answer_stmt = {
    "csat_answer",
    "WITH u AS (UPDATE csat_responses SET rating = $2::int, feedback = $3::text,"
    " meta = coalesce($4::jsonb, '{}'), response_timestamp = now(), updated_at = now()"
    " WHERE uuid = $1::uuid AND response_timestamp IS NULL RETURNING id)"
    " SELECT CASE WHEN EXISTS (SELECT 1 FROM u) THEN 'saved'"
    " WHEN EXISTS (SELECT 1 FROM csat_responses WHERE uuid = $1::uuid) THEN 'answered'"
    " ELSE 'unknown' END",
    4, 0};

enum app_err store_csat_answer(struct db *db, struct arena *a, const char *uuid, int rating,
                               const char *feedback, const char *meta, enum store_csat_answer *out)
{
    const char *p[] = {uuid, store_i64(a, rating), feedback, meta};
    const char *what;
    enum app_err e = store_one(db, a, &answer_stmt, p, &what, NULL);

    *out = STORE_CSAT_UNKNOWN;
    if (e != APP_OK)
        return e;
    if (what == NULL)
        return APP_ERR_INTERNAL;
    *out = strcmp(what, "saved") == 0      ? STORE_CSAT_SAVED
           : strcmp(what, "answered") == 0 ? STORE_CSAT_ANSWERED
                                           : STORE_CSAT_UNKNOWN;
    return APP_OK;
}
