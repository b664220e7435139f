/*
 * services/sla.c - see sla.h.  One round: batches of overdue applied SLAs,
 * each batch one transaction (breach stamps, status, next deadline, the
 * events and the breach notices together), until a batch comes back short;
 * then next-response events the same way, then the due notifications.  Several hosts may run
 * it at once: rows one host holds are skipped by the others.  Between
 * rounds it sleeps on a signalfd, so SIGTERM ends it at once.
 */
#include "services/sla.h"

#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "lib/arena.h"
#include "lib/log.h"
#include "server/config.h"
#include "store/connect.h"
#include "store/sla.h"

#define BATCH 200

/*
 * One round: breaches of applied SLAs, then next-response events, then
 * the due notifications (which the first two may have scheduled).  Returns
 * 0, or -1 on a database error.
 */
static int round_once(struct db *db, struct arena *a)
{
    long n = 0, total = 0, sent = 0, sent_total = 0;

    do {
        arena_reset(a);
        if (store_sla_breach_due(db, a, BATCH, &n) != APP_OK)
            return -1;
        total += n;
    } while (n >= BATCH);
    if (total > 0)
        log_info("sla: %ld applied SLA(s) breached", total);
    total = 0;
    do {
        arena_reset(a);
        if (store_sla_next_response_due(db, a, BATCH, &n) != APP_OK)
            return -1;
        total += n;
    } while (n >= BATCH);
    if (total > 0)
        log_info("sla: next-response events settled in %ld conversation(s)", total);
    total = 0;
    do {
        arena_reset(a);
        if (store_sla_notify_due(db, a, BATCH, &n, &sent) != APP_OK)
            return -1;
        total += n;
        sent_total += sent;
    } while (n >= BATCH);
    if (total > 0)
        log_info("sla: %ld scheduled notification(s) processed, %ld sent", total, sent_total);
    return 0;
}

int sla_service_main(void *arg)
{
    const struct config *cfg = arg;
    struct db *db = NULL;
    struct arena *a;
    sigset_t set;
    int sfd;

    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_BLOCK, &set, NULL);
    sfd = signalfd(-1, &set, SFD_CLOEXEC);
    if (sfd < 0) {
        log_warn("sla: signalfd");
        return 1;
    }
    a = arena_new(4u << 20);
    (void)store_open(cfg->database_url, SLA_SERVICE_NAME, cfg->statement_timeout, &db);
    log_info("sla: breach service started (every %lds)", cfg->sla_interval);
    for (;;) {
        long wait_ms = cfg->sla_interval * 1000L;

        if (store_ensure(db) != APP_OK) {
            wait_ms = 1000;
        } else if (round_once(db, a) < 0) {
            wait_ms = 1000;
        }
        struct pollfd p = {.fd = sfd, .events = POLLIN};
        if (poll(&p, 1, (int)wait_ms) > 0)
            break; /* SIGTERM or SIGINT */
    }
    store_close(db);
    arena_free(a);
    close(sfd);
    log_info("sla: breach service stopped");
    return 0;
}
