/*
 * store/media.c - media rows.
 */
#include "store/media.h"

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

const struct db_stmt STMT_MEDIA_INSERT[1] = {
    {"media_insert",
     "INSERT INTO media (filename, content_type, disposition, size,"
     " model_type, meta, model_id) VALUES ($1::text, $2::text,"
     " $3::media_disposition, $4::int, $5::text, $6::jsonb, $7::int)"
     " RETURNING uuid",
     7, 0}};

/*
 * Links uploads ($1 int[], each once) to message $2: only media nobody
 * has claimed (no model id, no model or "messages").  The caller compares
 * the rows affected with the list's length.
 */
const struct db_stmt STMT_MEDIA_LINK[1] = {
    {"media_link",
     "UPDATE media SET model_type = 'messages', model_id = $2::int,"
     " updated_at = now() WHERE id = ANY($1::int[]) AND model_id IS NULL"
     " AND coalesce(model_type, 'messages') = 'messages'",
     2, 0}};

/*
 * The first of the ids $1 (int[]) that cannot be attached, and whether it
 * is missing ("t") or already someone's ("f"); no row if all can.
 */
const struct db_stmt STMT_MEDIA_UNLINKABLE[1] = {
    {"media_unlinkable",
     "SELECT t.x, md.id IS NULL FROM unnest($1::int[]) WITH ORDINALITY"
     " t(x, i) LEFT JOIN media md ON md.id = t.x WHERE md.id IS NULL"
     " OR md.model_id IS NOT NULL"
     " OR coalesce(md.model_type, 'messages') <> 'messages'"
     " ORDER BY t.i LIMIT 1",
     1, 0}};

/* A media row as upstream sends it, with the URL that serves it. */
const struct db_stmt STMT_MEDIA_JSON[1] = {
    {"media_json",
     "SELECT json_build_object('id', id, 'created_at', created_at, 'updated_at',"
     " updated_at, 'uuid', uuid, 'store', store, 'filename', filename,"
     " 'content_type', content_type, 'content_id', coalesce(content_id, ''),"
     " 'model_id', model_id, 'model_type', model_type, 'disposition',"
     " disposition, 'size', size, 'meta', meta, 'url', '/uploads/' || uuid)::text"
     " FROM media WHERE uuid = $1::uuid",
     1, 0}};

/*
 * What serving a file needs: its name, type and disposition, and the uuid
 * of the conversation whose message it is attached to (NULL if none).
 */
const struct db_stmt STMT_MEDIA_BY_UUID[1] = {
    {"media_by_uuid",
     "SELECT md.filename, md.content_type, coalesce(md.disposition::text,"
     " 'attachment'), c.uuid FROM media md"
     " LEFT JOIN conversation_messages m ON md.model_type = 'messages'"
     " AND m.id = md.model_id"
     " LEFT JOIN conversations c ON c.id = m.conversation_id"
     " WHERE md.uuid = $1::uuid",
     1, 0}};
