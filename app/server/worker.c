/*
 * worker.c - one worker: connect to PostgreSQL after fork, then accept,
 * route, authenticate, authorise, run the handler and answer, until
 * SIGTERM (or SIGUSR1, a FastCGI spawner's graceful stop).
 *
 * SIGTERM stays blocked while a request is served (libfcgi treats an
 * interrupted read as an I/O error), and is only deliverable inside
 * epoll_pwait() while the worker is idle, or noticed with sigpending()
 * between requests.  So an in-flight request always finishes, and there is
 * no window between checking a flag and blocking in accept().
 */
#include "server/worker.h"

#include <sys/epoll.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/arena.h"
#include "lib/fcgi_io.h"
#include "lib/http.h"
#include "lib/log.h"
#include "lib/prefork.h"
#include "lib/metrics.h"
#include "lib/router.h"
#include "server/authn.h"
#include "server/config.h"
#include "server/ctx.h"
#include "server/dialect.h"
#include "server/idempotency.h"
#include "server/reply.h"
#include "server/routes.h"
#include "store/automation.h"
#include "store/connect.h"

#define ARENA_CAP (64 * 1024 * 1024)

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
    (void)sig;
    stop = 1;
}

/* The answer for e: its status and body (in the arena or static). */
static void render(struct req *r, struct resp *w, const struct route *rt, enum app_err e,
                   int *status, const char **body, size_t *len)
{
    if (e == APP_OK && http_success_body(r->arena, w, body, len) != 0)
        e = APP_ERR_INTERNAL; /* the arena refused (logged below) or json-c failed */
    /*
     * One check for every refusal of the request's arena, wherever it
     * happened and whatever the caller made of the NULL: a 500.
     */
    if (arena_exhausted(r->arena)) {
        log_err("%s %s: the request needed more than the %zu-byte arena",
                http_method_name(r->method), r->path, (size_t)ARENA_CAP);
        e = APP_ERR_INTERNAL;
        w->message = NULL;
    }
    if (e != APP_OK && rt != NULL && rt->dialect != NULL) {
        rt->dialect->error_body(r->arena, e, w->message ? w->message : err_message(e), body, len);
        *status = err_status(e);
        w->content_type = NULL;
    } else if (e != APP_OK) {
        http_error_body(r->arena, e, w->message, body, len);
        *status = err_status(e);
        w->content_type = NULL;
    } else {
        *status = w->status ? w->status : 200;
    }
    if (*status >= 500)
        log_err("%s %s -> %d %s", http_method_name(r->method), r->path, *status, err_name(e));
    else
        log_debug("%s %s -> %d", http_method_name(r->method), r->path, *status);
}

/* The cookie a write's answer carries: the primary's WAL position after it. */
#define LSN_COOKIE "deskd_lsn"

/* "X/Y", two hexadecimal numbers of at most 8 digits, as pg_lsn prints. */
static int lsn_valid(const char *s)
{
    size_t hi = strspn(s, "0123456789ABCDEFabcdef");
    if (hi < 1 || hi > 8 || s[hi] != '/')
        return 0;
    size_t lo = strspn(s + hi + 1, "0123456789ABCDEFabcdef");
    return lo >= 1 && lo <= 8 && s[hi + 1 + lo] == '\0';
}

/*
 * A replica route: read on the standby if it is reachable, at most
 * DESKD_READ_MAX_LAG behind, and has replayed the client's last write (the
 * deskd_lsn cookie); else on the primary.  X-Deskd-Read says which.
 */
static void choose_read_db(struct ctx *c, struct req *r, struct resp *w)
{
    const char *lsn = r->cookie ? http_cookie(r->arena, r->cookie, LSN_COOKIE) : NULL;
    long lag = 0;
    int caught_up = 0;

    if (lsn != NULL && !lsn_valid(lsn))
        lsn = NULL;
    enum app_err e = store_read_position(c->read_db, r->arena, lsn, &lag, &caught_up);
    char num[24];
    snprintf(num, sizeof(num), "%ld", lag);
    if (e == APP_OK)
        http_add_header(w, "X-Deskd-Read-Lag", arena_strdup(r->arena, num));
    if (e == APP_OK && lag <= c->cfg->read_max_lag && caught_up) {
        c->db = c->read_db;
        http_add_header(w, "X-Deskd-Read", "standby");
        metrics_inc(METRIC_DB_STANDBY_READS);
        return;
    }
    http_add_header(w, "X-Deskd-Read",
                    e != APP_OK  ? "primary; standby away"
                    : !caught_up ? "primary; standby behind your last write"
                                 : "primary; standby lag over DESKD_READ_MAX_LAG");
    metrics_inc(METRIC_DB_STANDBY_BYPASS);
}

