/*
 * store/webhooks.h - outgoing webhooks (upstream's webhooks table): a URL,
 * the events it subscribes to and a signing secret stored sealed
 * (rules/secret.h) and never read back: answers carry upstream's dummy.
 * Their deliveries are written with each event (sql/026) and sent by the
 * webhook dispatcher, never by a worker.
 */
#ifndef STORE_WEBHOOKS_H
#define STORE_WEBHOOKS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct arena;
struct db;

/*
 * A webhook as JSON: {id, created_at, updated_at, name, url, events,
 * secret, is_active}, secret the dummy when one is set and "" otherwise.
 */

/* Every webhook, newest first. */
enum app_err store_webhooks_json(struct db *db, struct arena *a, const char **json, size_t *len);

/* One webhook; APP_ERR_NOT_FOUND if there is none. */
enum app_err store_webhook_json(struct db *db, struct arena *a, int64_t id, const char **json,
                                size_t *len);

/* What a write sets. */
struct webhook_in {
    const char *name;
    const char *url;
    const char *events; /* a JSON array of webhook_event labels, checked by the caller */
    const char *secret; /* sealed (or ""); NULL on update keeps the stored one */
    int is_active;
};

/* A new webhook, as store_webhook_json(). */
enum app_err store_webhook_create(struct db *db, struct arena *a, const struct webhook_in *in,
                                  const char **json, size_t *len);

/* Rewrites webhook id; APP_ERR_NOT_FOUND if there is none. */
enum app_err store_webhook_update(struct db *db, struct arena *a, int64_t id,
                                  const struct webhook_in *in, const char **json, size_t *len);

/* Flips is_active; APP_ERR_NOT_FOUND if there is none. */
enum app_err store_webhook_toggle(struct db *db, struct arena *a, int64_t id, const char **json,
                                  size_t *len);

/* Deletes it and its deliveries; APP_ERR_NOT_FOUND if there is none. */
enum app_err store_webhook_delete(struct db *db, struct arena *a, int64_t id);

/*
 * Queues upstream's test event for webhook id (active or not, subscribed
 * or not): one pending delivery of {"event": "webhook.test", "timestamp",
 * "payload": {id, name}} whose event id is drawn from deskd_events' own
 * sequence (no event row: the live hub never sees it), and wakes the
 * dispatcher, in one statement.  *delivery_id is the delivery's id.
 * APP_ERR_NOT_FOUND if there is no such webhook.
 */
enum app_err store_webhook_test(struct db *db, struct arena *a, int64_t id, int64_t *delivery_id);

/*
 * For app/store only: a statement queuing one delivery to each webhook w
 * that `where` (SQL over webhooks w) selects, of event `event` and payload
 * `payload` (SQL expressions), its body as sql/026's fan-out builds it, and
 * waking the dispatchers; its rows are the delivery ids.  The event id
 * comes from deskd_events' sequence without an event row, so that no other
 * webhook subscribed to the event's name gets it (the test delivery, an
 * automation rule's trigger_webhook).
 */
#define WEBHOOK_DIRECT_DELIVERY(event, payload, where)                                             \
    "WITH d AS (INSERT INTO deskd_webhook_deliveries (webhook_id, event_id, event, body)"          \
    " SELECT w.id, nextval(pg_get_serial_sequence('deskd_events', 'id')), " event ","              \
    " json_build_object('event', " event ", 'timestamp',"                                          \
    "  to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'),"                    \
    "  'payload', " payload ")::text FROM webhooks w WHERE " where " RETURNING id)"                \
    " SELECT d.id FROM d, LATERAL (SELECT pg_notify('deskd_webhooks', '')) n"

#endif
