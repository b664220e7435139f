/*
 * prefork.h - the supervising master: forks N workers, respawns crashed
 * ones with backoff, drains on SIGTERM/SIGINT and does a rolling restart on
 * SIGHUP.  It knows nothing about HTTP or the database.
 */
#ifndef LIB_PREFORK_H
#define LIB_PREFORK_H

struct prefork_opts {
    int workers;          /* number of workers to keep running */
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

/*
 * In a worker: records what the worker is doing (e.g. the route name) in
 * memory the master can read, so a crash report names it.  NULL clears it.
 */
void prefork_note(const char *what);

#endif
