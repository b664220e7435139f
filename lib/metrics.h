/*
 * metrics.h - process-wide counters for GET /metrics without locks: the
 * master maps one slot per process before forking; each process adds only
 * to its own slot (relaxed atomics) and a scrape sums every slot.  A slot
 * outlives its process, so a respawned worker's counts stay in the sums.
 */
#ifndef LIB_METRICS_H
#define LIB_METRICS_H

#include <stddef.h>

struct sbuf;

enum metric {
    METRIC_DB_ROUNDTRIPS,
    METRIC_DB_ERRORS,
    METRIC_DB_CONNECTS,
    METRIC_AUTH_CACHE_HITS,
    METRIC_AUTH_CACHE_MISSES,
    METRIC_WORKER_RESTARTS,
    METRIC_WEBHOOK_DELIVERED,
    METRIC_WEBHOOK_RETRIED,
    METRIC_WEBHOOK_DEAD,
    METRIC_HUB_EVENTS,
    METRIC_DB_STANDBY_READS,  /* lists served by the read connection */
    METRIC_DB_STANDBY_BYPASS, /* lists it could not serve (behind, too far behind, away) */
    /* Gauges (metrics_set): the last value one process set. */
    METRIC_HUB_LAG_MS,
    METRIC_COUNT
};

/*
 * In the master, before any fork: room for nslots processes (plus the
 * master's own) and nroutes routes (plus one for requests no route
 * matched).  Returns 0, or -1 if the mapping failed (counting is then off).
 */
int metrics_init(int nslots, size_t nroutes);
/* In a forked process: from now on it counts into slot (0..nslots-1). */
void metrics_use_slot(int slot);
/* Adds one to a scalar counter of this process. */
void metrics_inc(enum metric m);
/* Sets a gauge of this process (METRIC_HUB_LAG_MS). */
void metrics_set(enum metric m, long value);
/* One answered request: route index (or (size_t)-1: none), status, duration. */
void metrics_request(size_t route, int status, long duration_us);
/*
 * Appends the Prometheus text exposition of every slot's sums to s;
 * route_name(i) names route i.  Nothing when metrics_init was not called.
 */
void metrics_render(struct sbuf *s, const char *(*route_name)(size_t i));
/* Appends one gauge family with a single sample: name, help text and value. */
void metrics_render_gauge(struct sbuf *s, const char *name, const char *help, double value);

#endif
