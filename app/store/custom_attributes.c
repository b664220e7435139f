/*
 * store/custom_attributes.c - custom attribute definitions
 * (custom_attribute_definitions) and the values on conversations and
 * contacts.
 */
#include "store/custom_attributes.h"

#include "lib/db.h"
#include "store/store.h"

/* One definition as upstream shows it, over custom_attribute_definitions. */
#define DEF_JSON                                                                                   \
    "json_build_object('id', id, 'created_at', created_at, 'updated_at', updated_at,"              \
    " 'name', \"name\", 'description', description, 'applies_to', applies_to, 'key', \"key\","     \
    " 'values', \"values\", 'data_type', data_type, 'regex', coalesce(regex, ''),"                 \
    " 'regex_hint', coalesce(regex_hint, ''))"

/* $1 applies_to (NULL: all) */
static const struct db_stmt list_stmt = {
    "custom_attributes_json",
    "SELECT coalesce(json_agg(" DEF_JSON " ORDER BY updated_at DESC, id DESC), '[]')::text"
    " FROM custom_attribute_definitions WHERE $1::text IS NULL OR applies_to = $1::text",
    1, 1};

enum app_err store_custom_attributes_json(struct db *db, struct arena *a, const char *applies_to,
                                          const char **json, size_t *len)
{
    const char *p[] = {applies_to};
    return store_json(db, a, &list_stmt, p, json, len);
}

/* $1 id */
static const struct db_stmt get_stmt = {
    "custom_attribute_json",
    "SELECT " DEF_JSON "::text FROM custom_attribute_definitions WHERE id = $1::int", 1, 1};

enum app_err store_custom_attribute_json(struct db *db, struct arena *a, int64_t id,
                                         const char **json, size_t *len)
{
    return store_json_by_id(db, a, &get_stmt, id, json, len);
}

/* $1 id */
static const struct db_stmt kind_stmt = {
    "custom_attribute_kind",
    "SELECT \"key\", data_type FROM custom_attribute_definitions WHERE id = $1::int", 1, 1};

enum app_err store_custom_attribute_kind(struct db *db, struct arena *a, int64_t id,
                                         const char **key, const char **data_type)
{
    const char *p[] = {store_i64(a, id)};
    struct db_res *res;
    enum app_err e = db_run(db, a, &kind_stmt, p, &res);

    *key = *data_type = NULL;
    if (e != APP_OK)
        return e;
    if (db_ntuples(res) == 0)
        return APP_ERR_NOT_FOUND;
    *key = db_value(res, 0, 0);
    *data_type = db_value(res, 0, 1);
    return APP_OK;
}

/* $1 regex; PostgreSQL refuses one it cannot compile (2201B). */
static const struct db_stmt regex_stmt = {"custom_attribute_regex_ok", "SELECT '' ~ $1::text", 1,
                                          1};

enum app_err store_custom_attribute_regex_ok(struct db *db, struct arena *a, const char *regex,
                                             int *ok)
{
    const char *p[] = {regex};
    enum app_err e = store_one(db, a, &regex_stmt, p, NULL, NULL);

    *ok = e == APP_OK;
    return e == APP_ERR_INPUT ? APP_OK : e;
}

/* The values of a write: a JSON array of strings as text[]. */
#define VALUES_ARRAY(n) "ARRAY(SELECT jsonb_array_elements_text(" n "::jsonb))"

/* $1 applies_to, $2 name, $3 description, $4 key, $5 values (JSON), $6 data_type, $7 regex,
 * $8 regex_hint */
static const struct db_stmt create_stmt = {
    "custom_attribute_create",
    "INSERT INTO custom_attribute_definitions (applies_to, \"name\", description, \"key\","
    " \"values\", data_type, regex, regex_hint)"
    " VALUES ($1::text, $2::text, $3::text, $4::text, " VALUES_ARRAY(
        "$5") ", $6::text, $7::text,"
              " $8::text) RETURNING " DEF_JSON "::text",
    8, 0};

enum app_err store_custom_attribute_create(struct db *db, struct arena *a,
                                           const struct custom_attribute_in *in, const char **json,
                                           size_t *len)
{
    const char *p[] = {in->applies_to,  in->name,      in->description, in->key,
                       in->values_json, in->data_type, in->regex,       in->regex_hint};
    return store_json_found(db, a, &create_stmt, p, json, len);
}

