/*
 * store/inboxes.c - inboxes.
 */
#include "store/inboxes.h"

#include "lib/db.h"
#include "rules/secret.h"
#include "store/store.h"

/* One inbox as upstream sends it (see store/inboxes.h), over inboxes. */
#define INBOX_JSON                                                                                 \
    "json_build_object('id', id, 'uuid', uuid, 'created_at', created_at,"                          \
    " 'updated_at', updated_at, 'name', name, 'channel', channel, 'enabled', enabled,"             \
    " 'csat_enabled', csat_enabled, 'prompt_tags_on_reply', prompt_tags_on_reply,"                 \
    " 'from', coalesce(\"from\", ''), 'from_name_template', coalesce(from_name_template, ''),"     \
    " 'config', config, 'secret', CASE WHEN coalesce(secret, '') = '' THEN NULL"                   \
    " ELSE '" SECRET_MASK "' END, 'linked_email_inbox_id', linked_email_inbox_id)"

static const struct db_stmt list_stmt = {"inboxes_json",
                                         "SELECT coalesce(json_agg(" INBOX_JSON
                                         " ORDER BY id), '[]')::text FROM inboxes"
                                         " WHERE deleted_at IS NULL",
                                         0, 1};

enum app_err store_inboxes_json(struct db *db, struct arena *a, const char **json, size_t *len)
{
    return store_json(db, a, &list_stmt, NULL, json, len);
}

/* $1 id */
static const struct db_stmt one_stmt = {
    "inbox_json",
    "SELECT " INBOX_JSON "::text FROM inboxes WHERE id = $1::int AND deleted_at IS NULL", 1, 1};

enum app_err store_inbox_json(struct db *db, struct arena *a, int64_t id, const char **json,
                              size_t *len)
{
    return store_json_by_id(db, a, &one_stmt, id, json, len);
}

/* A flag of struct store_inbox_in as a parameter: NULL (the default or unchanged) for -1. */
static const char *flag(int v)
{
    return v < 0 ? NULL : store_bool(v);
}

/*
 * $1 name, $2 channel, $3 config, $4 from, $5 from_name_template, $6 enabled,
 * $7 csat_enabled, $8 prompt_tags_on_reply (NULL: the column's default)
 */
static const struct db_stmt create_stmt = {
    "inbox_create",
    "INSERT INTO inboxes (name, channel, config, \"from\", from_name_template, enabled,"
    " csat_enabled, prompt_tags_on_reply) VALUES ($1::text, $2::channels, $3::jsonb, $4::text,"
    " coalesce($5::text, ''), coalesce($6::boolean, TRUE), coalesce($7::boolean, FALSE),"
    " coalesce($8::boolean, FALSE)) RETURNING " INBOX_JSON "::text",
    8, 0};

enum app_err store_inbox_create(struct db *db, struct arena *a, const struct store_inbox_in *in,
                                const char **json, size_t *len)
{
    const char *p[] = {in->name,
                       in->channel,
                       in->config,
                       in->from,
                       in->from_name_template,
                       flag(in->enabled),
                       flag(in->csat_enabled),
                       flag(in->prompt_tags_on_reply)};
    return store_json_found(db, a, &create_stmt, p, json, len);
}

/*
 * config.<list> of $4 with each null password (the client sent the mask or
 * "") replaced by the one stored for the same server (host and username) in
 * the row's config (i), "" if there is none: a password never follows an
 * entry to another server.
 */
#define KEEP_PASSWORDS(list)                                                                       \
    "(SELECT coalesce(jsonb_agg(CASE WHEN n.e -> 'password' = 'null'::jsonb THEN n.e ||"           \
    " jsonb_build_object('password', coalesce((SELECT s -> 'password' FROM"                        \
    " jsonb_array_elements(coalesce(i.config -> '" list "', '[]'::jsonb)) s"                       \
    " WHERE s ->> 'host' = n.e ->> 'host' AND coalesce(s ->> 'username', '') ="                    \
    " coalesce(n.e ->> 'username', '') LIMIT 1), '\"\"'::jsonb)) ELSE n.e END ORDER BY n.o),"      \
    " '[]'::jsonb) FROM jsonb_array_elements($4::jsonb -> '" list "') WITH ORDINALITY AS n(e, o))"

/*
 * $1 id, $2 name, $3 channel, $4 config, $5 from, $6 from_name_template,
 * $7 enabled, $8 csat_enabled, $9 prompt_tags_on_reply (NULL: unchanged)
 */
static const struct db_stmt update_stmt = {
    "inbox_update",
    "UPDATE inboxes i SET name = $2::text, channel = $3::channels, config = $4::jsonb ||"
    " jsonb_build_object('imap', " KEEP_PASSWORDS("imap") ", 'smtp', " KEEP_PASSWORDS(
        "smtp") "), \"from\" = $5::text, from_name_template = coalesce($6::text, ''),"
                " enabled = coalesce($7::boolean, i.enabled),"
                " csat_enabled = coalesce($8::boolean, i.csat_enabled),"
                " prompt_tags_on_reply = coalesce($9::boolean, i.prompt_tags_on_reply),"
                " updated_at = now() WHERE i.id = $1::int AND i.deleted_at IS NULL"
                " RETURNING " INBOX_JSON "::text",
    9, 0};

enum app_err store_inbox_update(struct db *db, struct arena *a, int64_t id,
                                const struct store_inbox_in *in, const char **json, size_t *len)
{
    const char *p[] = {store_i64(a, id),
                       in->name,
                       in->channel,
                       in->config,
                       in->from,
                       in->from_name_template,
                       flag(in->enabled),
                       flag(in->csat_enabled),
                       flag(in->prompt_tags_on_reply)};
    return store_json_found(db, a, &update_stmt, p, json, len);
}

/* $1 id */
static const struct db_stmt toggle_stmt = {
    "inbox_toggle",
    "UPDATE inboxes SET enabled = NOT enabled, updated_at = now()"
    " WHERE id = $1::int AND deleted_at IS NULL RETURNING " INBOX_JSON "::text",
    1, 0};

enum app_err store_inbox_toggle(struct db *db, struct arena *a, int64_t id, const char **json,
                                size_t *len)
{
    return store_json_by_id(db, a, &toggle_stmt, id, json, len);
}

/* $1 id */
static const struct db_stmt delete_stmt = {
    "inbox_delete",
    "UPDATE inboxes SET deleted_at = now(), updated_at = now(), config = '{}', enabled = FALSE"
    " WHERE id = $1::int AND deleted_at IS NULL RETURNING id",
    1, 0};

enum app_err store_inbox_delete(struct db *db, struct arena *a, int64_t id)
{
    const char *p[] = {store_i64(a, id)};
    return store_found(db, a, &delete_stmt, p, NULL);
}
