/*
 * store/templates.c - e-mail templates (templates).
 */
#include "store/templates.h"

#include <string.h>

#include "lib/arena.h"
#include "lib/db.h"
#include "store/store.h"

/* One template over templates. */
#define TEMPLATE_JSON                                                                              \
    "json_build_object('id', id, 'created_at', created_at, 'updated_at', updated_at,"              \
    " 'type', type, 'name', name, 'body', body, 'subject', subject,"                               \
    " 'is_default', is_default, 'is_builtin', is_builtin)"

/* $1 type */
static const struct db_stmt list_stmt = {"templates_json",
                                         "SELECT coalesce(json_agg(" TEMPLATE_JSON
                                         " ORDER BY updated_at DESC, id DESC), '[]')::text"
                                         " FROM templates WHERE type = $1::template_type",
                                         1, 1};

enum app_err store_templates_json(struct db *db, struct arena *a, const char *type,
                                  const char **json, size_t *len)
{
    const char *p[] = {type};
    return store_json_found(db, a, &list_stmt, p, json, len);
}

/* $1 id */
static const struct db_stmt get_stmt = {
    "template_json", "SELECT " TEMPLATE_JSON "::text FROM templates WHERE id = $1::int", 1, 1};

enum app_err store_template_json(struct db *db, struct arena *a, int64_t id, const char **json,
                                 size_t *len)
{
    return store_json_by_id(db, a, &get_stmt, id, json, len);
}

/* $1 id */
static const struct db_stmt facts_stmt = {
    "template_facts",
    "SELECT type::text || ':' || is_default::int || is_builtin::int FROM templates"
    " WHERE id = $1::int",
    1, 1};

enum app_err store_template_facts(struct db *db, struct arena *a, int64_t id,
                                  struct template_facts *out)
{
    const char *p[] = {store_i64(a, id)}, *v;
    enum app_err e = store_found(db, a, &facts_stmt, p, &v);

    if (e != APP_OK)
        return e;
    const char *colon = strrchr(v, ':');
    if (colon == NULL || strlen(colon) != 3)
        return APP_ERR_INTERNAL;
    out->is_default = colon[1] == '1';
    out->is_builtin = colon[2] == '1';
    out->type = arena_strndup(a, v, (size_t)(colon - v));
    return out->type != NULL ? APP_OK : APP_ERR_INTERNAL;
}

/* $1 id of the template keeping it (0: none) */
static const struct db_stmt clear_default_stmt = {"template_clear_default",
                                                  "UPDATE templates SET is_default = false"
                                                  " WHERE is_default AND id <> $1::int",
                                                  1, 0};

/* $1 type, $2 name, $3 body, $4 subject, $5 default */
static const struct db_stmt create_stmt = {
    "template_create",
    "INSERT INTO templates (type, name, body, subject, is_default)"
    " VALUES ($1::template_type, $2::text, $3::text, $4::text, $5::boolean)"
    " RETURNING " TEMPLATE_JSON "::text",
    5, 0};

enum app_err store_template_create(struct db *db, struct arena *a, const struct template_in *in,
                                   const char **json, size_t *len)
{
    const char *keep[] = {"0"};
    const char *p[] = {in->type, in->name, in->body, in->subject, store_bool(in->is_default)};
    enum app_err e = store_begin(db);

    if (e == APP_OK && in->is_default)
        e = store_one(db, a, &clear_default_stmt, keep, NULL, NULL);
    if (e == APP_OK)
        e = store_json_found(db, a, &create_stmt, p, json, len);
    return store_end(db, e);
}

/* $1 id, $2 type, $3 name, $4 body, $5 subject, $6 default */
static const struct db_stmt update_stmt = {
    "template_update",
    "UPDATE templates SET"
    " name = CASE WHEN $2::template_type = 'email_outgoing' THEN $3::text ELSE name END,"
    " body = $4::text, subject = $5::text, is_default = $6::boolean,"
    " type = $2::template_type, updated_at = now()"
    " WHERE id = $1::int RETURNING " TEMPLATE_JSON "::text",
    6, 0};

enum app_err store_template_update(struct db *db, struct arena *a, int64_t id,
                                   const struct template_in *in, const char **json, size_t *len)
{
    const char *sid = store_i64(a, id);
    const char *keep[] = {sid};
    const char *p[] = {sid, in->type, in->name, in->body, in->subject, store_bool(in->is_default)};
    enum app_err e = store_begin(db);

    if (e == APP_OK && in->is_default)
        e = store_one(db, a, &clear_default_stmt, keep, NULL, NULL);
    if (e == APP_OK)
        e = store_json_found(db, a, &update_stmt, p, json, len);
    return store_end(db, e);
}

/* $1 id: never the default or a built-in one, even if it became so since the handler looked */
static const struct db_stmt delete_stmt = {
    "template_delete",
    "DELETE FROM templates WHERE id = $1::int AND NOT is_default AND NOT is_builtin RETURNING id",
    1, 0};

enum app_err store_template_delete(struct db *db, struct arena *a, int64_t id)
{
    const char *p[] = {store_i64(a, id)};
    return store_found(db, a, &delete_stmt, p, NULL);
}
