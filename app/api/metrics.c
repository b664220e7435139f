/*
 * api/metrics.c - GET /metrics: the counters of every worker, service and
 * the master summed (lib/metrics.c), in Prometheus' text format 0.0.4,
 * and two gauges of the webhook deliveries waiting in the database (left
 * out, not failed, when the database does not answer).  nginx serves the
 * location to loopback only.  DESKD_METRICS=off: nothing is counted and
 * the route answers 404.
 */
#include "api/metrics.h"

#include "lib/http.h"
#include "lib/metrics.h"
#include "lib/sbuf.h"
#include "server/config.h"
#include "server/ctx.h"
#include "server/reply.h"
#include "server/routes.h"
#include "store/metrics.h"

static const char *route_name(size_t i)
{
    return app_routes[i].name;
}

enum app_err h_metrics_get(struct req *r, struct resp *w)
{
    const struct ctx *c = r->ctx;
    struct sbuf s;

    if (c != NULL && !c->cfg->metrics)
        return reply_fail(r, w, APP_ERR_NOT_FOUND, "Metrics are off (DESKD_METRICS=off)");
    sbuf_init(&s, r->arena);
    metrics_render(&s, route_name);
    struct store_outbox o;
    if (c != NULL && c->db != NULL && store_metrics_outbox(c->db, r->arena, &o) == APP_OK) {
        metrics_render_gauge(&s, "deskd_webhook_deliveries_pending",
                             "Webhook deliveries not yet delivered nor dead.", (double)o.pending);
        metrics_render_gauge(&s, "deskd_webhook_delivery_lag_seconds",
                             "How long the longest-due pending webhook delivery has waited.",
                             o.oldest_due_age);
    }
    const char *text = sbuf_str(&s);
    if (text == NULL)
        return APP_ERR_INTERNAL;
    w->raw_body = text;
    w->raw_len = s.len;
    w->content_type = "text/plain; version=0.0.4; charset=utf-8";
    return APP_OK;
}
