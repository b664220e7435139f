/*
 * store/oidc.c - OpenID Connect providers.
 */
#include "store/oidc.h"

#include "lib/db.h"
#include "store/oidc_sql.h"
#include "store/store.h"

/* One provider as upstream shows it, over oidc o; $1 the mask of a stored secret. */
#define OIDC_JSON                                                                                  \
    "json_build_object('id', o.id, 'created_at', o.created_at, 'updated_at', o.updated_at,"        \
    " 'name', coalesce(o.name, ''), 'enabled', o.enabled, 'client_id', o.client_id,"               \
    " 'client_secret', CASE WHEN o.client_secret <> '' THEN $1::text ELSE '' END,"                 \
    " 'provider', coalesce(o.provider, ''), 'provider_url', o.provider_url,"                       \
    " 'logo_url', " OIDC_LOGO_SQL ", 'redirect_uri', " OIDC_REDIRECT_SQL ")"

/* $1 mask */
static const struct db_stmt list_stmt = {"oidc_json",
                                         "SELECT coalesce(json_agg(" OIDC_JSON
                                         " ORDER BY o.updated_at DESC, o.id DESC), '[]')::text"
                                         " FROM oidc o",
                                         1, 1};

enum app_err store_oidc_json(struct db *db, struct arena *a, const char *mask, const char **json,
                             size_t *len)
{
    const char *p[] = {mask};
    return store_json_found(db, a, &list_stmt, p, json, len);
}

/* $1 mask, $2 id */
static const struct db_stmt get_stmt = {
    "oidc_get", "SELECT " OIDC_JSON "::text FROM oidc o WHERE o.id = $2::int", 2, 1};

enum app_err store_oidc_get_json(struct db *db, struct arena *a, const char *mask, int64_t id,
                                 const char **json, size_t *len)
{
    const char *p[] = {mask, store_i64(a, id)};
    return store_json_found(db, a, &get_stmt, p, json, len);
}

/* $1 mask, $2 name, $3 provider, $4 provider_url, $5 client_id, $6 client_secret, $7 logo_url */
static const struct db_stmt create_stmt = {
    "oidc_create",
    "WITH o AS (INSERT INTO oidc (name, provider, provider_url, client_id, client_secret, logo_url)"
    " VALUES ($2::text, $3::text, $4::text, $5::text, $6::text, $7::text) RETURNING *)"
    " SELECT " OIDC_JSON "::text FROM o",
    7, 0};

enum app_err store_oidc_create(struct db *db, struct arena *a, const struct store_oidc_in *in,
                               const char *mask, const char **json, size_t *len)
{
    const char *p[] = {mask,          in->name,          in->provider, in->provider_url,
                       in->client_id, in->client_secret, in->logo_url};
    return store_json_found(db, a, &create_stmt, p, json, len);
}

/*
 * $1 mask, $2 id, $3 name, $4 provider, $5 provider_url, $6 client_id,
 * $7 client_secret (NULL keeps it), $8 enabled, $9 logo_url
 */
static const struct db_stmt update_stmt = {
    "oidc_update",
    "WITH o AS (UPDATE oidc SET name = $3::text, provider = $4::text, provider_url = $5::text,"
    " client_id = $6::text, client_secret = coalesce($7::text, client_secret),"
    " enabled = $8::bool, logo_url = $9::text, updated_at = now()"
    " WHERE id = $2::int RETURNING *)"
    " SELECT " OIDC_JSON "::text FROM o",
    9, 0};

enum app_err store_oidc_update(struct db *db, struct arena *a, int64_t id,
                               const struct store_oidc_in *in, const char *mask, const char **json,
                               size_t *len)
{
    const char *p[] = {mask,
                       store_i64(a, id),
                       in->name,
                       in->provider,
                       in->provider_url,
                       in->client_id,
                       in->client_secret,
                       store_bool(in->enabled),
                       in->logo_url};
    return store_json_found(db, a, &update_stmt, p, json, len);
}

/* $1 id */
static const struct db_stmt delete_stmt = {
    "oidc_delete", "DELETE FROM oidc WHERE id = $1::int RETURNING id", 1, 0};

enum app_err store_oidc_delete(struct db *db, struct arena *a, int64_t id)
{
    const char *p[] = {store_i64(a, id)};
    return store_found(db, a, &delete_stmt, p, NULL);
}