/* $1 id, $2 applies_to, $3 name, $4 description, $5 values (JSON), $6 regex, $7 regex_hint */
static const struct db_stmt update_stmt = {
    "custom_attribute_update",
    "UPDATE custom_attribute_definitions SET applies_to = $2::text, \"name\" = $3::text,"
    " description = $4::text, \"values\" = " VALUES_ARRAY(
        "$5") ", regex = $6::text,"
              " regex_hint = $7::text, updated_at = now() WHERE id = $1::int RETURNING " DEF_JSON
              "::text",
    7, 0};

enum app_err store_custom_attribute_update(struct db *db, struct arena *a, int64_t id,
                                           const struct custom_attribute_in *in, const char **json,
                                           size_t *len)
{
    const char *p[] = {store_i64(a, id), in->applies_to, in->name,      in->description,
                       in->values_json,  in->regex,      in->regex_hint};
    return store_json_found(db, a, &update_stmt, p, json, len);
}

/* $1 id */
static const struct db_stmt delete_stmt = {
    "custom_attribute_delete",
    "DELETE FROM custom_attribute_definitions WHERE id = $1::int RETURNING id", 1, 0};

enum app_err store_custom_attribute_delete(struct db *db, struct arena *a, int64_t id)
{
    const char *p[] = {store_i64(a, id)};
    return store_found(db, a, &delete_stmt, p, NULL);
}

/* $1 applies_to */
static const struct db_stmt defs_stmt = {
    "custom_attribute_defs",
    "SELECT coalesce(json_object_agg(\"key\", json_build_object('data_type', data_type,"
    " 'values', \"values\", 'regex', coalesce(regex, ''), 'regex_hint', coalesce(regex_hint, ''))"
    "), '{}')::text FROM custom_attribute_definitions WHERE applies_to = $1::text",
    1, 1};

enum app_err store_custom_attribute_defs(struct db *db, struct arena *a, const char *applies_to,
                                         const char **json, size_t *len)
{
    const char *p[] = {applies_to};
    return store_json_found(db, a, &defs_stmt, p, json, len);
}

/* $1 applies_to, $2 the attributes (a JSON object) */
static const struct db_stmt regex_miss_stmt = {
    "custom_attribute_regex_miss",
    "SELECT d.\"key\" FROM custom_attribute_definitions d"
    " JOIN jsonb_each($2::jsonb) v ON v.key = d.\"key\""
    " WHERE d.applies_to = $1::text AND coalesce(d.regex, '') <> ''"
    " AND jsonb_typeof(v.value) = 'string' AND v.value #>> '{}' <> ''"
    " AND NOT (v.value #>> '{}') ~ d.regex ORDER BY d.\"key\" COLLATE \"C\" LIMIT 1",
    2, 1};

enum app_err store_custom_attribute_regex_miss(struct db *db, struct arena *a,
                                               const char *applies_to, const char *attrs,
                                               const char **key)
{
    const char *p[] = {applies_to, attrs};
    return store_one(db, a, &regex_miss_stmt, p, key, NULL);
}

/* $1 conversation id, $2 the attributes (a JSON object) */
static const struct db_stmt conv_set_stmt = {
    "conversation_custom_attributes_set",
    "UPDATE conversations SET custom_attributes = $2::jsonb, updated_at = now()"
    " WHERE id = $1::bigint RETURNING id",
    2, 0};

enum app_err store_conversation_custom_attributes_set(struct db *db, struct arena *a,
                                                      int64_t conversation_id, const char *attrs)
{
    const char *p[] = {store_i64(a, conversation_id), attrs};
    return store_found(db, a, &conv_set_stmt, p, NULL);
}

/* $1 contact id, $2 the attributes (a JSON object) */
static const struct db_stmt contact_set_stmt = {
    "contact_custom_attributes_set",
    "UPDATE users SET custom_attributes = $2::jsonb, updated_at = now()"
    " WHERE id = $1::bigint AND type <> 'agent' RETURNING id",
    2, 0};

enum app_err store_contact_custom_attributes_set(struct db *db, struct arena *a, int64_t contact_id,
                                                 const char *attrs)
{
    const char *p[] = {store_i64(a, contact_id), attrs};
    return store_found(db, a, &contact_set_stmt, p, NULL);
}