/* After a write: the position a later read must find on the standby. */
static void note_write_position(struct ctx *c, struct req *r, struct resp *w)
{
    const char *lsn;
    char cookie[96];

    if (store_write_position(c->db, r->arena, &lsn) != APP_OK || !lsn_valid(lsn))
        return;
    snprintf(cookie, sizeof(cookie), LSN_COOKIE "=%s; Path=/; Max-Age=60; HttpOnly; SameSite=Lax%s",
             lsn, c->cfg->secure_cookies ? "; Secure" : "");
    http_add_header(w, "Set-Cookie", arena_strdup(r->arena, cookie));
}

static void handle(struct fcgi_io *io, const struct worker_env *env, struct ctx *c, struct arena *a)
{
    struct req r;
    struct resp w;
    const struct route *rt = NULL;
    struct idem idem = {0};
    char allow[64];
    enum app_err e;
    const char *body;
    size_t len;
    int status;

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    memset(&r, 0, sizeof(r));
    memset(&w, 0, sizeof(w));
    r.ctx = c;
    c->who = NULL;
    c->ref_version = 0;

    e = fcgi_io_read_head(io, a, &r);
    if (e == APP_OK) {
        switch (router_match(env->router, a, r.method, r.path, &r.match)) {
        case ROUTER_MATCH:
            rt = &app_routes[r.match.index];
            break;
        case ROUTER_NOT_FOUND:
            e = APP_ERR_ROUTE_NOT_FOUND;
            break;
        case ROUTER_METHOD_NOT_ALLOWED:
            router_allow_string(r.match.allow, allow, sizeof(allow));
            http_add_header(&w, "Allow", allow);
            e = APP_ERR_METHOD;
            break;
        case ROUTER_BAD_PATH:
            e = reply_fail(&r, &w, APP_ERR_INPUT, "Invalid characters in the request path");
            break;
        }
    } else if (e == APP_ERR_INPUT) {
        reply_fail(&r, &w, e, "Malformed request: bad query string or Content-Length");
    }
    log_set_context(r.request_id, rt ? rt->name : NULL);
    if (rt != NULL)
        prefork_note(rt->name);

    if (e == APP_OK && rt != NULL) {
        if (r.content_length > (long long)rt->body_limit)
            e = reply_fail(&r, &w, APP_ERR_TOO_LARGE, "%s",
                           rt->body_limit ? "Request body too large"
                                          : "This endpoint takes no request body");
        if (e == APP_OK && (e = fcgi_io_read_body(io, a, &r)) == APP_ERR_INPUT)
            reply_fail(&r, &w, e, "The request body is shorter than its Content-Length");
        if (e == APP_OK && rt->auth != AUTH_NONE)
            e = rt->dialect ? authn_peer_request(c, &r, &w, rt->dialect) : authn_request(c, &r, &w);
        if (e == APP_OK && rt->perm != NULL && !app_has_perm(c->who, rt->perm))
            e = APP_ERR_PERMISSION;
        if (e == APP_OK && idem_start(c, &r, &w, &idem, &e) == IDEM_RUN) {
            struct db *primary = c->db;
            if (rt->replica && c->read_db != NULL && r.method == HTTP_GET)
                choose_read_db(c, &r, &w);
            e = rt->fn(&r, &w);
            c->db = primary;
        }
    }
    render(&r, &w, rt, e, &status, &body, &len);
    if (idem.active && (e = idem_finish(c, &r, &w, &idem, status, body, len)) != APP_OK) {
        w.nheaders = 0; /* the handler's headers belonged to the answer rolled back */
        render(&r, &w, rt, e, &status, &body, &len);
    }
    if (c->read_db != NULL && rt != NULL && r.method != HTTP_GET && r.method != HTTP_HEAD &&
        status >= 200 && status < 300)
        note_write_position(c, &r, &w);
    if (fcgi_io_write(io, status, &w, body, len, r.method == HTTP_HEAD) != 0)
        log_info("client went away before the response was written");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long us = (t1.tv_sec - t0.tv_sec) * 1000000L + (t1.tv_nsec - t0.tv_nsec) / 1000;
    metrics_request(rt ? (size_t)(rt - app_routes) : (size_t)-1, status, us);
    log_request(status, (double)us / 1000.0, c->who ? (long long)c->who->id : 0);
}

