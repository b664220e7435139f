/*
 * store/conversations.c - conversation lists: running a compiled list and
 * writing its items.
 */
#include "store/conversations.h"

#include <stdlib.h>

#include "lib/arena.h"
#include "lib/db.h"
#include "lib/jsonw.h"
#include "lib/sbuf.h"
#include "lists/items.h"
#include "lists/query.h"

/* Kinds of the item columns (ITEM_COLUMNS), for the binary reader. */
enum col_kind { K_INT, K_TS, K_TEXT, K_UUID };

static const struct {
    const char *key;
    enum col_kind kind;
} item_cols[] = {
    {"id", K_INT},
    {"created_at", K_TS},
    {"updated_at", K_TS},
    {"uuid", K_UUID},
    {"reference_number", K_TEXT},
    {"waiting_since", K_TS},
    /* contact object: columns 6..11 */
    {"created_at", K_TS},
    {"updated_at", K_TS},
    {"first_name", K_TEXT},
    {"last_name", K_TEXT},
    {"email", K_TEXT},
    {"avatar_url", K_TEXT},
    {"inbox_channel", K_TEXT},
    {"inbox_name", K_TEXT},
    {"sla_policy_id", K_INT},
    {"first_reply_at", K_TS},
    {"last_reply_at", K_TS},
    {"resolved_at", K_TS},
    {"subject", K_TEXT},
    {"last_message", K_TEXT},
    {"last_message_at", K_TS},
    {"last_message_sender", K_TEXT},
    {"last_interaction", K_TEXT},
    {"last_interaction_at", K_TS},
    {"last_interaction_sender", K_TEXT},
    {"next_sla_deadline_at", K_TS},
    {"priority_id", K_INT},
    {"assigned_user_id", K_INT},
    {"assigned_team_id", K_INT},
    {"unread_message_count", K_INT},
    {"status", K_TEXT},
    {"priority", K_TEXT},
    {"first_response_deadline_at", K_TS},
    {"resolution_deadline_at", K_TS},
    {"applied_sla_id", K_INT},
    {"next_response_deadline_at", K_TS},
    {"next_response_met_at", K_TS},
    {"mentioned_message_uuid", K_UUID},
};

#define CONTACT_FIRST 6
#define CONTACT_LAST 11

static void item_value(const struct db_res *r, int row, int col, enum col_kind kind,
                       struct sbuf *sb)
{
    int64_t v;
    char uuid[37];
    const char *s;

    switch (kind) {
    case K_INT:
        if (db_bin_int(r, row, col, &v))
            jw_int(sb, v);
        else
            jw_null(sb);
        break;
    case K_TS:
        if (db_bin_timestamptz(r, row, col, &v))
            jw_timestamp(sb, v);
        else
            jw_null(sb);
        break;
    case K_UUID:
        if (db_bin_uuid(r, row, col, uuid))
            jw_str(sb, uuid, 36);
        else
            jw_null(sb);
        break;
    default:
        s = db_value(r, row, col);
        if (s != NULL)
            jw_str(sb, s, db_length(r, row, col));
        else
            jw_null(sb);
        break;
    }
}

/* Writes row `row` of an items result (binary) as one list item object, without its closing brace.
 */
static void item_fields(const struct db_res *r, int row, struct sbuf *sb)
{
    size_t n = sizeof(item_cols) / sizeof(item_cols[0]);
    sbuf_addn(sb, "{", 1);
    for (size_t i = 0; i < n; i++) {
        if (i == CONTACT_FIRST) {
            sbuf_add(sb, ",\"contact\":{");
        } else if (i > 0) {
            sbuf_addn(sb, ",", 1);
        }
        jw_key(sb, item_cols[i].key);
        item_value(r, row, (int)i, item_cols[i].kind, sb);
        if (i == CONTACT_LAST)
            sbuf_addn(sb, "}", 1);
    }
}

/* Writes row `row` of an items result (binary) as one list item object. */
static void item_json(const struct db_res *r, int row, struct sbuf *sb)
{
    item_fields(r, row, sb);
    sbuf_addn(sb, "}", 1);
}

/* $1 the caller, $2 the page's ids ("{1,2,3}"): the items' columns, in that order. */
static const struct db_stmt items_stmt = {
    "conv_items",
    "SELECT " ITEM_COLUMNS(
        "NULL::uuid") " FROM unnest($2::bigint[]) WITH ORDINALITY p(id, ord)" ITEM_JOINS
                      " ORDER BY p.ord",
    2, 1};

