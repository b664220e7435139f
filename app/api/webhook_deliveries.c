/*
 * api/webhook_deliveries.c - a page (page, page_size as every list) of a
 * webhook's deliveries, newest first: each with its event, status
 * (pending, delivered or dead), the attempts made, the last HTTP status
 * and error, when the next attempt is due (pending only) and when it was
 * delivered.  deskd's own route: upstream keeps no delivery record.
 */
#include "api/webhook_deliveries.h"

#include "lib/http.h"
#include "lists/query.h"
#include "server/ctx.h"
#include "server/reply.h"
#include "store/webhook_deliveries.h"

enum app_err h_webhook_deliveries_list(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    int64_t id, page, page_size, total;
    const char *json;
    size_t len;
    enum app_err e = reply_path_int(r, w, "id", "webhook", &id);

    if (e != APP_OK)
        return e;
    cq_page_params(http_param(r, "page"), http_param(r, "page_size"), &page, &page_size);
    e = store_webhook_deliveries_page(c->db, r->arena, id, page, page_size, &total, &json, &len);
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "Webhook not found");
    if (e != APP_OK)
        return e;
    return reply_page(r, w, json, len, total, page_size, page);
}
