/*
 * store/business_hours.c - business-hours calendars.
 */
#include "store/business_hours.h"

#include "lib/db.h"
#include "store/store.h"

#define BH_JSON                                                                                    \
    "json_build_object('id', id, 'created_at', created_at, 'updated_at', updated_at,"              \
    " 'name', name, 'description', coalesce(description, ''), 'is_always_open', is_always_open,"   \
    " 'hours', hours, 'holidays', holidays)"

static const struct db_stmt list_stmt = {"business_hours_json",
                                         "SELECT coalesce(json_agg(" BH_JSON
                                         " ORDER BY name, id), '[]')::text FROM business_hours",
                                         0, 1};

enum app_err store_business_hours_json(struct db *db, struct arena *a, const char **json,
                                       size_t *len)
{
    return store_json(db, a, &list_stmt, NULL, json, len);
}

static const struct db_stmt get_stmt = {
    "business_hours_get", "SELECT " BH_JSON "::text FROM business_hours WHERE id = $1::int", 1, 0};

enum app_err store_business_hours_get(struct db *db, struct arena *a, int64_t id, const char **json,
                                      size_t *len)
{
    return store_json_by_id(db, a, &get_stmt, id, json, len);
}

/* $1 name, $2 description, $3 is_always_open, $4 hours, $5 holidays */
static const struct db_stmt create_stmt = {
    "business_hours_create",
    "INSERT INTO business_hours (name, description, is_always_open, hours, holidays)"
    " VALUES ($1::text, nullif($2::text, ''), $3::boolean, $4::jsonb, $5::jsonb)"
    " RETURNING " BH_JSON "::text",
    5, 0};

enum app_err store_business_hours_create(struct db *db, struct arena *a,
                                         const struct business_hours_in *in, const char **json,
                                         size_t *len)
{
    const char *p[] = {in->name, in->description, in->is_always_open ? "true" : "false", in->hours,
                       in->holidays};
    return store_json_found(db, a, &create_stmt, p, json, len);
}

/* $1 id, then as create_stmt */
static const struct db_stmt update_stmt = {
    "business_hours_update",
    "UPDATE business_hours SET name = $2::text, description = nullif($3::text, ''),"
    " is_always_open = $4::boolean, hours = $5::jsonb, holidays = $6::jsonb, updated_at = now()"
    " WHERE id = $1::int RETURNING " BH_JSON "::text",
    6, 0};

enum app_err store_business_hours_update(struct db *db, struct arena *a, int64_t id,
                                         const struct business_hours_in *in, const char **json,
                                         size_t *len)
{
    const char *p[] = {store_i64(a, id), in->name,
                       in->description,  in->is_always_open ? "true" : "false",
                       in->hours,        in->holidays};
    return store_json_found(db, a, &update_stmt, p, json, len);
}

static const struct db_stmt delete_stmt = {
    "business_hours_delete", "DELETE FROM business_hours WHERE id = $1::int RETURNING id", 1, 0};

enum app_err store_business_hours_delete(struct db *db, struct arena *a, int64_t id)
{
    const char *p[] = {store_i64(a, id)};
    return store_found(db, a, &delete_stmt, p, NULL);
}
