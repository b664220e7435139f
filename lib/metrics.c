/*
 * metrics.c - shared per-process counter slots (see metrics.h).
 */
#include "metrics.h"

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "log.h"
#include "sbuf.h"

/* Status codes with a series of their own; anything else counts as "other". */
static const int codes[] = {200, 201, 202, 204, 206, 301, 302, 304, 400, 401, 403, 404, 405,
                            406, 409, 410, 412, 413, 415, 422, 429, 500, 502, 503, 504};
#define NCODES (sizeof(codes) / sizeof(codes[0]) + 1)
/* Upper bounds of the latency buckets, in microseconds (+Inf is implied). */
static const long bounds_us[] = {1000,   5000,   10000,   25000,   50000,  100000,
                                 250000, 500000, 1000000, 2500000, 5000000};
static const char *const bounds_s[] = {"0.001", "0.005", "0.01", "0.025", "0.05", "0.1",
                                       "0.25",  "0.5",   "1",    "2.5",   "5"};
#define NBOUNDS (sizeof(bounds_us) / sizeof(bounds_us[0]))

/* One route's counters within a slot. */
struct route_ctr {
    uint64_t by_code[NCODES];
    uint64_t bucket[NBOUNDS + 1]; /* not cumulative; the last is over every bound */
    uint64_t sum_us;
};

static unsigned char *base;
static size_t slot_size;
static int nslots_all; /* including the master's */
static size_t nr;      /* routes + 1 */
static unsigned char *mine;

static uint64_t *scalars(unsigned char *slot)
{
    return (uint64_t *)slot;
}

static struct route_ctr *routes_of(unsigned char *slot)
{
    return (struct route_ctr *)(slot + sizeof(uint64_t) * METRIC_COUNT);
}

static void add(uint64_t *p, uint64_t v)
{
    __atomic_fetch_add(p, v, __ATOMIC_RELAXED);
}

static uint64_t get(const uint64_t *p)
{
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}

int metrics_init(int nslots, size_t nroutes)
{
    nr = nroutes + 1;
    nslots_all = nslots + 1;
    slot_size = sizeof(uint64_t) * METRIC_COUNT + sizeof(struct route_ctr) * nr;
    void *p = mmap(NULL, slot_size * (size_t)nslots_all, PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        log_warn("metrics: mmap");
        return -1;
    }
    base = p;
    mine = base + slot_size * (size_t)nslots; /* the master's, the last */
    return 0;
}

void metrics_use_slot(int slot)
{
    if (base != NULL && slot >= 0 && slot < nslots_all - 1)
        mine = base + slot_size * (size_t)slot;
}

void metrics_inc(enum metric m)
{
    if (mine != NULL)
        add(&scalars(mine)[m], 1);
}

void metrics_set(enum metric m, long value)
{
    if (mine != NULL)
        __atomic_store_n(&scalars(mine)[m], value > 0 ? (uint64_t)value : 0, __ATOMIC_RELAXED);
}

void metrics_request(size_t route, int status, long duration_us)
{
    if (mine == NULL)
        return;
    struct route_ctr *rc = &routes_of(mine)[route < nr - 1 ? route : nr - 1];
    size_t c = 0, b = 0;
    while (c < NCODES - 1 && codes[c] != status)
        c++;
    while (b < NBOUNDS && duration_us > bounds_us[b])
        b++;
    add(&rc->by_code[c], 1);
    add(&rc->bucket[b], 1);
    add(&rc->sum_us, duration_us > 0 ? (uint64_t)duration_us : 0);
}

static uint64_t sum_scalar(enum metric m)
{
    uint64_t t = 0;
    for (int s = 0; s < nslots_all; s++)
        t += get(&scalars(base + slot_size * (size_t)s)[m]);
    return t;
}

static void scalar(struct sbuf *out, const char *name, const char *help, enum metric m)
{
    sbuf_addf(out, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", name, help, name, name,
              (unsigned long long)sum_scalar(m));
}

/* The largest value any process set for gauge m (one process sets each). */
static uint64_t max_scalar(enum metric m)
{
    uint64_t t = 0;
    for (int s = 0; s < nslots_all; s++) {
        uint64_t v = get(&scalars(base + slot_size * (size_t)s)[m]);
        if (v > t)
            t = v;
    }
    return t;
}

void metrics_render_gauge(struct sbuf *out, const char *name, const char *help, double value)
{
    sbuf_addf(out, "# HELP %s %s\n# TYPE %s gauge\n%s %.9g\n", name, help, name, name, value);
}

