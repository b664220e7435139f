/*
 * store/oidc_sql.h - the computed fields of an OIDC provider in SQL, shared
 * by the oidc and the config statements (private to app/store).  The row is
 * aliased o.
 */
#ifndef STORE_OIDC_SQL_H
#define STORE_OIDC_SQL_H

/* The stored logo, else upstream's built-in one for the provider. */
#define OIDC_LOGO_SQL                                                                              \
    "CASE WHEN o.logo_url <> '' THEN o.logo_url"                                                   \
    " WHEN o.provider = 'Google' THEN '/images/google-logo.svg'"                                   \
    " WHEN o.provider = 'Microsoft' THEN '/images/microsoft-logo.svg' ELSE '' END"

/* The app.root_url setting + /api/v1/oidc/{id}/finish, as upstream. */
#define OIDC_REDIRECT_SQL                                                                          \
    "coalesce((SELECT value #>> '{}' FROM settings WHERE key = 'app.root_url'), '')"               \
    " || '/api/v1/oidc/' || o.id || '/finish'"

#endif
