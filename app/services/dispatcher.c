/*
 * services/dispatcher.c - the webhook dispatcher.
 *
 * One event loop: LISTEN deskd_webhooks wakes it when a transaction commits
 * new deliveries; a timer set to the next due retry (at most 30 s, which
 * also covers a missed notification) wakes it otherwise; it never polls in
 * a tight loop.  Each round claims due deliveries (store: FOR UPDATE SKIP
 * LOCKED and a lease, so several dispatchers, on one host during a rolling
 * restart or on several hosts, never send a delivery twice unless one dies
 * mid-send) and starts them on lib/httpq (curl multi, non-blocking): a slow
 * or dead receiver holds only its own requests, at most PER_WEBHOOK of them.
 *
 * A delivery is POSTed as its stored body, with Content-Type, upstream's
 * User-Agent, X-Libredesk-Signature (sha256=<hex HMAC-SHA256 of the body
 * under the webhook's secret>, as upstream: only when it has a secret) and
 * X-Libredesk-Delivery (the delivery id, the same on every attempt, for
 * receivers to drop duplicates).  2xx is delivered; 408, 429, 5xx, timeouts
 * and connection errors are retried after base * 2^(attempt - 1) (half of
 * it fixed, half random; at most an hour) until the attempts run out (then
 * dead); any other status, a refused address or a bad URL is dead at once.
 *
 * SIGTERM: no more claims; what is in flight finishes (or times out), its
 * outcome is recorded, and the process exits.
 */
#include "services/dispatcher.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "lib/arena.h"
#include "lib/crypto.h"
#include "lib/httpq.h"
#include "lib/log.h"
#include "lib/metrics.h"
#include "rules/secret.h"
#include "server/config.h"
#include "server/version.h"
#include "services/service.h"
#include "store/connect.h"
#include "store/store.h"
#include "store/webhook_deliveries.h"

#define MAX_IN_FLIGHT 256
/* Claimed per round (bodies are in memory until sent). */
#define CLAIM_MAX 64
/* In flight to one webhook at most, claimed at most half of it per round. */
#define PER_WEBHOOK 32
#define MAX_DELAY_MS (3600L * 1000)
#define IDLE_WAKE_MS 30000L
/* Finished requests gathered before a round of statements. */
#define COALESCE_MS 5
#define PURGE_EVERY_MS (10L * 60 * 1000)
#define PURGE_BATCH 5000
#define USER_AGENT "Libredesk-Webhook/" DESKD_VERSION

struct flight {
    int64_t id; /* 0: free slot */
    int64_t webhook_id;
    int attempts;
};

struct outcome {
    struct store_delivery_result r;
    char error[256];
};

struct dispatcher {
    const struct config *cfg;
    struct db *db;
    struct httpq *q;
    struct arena *a;
    struct flight flights[MAX_IN_FLIGHT];
    struct outcome done[MAX_IN_FLIGHT];
    int ndone;
    unsigned long listening; /* store_generation() the LISTEN was issued on */
    unsigned seed;
};

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static struct flight *flight_find(struct dispatcher *d, int64_t id)
{
    for (int i = 0; i < MAX_IN_FLIGHT; i++)
        if (d->flights[i].id == id)
            return &d->flights[i];
    return NULL;
}

/* Webhooks with PER_WEBHOOK / 2 or more in flight into skip; returns how many. */
static int busy_webhooks(const struct dispatcher *d, int64_t *skip)
{
    int n = 0;
    for (int i = 0; i < MAX_IN_FLIGHT; i++) {
        int64_t w = d->flights[i].webhook_id;
        int count = 0, seen = 0;
        if (d->flights[i].id == 0)
            continue;
        for (int j = 0; j < n; j++)
            seen |= skip[j] == w;
        if (seen)
            continue;
        for (int j = i; j < MAX_IN_FLIGHT; j++)
            count += d->flights[j].id != 0 && d->flights[j].webhook_id == w;
        if (count >= PER_WEBHOOK / 2)
            skip[n++] = w;
    }
    return n;
}