/* As items_stmt, the last column the latest message mentioning the caller or one of their teams. */
static const struct db_stmt items_mentioned_stmt = {
    "conv_items_mentioned",
    "SELECT " ITEM_COLUMNS(
        "mm.uuid") " FROM unnest($2::bigint[]) WITH ORDINALITY p(id, ord)" ITEM_JOINS MENTION_JOIN
                   " ORDER BY p.ord",
    2, 1};

/*
 * As items_stmt, and the last column the milliseconds the conversation has
 * waited for an answer, now (the unanswered list).
 */
static const struct db_stmt items_unanswered_stmt = {
    "conv_items_unanswered",
    "SELECT " ITEM_COLUMNS(
        "NULL::uuid") ", " WAITING_MS
                      " FROM unnest($2::bigint[]) WITH ORDINALITY p(id, ord)" ITEM_JOINS
                      " ORDER BY p.ord",
    2, 1};

enum app_err store_conversations_ids(struct db *db, struct arena *a, const struct cq_query *q,
                                     int64_t *total, const char **ids)
{
    struct db_res *list;
    enum app_err e = db_exec_cached(db, a, q->list_sql, q->nparams, q->params, &list);

    *total = 0;
    *ids = NULL;
    if (e != APP_OK)
        return e;
    if (db_ntuples(list) != 1 || db_value(list, 0, 0) == NULL)
        return APP_ERR_INTERNAL;
    *total = strtoll(db_value(list, 0, 0), NULL, 10);
    const char *v = db_value(list, 0, 1);
    if (v != NULL && *v != '\0' && (*ids = arena_printf(a, "{%s}", v)) == NULL)
        return APP_ERR_INTERNAL;
    return APP_OK;
}

/* The items of kind (0 plain, 1 mentioned, 2 unanswered) of the list q. */
static enum app_err list_items(struct db *db, struct arena *a, const struct cq_query *q, int kind,
                               int64_t *total, const char **results, size_t *len)
{
    static const struct db_stmt *const stmts[] = {&items_stmt, &items_mentioned_stmt,
                                                  &items_unanswered_stmt};
    struct db_res *items;
    const char *ids;
    enum app_err e = store_conversations_ids(db, a, q, total, &ids);

    *results = NULL;
    *len = 0;
    if (e != APP_OK)
        return e;
    if (ids == NULL) {
        *results = "[]";
        *len = 2;
        return APP_OK;
    }
    const char *params[2] = {q->params[0], ids};
    e = db_run_binary(db, a, stmts[kind], params, &items);
    if (e != APP_OK)
        return e;
    struct sbuf sb;
    sbuf_init(&sb, a);
    sbuf_reserve(&sb, (size_t)db_ntuples(items) * 1400 + 2); /* an item is ~1.2 kB */
    sbuf_addn(&sb, "[", 1);
    for (int row = 0; row < db_ntuples(items); row++) {
        int64_t ms;
        if (row)
            sbuf_addn(&sb, ",", 1);
        if (kind != 2) {
            item_json(items, row, &sb);
            continue;
        }
        item_fields(items, row, &sb);
        sbuf_add(&sb, ",\"waiting_time_ms\":");
        if (db_bin_int(items, row, (int)(sizeof(item_cols) / sizeof(item_cols[0])), &ms))
            jw_int(&sb, ms);
        else
            jw_null(&sb);
        sbuf_addn(&sb, "}", 1);
    }
    sbuf_addn(&sb, "]", 1);
    *results = sbuf_str(&sb);
    *len = sb.len;
    return *results ? APP_OK : APP_ERR_INTERNAL;
}

enum app_err store_conversations_list(struct db *db, struct arena *a, const struct cq_query *q,
                                      int mentioned, int64_t *total, const char **results,
                                      size_t *len)
{
    return list_items(db, a, q, mentioned ? 1 : 0, total, results, len);
}

enum app_err store_conversations_unanswered(struct db *db, struct arena *a,
                                            const struct cq_query *q, int64_t *total,
                                            const char **results, size_t *len)
{
    return list_items(db, a, q, 2, total, results, len);
}

enum app_err store_conversations_counts(struct db *db, struct arena *a, const struct cq_query *q,
                                        int64_t counts[CQ__COUNTS])
{
    struct db_res *res;
    enum app_err e = db_exec_cached(db, a, q->counts_sql, q->nparams, q->params, &res);

    if (e != APP_OK)
        return e;
    if (db_ntuples(res) != 1)
        return APP_ERR_INTERNAL;
    for (int i = 0; i < CQ__COUNTS; i++) {
        const char *v = db_value(res, 0, i);
        if (v == NULL)
            return APP_ERR_INTERNAL;
        counts[i] = strtoll(v, NULL, 10);
    }
    return APP_OK;
}
