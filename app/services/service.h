/*
 * services/service.h - what every service process (lib/prefork.h services
 * the master supervises) sets up the same way, and the loop of the ones
 * that do a round of work at an interval (sla, automation).
 */
#ifndef SERVICES_SERVICE_H
#define SERVICES_SERVICE_H

#include <stddef.h>

struct arena;
struct config;
struct db;

/*
 * SIGPIPE and SIGHUP ignored (the master replaces a service with SIGTERM),
 * SIGTERM and SIGINT blocked and delivered to the returned signalfd
 * (non-blocking, close-on-exec); -1 if it cannot be made (logged with tag).
 */
int service_signals(const char *tag);

/* A service doing one round of work every interval_s seconds. */
struct service_round {
    const char *tag;  /* log prefix, e.g. "sla" */
    const char *name; /* process and database application name, e.g. "deskd-sla" */
    const char *what; /* its started/stopped log lines, e.g. "breach service" */
    long interval_s;
    /* One round on a connected db (a itself is the caller's to reset): 0, or -1 to retry in 1 s. */
    int (*round)(struct db *db, struct arena *a, void *arg);
    void *arg;
};

/*
 * Connects to cfg's database, then runs s's rounds until SIGTERM or SIGINT
 * (which end the wait between rounds at once); while the database is away
 * it tries again every second.  Returns the process's exit status.
 */
int service_every(const struct config *cfg, const struct service_round *s);

#endif
