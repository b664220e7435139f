/*
 * store/webhooks.c - outgoing webhooks (webhooks) and their test delivery.
 */
#include "store/webhooks.h"

#include "lib/db.h"
#include "store/store.h"

/* One webhook over webhooks, the secret replaced by ten U+2022 bullets (upstream's dummy). */
#define WEBHOOK_JSON                                                                               \
    "json_build_object('id', id, 'created_at', created_at, 'updated_at', updated_at,"              \
    " 'name', name, 'url', url, 'events', events,"                                                 \
    " 'secret', CASE WHEN coalesce(secret, '') <> '' THEN repeat(U&'\\2022', 10) ELSE '' END,"     \
    " 'is_active', coalesce(is_active, false))"

static const struct db_stmt list_stmt = {"webhooks_json",
                                         "SELECT coalesce(json_agg(" WEBHOOK_JSON
                                         " ORDER BY created_at DESC, id DESC), '[]')::text"
                                         " FROM webhooks",
                                         0, 1};

enum app_err store_webhooks_json(struct db *db, struct arena *a, const char **json, size_t *len)
{
    return store_json_found(db, a, &list_stmt, NULL, json, len);
}

/* $1 id */
static const struct db_stmt get_stmt = {
    "webhook_json", "SELECT " WEBHOOK_JSON "::text FROM webhooks WHERE id = $1::int", 1, 1};

enum app_err store_webhook_json(struct db *db, struct arena *a, int64_t id, const char **json,
                                size_t *len)
{
    return store_json_by_id(db, a, &get_stmt, id, json, len);
}

/* The events parameter ($N, a JSON array of labels) as webhook_event[]. */
#define EVENTS_OF(n)                                                                               \
    "(SELECT array_agg(e::webhook_event ORDER BY o) FROM jsonb_array_elements_text($" n            \
    "::jsonb) WITH ORDINALITY AS x(e, o))"

/* $1 name, $2 url, $3 events, $4 sealed secret, $5 active */
static const struct db_stmt create_stmt = {
    "webhook_create",
    "INSERT INTO webhooks (name, url, events, secret, is_active)"
    " VALUES ($1::text, $2::text, " EVENTS_OF("3") ", $4::text, $5::boolean)"
                                                   " RETURNING " WEBHOOK_JSON "::text",
    5, 0};

enum app_err store_webhook_create(struct db *db, struct arena *a, const struct webhook_in *in,
                                  const char **json, size_t *len)
{
    const char *p[] = {in->name, in->url, in->events, in->secret ? in->secret : "",
                       store_bool(in->is_active)};
    return store_json_found(db, a, &create_stmt, p, json, len);
}

/* $1 id, $2 name, $3 url, $4 events, $5 sealed secret or NULL to keep, $6 active */
static const struct db_stmt update_stmt = {
    "webhook_update",
    "UPDATE webhooks SET name = $2::text, url = $3::text, events = " EVENTS_OF(
        "4") ","
             " secret = coalesce($5::text, secret), is_active = $6::boolean, updated_at = now()"
             " WHERE id = $1::int RETURNING " WEBHOOK_JSON "::text",
    6, 0};

enum app_err store_webhook_update(struct db *db, struct arena *a, int64_t id,
                                  const struct webhook_in *in, const char **json, size_t *len)
{
    const char *p[] = {store_i64(a, id), in->name,   in->url,
                       in->events,       in->secret, store_bool(in->is_active)};
    return store_json_found(db, a, &update_stmt, p, json, len);
}

/* $1 id */
static const struct db_stmt toggle_stmt = {
    "webhook_toggle",
    "UPDATE webhooks SET is_active = NOT coalesce(is_active, false), updated_at = now()"
    " WHERE id = $1::int RETURNING " WEBHOOK_JSON "::text",
    1, 0};

enum app_err store_webhook_toggle(struct db *db, struct arena *a, int64_t id, const char **json,
                                  size_t *len)
{
    return store_json_by_id(db, a, &toggle_stmt, id, json, len);
}

/* $1 id: its deliveries go with it (ON DELETE CASCADE) */
static const struct db_stmt delete_stmt = {
    "webhook_delete", "DELETE FROM webhooks WHERE id = $1::int RETURNING id", 1, 0};

enum app_err store_webhook_delete(struct db *db, struct arena *a, int64_t id)
{
    const char *p[] = {store_i64(a, id)};
    return store_found(db, a, &delete_stmt, p, NULL);
}

/* $1 id */
static const struct db_stmt test_stmt = {
    "webhook_test",
    WEBHOOK_DIRECT_DELIVERY("'webhook.test'", "json_build_object('id', w.id, 'name', w.name)",
                            "w.id = $1::int"),
    1, 0};

enum app_err store_webhook_test(struct db *db, struct arena *a, int64_t id, int64_t *delivery_id)
{
    const char *p[] = {store_i64(a, id)};
    return store_found_i64(db, a, &test_stmt, p, delivery_id);
}
