/*
 * services/service.c - see service.h.
 */
#include "services/service.h"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "lib/arena.h"
#include "lib/log.h"
#include "server/config.h"
#include "store/connect.h"

/* A round's scratch memory: the largest batch of either service fits many times over. */
#define ROUND_ARENA (4u << 20)

int service_signals(const char *tag)
{
    sigset_t set;

    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_BLOCK, &set, NULL);
    int sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (sfd < 0)
        log_warn("%s: signalfd", tag);
    return sfd;
}

int service_every(const struct config *cfg, const struct service_round *s)
{
    struct db *db = NULL;
    int sfd = service_signals(s->tag);

    if (sfd < 0)
        return 1;
    struct arena *a = arena_new(ROUND_ARENA);
    (void)store_open(cfg->database_url, s->name, cfg->statement_timeout, &db);
    log_info("%s: %s started (every %lds)", s->tag, s->what, s->interval_s);
    for (;;) {
        long wait_ms = s->interval_s * 1000L;

        if (store_ensure(db) != APP_OK || s->round(db, a, s->arg) < 0)
            wait_ms = 1000;
        struct pollfd p = {.fd = sfd, .events = POLLIN};
        if (poll(&p, 1, (int)wait_ms) > 0)
            break; /* SIGTERM or SIGINT */
    }
    store_close(db);
    arena_free(a);
    close(sfd);
    log_info("%s: %s stopped", s->tag, s->what);
    return 0;
}
