/*
 * store/settings.h - the settings table: one setting, the public boot
 * config, the general and e-mail notification groups as upstream answers
 * them, and writing a group at once.
 */
#ifndef STORE_SETTINGS_H
#define STORE_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct arena;
struct db;

/* The setting's value as JSON text (*value borrowed); NULL if the key is not set. */
enum app_err store_setting(struct db *db, struct arena *a, const char *key, const char **value);

/*
 * What the web app reads before login, as upstream: {app.favicon_url,
 * app.lang, app.logo_url, app.site_name, app.sso_providers} (a key not
 * set is null); app.sso_providers lists the enabled OIDC providers as
 * {client_id (as stored: sealed), enabled, id, logo_url, name, provider,
 * provider_url, redirect_uri}, the latest updated first.
 */
enum app_err store_settings_config_json(struct db *db, struct arena *a, const char **json,
                                        size_t *len);

/*
 * Every app.* setting plus app.restart_required (false), app.update (null)
 * and app.version (version), keys in byte order as upstream sends them.
 */
enum app_err store_settings_general_json(struct db *db, struct arena *a, const char *version,
                                         const char **json, size_t *len);

/*
 * The notification.email.* settings in upstream's field order, a missing
 * one as its zero value, the password replaced by mask unless it is empty.
 */
enum app_err store_settings_email_json(struct db *db, struct arena *a, const char *mask,
                                       const char **json, size_t *len);

/* The stored e-mail password (sealed, see rules/secret.h), "" if none. */
enum app_err store_settings_email_password(struct db *db, struct arena *a, const char **stored);

/* *yes 1 if name is one of PostgreSQL's time zone names (pg_timezone_names). */
enum app_err store_settings_timezone_known(struct db *db, struct arena *a, const char *name,
                                           int *yes);

/* The rows a setting may name by id. */
enum store_settings_ref { STORE_REF_BUSINESS_HOURS, STORE_REF_SLA_POLICY };

/* *yes 1 if a row of ref's table (business_hours, sla_policies) has this id. */
enum app_err store_settings_ref_known(struct db *db, struct arena *a, enum store_settings_ref ref,
                                      int64_t id, int *yes);

/*
 * Writes every key of values (a JSON object text, key -> JSON value) in
 * one statement, so all or none are written; the caller names only keys
 * it has checked.
 */
enum app_err store_settings_write(struct db *db, struct arena *a, const char *values);

#endif
