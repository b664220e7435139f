/*
 * inherit.c - serving a socket deskd did not open.
 *
 * A FastCGI spawner (mod_fcgid, spawn-fcgi) opens the socket, starts the
 * program with the socket as file descriptor 0, and manages the processes
 * itself: it starts more when busy, sends SIGTERM to an idle one and
 * SIGKILL after its grace time.  So by default deskd is one process here,
 * with no master and no forked children, connecting to PostgreSQL at its
 * first request.  DESKD_INHERITED_WORKERS=N (1-256) puts N workers under
 * deskd's own master on that socket instead, for spawners that start one
 * program and leave it running (spawn-fcgi, lighttpd).
 *
 * Started as a CGI program, deskd answers the one request and exits: the
 * same path as a worker's request, without the process reuse (so each
 * request pays the start, the database connection and the bcrypt of its
 * credentials; README, "Deploying").
 *
 * The webhook dispatcher, the live hub and the mail processes never run
 * here: they belong to a `deskd serve` elsewhere on the same database
 * (README, "Deploying").
 */
#include "server/inherit.h"

#include <sys/socket.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/fcgi_io.h"
#include "lib/log.h"
#include "lib/prefork.h"
#include "lib/ratelimit.h"
#include "lib/router.h"
#include "rules/secret.h"
#include "server/authn.h"
#include "server/config.h"
#include "server/routes.h"
#include "server/version.h"
#include "server/worker.h"

/* As serve()'s table (main.c): names the failed-credential table tracks at once. */
#define AUTH_LIMIT_ENTRIES 4096

static int inherited_fd(void)
{
    const char *l = getenv("DESKD_LISTEN");
    int v = 0;
    socklen_t len = sizeof(v);

    if (l != NULL && *l != '\0')
        return -1;
    if (getsockopt(0, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) != 0 || v == 0)
        return -1;
    return 0;
}

int inherit_systemd_fd(void)
{
    const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
    int v = 0, fd = 3; /* SD_LISTEN_FDS_START */
    socklen_t len = sizeof(v);
    char *end;

    if (pid == NULL || fds == NULL)
        return -1;
    errno = 0;
    long p = strtol(pid, &end, 10);
    if (errno != 0 || *end != '\0' || p != (long)getpid())
        return -1;
    long n = strtol(fds, &end, 10);
    unsetenv("LISTEN_PID");
    unsetenv("LISTEN_FDS");
    unsetenv("LISTEN_FDNAMES");
    if (errno != 0 || *end != '\0' || n < 1)
        return -1;
    if (n > 1)
        log_warnx("LISTEN_FDS=%ld: serving fd 3 only (the live hub opens DESKD_WS_LISTEN)", n);
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) != 0 || v == 0) {
        log_err("LISTEN_FDS: fd 3 is not a listening socket");
        return -1;
    }
    (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
}

/* DESKD_INHERITED_WORKERS: 0 (unset) or 1-256; -1 when malformed. */
static int inherited_workers(void)
{
    const char *v = getenv("DESKD_INHERITED_WORKERS");
    char *end;
    long n;

    if (v == NULL || *v == '\0')
        return 0;
    errno = 0;
    n = strtol(v, &end, 10);
    if (errno != 0 || *end != '\0' || n < 0 || n > 256)
        return -1;
    return (int)n;
}

int inherit_run(struct config *cfg)
{
    static struct worker_env wenv;
    char err[256];
    struct router *router;
    struct rl_table *limits;
    int fd = inherited_fd(), cgi = fd < 0 && fcgi_io_is_cgi();
    int workers = inherited_workers(), fl, rc;

    if (fd < 0 && !cgi)
        return -1;
    if (!cgi && workers < 0) {
        log_err("DESKD_INHERITED_WORKERS=%s: expected 0-256", getenv("DESKD_INHERITED_WORKERS"));
        return 2;
    }
    if (config_load_secret(cfg, 1, err, sizeof(err)) != 0) {
        log_err("configuration: %s", err);
        return 2;
    }
    secret_use_upstream_key(cfg->encryption_key);
    router = router_new(app_routes, app_nroutes, sizeof(app_routes[0]), err, sizeof(err));
    if (router == NULL || router_check(router, err, sizeof(err)) != 0) {
        log_err("route table: %s", err);
        router_free(router);
        return 2;
    }
    if (!cgi && ((fl = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0)) {
        log_warn("fcntl(O_NONBLOCK) on the inherited socket");
        router_free(router);
        return 2;
    }
    limits = rl_create(AUTH_LIMIT_ENTRIES, 256);
    if (limits == NULL) {
        log_warn("cannot create the failed-credential table");
        router_free(router);
        return 2;
    }
    authn_set_limits(limits);
    wenv.cfg = cfg;
    wenv.router = router;
    wenv.listen_fd = fd;
    if (cgi) {
        rc = worker_cgi(&wenv);
    } else if (workers == 0) {
        /* The spawner runs as many of us as it likes: each connects when first asked. */
        wenv.lazy_db = 1;
        log_info("deskd %s serving the inherited socket (fd %d) as one process", DESKD_VERSION, fd);
        rc = worker_main(&wenv);
    } else {
        struct prefork_opts o = {
            .workers = workers,
            .shutdown_timeout = cfg->shutdown_timeout,
            .worker_main = worker_main,
            .arg = &wenv,
        };
        log_info("deskd %s serving the inherited socket (fd %d) with %d workers", DESKD_VERSION, fd,
                 workers);
        rc = prefork_run(&o);
    }
    authn_set_limits(NULL);
    rl_destroy(limits);
    router_free(router);
    if (!cgi)
        log_info("deskd stopped (exit %d)", rc);
    return rc;
}
