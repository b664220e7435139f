/*
 * store/search.c - search over conversations, messages and contacts.
 */
#include "store/search.h"

#include "lib/db.h"
#include "lib/text.h"
#include "rules/access.h"
#include "store/store.h"

/*
 * The per-conversation access rule over c, for the search statements:
 * $3 read_all, $4 read_assigned, $5 read_team_all, $6 read_team_inbox,
 * $7 read_unassigned, $8 the caller.
 */
#define SEARCH_ACCESS                                                                              \
    " AND ($3::boolean OR ($4::boolean AND c.assigned_user_id = $8::int)"                          \
    "  OR (c.assigned_team_id IN (SELECT team_id FROM team_members WHERE user_id = $8::int)"       \
    "   AND ($5::boolean OR ($6::boolean AND c.assigned_user_id IS NULL)))"                        \
    "  OR ($7::boolean AND c.assigned_user_id IS NULL AND c.assigned_team_id IS NULL))"

/*
 * Runs a search statement whose $1 is the query as written, $2 the same
 * as a literal ILIKE pattern and $3..$8 the access rule's (SEARCH_ACCESS).
 */
static enum app_err search_within(struct db *db, struct arena *a, const struct db_stmt *st,
                                  const char *query, unsigned scopes, int64_t user_id,
                                  const char **json, size_t *len)
{
    const char *pattern = text_like_contains(a, query);

    if (pattern == NULL)
        return APP_ERR_INTERNAL;
    const char *p[] = {query,
                       pattern,
                       store_bool(scopes & ACCESS_ALL),
                       store_bool(scopes & ACCESS_ASSIGNED),
                       store_bool(scopes & ACCESS_TEAM_ALL),
                       store_bool(scopes & ACCESS_TEAM_INBOX),
                       store_bool(scopes & ACCESS_UNASSIGNED),
                       store_i64(a, user_id)};
    return store_json(db, a, st, p, json, len);
}

/* $1 query, $2 pattern, $3..$8 access */
static const struct db_stmt conversations_stmt = {
    "search_conversations",
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
    8, 1};

enum app_err store_search_conversations(struct db *db, struct arena *a, const char *query,
                                        unsigned scopes, int64_t user_id, const char **json,
                                        size_t *len)
{
    return search_within(db, a, &conversations_stmt, query, scopes, user_id, json, len);
}

/* $1 query (only checked for NULL), $2 pattern, $3..$8 access */
static const struct db_stmt messages_stmt = {
    "search_messages",
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
    8, 1};

enum app_err store_search_messages(struct db *db, struct arena *a, const char *query,
                                   unsigned scopes, int64_t user_id, const char **json, size_t *len)
{
    return search_within(db, a, &messages_stmt, query, scopes, user_id, json, len);
}

/* $1 pattern */
static const struct db_stmt contacts_stmt = {
    "search_contacts",
    "SELECT coalesce(json_agg(json_build_object('id', u.id, 'created_at',"
    " u.created_at, 'first_name', u.first_name, 'last_name',"
    " coalesce(u.last_name, ''), 'email', u.email, 'external_user_id',"
    " u.external_user_id) ORDER BY u.id), '[]')::text FROM (SELECT *"
    " FROM users WHERE type = 'contact' AND deleted_at IS NULL"
    " AND email ILIKE $1::text ORDER BY id LIMIT 15) u",
    1, 1};

enum app_err store_search_contacts(struct db *db, struct arena *a, const char *query,
                                   const char **json, size_t *len)
{
    const char *pattern = text_like_contains(a, query);

    if (pattern == NULL)
        return APP_ERR_INTERNAL;
    const char *p[] = {pattern};
    return store_json(db, a, &contacts_stmt, p, json, len);
}
