/*
 * api/notifications.c - the caller's in-app notifications (a mention or
 * an assignment creates them, see store/notifications.h).  Every route
 * acts on the caller's own rows only.
 */
#include "api/notifications.h"

#include <stdlib.h>
#include <string.h>

#include "lib/http.h"
#include "server/ctx.h"
#include "server/reply.h"
#include "store/notifications.h"

#define NOTIFICATIONS_LIMIT_DEFAULT 20
#define NOTIFICATIONS_LIMIT_MAX 100

/* A non-negative decimal query parameter, or -1 when absent or not one. */
static long long query_uint(struct req *r, const char *name)
{
    const char *v = http_param(r, name);
    char *end;
    if (v == NULL || *v < '0' || *v > '9' || strlen(v) > 9)
        return -1;
    long long n = strtoll(v, &end, 10);
    return *end == '\0' ? n : -1;
}

static enum app_err answer_true(struct resp *w)
{
    w->data_json = "true";
    w->data_len = 4;
    return APP_OK;
}

/* GET ?limit (1-100, else 20) &offset (else 0), as upstream. */
enum app_err h_notifications_list(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    long long limit = query_uint(r, "limit"), offset = query_uint(r, "offset");
    if (limit <= 0 || limit > NOTIFICATIONS_LIMIT_MAX)
        limit = NOTIFICATIONS_LIMIT_DEFAULT;
    if (offset < 0)
        offset = 0;
    return store_notifications_json(c->db, r->arena, c->who->id, limit, offset, &w->data_json,
                                    &w->data_len);
}

enum app_err h_notifications_stats(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return store_notifications_stats_json(c->db, r->arena, c->who->id, &w->data_json, &w->data_len);
}

/* The {id} of a notification route, then one of the caller's own rows or 404. */
static enum app_err one(struct req *r, struct resp *w,
                        enum app_err (*fn)(struct db *, struct arena *, int64_t, int64_t))
{
    struct ctx *c = r->ctx;
    int64_t id;
    enum app_err e = reply_path_int(r, w, "id", "notification", &id);
    if (e == APP_OK)
        e = fn(c->db, r->arena, id, c->who->id);
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "Notification not found");
    return e == APP_OK ? answer_true(w) : e;
}

enum app_err h_notification_read(struct req *r, struct resp *w)
{
    return one(r, w, store_notification_read);
}

enum app_err h_notification_delete(struct req *r, struct resp *w)
{
    return one(r, w, store_notification_delete);
}

enum app_err h_notifications_read_all(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    enum app_err e = store_notifications_read_all(c->db, r->arena, c->who->id);
    return e == APP_OK ? answer_true(w) : e;
}

enum app_err h_notifications_delete_all(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    enum app_err e = store_notifications_delete_all(c->db, r->arena, c->who->id);
    return e == APP_OK ? answer_true(w) : e;
}
