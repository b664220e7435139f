/*
 * store/settings.c - settings rows: one setting, the groups upstream
 * answers (built here so the key order is upstream's) and group writes.
 */
#include "store/settings.h"

#include "lib/db.h"
#include "store/oidc_sql.h"
#include "store/store.h"

/* $1 key */
static const struct db_stmt setting_stmt = {
    "setting", "SELECT value::text FROM settings WHERE key = $1::text", 1, 0};

enum app_err store_setting(struct db *db, struct arena *a, const char *key, const char **value)
{
    const char *p[] = {key};
    return store_one(db, a, &setting_stmt, p, value, NULL);
}

static const struct db_stmt config_stmt = {
    "settings_config",
    "SELECT json_build_object("
    " 'app.favicon_url', (SELECT value FROM settings WHERE key = 'app.favicon_url'),"
    " 'app.lang', (SELECT value FROM settings WHERE key = 'app.lang'),"
    " 'app.logo_url', (SELECT value FROM settings WHERE key = 'app.logo_url'),"
    " 'app.site_name', (SELECT value FROM settings WHERE key = 'app.site_name'),"
    " 'app.sso_providers', (SELECT coalesce(json_agg(json_build_object("
    "  'client_id', o.client_id, 'enabled', o.enabled, 'id', o.id, 'logo_url', " OIDC_LOGO_SQL ","
    "  'name', coalesce(o.name, ''), 'provider', coalesce(o.provider, ''),"
    "  'provider_url', o.provider_url, 'redirect_uri', " OIDC_REDIRECT_SQL ")"
    "  ORDER BY o.updated_at DESC, o.id DESC), '[]') FROM oidc o WHERE o.enabled))::text",
    0, 1};

enum app_err store_settings_config_json(struct db *db, struct arena *a, const char **json,
                                        size_t *len)
{
    return store_json(db, a, &config_stmt, NULL, json, len);
}

/* $1 the version string */
static const struct db_stmt general_stmt = {
    "settings_general",
    "SELECT json_object_agg(key, value ORDER BY key COLLATE \"C\")::text FROM ("
    " SELECT key, value FROM settings WHERE key LIKE 'app.%'"
    "  AND key NOT IN ('app.restart_required', 'app.update', 'app.version')"
    " UNION ALL SELECT 'app.restart_required', 'false'::jsonb"
    " UNION ALL SELECT 'app.update', 'null'::jsonb"
    " UNION ALL SELECT 'app.version', to_jsonb($1::text)) s",
    1, 1};

enum app_err store_settings_general_json(struct db *db, struct arena *a, const char *version,
                                         const char **json, size_t *len)
{
    const char *p[] = {version};
    return store_json_found(db, a, &general_stmt, p, json, len);
}

/* $1 the mask shown for a stored password */
static const struct db_stmt email_stmt = {
    "settings_email",
    "WITH s AS (SELECT coalesce(jsonb_object_agg(key, value), '{}') AS v FROM settings"
    " WHERE key LIKE 'notification.email.%')"
    " SELECT json_build_object("
    " 'notification.email.username', coalesce(v->'notification.email.username', '\"\"'),"
    " 'notification.email.host', coalesce(v->'notification.email.host', '\"\"'),"
    " 'notification.email.port', coalesce(v->'notification.email.port', '0'),"
    " 'notification.email.password', CASE WHEN coalesce(v->>'notification.email.password', '')"
    "  = '' THEN '\"\"'::jsonb ELSE to_jsonb($1::text) END,"
    " 'notification.email.max_conns', coalesce(v->'notification.email.max_conns', '0'),"
    " 'notification.email.idle_timeout', coalesce(v->'notification.email.idle_timeout', '\"\"'),"
    " 'notification.email.wait_timeout', coalesce(v->'notification.email.wait_timeout', '\"\"'),"
    " 'notification.email.auth_protocol', coalesce(v->'notification.email.auth_protocol', '\"\"'),"
    " 'notification.email.email_address', coalesce(v->'notification.email.email_address', '\"\"'),"
    " 'notification.email.max_msg_retries',"
    "  coalesce(v->'notification.email.max_msg_retries', '0'),"
    " 'notification.email.tls_type', coalesce(v->'notification.email.tls_type', '\"\"'),"
    " 'notification.email.tls_skip_verify',"
    "  coalesce(v->'notification.email.tls_skip_verify', 'false'),"
    " 'notification.email.hello_hostname',"
    "  coalesce(v->'notification.email.hello_hostname', '\"\"'),"
    " 'notification.email.enabled', coalesce(v->'notification.email.enabled', 'false'))::text"
    " FROM s",
    1, 1};

enum app_err store_settings_email_json(struct db *db, struct arena *a, const char *mask,
                                       const char **json, size_t *len)
{
    const char *p[] = {mask};
    return store_json_found(db, a, &email_stmt, p, json, len);
}

static const struct db_stmt email_password_stmt = {
    "settings_email_password",
    "SELECT coalesce((SELECT value #>> '{}' FROM settings"
    " WHERE key = 'notification.email.password'), '')",
    0, 1};

enum app_err store_settings_email_password(struct db *db, struct arena *a, const char **stored)
{
    enum app_err e = store_one(db, a, &email_password_stmt, NULL, stored, NULL);
    if (e == APP_OK && *stored == NULL)
        *stored = "";
    return e;
}

/* $1 zone name */
static const struct db_stmt timezone_stmt = {
    "settings_timezone_known", "SELECT 1 FROM pg_timezone_names WHERE name = $1::text LIMIT 1", 1,
    1};

enum app_err store_settings_timezone_known(struct db *db, struct arena *a, const char *name,
                                           int *yes)
{
    const char *p[] = {name};
    return store_exists(db, a, &timezone_stmt, p, yes);
}

/* $1 id */
static const struct db_stmt business_hours_stmt = {
    "settings_business_hours_known", "SELECT 1 FROM business_hours WHERE id = $1::int", 1, 1};
static const struct db_stmt sla_policy_stmt = {
    "settings_sla_policy_known", "SELECT 1 FROM sla_policies WHERE id = $1::int", 1, 1};

enum app_err store_settings_ref_known(struct db *db, struct arena *a, enum store_settings_ref ref,
                                      int64_t id, int *yes)
{
    const char *p[] = {store_i64(a, id)};
    return store_exists(
        db, a, ref == STORE_REF_SLA_POLICY ? &sla_policy_stmt : &business_hours_stmt, p, yes);
}

/* $1 object of key -> value */
static const struct db_stmt write_stmt = {
    "settings_write",
    "INSERT INTO settings (key, value) SELECT key, value FROM jsonb_each($1::jsonb)"
    " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()",
    1, 0};

enum app_err store_settings_write(struct db *db, struct arena *a, const char *values)
{
    const char *p[] = {values};
    return store_one(db, a, &write_stmt, p, NULL, NULL);
}
