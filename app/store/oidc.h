/*
 * store/oidc.h - OpenID Connect providers (table oidc).  client_id and
 * client_secret are stored as the caller sealed them (rules/secret.h); the
 * JSON carries client_id as stored and client_secret as the given mask
 * ("" when none is stored).
 */
#ifndef STORE_OIDC_H
#define STORE_OIDC_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct arena;
struct db;

/* The inputs of a provider write. */
struct store_oidc_in {
    const char *name;
    const char *provider; /* Google, Microsoft or Custom */
    const char *provider_url;
    const char *client_id;     /* sealed */
    const char *client_secret; /* sealed; NULL on update keeps the stored one */
    const char *logo_url;
    int enabled; /* update only: a new provider is enabled */
};

/*
 * [{id, created_at, updated_at, name, enabled, client_id, client_secret,
 * provider, provider_url, logo_url, redirect_uri}], the latest updated first.
 */
enum app_err store_oidc_json(struct db *db, struct arena *a, const char *mask, const char **json,
                             size_t *len);

/* One provider as in the list; APP_ERR_NOT_FOUND if there is none. */
enum app_err store_oidc_get_json(struct db *db, struct arena *a, const char *mask, int64_t id,
                                 const char **json, size_t *len);

/* A new provider (enabled) as JSON. */
enum app_err store_oidc_create(struct db *db, struct arena *a, const struct store_oidc_in *in,
                               const char *mask, const char **json, size_t *len);

/* Rewrites the provider; as store_oidc_get_json(), or APP_ERR_NOT_FOUND. */
enum app_err store_oidc_update(struct db *db, struct arena *a, int64_t id,
                               const struct store_oidc_in *in, const char *mask, const char **json,
                               size_t *len);

/* APP_ERR_NOT_FOUND if there is none. */
enum app_err store_oidc_delete(struct db *db, struct arena *a, int64_t id);

#endif
