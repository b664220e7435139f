/*
 * services/automation.c - see automation.h.  One round: batches of
 * conversations by id, each batch one transaction (the rules' actions and
 * their activity messages together), until a batch comes back short.
 * Several hosts may run it at once: rows one host holds are skipped by the
 * others.  Between rounds it sleeps on a signalfd, so SIGTERM ends it at
 * once.
 */
#include "services/automation.h"

#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "lib/arena.h"
#include "lib/log.h"
#include "server/config.h"
#include "store/automation.h"
#include "store/connect.h"

#define BATCH 200

/* One round; returns the conversations looked at, or -1 on a database error. */
static long round_once(struct db *db, struct arena *a, int lookback_days)
{
    long total = 0, n = 0;
    int64_t after = 0, last = 0;

    do {
        arena_reset(a);
        if (store_automation_time_batch(db, a, after, BATCH, lookback_days, &last, &n) != APP_OK)
            return -1;
        total += n;
        after = last;
    } while (n >= BATCH);
    return total;
}

int automation_service_main(void *arg)
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
        log_warn("automation: signalfd");
        return 1;
    }
    a = arena_new(4u << 20);
    (void)store_open(cfg->database_url, AUTOMATION_SERVICE_NAME, cfg->statement_timeout, &db);
    log_info("automation: time-trigger service started (every %lds)", cfg->automation_interval);
    for (;;) {
        long wait_ms = cfg->automation_interval * 1000L;

        if (store_ensure(db) != APP_OK) {
            wait_ms = 1000;
        } else {
            long n = round_once(db, a, cfg->automation_lookback_days);
            if (n < 0)
                wait_ms = 1000;
            else if (n > 0)
                log_info("automation: time triggers looked at %ld conversation(s)", n);
        }
        struct pollfd p = {.fd = sfd, .events = POLLIN};
        if (poll(&p, 1, (int)wait_ms) > 0)
            break; /* SIGTERM or SIGINT */
    }
    store_close(db);
    arena_free(a);
    close(sfd);
    log_info("automation: time-trigger service stopped");
    return 0;
}
