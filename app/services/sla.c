/*
 * services/sla.c - see sla.h.  One round: batches of overdue applied SLAs,
 * each batch one transaction (breach stamps, status, next deadline, the
 * events and the breach notices together), until a batch comes back short;
 * then next-response events the same way, then the due notifications.  Several hosts may run
 * it at once: rows one host holds are skipped by the others.  The loop
 * around the rounds is services/service.c's.
 */
#include "services/sla.h"

#include <string.h>

#include "lib/arena.h"
#include "lib/log.h"
#include "server/config.h"
#include "services/service.h"
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

static int sla_round(struct db *db, struct arena *a, void *arg)
{
    (void)arg;
    return round_once(db, a);
}

int sla_service_main(void *arg)
{
    const struct config *cfg = arg;
    const struct service_round s = {
        "sla", SLA_SERVICE_NAME, "breach service", cfg->sla_interval, sla_round, NULL};
    return service_every(cfg, &s);
}