/* Records an outcome, sent to the database at the next flush. */
static void outcome_add(struct dispatcher *d, int64_t id, int attempts, enum store_outcome o,
                        long status, const char *error, long delay_ms)
{
    if (d->ndone >= MAX_IN_FLIGHT) {
        log_warnx("webhooks: outcome of delivery %lld dropped (it will be sent again)",
                  (long long)id);
        return;
    }
    metrics_inc(o == STORE_DELIVERED ? METRIC_WEBHOOK_DELIVERED
                : o == STORE_RETRY   ? METRIC_WEBHOOK_RETRIED
                                     : METRIC_WEBHOOK_DEAD);
    struct outcome *x = &d->done[d->ndone++];
    memset(x, 0, sizeof(*x));
    x->r.id = id;
    x->r.attempts = attempts;
    x->r.outcome = o;
    x->r.status = status;
    x->r.delay_ms = delay_ms;
    if (error != NULL) {
        snprintf(x->error, sizeof(x->error), "%s", error);
        x->r.error = x->error;
    }
}

/* The delay before attempt attempts + 1: half fixed, half random. */
static long backoff_ms(struct dispatcher *d, int attempts)
{
    long delay = d->cfg->webhook_retry_base * 1000L;
    for (int i = 1; i < attempts && delay < MAX_DELAY_MS; i++)
        delay *= 2;
    if (delay > MAX_DELAY_MS)
        delay = MAX_DELAY_MS;
    return delay / 2 + (long)(rand_r(&d->seed) % (unsigned)(delay / 2 + 1));
}

/* A failed attempt: retried while attempts remain and retry is set, else dead. */
static void failed(struct dispatcher *d, const struct flight *f, int retry, long status,
                   const char *error)
{
    if (retry && f->attempts < d->cfg->webhook_max_attempts) {
        long delay = backoff_ms(d, f->attempts);
        log_info("webhooks: delivery %lld to webhook %lld failed (attempt %d): %s; retry in %ld ms",
                 (long long)f->id, (long long)f->webhook_id, f->attempts, error, delay);
        outcome_add(d, f->id, f->attempts, STORE_RETRY, status, error, delay);
        return;
    }
    log_warnx("webhooks: delivery %lld to webhook %lld is dead after %d attempt(s): %s",
              (long long)f->id, (long long)f->webhook_id, f->attempts, error);
    outcome_add(d, f->id, f->attempts, STORE_DEAD, status, error, 0);
}

static void finished(struct dispatcher *d, const struct httpq_result *r)
{
    struct flight *fp = flight_find(d, r->id);
    char msg[300];

    if (fp == NULL)
        return;
    struct flight f = *fp;
    memset(fp, 0, sizeof(*fp));
    if (r->fail == HTTPQ_OK) {
        if (r->status >= 200 && r->status < 300) {
            log_debug("webhooks: delivery %lld delivered (HTTP %ld, %ld ms)", (long long)f.id,
                      r->status, r->elapsed_ms);
            outcome_add(d, f.id, f.attempts, STORE_DELIVERED, r->status, NULL, 0);
            return;
        }
        int retry = r->status == 408 || r->status == 429 || r->status >= 500;
        snprintf(msg, sizeof(msg), "HTTP %ld%s", r->status, retry ? "" : " (not retried)");
        failed(d, &f, retry, r->status, msg);
        return;
    }
    failed(d, &f, r->fail == HTTPQ_TIMEOUT || r->fail == HTTPQ_CONNECT, 0, r->error);
}

