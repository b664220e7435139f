/*
 * store/vambe.c - see vambe.h.
 */
#include "store/vambe.h"

#include <stdlib.h>

#include "lib/db.h"
#include "lib/jsonw.h"
#include "lib/sbuf.h"
#include "lists/items.h"

/*
 * $1 the page's conversation ids ("{3,1,2}"), in order: one row each,
 * written as Vambe's contact objects by contacts_json() (cheaper than
 * having PostgreSQL build the JSON of a page of 50).
 */
static const struct db_stmt contacts_stmt = {
    "vambe_contacts",
    "SELECT c.uuid::text, btrim(ct.first_name || ' ' || coalesce(ct.last_name, '')), st.name,"
    " i.name, " WAITING_MS ", ag.id,"
    " btrim(ag.first_name || ' ' || coalesce(ag.last_name, ''))"
    " FROM unnest($1::bigint[]) WITH ORDINALITY p(id, ord)"
    " JOIN conversations c ON c.id = p.id"
    " JOIN users ct ON ct.id = c.contact_id"
    " JOIN inboxes i ON i.id = c.inbox_id"
    " JOIN conversation_statuses st ON st.id = c.status_id"
    " LEFT JOIN users ag ON ag.id = c.assigned_user_id"
    " ORDER BY p.ord",
    1, 1};

enum { V_UUID, V_NAME, V_STAGE, V_PIPELINE, V_WAITING, V_AGENT, V_AGENT_NAME };

/* `"key":` and the text at row/col as a JSON string (null for SQL NULL), after a comma unless
 * first. */
static void field(struct sbuf *sb, const char *key, const struct db_res *res, int row, int col)
{
    if (sb->len > 0 && sb->buf[sb->len - 1] != '{')
        sbuf_add(sb, ",");
    jw_key(sb, key);
    const char *v = db_value(res, row, col);
    if (v == NULL)
        jw_null(sb);
    else
        jw_str(sb, v, db_length(res, row, col));
}

static void contacts_json(struct sbuf *sb, const struct db_res *res)
{
    sbuf_add(sb, "[");
    for (int i = 0; i < db_ntuples(res); i++) {
        sbuf_add(sb, i ? ",{" : "{");
        field(sb, "ai_contact_id", res, i, V_UUID);
        field(sb, "name", res, i, V_NAME);
        field(sb, "current_stage", res, i, V_STAGE);
        field(sb, "current_pipeline", res, i, V_PIPELINE);
        sbuf_add(sb, ",");
        jw_key(sb, "waiting_time");
        const char *ms = db_value(res, i, V_WAITING);
        if (ms == NULL)
            jw_null(sb);
        else
            jw_int(sb, strtoll(ms, NULL, 10));
        sbuf_add(sb, ",");
        jw_key(sb, "assigned_agents");
        if (db_value(res, i, V_AGENT) == NULL) {
            sbuf_add(sb, "[]}");
            continue;
        }
        sbuf_add(sb, "[{");
        field(sb, "agent_id", res, i, V_AGENT);
        field(sb, "agent_name", res, i, V_AGENT_NAME);
        sbuf_add(sb, "}]}");
    }
    sbuf_add(sb, "]");
}

enum app_err store_vambe_contacts(struct db *db, struct arena *a, const char *ids,
                                  const char **json, size_t *len)
{
    const char *p[] = {ids ? ids : "{}"};
    struct db_res *res;
    enum app_err e = db_run(db, a, &contacts_stmt, p, &res);
    if (e != APP_OK)
        return e;
    struct sbuf sb;
    sbuf_init(&sb, a);
    sbuf_reserve(&sb, 64 + (size_t)db_ntuples(res) * 256);
    contacts_json(&sb, res);
    if ((*json = sbuf_str(&sb)) == NULL)
        return APP_ERR_INTERNAL;
    *len = sb.len;
    return APP_OK;
}
