/*
 * prefork.c - master process supervision.
 *
 * Signals stay blocked in the master and are taken synchronously with
 * sigtimedwait(), so there is no handler state to race with.  Workers that
 * are retired on purpose (drain, rolling restart) are marked, so their exit
 * is never mistaken for a crash.  Each worker owns a small slot of shared
 * memory where it notes its current route, for crash reports.
 */
#include "prefork.h"

#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "metrics.h"
#include "xalloc.h"

#define NOTE_LEN 96
#define CRASH_WINDOW_MS 10000
#define CRASH_LIMIT 20

struct note {
    char what[NOTE_LEN];
};

struct worker {
    pid_t pid;      /* 0 = free slot */
    int role;       /* -1: a worker; else the index of its service */
    int retiring;   /* SIGTERM sent on purpose */
    unsigned gen;   /* configuration generation it was started with */
    long started;   /* ms */
    long term_sent; /* ms of the last SIGTERM */
};

static struct note *notes; /* shared, one per slot */
static int my_slot = -1;

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

void prefork_note(const char *what)
{
    if (notes == NULL || my_slot < 0)
        return;
    if (what == NULL) {
        notes[my_slot].what[0] = '\0';
        return;
    }
    snprintf(notes[my_slot].what, NOTE_LEN, "%s", what);
}

/* The role's name and main for a slot's role. */
static const char *role_name(const struct prefork_opts *o, int role)
{
    return role < 0 ? "worker" : o->services[role].name;
}

static pid_t spawn(const struct prefork_opts *o, int slot, int role, const sigset_t *orig)
{
    pid_t master = getpid();
    pid_t pid = fork();

    if (pid < 0) {
        log_warn("fork");
        return -1;
    }
    if (pid > 0)
        return pid;

    /* child */
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_DFL;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGCHLD, &sa, NULL);
    sigprocmask(SIG_SETMASK, orig, NULL);
    if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0)
        log_warn("prctl(PR_SET_PDEATHSIG)");
    if (getppid() != master)
        _exit(0); /* the master died before prctl took effect */
    my_slot = slot;
    notes[slot].what[0] = '\0';
    metrics_use_slot(slot);
    /* A service shows its name in ps and /proc/<pid>/comm ("deskd" stays the workers'). */
    if (role >= 0)
        (void)prctl(PR_SET_NAME, o->services[role].name);
    _exit(role < 0 ? o->worker_main(o->arg) : o->services[role].main(o->services[role].arg));
}

static void describe_exit(int status, char *buf, size_t len)
{
    if (WIFEXITED(status))
        snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    else
        snprintf(buf, len, "stopped (status 0x%x)", status);
}

static void terminate(struct worker *w, long now)
{
    w->retiring = 1;
    w->term_sent = now;
    kill(w->pid, SIGTERM);
}

int prefork_slots(const struct prefork_opts *o)
{
    return (o->workers + o->nservices) * 2 + 1;
}

