/*
 * store/events.c - see events.h.
 */
#include "store/events.h"

#include <stdlib.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/db.h"
#include "store/store.h"

/* The conversation columns every statement below ends with: uuid, agent, team, members. */
#define CONV_COLS                                                                                  \
    " c.uuid, c.assigned_user_id, c.assigned_team_id,"                                             \
    " (SELECT string_agg(tm.user_id::text, ',' ORDER BY tm.user_id) FROM team_members tm"          \
    "  WHERE tm.team_id = c.assigned_team_id)"

#define EVENT_COLS                                                                                 \
    "SELECT e.id, e.event, e.conversation_id, e.user_id, e.payload::text," CONV_COLS               \
    ", (extract(epoch FROM now() - e.created_at) * 1000)::bigint"                                  \
    " FROM deskd_events e LEFT JOIN conversations c ON c.id = e.conversation_id"

/* $1 ids "1,2,3" */
static const struct db_stmt by_ids_stmt = {
    "events_by_ids",
    EVENT_COLS " WHERE e.id = ANY (string_to_array($1, ',')::bigint[]) ORDER BY e.id", 1, 1};

/* $1 after, $2 limit */
static const struct db_stmt after_stmt = {
    "events_after", EVENT_COLS " WHERE e.id > $1::bigint ORDER BY e.id LIMIT $2::int", 2, 1};

static const struct db_stmt last_stmt = {"events_last",
                                         "SELECT coalesce(max(id), 0) FROM deskd_events", 0, 1};

/* $1 uuid */
static const struct db_stmt conv_stmt = {
    "events_conv", "SELECT" CONV_COLS " FROM conversations c WHERE c.uuid = $1::uuid", 1, 1};

/* $1 a JSON array of messages (strings): typing and viewers between the hubs of several hosts. */
static const struct db_stmt relay_stmt = {
    "events_relay", "SELECT pg_notify('deskd_live', m) FROM json_array_elements_text($1::json) m",
    1, 0};

static int64_t i64_or_0(const char *v)
{
    return v != NULL ? strtoll(v, NULL, 10) : 0;
}

/* Reads the four conversation columns from col on. */
static void read_conv(struct arena *a, struct db_res *res, int row, int col,
                      struct store_live_conv *out)
{
    const char *user = db_value(res, row, col + 1), *members = db_value(res, row, col + 3);

    memset(out, 0, sizeof(*out));
    out->uuid = db_value(res, row, col);
    out->has_user = user != NULL;
    out->user_id = i64_or_0(user);
    out->has_team = db_value(res, row, col + 2) != NULL;
    if (members == NULL || *members == '\0')
        return;
    int n = 1;
    for (const char *c = members; *c; c++)
        n += *c == ',';
    int64_t *ids = ARENA_NEW(a, int64_t, (size_t)n);
    if (ids == NULL)
        return;
    n = 0;
    for (const char *c = members; *c;) {
        char *end;
        ids[n++] = strtoll(c, &end, 10);
        c = *end == ',' ? end + 1 : end;
        if (end == c && *c != '\0')
            break;
    }
    out->members = ids;
    out->nmembers = n;
}

static enum app_err read_events(struct arena *a, struct db_res *res, struct store_live_event **rows,
                                int *n)
{
    int k = db_ntuples(res);

    *rows = NULL;
    *n = 0;
    if (k == 0)
        return APP_OK;
    struct store_live_event *out = ARENA_NEW(a, struct store_live_event, (size_t)k);
    if (out == NULL)
        return APP_ERR_INTERNAL;
    for (int i = 0; i < k; i++) {
        out[i].id = i64_or_0(db_value(res, i, 0));
        out[i].event = db_value(res, i, 1);
        out[i].conv_id = i64_or_0(db_value(res, i, 2));
        out[i].user_id = i64_or_0(db_value(res, i, 3));
        out[i].payload = db_value(res, i, 4);
        out[i].payload_len = db_length(res, i, 4);
        read_conv(a, res, i, 5, &out[i].conv);
        out[i].age_ms = i64_or_0(db_value(res, i, 9));
    }
    *rows = out;
    *n = k;
    return APP_OK;
}

enum app_err store_events_by_ids(struct db *db, struct arena *a, const char *ids_csv,
                                 struct store_live_event **rows, int *n)
{
    const char *p[] = {ids_csv};
    struct db_res *res;
    enum app_err e = db_run(db, a, &by_ids_stmt, p, &res);

    *rows = NULL;
    *n = 0;
    return e != APP_OK ? e : read_events(a, res, rows, n);
}

enum app_err store_events_after(struct db *db, struct arena *a, int64_t after, int limit,
                                struct store_live_event **rows, int *n)
{
    const char *p[] = {store_i64(a, after), store_i64(a, limit)};
    struct db_res *res;
    enum app_err e = db_run(db, a, &after_stmt, p, &res);

    *rows = NULL;
    *n = 0;
    return e != APP_OK ? e : read_events(a, res, rows, n);
}

enum app_err store_events_last_id(struct db *db, struct arena *a, int64_t *id)
{
    const char *v = NULL;
    enum app_err e = store_one(db, a, &last_stmt, NULL, &v, NULL);

    *id = i64_or_0(v);
    return e;
}

enum app_err store_events_conv(struct db *db, struct arena *a, const char *uuid,
                               struct store_live_conv *out)
{
    const char *p[] = {uuid};
    struct db_res *res;
    enum app_err e = db_run(db, a, &conv_stmt, p, &res);

    memset(out, 0, sizeof(*out));
    if (e != APP_OK)
        return e;
    if (db_ntuples(res) == 0)
        return APP_ERR_NOT_FOUND;
    read_conv(a, res, 0, 0, out);
    return APP_OK;
}

enum app_err store_events_relay(struct db *db, struct arena *a, const char *messages)
{
    const char *p[] = {messages};
    struct db_res *res;

    return db_run(db, a, &relay_stmt, p, &res);
}
