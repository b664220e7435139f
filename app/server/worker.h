/*
 * worker.h - the request loop run by every forked worker.
 */
#ifndef APP_WORKER_H
#define APP_WORKER_H

struct config;
struct router;

struct worker_env {
    const struct config *cfg;
    const struct router *router;
    int listen_fd; /* non-blocking, shared by all workers */
    int lazy_db;   /* connect at the first request instead of at start */
};

/* Runs the accept loop until SIGTERM; returns the exit status.  arg is a struct worker_env. */
int worker_main(void *arg);

/* Answers the one request of a CGI process (stdin, stdout, the environment); the exit status. */
int worker_cgi(const struct worker_env *env);

#endif
