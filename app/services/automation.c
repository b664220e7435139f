/*
 * services/automation.c - see automation.h.  One round: batches of
 * conversations by id, each batch one transaction (the rules' actions and
 * their activity messages together), until a batch comes back short.
 * Several hosts may run it at once: rows one host holds are skipped by the
 * others.  The loop around the rounds is services/service.c's.
 */
#include "services/automation.h"

#include "lib/arena.h"
#include "lib/log.h"
#include "server/config.h"
#include "services/service.h"
#include "store/automation.h"

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

static int automation_round(struct db *db, struct arena *a, void *arg)
{
    const struct config *cfg = arg;
    long n = round_once(db, a, cfg->automation_lookback_days);

    if (n > 0)
        log_info("automation: time triggers looked at %ld conversation(s)", n);
    return n < 0 ? -1 : 0;
}

int automation_service_main(void *arg)
{
    const struct config *cfg = arg;
    const struct service_round s = {"automation",           AUTOMATION_SERVICE_NAME,
                                    "time-trigger service", cfg->automation_interval,
                                    automation_round,       arg};
    store_automation_secret(cfg->secret_key);
    return service_every(cfg, &s);
}
