/*
 * store/automation.c - automation rules: their reads and writes.  Every
 * write also bumps the 'automation' cache version (sql/037) in its
 * transaction, so each process's parsed copy of the rules is rebuilt
 * (store/automation_run.c).
 */
#include "store/automation.h"

#include "lib/db.h"
#include "store/store.h"

static const struct db_stmt bump_stmt = {
    "automation_version_bump",
    "UPDATE deskd_cache_versions SET version = version + 1 WHERE name = 'automation'", 0, 0};

/* Ends a write's transaction (begun by the caller), with the bump when it went well. */
static enum app_err bumped(struct db *db, struct arena *a, enum app_err e)
{
    if (e == APP_OK)
        e = store_one(db, a, &bump_stmt, NULL, NULL, NULL);
    return store_end(db, e);
}

/* One rule over automation_rules r, with the fields of upstream's rule record. */
#define RULE_JSON                                                                                  \
    "json_build_object('id', r.id, 'created_at', r.created_at, 'updated_at', r.updated_at,"        \
    " 'name', r.name, 'description', coalesce(r.description, ''), 'type', r.type,"                 \
    " 'events', to_json(r.events), 'enabled', r.enabled, 'weight', r.weight,"                      \
    " 'execution_mode', r.execution_mode, 'rules', r.rules)"

/* $1 type or NULL */
static const struct db_stmt list_stmt = {
    "automation_rules_json",
    "SELECT coalesce(json_agg(" RULE_JSON " ORDER BY r.weight, r.id), '[]')::text"
    " FROM automation_rules r WHERE $1::text IS NULL OR r.type = $1::text",
    1, 1};

enum app_err store_automation_rules_json(struct db *db, struct arena *a, const char *type,
                                         const char **json, size_t *len)
{
    const char *p[] = {type};
    return store_json(db, a, &list_stmt, p, json, len);
}

/* $1 id */
static const struct db_stmt get_stmt = {
    "automation_rule_json",
    "SELECT " RULE_JSON "::text FROM automation_rules r WHERE r.id = $1::int", 1, 1};

enum app_err store_automation_rule_json(struct db *db, struct arena *a, int64_t id,
                                        const char **json, size_t *len)
{
    return store_json_by_id(db, a, &get_stmt, id, json, len);
}

/*
 * The execution mode a rule of type TYPE takes: the one its type's other
 * rules have (the mode is set per type), else all.
 */
#define MODE_OF(TYPE, OTHER_THAN)                                                                  \
    "coalesce((SELECT m.execution_mode FROM automation_rules m WHERE m.type = " TYPE               \
    " AND m.id <> " OTHER_THAN " ORDER BY m.id LIMIT 1), 'all')"

/* $1 name, $2 description, $3 type, $4 events, $5 rules, $6 enabled */
static const struct db_stmt create_stmt = {
    "automation_rule_create",
    "WITH r AS (INSERT INTO automation_rules (name, description, type, events, rules, enabled,"
    " execution_mode) VALUES ($1::text, $2::text, $3::text,"
    " ARRAY(SELECT jsonb_array_elements_text($4::jsonb)), $5::jsonb, $6::boolean, " MODE_OF(
        "$3::text", "0") ")"
                         " RETURNING *) SELECT " RULE_JSON "::text FROM r",
    6, 0};

enum app_err store_automation_rule_create(struct db *db, struct arena *a,
                                          const struct store_automation_in *in, const char **json,
                                          size_t *len)
{
    const char *p[] = {in->name,   in->description, in->type,
                       in->events, in->rules,       store_bool(in->enabled)};
    enum app_err e = store_begin(db);
    return e != APP_OK ? e : bumped(db, a, store_json_found(db, a, &create_stmt, p, json, len));
}

/* $1 id, then as create_stmt from $2; a rule moved to another type takes that type's mode. */
static const struct db_stmt update_stmt = {
    "automation_rule_update",
    "WITH r AS (UPDATE automation_rules SET name = $2::text, description = $3::text,"
    " type = $4::text, events = ARRAY(SELECT jsonb_array_elements_text($5::jsonb)),"
    " rules = $6::jsonb, enabled = $7::boolean, execution_mode = CASE WHEN type = $4::text"
    " THEN execution_mode ELSE " MODE_OF(
        "$4::text", "$1::int") " END,"
                               " updated_at = now() WHERE id = $1::int"
                               " RETURNING *) SELECT " RULE_JSON "::text FROM r",
    7, 0};

enum app_err store_automation_rule_update(struct db *db, struct arena *a, int64_t id,
                                          const struct store_automation_in *in, const char **json,
                                          size_t *len)
{
    const char *p[] = {store_i64(a, id), in->name,  in->description,        in->type,
                       in->events,       in->rules, store_bool(in->enabled)};
    enum app_err e = store_begin(db);
    return e != APP_OK ? e : bumped(db, a, store_json_found(db, a, &update_stmt, p, json, len));
}

/* $1 id */
static const struct db_stmt toggle_stmt = {
    "automation_rule_toggle",
    "WITH r AS (UPDATE automation_rules SET enabled = NOT enabled, updated_at = now()"
    " WHERE id = $1::int RETURNING *) SELECT " RULE_JSON "::text FROM r",
    1, 0};

enum app_err store_automation_rule_toggle(struct db *db, struct arena *a, int64_t id,
                                          const char **json, size_t *len)
{
    enum app_err e = store_begin(db);
    return e != APP_OK ? e : bumped(db, a, store_json_by_id(db, a, &toggle_stmt, id, json, len));
}

/* $1 id */
static const struct db_stmt delete_stmt = {
    "automation_rule_delete", "DELETE FROM automation_rules WHERE id = $1::int RETURNING id", 1, 0};

enum app_err store_automation_rule_delete(struct db *db, struct arena *a, int64_t id)
{
    const char *p[] = {store_i64(a, id)};
    enum app_err e = store_begin(db);
    return e != APP_OK ? e : bumped(db, a, store_found(db, a, &delete_stmt, p, NULL));
}

/*
 * $1 {"<id>": weight}, $2 how many entries: the update runs only when
 * every id names a rule, so a bad id changes nothing.
 */
static const struct db_stmt weights_stmt = {
    "automation_weights",
    "WITH w AS (SELECT key::int AS id, value::int AS weight FROM jsonb_each_text($1::jsonb)),"
    " ok AS (SELECT count(*) = $2::int AS all_found FROM w JOIN automation_rules r USING (id)),"
    " u AS (UPDATE automation_rules r SET weight = w.weight, updated_at = now() FROM w, ok"
    "  WHERE r.id = w.id AND ok.all_found RETURNING r.id)"
    " SELECT 1 FROM ok WHERE ok.all_found",
    2, 0};

enum app_err store_automation_weights(struct db *db, struct arena *a, const char *weights,
                                      size_t count)
{
    const char *p[] = {weights, store_i64(a, (int64_t)count)};
    enum app_err e = store_begin(db);
    return e != APP_OK ? e : bumped(db, a, store_found(db, a, &weights_stmt, p, NULL));
}

/* $1 mode */
static const struct db_stmt mode_stmt = {
    "automation_mode",
    "UPDATE automation_rules SET execution_mode = $1::automation_execution_mode,"
    " updated_at = now() WHERE type = 'new_conversation'",
    1, 0};

enum app_err store_automation_mode(struct db *db, struct arena *a, const char *mode)
{
    const char *p[] = {mode};
    long rows;
    enum app_err e = store_begin(db);
    return e != APP_OK ? e : bumped(db, a, store_one(db, a, &mode_stmt, p, NULL, &rows));
}
