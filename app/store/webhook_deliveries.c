/*
 * store/webhook_deliveries.c - see webhook_deliveries.h.
 */
#include "store/webhook_deliveries.h"

#include <stdlib.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/db.h"
#include "lib/jsonw.h"
#include "lib/sbuf.h"
#include "store/store.h"

/* An int array literal ("{1,2}") of n ids, in the arena. */
static const char *id_array(struct arena *a, const int64_t *ids, int n)
{
    struct sbuf sb;
    sbuf_init(&sb, a);
    sbuf_add(&sb, "{");
    for (int i = 0; i < n; i++)
        sbuf_addf(&sb, "%s%lld", i ? "," : "", (long long)ids[i]);
    sbuf_add(&sb, "}");
    return sbuf_str(&sb);
}

/*
 * $1 per webhook, $2 webhooks to skip (int[]), $3 lease (ms), $4 at most.
 * The inner lateral select locks the rows it picks and skips those another
 * dispatcher holds; the update then pushes them out by the lease.
 */
static const struct db_stmt claim_stmt = {
    "deliveries_claim",
    "UPDATE deskd_webhook_deliveries d"
    " SET attempts = d.attempts + 1,"
    " next_attempt_at = now() + $3::bigint * interval '1 millisecond'"
    " FROM webhooks w"
    " WHERE w.id = d.webhook_id AND d.id IN ("
    " SELECT c.id FROM webhooks wh CROSS JOIN LATERAL ("
    " SELECT x.id FROM deskd_webhook_deliveries x"
    " WHERE x.webhook_id = wh.id AND x.status = 'pending' AND x.next_attempt_at <= now()"
    " ORDER BY x.next_attempt_at LIMIT $1::int FOR UPDATE SKIP LOCKED) c"
    " WHERE wh.is_active AND NOT (wh.id = ANY ($2::int[])) LIMIT $4::int)"
    " RETURNING d.id, d.webhook_id, d.attempts, d.event, d.body, w.url, coalesce(w.secret, '')",
    4, 0};

enum app_err store_deliveries_claim(struct db *db, struct arena *a, int max, int per_webhook,
                                    const int64_t *skip, int n_skip, long lease_ms,
                                    struct store_delivery **out, int *n)
{
    const char *p[] = {store_i64(a, per_webhook), id_array(a, skip, n_skip), store_i64(a, lease_ms),
                       store_i64(a, max)};
    struct db_res *res;
    enum app_err e;

    *out = NULL;
    *n = 0;
    if ((e = db_run(db, a, &claim_stmt, p, &res)) != APP_OK)
        return e;
    int rows = db_ntuples(res);
    if (rows == 0)
        return APP_OK;
    struct store_delivery *d = arena_zalloc(a, (size_t)rows * sizeof(*d));
    if (d == NULL)
        return APP_ERR_INTERNAL;
    for (int i = 0; i < rows; i++) {
        d[i].id = strtoll(db_value(res, i, 0), NULL, 10);
        d[i].webhook_id = strtoll(db_value(res, i, 1), NULL, 10);
        d[i].attempts = atoi(db_value(res, i, 2));
        d[i].event = db_value(res, i, 3);
        d[i].body = db_value(res, i, 4);
        d[i].body_len = db_length(res, i, 4);
        d[i].url = db_value(res, i, 5);
        d[i].secret = db_value(res, i, 6);
    }
    *out = d;
    *n = rows;
    return APP_OK;
}

/*
 * $1 the outcomes as a JSON array of {id, attempts, outcome, status, error,
 * delay_ms}.  A delivered one is recorded whatever its attempt count (it
 * reached the receiver); a retry or dead only if no later claim took the
 * row over after the lease ran out.
 */
static const struct db_stmt finish_stmt = {
    "deliveries_finish",
    "UPDATE deskd_webhook_deliveries d"
    " SET status = CASE WHEN r.outcome = 'retry' THEN 'pending' ELSE r.outcome END,"
    " last_status = r.status, last_error = r.error,"
    " delivered_at = CASE WHEN r.outcome = 'delivered' THEN now() END,"
    " next_attempt_at = CASE WHEN r.outcome = 'retry'"
    " THEN now() + r.delay_ms * interval '1 millisecond' ELSE d.next_attempt_at END"
    " FROM jsonb_to_recordset($1::jsonb)"
    " AS r(id bigint, attempts int, outcome text, status int, error text, delay_ms bigint)"
    " WHERE d.id = r.id AND d.status = 'pending'"
    " AND (r.outcome = 'delivered' OR d.attempts = r.attempts)",
    1, 0};

