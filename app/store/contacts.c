/*
 * store/contacts.c - contacts and the agents' notes on them.
 */
#include "store/contacts.h"

#include <stdlib.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/db.h"
#include "lib/jsonw.h"
#include "lib/sbuf.h"
#include "lists/items.h"
#include "lists/query.h"
#include "store/queries.h"
#include "store/user_sql.h"

/* A contact or visitor, in the same shape (its roles, permissions and teams are empty). */
#define CONTACT_JSON_SQL USER_JSON_SQL "u.type IN ('contact', 'visitor')"

const struct db_stmt STMT_CONTACT_JSON[1] = {{"contact_json", CONTACT_JSON_SQL, 1, 1}};

const struct db_stmt STMT_CONTACT_BLOCK[1] = {
    {"contact_block",
     "UPDATE users SET enabled = $2::boolean, updated_at = now()"
     " WHERE id = $1::int AND type IN ('contact', 'visitor')"
     " AND deleted_at IS NULL RETURNING id",
     2, 0}};

const struct db_stmt STMT_CONTACT_EXISTS[1] = {
    {"contact_exists",
     "SELECT id FROM users WHERE id = $1::int AND type IN ('contact',"
     " 'visitor') AND deleted_at IS NULL",
     1, 0}};

/* Notes with their author, newest first. */
const struct db_stmt STMT_NOTES_JSON[1] = {
    {"notes_json",
     "SELECT coalesce(json_agg(json_build_object('id', n.id, 'created_at',"
     " n.created_at, 'updated_at', n.updated_at, 'contact_id', n.contact_id,"
     " 'note', n.note, 'user_id', n.user_id, 'first_name', coalesce(a.first_name,"
     " ''), 'last_name', coalesce(a.last_name, ''), 'avatar_url', a.avatar_url)"
     " ORDER BY n.created_at DESC, n.id DESC), '[]')::text FROM contact_notes n"
     " LEFT JOIN users a ON a.id = n.user_id WHERE n.contact_id = $1::int",
     1, 0}};

const struct db_stmt STMT_NOTE_INSERT[1] = {
    {"note_insert",
     "WITH n AS (INSERT INTO contact_notes (contact_id, note, user_id) VALUES"
     " ($1::int, $2::text, $3::int) RETURNING *) SELECT json_build_object('id',"
     " n.id, 'created_at', n.created_at, 'updated_at', n.updated_at,"
     " 'contact_id', n.contact_id, 'note', n.note, 'user_id', n.user_id,"
     " 'first_name', coalesce(a.first_name, ''), 'last_name',"
     " coalesce(a.last_name, ''), 'avatar_url', a.avatar_url)::text FROM n"
     " LEFT JOIN users a ON a.id = n.user_id",
     3, 0}};

const struct db_stmt STMT_NOTE_AUTHOR[1] = {
    {"note_author",
     "SELECT coalesce(user_id::text, '') FROM contact_notes WHERE id = $1::int"
     " AND contact_id = $2::int",
     2, 0}};

const struct db_stmt STMT_NOTE_DELETE[1] = {
    {"note_delete", "DELETE FROM contact_notes WHERE id = $1::int RETURNING id", 1, 0}};

const struct db_stmt STMT_CONTACT_UPDATE[1] = {
    {"contact_update",
     "UPDATE users SET first_name = $2::text, last_name = nullif($3::text, ''),"
     " email = $4::text, phone_number = nullif($5::text, ''),"
     " phone_number_country_code = nullif($6::text, ''),"
     " country = nullif($7::text, ''), avatar_url = coalesce($8::text,"
     " avatar_url), updated_at = now() WHERE id = $1::int"
     " AND type IN ('contact', 'visitor') AND deleted_at IS NULL RETURNING id",
     8, 0}};

const struct db_stmt STMT_CONTACT_AVATAR_SET[1] = {
    {"contact_avatar_set",
     "UPDATE users SET avatar_url = $2::text, updated_at = now()"
     " WHERE id = $1::int",
     2, 0}};

enum app_err q_contact_list(struct db *db, struct arena *a, const struct cq_query *q,
                            int64_t *total, const char **results, size_t *len)
{
    struct db_res *res;
    enum app_err e = db_exec_cached(db, a, q->list_sql, q->nparams, q->params, &res);

    if (e != APP_OK)
        return e;
    if (db_ntuples(res) != 1 || db_value(res, 0, 0) == NULL || db_value(res, 0, 1) == NULL)
        return APP_ERR_INTERNAL;
    *total = strtoll(db_value(res, 0, 0), NULL, 10);
    *results = db_value(res, 0, 1);
    *len = db_length(res, 0, 1);
    return APP_OK;
}
