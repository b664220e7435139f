/*
 * store/sla.c - SLA policies.
 */
#include "store/sla.h"

#include "lib/db.h"
#include "store/store.h"

/* One policy as upstream shows it, over sla_policies. */
#define SLA_JSON                                                                                   \
    "json_build_object('id', id, 'created_at', created_at,"                                        \
    " 'updated_at', updated_at, 'name', name, 'description', coalesce(description, ''),"           \
    " 'first_response_time', first_response_time, 'resolution_time', resolution_time,"             \
    " 'next_response_time', coalesce(next_response_time, ''), 'notifications', notifications)"

static const struct db_stmt list_stmt = {"sla_policies_json",
                                         "SELECT coalesce(json_agg(" SLA_JSON
                                         " ORDER BY updated_at DESC, id DESC), '[]')::text"
                                         " FROM sla_policies",
                                         0, 1};

enum app_err store_sla_policies_json(struct db *db, struct arena *a, const char **json, size_t *len)
{
    return store_json(db, a, &list_stmt, NULL, json, len);
}

static const struct db_stmt get_stmt = {
    "sla_policy_get", "SELECT " SLA_JSON "::text FROM sla_policies WHERE id = $1::int", 1, 0};

enum app_err store_sla_policy_json(struct db *db, struct arena *a, int64_t id, const char **json,
                                   size_t *len)
{
    return store_json_by_id(db, a, &get_stmt, id, json, len);
}

/* $1 name, $2 description, $3 first response, $4 resolution, $5 next response, $6 notifications */
static const struct db_stmt create_stmt = {
    "sla_policy_create",
    "INSERT INTO sla_policies (name, description, first_response_time, resolution_time,"
    " next_response_time, notifications) VALUES ($1::text, nullif($2::text, ''), $3::text,"
    " $4::text, nullif($5::text, ''), $6::jsonb) RETURNING " SLA_JSON "::text",
    6, 0};

enum app_err store_sla_policy_create(struct db *db, struct arena *a, const struct sla_policy_in *in,
                                     const char **json, size_t *len)
{
    const char *p[] = {in->name,       in->description,   in->first_response,
                       in->resolution, in->next_response, in->notifications};
    return store_json_found(db, a, &create_stmt, p, json, len);
}

/* $1 id, then as create_stmt */
static const struct db_stmt update_stmt = {
    "sla_policy_update",
    "UPDATE sla_policies SET name = $2::text, description = nullif($3::text, ''),"
    " first_response_time = $4::text, resolution_time = $5::text,"
    " next_response_time = nullif($6::text, ''), notifications = $7::jsonb, updated_at = now()"
    " WHERE id = $1::int RETURNING " SLA_JSON "::text",
    7, 0};

enum app_err store_sla_policy_update(struct db *db, struct arena *a, int64_t id,
                                     const struct sla_policy_in *in, const char **json, size_t *len)
{
    const char *p[] = {store_i64(a, id), in->name,          in->description,  in->first_response,
                       in->resolution,   in->next_response, in->notifications};
    return store_json_found(db, a, &update_stmt, p, json, len);
}

/* $1 id; teams and conversations keep NULL (ON DELETE SET NULL). */
static const struct db_stmt delete_stmt = {
    "sla_policy_delete", "DELETE FROM sla_policies WHERE id = $1::int RETURNING id", 1, 0};

enum app_err store_sla_policy_delete(struct db *db, struct arena *a, int64_t id)
{
    const char *p[] = {store_i64(a, id)};
    return store_found(db, a, &delete_stmt, p, NULL);
}
