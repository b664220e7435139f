/*
 * store/webhook_deliveries.h - the dispatcher's side of the outbox
 * (deskd_webhook_deliveries, written by sql/026_events.sql's trigger with
 * each event): claiming due deliveries so that one dispatcher sends each
 * (FOR UPDATE SKIP LOCKED, then a lease), recording outcomes, the retention
 * purge, and the page of a webhook's deliveries an admin reads.
 */
#ifndef STORE_WEBHOOK_DELIVERIES_H
#define STORE_WEBHOOK_DELIVERIES_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct arena;
struct db;

/* A claimed delivery; strings in the arena. */
struct store_delivery {
    int64_t id;
    int64_t webhook_id;
    int attempts; /* including this one */
    const char *event;
    const char *body; /* the exact bytes to send and sign */
    size_t body_len;
    const char *url;
    const char *secret; /* as stored (sealed or plain) */
};

/*
 * Claims up to max due deliveries of active webhooks, at most per_webhook
 * of each webhook and none of the skip (n_skip) webhooks: each gets its
 * attempt counted and its next attempt moved lease_ms ahead, so another
 * dispatcher takes it over only if this one does not report by then (it
 * died: at-least-once).  Rows locked by another dispatcher are skipped.
 * *out (arena) gets *n deliveries.
 */
enum app_err store_deliveries_claim(struct db *db, struct arena *a, int max, int per_webhook,
                                    const int64_t *skip, int n_skip, long lease_ms,
                                    struct store_delivery **out, int *n);

enum store_outcome { STORE_DELIVERED, STORE_RETRY, STORE_DEAD };

struct store_delivery_result {
    int64_t id;
    int attempts; /* the claim's count: a retry or dead is recorded only if still current */
    enum store_outcome outcome;
    long status;       /* HTTP status, 0: none */
    const char *error; /* NULL: none */
    long delay_ms;     /* STORE_RETRY: from now to the next attempt */
};

/* Records n outcomes in one statement. */
enum app_err store_deliveries_finish(struct db *db, struct arena *a,
                                     const struct store_delivery_result *r, int n);

/*
 * Milliseconds until the earliest pending delivery of an active webhook is
 * due (0 if one is due now), *none 1 if there is none.
 */
enum app_err store_deliveries_next_due(struct db *db, struct arena *a, long *ms, int *none);

/*
 * Deletes up to batch events older than retention_s seconds, and as many
 * delivered or dead deliveries older than that; *n the rows deleted.
 */
enum app_err store_events_purge(struct db *db, struct arena *a, long retention_s, int batch,
                                long *n);

/*
 * data for GET /webhooks/{id}/deliveries: the page (newest first) of the
 * webhook's deliveries as a JSON array, and their total.  APP_ERR_NOT_FOUND
 * if there is no such webhook.
 */
enum app_err store_webhook_deliveries_page(struct db *db, struct arena *a, int64_t webhook_id,
                                           int64_t page, int64_t page_size, int64_t *total,
                                           const char **json, size_t *len);

#endif
