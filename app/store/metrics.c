/*
 * store/metrics.c - see metrics.h.  Both figures come from the partial
 * index of pending deliveries (sql/026), so a scrape does not scan the
 * delivered history.
 */
#include "store/metrics.h"

#include <stdlib.h>

#include "lib/db.h"
#include "store/store.h"

static const struct db_stmt outbox_stmt = {
    "metrics_outbox",
    "SELECT count(*),"
    " coalesce(extract(epoch FROM now() - min(next_attempt_at)"
    " FILTER (WHERE next_attempt_at <= now())), 0)::float8"
    " FROM deskd_webhook_deliveries WHERE status = 'pending'",
    0, 1};

enum app_err store_metrics_outbox(struct db *db, struct arena *a, struct store_outbox *out)
{
    struct db_res *res;
    enum app_err e = db_run(db, a, &outbox_stmt, NULL, &res);

    if (e != APP_OK)
        return e;
    if (db_ntuples(res) != 1 || db_value(res, 0, 0) == NULL || db_value(res, 0, 1) == NULL)
        return APP_ERR_INTERNAL;
    out->pending = strtol(db_value(res, 0, 0), NULL, 10);
    out->oldest_due_age = strtod(db_value(res, 0, 1), NULL);
    return APP_OK;
}
