/*
 * store/search.c - search over conversations, messages and contacts.
 */
#include "store/search.h"

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

/* The per-conversation access rule over c, for the search statements ($3..$8). */
#define SEARCH_ACCESS                                                                              \
    " AND ($3::boolean OR ($4::boolean AND c.assigned_user_id = $8::int)"                          \
    "  OR (c.assigned_team_id IN (SELECT team_id FROM team_members WHERE user_id = $8::int)"       \
    "   AND ($5::boolean OR ($6::boolean AND c.assigned_user_id IS NULL)))"                        \
    "  OR ($7::boolean AND c.assigned_user_id IS NULL AND c.assigned_team_id IS NULL))"

/*
 * Search.  $1 the query as written (reference numbers), $2 the same as a
 * literal ILIKE pattern ('%', '_' escaped); $3..$8 the caller's access
 * (read_all, read_assigned, read_team_all, read_team_inbox,
 * read_unassigned, user id) for the per-conversation rule.
 */
const struct db_stmt STMT_SEARCH_CONVERSATIONS[1] = {
    {"search_conversations",
     "SELECT coalesce(json_agg(json_build_object('created_at',"
     " x.created_at, 'uuid', x.uuid, 'reference_number',"
     " x.reference_number, 'subject', x.subject, 'status', x.status)"
     " ORDER BY x.rank, x.created_at DESC), '[]')::text FROM ("
     " SELECT DISTINCT ON (c.id) c.created_at, c.uuid,"
     " c.reference_number, c.subject, st.name AS status,"
     " CASE WHEN c.reference_number = $1::text THEN 0 ELSE 1 END"
     "  AS rank"
     " FROM conversations c JOIN users ct ON ct.id = c.contact_id"
     " JOIN conversation_statuses st ON st.id = c.status_id"
     " WHERE (c.reference_number = $1::text"
     "  OR c.contact_id IN (SELECT id FROM users WHERE type = 'contact'"
     "  AND email ILIKE $2::text))" SEARCH_ACCESS " ORDER BY c.id LIMIT 1000) x",
     8, 1}};

const struct db_stmt STMT_SEARCH_MESSAGES[1] = {
    {"search_messages",
     "SELECT coalesce(json_agg(json_build_object('created_at',"
     " x.created_at, 'text_content', x.text_content,"
     " 'conversation_created_at', x.conversation_created_at,"
     " 'conversation_uuid', x.conversation_uuid,"
     " 'conversation_reference_number', x.reference_number,"
     " 'conversation_status', x.status) ORDER BY x.created_at DESC), '[]')"
     "::text FROM (SELECT m.created_at, left(m.text_content, 200)"
     " AS text_content, c.created_at AS conversation_created_at,"
     " c.uuid AS conversation_uuid, c.reference_number, st.name AS status"
     " FROM conversation_messages m"
     " JOIN conversations c ON c.id = m.conversation_id"
     " JOIN conversation_statuses st ON st.id = c.status_id"
     " WHERE m.text_content ILIKE $2::text AND m.type <> 'activity'"
     " AND $1::text IS NOT NULL" SEARCH_ACCESS " ORDER BY m.created_at DESC LIMIT 30) x",
     8, 1}};

const struct db_stmt STMT_SEARCH_CONTACTS[1] = {
    {"search_contacts",
     "SELECT coalesce(json_agg(json_build_object('id', u.id, 'created_at',"
     " u.created_at, 'first_name', u.first_name, 'last_name',"
     " coalesce(u.last_name, ''), 'email', u.email, 'external_user_id',"
     " u.external_user_id) ORDER BY u.id), '[]')::text FROM (SELECT *"
     " FROM users WHERE type = 'contact' AND deleted_at IS NULL"
     " AND email ILIKE $1::text ORDER BY id LIMIT 15) u",
     1, 1}};