/* Starts one claimed delivery; an outcome is recorded at once if it cannot start. */
static void start(struct dispatcher *d, const struct store_delivery *x)
{
    const char *secret = NULL;
    char sig[32 + 2 * CRYPTO_SHA256_LEN + 1], id[64];
    const char *headers[3];
    int n = 0;
    struct flight *slot = flight_find(d, 0);

    if (slot == NULL) /* cannot happen: claims are bounded by the free slots */
        return;
    slot->id = x->id;
    slot->webhook_id = x->webhook_id;
    slot->attempts = x->attempts;
    if (secret_open(d->a, d->cfg->secret_key, x->secret, &secret) != 0) {
        failed(d, slot, 0, 0, "the webhook's secret does not open under the server secret");
        memset(slot, 0, sizeof(*slot));
        return;
    }
    headers[n++] = "Content-Type: application/json";
    snprintf(id, sizeof(id), "X-Libredesk-Delivery: %lld", (long long)x->id);
    headers[n++] = id;
    if (*secret != '\0') {
        unsigned char mac[CRYPTO_SHA256_LEN];
        int off = snprintf(sig, sizeof(sig), "X-Libredesk-Signature: sha256=");
        crypto_hmac_sha256(secret, strlen(secret), x->body, x->body_len, mac);
        for (int i = 0; i < CRYPTO_SHA256_LEN; i++)
            snprintf(sig + off + 2 * i, 3, "%02x", mac[i]);
        headers[n++] = sig;
    }
    if (httpq_post(d->q, x->id, x->url, headers, n, x->body, x->body_len,
                   d->cfg->webhook_timeout * 1000L) != 0) {
        failed(d, slot, 0, 0, "the URL was refused (only http and https URLs are sent)");
        memset(slot, 0, sizeof(*slot));
    }
}

static void flush(struct dispatcher *d)
{
    struct store_delivery_result r[MAX_IN_FLIGHT];

    if (d->ndone == 0)
        return;
    for (int i = 0; i < d->ndone; i++)
        r[i] = d->done[i].r;
    enum app_err e = store_deliveries_finish(d->db, d->a, r, d->ndone);
    if (e == APP_ERR_UNAVAILABLE)
        return; /* kept for the next flush; the leases cover a crash meanwhile */
    if (e != APP_OK)
        log_warnx("webhooks: could not record %d outcome(s) (they will be sent again)", d->ndone);
    d->ndone = 0;
}

/* Claims and starts what is due; returns how many were claimed (-1: database error). */
static int claim(struct dispatcher *d)
{
    int64_t skip[MAX_IN_FLIGHT];
    int free_slots = MAX_IN_FLIGHT - httpq_in_flight(d->q), n = 0;
    struct store_delivery *x;

    if (free_slots <= 0)
        return 0;
    int max = free_slots < CLAIM_MAX ? free_slots : CLAIM_MAX;
    int nskip = busy_webhooks(d, skip);
    long lease = d->cfg->webhook_timeout * 1000L + 5000;
    if (store_deliveries_claim(d->db, d->a, max, PER_WEBHOOK / 2, skip, nskip, lease, &x, &n) !=
        APP_OK)
        return -1;
    for (int i = 0; i < n; i++)
        start(d, &x[i]);
    return n;
}

static void purge(struct dispatcher *d)
{
    long n = 0, total = 0;
    for (int i = 0; i < 100; i++) {
        if (store_events_purge(d->db, d->a, d->cfg->event_retention, PURGE_BATCH, &n) != APP_OK)
            break;
        total += n;
        arena_reset(d->a);
        if (n < PURGE_BATCH)
            break;
    }
    if (total > 0)
        log_info("webhooks: purged %ld old event(s) and finished deliveries", total);
}

/* The connection is up and listening; 0, or -1 if the database is away. */
static int ready(struct dispatcher *d)
{
    if (store_ensure(d->db) != APP_OK)
        return -1;
    if (d->listening != store_generation(d->db)) {
        if (store_listen(d->db, "deskd_webhooks") != APP_OK)
            return -1;
        d->listening = store_generation(d->db);
    }
    return 0;
}

