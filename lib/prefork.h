/*
 * prefork.h - the supervising master: forks N workers, respawns crashed
 * ones with backoff, drains on SIGTERM/SIGINT and does a rolling restart on
 * SIGHUP.  It knows nothing about HTTP or the database.
 */
#ifndef LIB_PREFORK_H
#define LIB_PREFORK_H

/*
 * A long-lived process of another kind under the same supervision as the
 * workers (an event consumer, say): one instance kept running, respawned
 * on crash, drained on SIGTERM and replaced on SIGHUP like a worker.
 */
struct prefork_service {
    const char *name; /* for logs */
    int (*main)(void *arg);
    void *arg;
};

struct prefork_opts {
    int workers;                            /* number of workers to keep running */
    const struct prefork_service *services; /* nservices entries, may be NULL */
    int nservices;
    int shutdown_timeout; /* seconds a draining worker gets before SIGKILL */
    /* Runs in each forked child; its return value is the child's exit status. */
    int (*worker_main)(void *arg);
    void *arg;
    /* Called on SIGHUP in the master; non-zero keeps the old workers. May be NULL. */
    int (*reload)(void *arg);
};

/*
 * Runs the master loop until shutdown.  Returns the process exit status:
 * 0 after a clean drain, 1 when workers crash in a loop (the service
 * manager should notice) or fork fails persistently.
 */
int prefork_run(const struct prefork_opts *o);

/* The number of process slots prefork_run uses for o (for metrics_init). */
int prefork_slots(const struct prefork_opts *o);

/*
 * In a worker: records what the worker is doing (e.g. the route name) in
 * memory the master can read, so a crash report names it.  NULL clears it.
 */
void prefork_note(const char *what);

#endif
