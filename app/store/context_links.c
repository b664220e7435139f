/*
 * store/context_links.c - context links (context_links).
 */
#include "store/context_links.h"

#include "lib/db.h"
#include "store/store.h"

/* One link over context_links, the secret replaced by ten U+2022 bullets (upstream's dummy). */
#define LINK_JSON                                                                                  \
    "json_build_object('id', id, 'created_at', created_at, 'updated_at', updated_at,"              \
    " 'name', name, 'url_template', url_template,"                                                 \
    " 'secret', CASE WHEN signing_secret <> '' THEN repeat(U&'\\2022', 10) ELSE '' END,"           \
    " 'token_expiry_seconds', token_expiry_seconds, 'is_active', coalesce(is_active, false))"

static const struct db_stmt list_stmt = {"context_links_json",
                                         "SELECT coalesce(json_agg(" LINK_JSON
                                         " ORDER BY created_at DESC, id DESC), '[]')::text"
                                         " FROM context_links",
                                         0, 1};

enum app_err store_context_links_json(struct db *db, struct arena *a, const char **json,
                                      size_t *len)
{
    return store_json_found(db, a, &list_stmt, NULL, json, len);
}

static const struct db_stmt active_stmt = {
    "context_links_active_json",
    "SELECT coalesce(json_agg(json_build_object('id', id, 'created_at', created_at,"
    " 'updated_at', updated_at, 'name', name, 'url_template', url_template, 'secret', '',"
    " 'token_expiry_seconds', token_expiry_seconds, 'is_active', is_active)"
    " ORDER BY created_at DESC, id DESC), '[]')::text FROM context_links WHERE is_active",
    0, 1};

enum app_err store_context_links_active_json(struct db *db, struct arena *a, const char **json,
                                             size_t *len)
{
    return store_json_found(db, a, &active_stmt, NULL, json, len);
}

/* $1 id */
static const struct db_stmt get_stmt = {
    "context_link_json", "SELECT " LINK_JSON "::text FROM context_links WHERE id = $1::int", 1, 1};

enum app_err store_context_link_json(struct db *db, struct arena *a, int64_t id, const char **json,
                                     size_t *len)
{
    return store_json_by_id(db, a, &get_stmt, id, json, len);
}

/* $1 name, $2 url_template, $3 sealed secret, $4 token expiry, $5 active */
static const struct db_stmt create_stmt = {
    "context_link_create",
    "INSERT INTO context_links (name, url_template, signing_secret, token_expiry_seconds,"
    " is_active) VALUES ($1::text, $2::text, $3::text, $4::int, $5::boolean)"
    " RETURNING " LINK_JSON "::text",
    5, 0};

enum app_err store_context_link_create(struct db *db, struct arena *a,
                                       const struct context_link_in *in, const char **json,
                                       size_t *len)
{
    const char *p[] = {in->name, in->url_template, in->secret ? in->secret : "",
                       store_i64(a, in->token_expiry_seconds), store_bool(in->is_active)};
    return store_json_found(db, a, &create_stmt, p, json, len);
}

/* $1 id, $2 name, $3 url_template, $4 sealed secret or NULL to keep, $5 token expiry, $6 active */
static const struct db_stmt update_stmt = {
    "context_link_update",
    "UPDATE context_links SET name = $2::text, url_template = $3::text,"
    " signing_secret = coalesce($4::text, signing_secret), token_expiry_seconds = $5::int,"
    " is_active = $6::boolean, updated_at = now() WHERE id = $1::int"
    " RETURNING " LINK_JSON "::text",
    6, 0};

enum app_err store_context_link_update(struct db *db, struct arena *a, int64_t id,
                                       const struct context_link_in *in, const char **json,
                                       size_t *len)
{
    const char *p[] = {store_i64(a, id),
                       in->name,
                       in->url_template,
                       in->secret,
                       store_i64(a, in->token_expiry_seconds),
                       store_bool(in->is_active)};
    return store_json_found(db, a, &update_stmt, p, json, len);
}

/* $1 id */
static const struct db_stmt toggle_stmt = {
    "context_link_toggle",
    "UPDATE context_links SET is_active = NOT coalesce(is_active, false), updated_at = now()"
    " WHERE id = $1::int RETURNING " LINK_JSON "::text",
    1, 0};

enum app_err store_context_link_toggle(struct db *db, struct arena *a, int64_t id,
                                       const char **json, size_t *len)
{
    return store_json_by_id(db, a, &toggle_stmt, id, json, len);
}

/* $1 id */
static const struct db_stmt delete_stmt = {
    "context_link_delete", "DELETE FROM context_links WHERE id = $1::int RETURNING id", 1, 0};

enum app_err store_context_link_delete(struct db *db, struct arena *a, int64_t id)
{
    const char *p[] = {store_i64(a, id)};
    return store_found(db, a, &delete_stmt, p, NULL);
}
