/*
 * store/metrics.h - what GET /metrics reads of the database: the webhook
 * deliveries waiting to be sent.
 */
#ifndef STORE_METRICS_H
#define STORE_METRICS_H

#include "lib/err.h"

struct arena;
struct db;

struct store_outbox {
    long pending;          /* deliveries not yet delivered nor dead */
    double oldest_due_age; /* seconds since the longest-due pending delivery fell due (0: none) */
};

enum app_err store_metrics_outbox(struct db *db, struct arena *a, struct store_outbox *out);

#endif