enum app_err store_deliveries_finish(struct db *db, struct arena *a,
                                     const struct store_delivery_result *r, int n)
{
    static const char *const names[] = {"delivered", "retry", "dead"};
    struct sbuf sb;

    if (n == 0)
        return APP_OK;
    sbuf_init(&sb, a);
    sbuf_reserve(&sb, (size_t)n * 128);
    sbuf_add(&sb, "[");
    for (int i = 0; i < n; i++) {
        sbuf_add(&sb, i ? ",{" : "{");
        jw_key(&sb, "id");
        jw_int(&sb, r[i].id);
        sbuf_add(&sb, ",");
        jw_key(&sb, "attempts");
        jw_int(&sb, r[i].attempts);
        sbuf_add(&sb, ",");
        jw_key(&sb, "outcome");
        jw_str(&sb, names[r[i].outcome], strlen(names[r[i].outcome]));
        sbuf_add(&sb, ",");
        jw_key(&sb, "status");
        if (r[i].status > 0)
            jw_int(&sb, r[i].status);
        else
            jw_null(&sb);
        sbuf_add(&sb, ",");
        jw_key(&sb, "error");
        if (r[i].error != NULL)
            jw_str(&sb, r[i].error, strlen(r[i].error));
        else
            jw_null(&sb);
        sbuf_add(&sb, ",");
        jw_key(&sb, "delay_ms");
        jw_int(&sb, r[i].delay_ms);
        sbuf_add(&sb, "}");
    }
    sbuf_add(&sb, "]");
    const char *p[] = {sbuf_str(&sb)};
    if (p[0] == NULL)
        return APP_ERR_INTERNAL;
    return store_one(db, a, &finish_stmt, p, NULL, NULL);
}

static const struct db_stmt next_due_stmt = {
    "deliveries_next_due",
    "SELECT greatest(0, ceil(extract(epoch FROM min(d.next_attempt_at) - now()) * 1000))::bigint"
    " FROM deskd_webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id AND w.is_active"
    " WHERE d.status = 'pending'",
    0, 1};

enum app_err store_deliveries_next_due(struct db *db, struct arena *a, long *ms, int *none)
{
    const char *v;
    enum app_err e = store_one(db, a, &next_due_stmt, NULL, &v, NULL);

    *none = 1;
    *ms = 0;
    if (e == APP_OK && v != NULL) {
        *none = 0;
        *ms = strtol(v, NULL, 10);
    }
    return e;
}

/* $1 retention (s), $2 batch. */
static const struct db_stmt purge_events_stmt = {
    "events_purge",
    "DELETE FROM deskd_events WHERE id IN (SELECT id FROM deskd_events"
    " WHERE created_at < now() - $1::bigint * interval '1 second' ORDER BY id LIMIT $2::int)",
    2, 0};

/* $1 retention (s), $2 batch.  Pending deliveries stay, whatever their age. */
static const struct db_stmt purge_deliveries_stmt = {
    "deliveries_purge",
    "DELETE FROM deskd_webhook_deliveries WHERE id IN (SELECT id FROM deskd_webhook_deliveries"
    " WHERE status <> 'pending' AND created_at < now() - $1::bigint * interval '1 second'"
    " ORDER BY id LIMIT $2::int)",
    2, 0};

enum app_err store_events_purge(struct db *db, struct arena *a, long retention_s, int batch,
                                long *n)
{
    const char *p[] = {store_i64(a, retention_s), store_i64(a, batch)};
    long events = 0, deliveries = 0;
    enum app_err e = store_one(db, a, &purge_events_stmt, p, NULL, &events);

    if (e == APP_OK)
        e = store_one(db, a, &purge_deliveries_stmt, p, NULL, &deliveries);
    *n = events + deliveries;
    return e;
}

/* $1 webhook id, $2 page size, $3 offset. */
static const struct db_stmt page_stmt = {
    "webhook_deliveries_page",
    "SELECT (SELECT count(*) FROM deskd_webhook_deliveries WHERE webhook_id = w.id),"
    " coalesce((SELECT json_agg(json_build_object("
    "'id', d.id, 'webhook_id', d.webhook_id, 'event_id', d.event_id, 'event', d.event,"
    " 'status', d.status, 'attempts', d.attempts, 'last_status', d.last_status,"
    " 'last_error', d.last_error,"
    " 'next_attempt_at', CASE WHEN d.status = 'pending' THEN d.next_attempt_at END,"
    " 'created_at', d.created_at, 'delivered_at', d.delivered_at) ORDER BY d.id DESC)"
    " FROM (SELECT * FROM deskd_webhook_deliveries WHERE webhook_id = w.id"
    " ORDER BY id DESC LIMIT $2::bigint OFFSET $3::bigint) d), '[]'::json)"
    " FROM webhooks w WHERE w.id = $1::int",
    3, 1};

enum app_err store_webhook_deliveries_page(struct db *db, struct arena *a, int64_t webhook_id,
                                           int64_t page, int64_t page_size, int64_t *total,
                                           const char **json, size_t *len)
{
    const char *p[] = {store_i64(a, webhook_id), store_i64(a, page_size),
                       store_i64(a, (page - 1) * page_size)};
    struct db_res *res;
    enum app_err e = db_run(db, a, &page_stmt, p, &res);

    if (e != APP_OK)
        return e;
    if (db_ntuples(res) == 0)
        return APP_ERR_NOT_FOUND;
    *total = strtoll(db_value(res, 0, 0), NULL, 10);
    *json = db_value(res, 0, 1);
    *len = db_length(res, 0, 1);
    return APP_OK;
}