int dispatcher_main(void *arg)
{
    static struct dispatcher d;
    const struct config *cfg = arg;
    int sfd, stopping = 0;
    long drain_until = 0, next_purge = now_ms() + 5000;

    sfd = service_signals("webhooks");
    if (sfd < 0)
        return 1;
    memset(&d, 0, sizeof(d));
    d.cfg = cfg;
    d.seed = (unsigned)getpid() ^ (unsigned)now_ms();
    d.q = httpq_new(cfg->webhook_allow_private, USER_AGENT);
    if (d.q == NULL) {
        log_err("webhooks: cannot initialise libcurl");
        close(sfd);
        return 1;
    }
    d.a = arena_new(64u << 20);
    (void)store_open(cfg->database_url, DISPATCHER_NAME, cfg->statement_timeout, &d.db);
    log_info("webhooks: dispatcher started (timeout %lds, %d attempts, retry base %lds%s)",
             cfg->webhook_timeout, cfg->webhook_max_attempts, cfg->webhook_retry_base,
             cfg->webhook_allow_private ? ", private addresses allowed" : "");

    /*
     * wake: look for due deliveries now (notified, timer, more may be due);
     * freed: requests finished, so slots are free and outcomes wait to be
     * recorded.  Finished requests are gathered for up to COALESCE_MS so
     * that one round (one statement each to record and to claim) serves
     * many of them.
     */
    int wake = 1, freed = 0;
    long last_round = 0;
    for (;;) {
        long wait_ms = IDLE_WAKE_MS, now = now_ms();
        int up = ready(&d) == 0;

        arena_reset(d.a);
        if (stopping) {
            if (up)
                flush(&d);
            if (httpq_in_flight(d.q) == 0 || now >= drain_until)
                break;
            wait_ms = 200;
        } else if (!up) {
            wait_ms = 1000;
        } else if (!wake && freed && httpq_in_flight(d.q) > 0 && now - last_round < COALESCE_MS) {
            wait_ms = COALESCE_MS - (now - last_round);
        } else if (wake || freed) {
            int free_slots = MAX_IN_FLIGHT - httpq_in_flight(d.q);
            int max = free_slots < CLAIM_MAX ? free_slots : CLAIM_MAX;
            flush(&d);
            int n = claim(&d);
            last_round = now;
            wake = freed = 0;
            if (n < 0) {
                wait_ms = 1000;
            } else if (n > 0 && n == max) {
                wait_ms = 0; /* there may be more */
                wake = 1;
            } else if (n == 0) {
                long ms;
                int none;
                if (store_deliveries_next_due(d.db, d.a, &ms, &none) != APP_OK)
                    wait_ms = 1000;
                else if (!none)
                    /* due but not claimable (held elsewhere, or its webhook is busy here) */
                    wait_ms = ms > 0 ? (ms < IDLE_WAKE_MS ? ms : IDLE_WAKE_MS) : 1000;
            } else {
                wait_ms = 1000; /* some claimed: their ends wake us; retries are looked for then */
            }
            if (now_ms() >= next_purge) {
                purge(&d);
                next_purge = now_ms() + PURGE_EVERY_MS;
            }
        }

        /* A notification read along with a statement's result waits in libpq, not on the socket. */
        if (up && !stopping && store_notifications(d.db, NULL, NULL) > 0) {
            wake = 1;
            wait_ms = 0;
        }
        int fds[2] = {sfd, store_socket(d.db)}, rd[2] = {0, 0};
        int nfds = fds[1] >= 0 ? 2 : 1;
        long t0 = now_ms();
        if (httpq_wait(d.q, fds, nfds, rd, (int)wait_ms) != 0) {
            log_warnx("webhooks: curl failed; restarting");
            break;
        }
        if (rd[0]) {
            struct signalfd_siginfo si;
            while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
                ;
            if (!stopping) {
                stopping = 1;
                drain_until = now_ms() + cfg->webhook_timeout * 1000L + 1000;
                log_info("webhooks: stopping after %d delivery(ies) in flight",
                         httpq_in_flight(d.q));
            }
        }
        if (nfds == 2 && rd[1] && store_notifications(d.db, NULL, NULL) != 0)
            wake = 1; /* notified, or the connection was lost (ready() reconnects) */
        struct httpq_result r;
        while (httpq_next(d.q, &r)) {
            finished(&d, &r);
            freed = 1;
        }
        if (wait_ms > 0 && now_ms() - t0 >= wait_ms && !freed)
            wake = 1;
    }
    if (ready(&d) == 0)
        flush(&d);
    httpq_free(d.q);
    store_close(d.db);
    arena_free(d.a);
    close(sfd);
    log_info("webhooks: dispatcher stopped");
    return 0;
}