int worker_main(void *arg)
{
    const struct worker_env *env = arg;
    struct fcgi_io *io = NULL;
    struct arena *a = NULL;
    struct ctx c;
    sigset_t term, idle;
    struct sigaction sa;
    struct epoll_event ev;
    int ep = -1, rc = 0;
    char appname[64];

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_term;
    sa.sa_flags = 0; /* no SA_RESTART: epoll_pwait must return EINTR */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL); /* mod_fcgid and mod_fastcgi: stop gracefully */
    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigaddset(&term, SIGINT);
    sigaddset(&term, SIGUSR1);
    sigprocmask(SIG_BLOCK, &term, &idle);
    sigdelset(&idle, SIGTERM);
    sigdelset(&idle, SIGINT);
    sigdelset(&idle, SIGUSR1);

    memset(&c, 0, sizeof(c));
    c.cfg = env->cfg;
    authn_init(env->cfg->secret_key);
    store_automation_secret(env->cfg->secret_key);
    snprintf(appname, sizeof(appname), "deskd worker %ld", (long)getpid());
    /* A spawned process (server/inherit.h) connects at its first request. */
    if (env->lazy_db)
        c.db = store_new(env->cfg->database_url, appname, env->cfg->statement_timeout);
    else if (store_open(env->cfg->database_url, appname, env->cfg->statement_timeout, &c.db) !=
             APP_OK)
        log_warnx("database not reachable yet; answering 503 until it is");
    if (env->cfg->database_read_url != NULL) {
        char readname[80];
        snprintf(readname, sizeof(readname), "%s reads", appname);
        c.read_db = store_new(env->cfg->database_read_url, readname, env->cfg->statement_timeout);
    }
    a = arena_new(ARENA_CAP);
    io = fcgi_io_new(env->listen_fd);
    ep = epoll_create1(EPOLL_CLOEXEC);
    if (io == NULL || ep < 0) {
        log_warn("worker setup");
        rc = 1;
        goto out;
    }
    memset(&ev, 0, sizeof(ev));
    ev.events = EPOLLIN | EPOLLEXCLUSIVE;
    if (epoll_ctl(ep, EPOLL_CTL_ADD, env->listen_fd, &ev) != 0) {
        log_warn("epoll_ctl");
        rc = 1;
        goto out;
    }

    while (!stop) {
        int got = fcgi_io_accept(io);
        if (got == -EAGAIN || got == -EWOULDBLOCK || got == -EINTR) {
            /* Idle: wait for a connection with SIGTERM deliverable. */
            struct epoll_event out;
            if (epoll_pwait(ep, &out, 1, -1, &idle) < 0 && errno != EINTR) {
                log_warn("epoll_pwait");
                rc = 1;
                break;
            }
            continue;
        }
        if (got < 0) {
            /* A malformed FastCGI stream or a connection reset: keep serving. */
            log_warnx("FastCGI accept failed: %s", strerror(-got));
            fcgi_io_finish(io);
            continue;
        }
        handle(io, env, &c, a);
        fcgi_io_finish(io);
        store_end_request(c.db);
        if (c.read_db != NULL)
            store_end_request(c.read_db);
        arena_reset(a);
        log_clear_context();
        prefork_note(NULL);

        sigset_t pending;
        if (sigpending(&pending) == 0 &&
            (sigismember(&pending, SIGTERM) || sigismember(&pending, SIGINT) ||
             sigismember(&pending, SIGUSR1)))
            stop = 1;
    }

out:
    if (ep >= 0)
        close(ep);
    fcgi_io_free(io);
    arena_free(a);
    store_close(c.read_db);
    store_close(c.db);
    return rc;
}

int worker_cgi(const struct worker_env *env)
{
    struct fcgi_io *io = fcgi_io_new_cgi();
    struct arena *a = arena_new(ARENA_CAP);
    struct ctx c;
    char appname[64];
    int rc = 0;

    signal(SIGPIPE, SIG_IGN);
    memset(&c, 0, sizeof(c));
    c.cfg = env->cfg;
    authn_init(env->cfg->secret_key);
    store_automation_secret(env->cfg->secret_key);
    snprintf(appname, sizeof(appname), "deskd cgi %ld", (long)getpid());
    /* Connected by the first statement: a request that needs none opens no session. */
    c.db = store_new(env->cfg->database_url, appname, env->cfg->statement_timeout);
    if (fcgi_io_accept(io) == 0) {
        handle(io, env, &c, a);
        fcgi_io_finish(io);
        store_end_request(c.db);
    } else {
        rc = 1;
    }
    fcgi_io_free(io);
    arena_free(a);
    store_close(c.db);
    return rc;
}