void metrics_render(struct sbuf *out, const char *(*route_name)(size_t i))
{
    if (base == NULL)
        return;
    sbuf_add(out, "# HELP deskd_http_requests_total Requests answered, by route and status.\n"
                  "# TYPE deskd_http_requests_total counter\n");
    for (size_t r = 0; r < nr; r++) {
        const char *name = r < nr - 1 ? route_name(r) : "none";
        for (size_t c = 0; c < NCODES; c++) {
            uint64_t t = 0;
            for (int s = 0; s < nslots_all; s++)
                t += get(&routes_of(base + slot_size * (size_t)s)[r].by_code[c]);
            if (t == 0)
                continue;
            if (c < NCODES - 1)
                sbuf_addf(out, "deskd_http_requests_total{route=\"%s\",code=\"%d\"} %llu\n", name,
                          codes[c], (unsigned long long)t);
            else
                sbuf_addf(out, "deskd_http_requests_total{route=\"%s\",code=\"other\"} %llu\n",
                          name, (unsigned long long)t);
        }
    }
    sbuf_add(out, "# HELP deskd_http_request_duration_seconds Time from the request's head "
                  "to its answer, by route.\n"
                  "# TYPE deskd_http_request_duration_seconds histogram\n");
    for (size_t r = 0; r < nr; r++) {
        const char *name = r < nr - 1 ? route_name(r) : "none";
        uint64_t b[NBOUNDS + 1] = {0}, sum = 0, cum = 0;
        for (int s = 0; s < nslots_all; s++) {
            const struct route_ctr *rc = &routes_of(base + slot_size * (size_t)s)[r];
            for (size_t i = 0; i <= NBOUNDS; i++)
                b[i] += get(&rc->bucket[i]);
            sum += get(&rc->sum_us);
        }
        for (size_t i = 0; i <= NBOUNDS; i++)
            cum += b[i];
        if (cum == 0)
            continue;
        cum = 0;
        for (size_t i = 0; i < NBOUNDS; i++) {
            cum += b[i];
            sbuf_addf(out,
                      "deskd_http_request_duration_seconds_bucket{route=\"%s\",le=\"%s\"} %llu\n",
                      name, bounds_s[i], (unsigned long long)cum);
        }
        cum += b[NBOUNDS];
        sbuf_addf(out,
                  "deskd_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n"
                  "deskd_http_request_duration_seconds_sum{route=\"%s\"} %llu.%06llu\n"
                  "deskd_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
                  name, (unsigned long long)cum, name, (unsigned long long)(sum / 1000000),
                  (unsigned long long)(sum % 1000000), name, (unsigned long long)cum);
    }
    scalar(out, "deskd_db_roundtrips_total", "Statements sent to PostgreSQL.",
           METRIC_DB_ROUNDTRIPS);
    scalar(out, "deskd_db_errors_total", "Statements PostgreSQL answered with an error.",
           METRIC_DB_ERRORS);
    scalar(out, "deskd_db_connects_total", "Connections opened to PostgreSQL (first and again).",
           METRIC_DB_CONNECTS);
    scalar(out, "deskd_auth_cache_hits_total", "API-key checks answered by the worker's cache.",
           METRIC_AUTH_CACHE_HITS);
    scalar(out, "deskd_auth_cache_misses_total", "API-key checks that needed bcrypt.",
           METRIC_AUTH_CACHE_MISSES);
    scalar(out, "deskd_worker_restarts_total", "Workers and services respawned after a crash.",
           METRIC_WORKER_RESTARTS);
    sbuf_addf(
        out,
        "# HELP deskd_webhook_attempts_total Webhook delivery attempts finished, by outcome.\n"
        "# TYPE deskd_webhook_attempts_total counter\n"
        "deskd_webhook_attempts_total{outcome=\"delivered\"} %llu\n"
        "deskd_webhook_attempts_total{outcome=\"retry\"} %llu\n"
        "deskd_webhook_attempts_total{outcome=\"dead\"} %llu\n",
        (unsigned long long)sum_scalar(METRIC_WEBHOOK_DELIVERED),
        (unsigned long long)sum_scalar(METRIC_WEBHOOK_RETRIED),
        (unsigned long long)sum_scalar(METRIC_WEBHOOK_DEAD));
    scalar(out, "deskd_hub_events_total", "Outbox events the live hub has read.",
           METRIC_HUB_EVENTS);
    metrics_render_gauge(out, "deskd_hub_event_lag_seconds",
                         "Age of the last outbox event when the live hub read it.",
                         (double)max_scalar(METRIC_HUB_LAG_MS) / 1000.0);
    scalar(out, "deskd_db_standby_reads_total", "Reads served by the read (standby) connection.",
           METRIC_DB_STANDBY_READS);
    scalar(out, "deskd_db_standby_bypass_total",
           "Reads sent to the primary: the standby was away, too far behind, or without the"
           " client's last write.",
           METRIC_DB_STANDBY_BYPASS);
}
