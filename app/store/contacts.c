/*
 * store/contacts.c - contacts (users of type contact or visitor) and the
 * agents' notes on them.
 */
#include "store/contacts.h"

#include "lib/arena.h"
#include "lib/db.h"
#include "lists/query.h"
#include "store/media.h"
#include "store/store.h"
#include "store/user_sql.h"

enum app_err store_contacts_list(struct db *db, struct arena *a, const struct cq_query *q,
                                 int64_t *total, const char **results, size_t *len)
{
    return store_list_page(db, a, q, total, results, len);
}

/* A contact or visitor, in the same shape (its roles, permissions and teams are empty). */
#define CONTACT_JSON_SQL USER_JSON_SQL "u.type IN ('contact', 'visitor')"

/* $1 id */
static const struct db_stmt json_stmt = {"contact_json", CONTACT_JSON_SQL, 1, 1};

enum app_err store_contact_json(struct db *db, struct arena *a, int64_t id, const char **json,
                                size_t *len)
{
    return store_json_by_id(db, a, &json_stmt, id, json, len);
}

/* $1 id */
static const struct db_stmt exists_stmt = {
    "contact_exists",
    "SELECT id FROM users WHERE id = $1::int AND type IN ('contact',"
    " 'visitor') AND deleted_at IS NULL",
    1, 0};

enum app_err store_contact_exists(struct db *db, struct arena *a, int64_t id)
{
    const char *p[] = {store_i64(a, id)};
    return store_found(db, a, &exists_stmt, p, NULL);
}

/* $1 id, $2 enabled */
static const struct db_stmt block_stmt = {
    "contact_block",
    "UPDATE users SET enabled = $2::boolean, updated_at = now()"
    " WHERE id = $1::int AND type IN ('contact', 'visitor')"
    " AND deleted_at IS NULL RETURNING id",
    2, 0};

enum app_err store_contact_block(struct db *db, struct arena *a, int64_t id, int enabled)
{
    const char *p[] = {store_i64(a, id), store_bool(enabled)};
    return store_found(db, a, &block_stmt, p, NULL);
}

/*
 * $1 id, $2 first name, $3 last name, $4 e-mail, $5 phone number, $6 its
 * country code, $7 country ("" clears the optional ones), $8 avatar URL
 * (NULL keeps it).
 */
static const struct db_stmt update_stmt = {
    "contact_update",
    "UPDATE users SET first_name = $2::text, last_name = nullif($3::text, ''),"
    " email = $4::text, phone_number = nullif($5::text, ''),"
    " phone_number_country_code = nullif($6::text, ''),"
    " country = nullif($7::text, ''), avatar_url = coalesce($8::text,"
    " avatar_url), updated_at = now() WHERE id = $1::int"
    " AND type IN ('contact', 'visitor') AND deleted_at IS NULL RETURNING id",
    8, 0};

/* $1 id, $2 avatar URL */
static const struct db_stmt avatar_stmt = {
    "contact_avatar_set",
    "UPDATE users SET avatar_url = $2::text, updated_at = now()"
    " WHERE id = $1::int",
    2, 0};

enum app_err store_contact_update(struct db *db, struct arena *a, const char *upload_dir,
                                  const struct store_contact_update *u)
{
    const char *id = store_i64(a, u->id), *uuid = NULL;
    const char *p[] = {id,         u->first_name,   u->last_name,
                       u->email,   u->phone_number, u->phone_number_country_code,
                       u->country, u->avatar_url};
    enum app_err e = store_begin(db);

    if (e != APP_OK)
        return e;
    e = store_found(db, a, &update_stmt, p, NULL);
    /* The avatar joins the same transaction: all of the update or none of it. */
    if (e == APP_OK && u->avatar != NULL) {
        e = store_media_write(db, a, upload_dir, u->avatar, &uuid);
        const char *ap[] = {id, uuid ? arena_printf(a, "/uploads/%s", uuid) : NULL};
        if (e == APP_OK)
            e = store_one(db, a, &avatar_stmt, ap, NULL, NULL);
    }
    return store_media_end(db, a, upload_dir, e, uuid);
}

/* A note with its author's name and avatar, over contact_notes n and users a. */
#define NOTE_OBJECT                                                                                \
    "json_build_object('id', n.id, 'created_at', n.created_at, 'updated_at', n.updated_at,"        \
    " 'contact_id', n.contact_id, 'note', n.note, 'user_id', n.user_id,"                           \
    " 'first_name', coalesce(a.first_name, ''), 'last_name', coalesce(a.last_name, ''),"           \
    " 'avatar_url', a.avatar_url)"

/* $1 contact id: its notes with their author, newest first. */
static const struct db_stmt notes_stmt = {
    "notes_json",
    "SELECT coalesce(json_agg(" NOTE_OBJECT
    " ORDER BY n.created_at DESC, n.id DESC), '[]')::text FROM contact_notes n"
    " LEFT JOIN users a ON a.id = n.user_id WHERE n.contact_id = $1::int",
    1, 0};

enum app_err store_contact_notes_json(struct db *db, struct arena *a, int64_t contact_id,
                                      const char **json, size_t *len)
{
    return store_json_by_id(db, a, &notes_stmt, contact_id, json, len);
}

/* $1 contact id, $2 note, $3 author */
static const struct db_stmt note_insert_stmt = {
    "note_insert",
    "WITH n AS (INSERT INTO contact_notes (contact_id, note, user_id) VALUES"
    " ($1::int, $2::text, $3::int) RETURNING *) SELECT " NOTE_OBJECT "::text FROM n"
    " LEFT JOIN users a ON a.id = n.user_id",
    3, 0};

enum app_err store_contact_note_create(struct db *db, struct arena *a, int64_t contact_id,
                                       const char *note, int64_t author, const char **json,
                                       size_t *len)
{
    const char *p[] = {store_i64(a, contact_id), note, store_i64(a, author)};
    return store_json_found(db, a, &note_insert_stmt, p, json, len);
}

/* $1 note id, $2 contact id: its author ("" if gone). */
static const struct db_stmt note_author_stmt = {
    "note_author",
    "SELECT coalesce(user_id::text, '') FROM contact_notes WHERE id = $1::int"
    " AND contact_id = $2::int",
    2, 0};

enum app_err store_contact_note_author(struct db *db, struct arena *a, int64_t note_id,
                                       int64_t contact_id, int64_t *author)
{
    const char *p[] = {store_i64(a, note_id), store_i64(a, contact_id)};
    return store_found_i64(db, a, &note_author_stmt, p, author);
}

/* $1 note id */
static const struct db_stmt note_delete_stmt = {
    "note_delete", "DELETE FROM contact_notes WHERE id = $1::int RETURNING id", 1, 0};

enum app_err store_contact_note_delete(struct db *db, struct arena *a, int64_t note_id)
{
    const char *p[] = {store_i64(a, note_id)};
    return store_one(db, a, &note_delete_stmt, p, NULL, NULL);
}