int prefork_run(const struct prefork_opts *o)
{
    int cap = prefork_slots(o);
    struct worker *w = xcalloc((size_t)cap, sizeof(*w));
    long crashes[CRASH_LIMIT];
    int ncrash = 0, crash_pos = 0;
    long backoff = 0, next_spawn = 0;
    unsigned gen = 1;
    int draining = 0, rc = 0;
    long drain_deadline = 0;
    sigset_t set, orig;

    notes = mmap(NULL, sizeof(struct note) * (size_t)cap, PROT_READ | PROT_WRITE,
                 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (notes == MAP_FAILED) {
        log_warn("mmap");
        notes = NULL;
        free(w);
        return 1;
    }
    memset(crashes, 0, sizeof(crashes));
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGUSR1); /* a FastCGI spawner's "stop gracefully" */
    sigprocmask(SIG_BLOCK, &set, &orig);
    signal(SIGPIPE, SIG_IGN);
    log_info("master %ld starting %d workers", (long)getpid(), o->workers);

    for (;;) {
        long now = now_ms();

        /*
         * Rolling restart: retire one old-generation worker at a time; the
         * fill step below starts its replacement right away, so the number
         * of workers accepting never drops.
         */
        int retiring = 0, active = 0;
        for (int i = 0; i < cap; i++) {
            if (w[i].pid <= 0)
                continue;
            if (w[i].retiring)
                retiring++;
            else if (w[i].role < 0)
                active++;
        }
        if (!draining && retiring == 0) {
            for (int i = 0; i < cap; i++)
                if (w[i].pid > 0 && !w[i].retiring && w[i].gen != gen) {
                    terminate(&w[i], now);
                    if (w[i].role < 0)
                        active--;
                    break;
                }
        }

        /*
         * Fill: keep o->workers active workers and one active instance of
         * each service, unless backing off after crashes.
         */
        for (int role = -1; role < o->nservices; role++) {
            int want = role < 0 ? o->workers - active : 1;
            for (int i = 0; role >= 0 && i < cap; i++)
                if (w[i].pid > 0 && !w[i].retiring && w[i].role == role)
                    want = 0;
            while (!draining && want > 0 && now >= next_spawn) {
                int i;
                for (i = 0; i < cap; i++)
                    if (w[i].pid == 0)
                        break;
                if (i == cap)
                    break;
                pid_t pid = spawn(o, i, role, &orig);
                if (pid < 0) {
                    next_spawn = now + 1000;
                    break;
                }
                w[i].pid = pid;
                w[i].role = role;
                w[i].gen = gen;
                w[i].started = now;
                w[i].retiring = 0;
                want--;
            }
        }

        if (draining) {
            int alive = 0;
            for (int i = 0; i < cap; i++) {
                if (w[i].pid <= 0)
                    continue;
                alive++;
                if (now >= drain_deadline) {
                    log_warnx("%s %ld did not finish in time: SIGKILL", role_name(o, w[i].role),
                              (long)w[i].pid);
                    kill(w[i].pid, SIGKILL);
                } else if (now - w[i].term_sent >= 1000) {
                    /* Closes the window between the worker's flag check and accept(). */
                    w[i].term_sent = now;
                    kill(w[i].pid, SIGTERM);
                }
            }
            if (alive == 0)
                break;
        } else {
            for (int i = 0; i < cap; i++) {
                if (w[i].pid <= 0 || !w[i].retiring || now - w[i].term_sent < 1000)
                    continue;
                if (now - w[i].term_sent >= o->shutdown_timeout * 1000L) {
                    log_warnx("%s %ld did not retire in time: SIGKILL", role_name(o, w[i].role),
                              (long)w[i].pid);
                    kill(w[i].pid, SIGKILL);
                } else {
                    kill(w[i].pid, SIGTERM);
                }
            }
        }

        struct timespec tmo = {0, 200 * 1000000L};
        siginfo_t si;
        int sig = sigtimedwait(&set, &si, &tmo);
        now = now_ms();

        if ((sig == SIGTERM || sig == SIGINT || sig == SIGUSR1) && !draining) {
            log_info("%s: draining workers (up to %ds)",
                     sig == SIGTERM  ? "SIGTERM"
                     : sig == SIGINT ? "SIGINT"
                                     : "SIGUSR1",
                     o->shutdown_timeout);
            draining = 1;
            drain_deadline = now + o->shutdown_timeout * 1000L;
            for (int i = 0; i < cap; i++)
                if (w[i].pid > 0)
                    terminate(&w[i], now);
        } else if (sig == SIGHUP && !draining) {
            if (o->reload != NULL && o->reload(o->arg) != 0) {
                log_err("SIGHUP: new configuration rejected; keeping the running workers");
            } else {
                gen++;
                log_info("SIGHUP: rolling restart of %d workers and %d services", o->workers,
                         o->nservices);
            }
        }

        for (;;) {
            int status;
            pid_t pid = waitpid(-1, &status, WNOHANG);
            if (pid <= 0)
                break;
            int i;
            for (i = 0; i < cap; i++)
                if (w[i].pid == pid)
                    break;
            if (i == cap)
                continue;
            char how[96];
            describe_exit(status, how, sizeof(how));
            if (w[i].retiring) {
                log_info("%s %ld %s (retired)", role_name(o, w[i].role), (long)pid, how);
            } else {
                log_err("%s %ld %s%s%s; respawning", role_name(o, w[i].role), (long)pid, how,
                        notes[i].what[0] ? " while serving " : "", notes[i].what);
                metrics_inc(METRIC_WORKER_RESTARTS);
                crashes[crash_pos] = now;
                crash_pos = (crash_pos + 1) % CRASH_LIMIT;
                if (ncrash < CRASH_LIMIT)
                    ncrash++;
                /* A worker that dies young backs off; a long-lived one restarts at once. */
                backoff = (now - w[i].started < 1000) ? (backoff ? backoff * 2 : 100) : 0;
                if (backoff > 5000)
                    backoff = 5000;
                next_spawn = now + backoff;
            }
            memset(&w[i], 0, sizeof(w[i]));
            notes[i].what[0] = '\0';
        }

        if (!draining && ncrash == CRASH_LIMIT && now - crashes[crash_pos] < CRASH_WINDOW_MS) {
            log_err("%d worker crashes within %d s: giving up", CRASH_LIMIT,
                    CRASH_WINDOW_MS / 1000);
            rc = 1;
            draining = 1;
            drain_deadline = now + o->shutdown_timeout * 1000L;
            for (int i = 0; i < cap; i++)
                if (w[i].pid > 0)
                    terminate(&w[i], now);
        }
    }

    log_info("master %ld: all workers stopped", (long)getpid());
    munmap(notes, sizeof(struct note) * (size_t)cap);
    notes = NULL;
    free(w);
    return rc;
}
