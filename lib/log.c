/*
 * log.c - one-line leveled logging to stderr.
 *
 * Each line is assembled in a stack buffer and written with a single
 * write(2), so lines from different workers sharing one log file do not
 * interleave.  Control characters in messages are replaced by '?'.
 */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static enum log_level cur_level = LOG_INFO;
static const char *ctx_reqid;
static const char *ctx_route;

static const char *const level_names[LOG__MAX] = {
    "error", /* LOG_ERR */
    "warn",  /* LOG_WARN */
    "info",  /* LOG_INFO */
    "debug", /* LOG_DEBUG */
};

int log_level_parse(const char *s)
{
    for (int i = 0; i < LOG__MAX; i++)
        if (strcmp(s, level_names[i]) == 0)
            return i;
    if (strcmp(s, "warning") == 0)
        return LOG_WARN;
    return -1;
}

void log_set_level(enum log_level level)
{
    cur_level = level;
}

enum log_level log_get_level(void)
{
    return cur_level;
}

void log_set_context(const char *request_id, const char *route)
{
    ctx_reqid = request_id;
    ctx_route = route;
}

void log_clear_context(void)
{
    ctx_reqid = NULL;
    ctx_route = NULL;
}

static void vlog(enum log_level level, int with_errno, const char *fmt, va_list ap)
{
    char buf[2048];
    size_t off = 0;
    int saved = errno;
    struct timespec ts;
    struct tm tm;

    if (level > cur_level)
        return;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    off += strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
    int n = snprintf(buf + off, sizeof(buf) - off, ".%03ldZ deskd[%ld] %s", ts.tv_nsec / 1000000,
                     (long)getpid(), level_names[level]);
    if (n > 0)
        off += (size_t)n;
    if (ctx_reqid != NULL && off < sizeof(buf)) {
        n = snprintf(buf + off, sizeof(buf) - off, " req=%s", ctx_reqid);
        if (n > 0)
            off += (size_t)n;
    }
    if (ctx_route != NULL && off < sizeof(buf)) {
        n = snprintf(buf + off, sizeof(buf) - off, " route=%s", ctx_route);
        if (n > 0)
            off += (size_t)n;
    }
    if (off < sizeof(buf) - 2) {
        buf[off++] = ':';
        buf[off++] = ' ';
    }
    size_t msg = off;
    if (off < sizeof(buf)) {
        n = vsnprintf(buf + off, sizeof(buf) - off, fmt, ap);
        if (n > 0)
            off += (size_t)n;
    }
    if (with_errno && off < sizeof(buf)) {
        n = snprintf(buf + off, sizeof(buf) - off, ": %s", strerror(saved));
        if (n > 0)
            off += (size_t)n;
    }
    if (off > sizeof(buf) - 2)
        off = sizeof(buf) - 2;
    for (size_t i = msg; i < off; i++)
        if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
            buf[i] = '?';
    buf[off++] = '\n';
    ssize_t w = write(STDERR_FILENO, buf, off);
    (void)w; /* nothing sensible to do if stderr is gone */
    errno = saved;
}

#define LOG_FN(name, level, with_errno)                                                            \
    void name(const char *fmt, ...)                                                                \
    {                                                                                              \
        va_list ap;                                                                                \
        va_start(ap, fmt);                                                                         \
        vlog(level, with_errno, fmt, ap);                                                          \
        va_end(ap);                                                                                \
    }

LOG_FN(log_err, LOG_ERR, 0)
LOG_FN(log_warn, LOG_WARN, 1)
LOG_FN(log_warnx, LOG_WARN, 0)
LOG_FN(log_info, LOG_INFO, 0)
LOG_FN(log_debug, LOG_DEBUG, 0)
