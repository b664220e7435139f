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
static int json;

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

void log_set_json(int on)
{
    json = on;
}

int log_get_json(void)
{
    return json;
}

/* Appends s as a JSON string (quoted); control characters become \u00XX. */
static size_t put_json(char *buf, size_t off, size_t cap, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    if (off < cap)
        buf[off++] = '"';
    for (; *s && off + 8 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            buf[off++] = '\\';
            buf[off++] = (char)c;
        } else if (c < 0x20 || c == 0x7f) {
            memcpy(buf + off, "\\u00", 4);
            buf[off + 4] = hex[c >> 4];
            buf[off + 5] = hex[c & 15];
            off += 6;
        } else {
            buf[off++] = (char)c;
        }
    }
    if (off < cap)
        buf[off++] = '"';
    return off;
}

/* The line's head in JSON, up to and including the comma after the request fields. */
static size_t json_head(char *buf, size_t cap, enum log_level level)
{
    struct timespec ts;
    struct tm tm;
    char t[40];
    size_t off;

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t tl = strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(t + tl, sizeof(t) - tl, ".%03ldZ", ts.tv_nsec / 1000000);
    int n = snprintf(buf, cap, "{\"time\":\"%s\",\"level\":\"%s\",\"pid\":%ld,", t,
                     level_names[level], (long)getpid());
    off = n > 0 ? (size_t)n : 0;
    if (ctx_reqid != NULL) {
        off += (size_t)snprintf(buf + off, cap - off, "\"request_id\":");
        off = put_json(buf, off, cap - 1, ctx_reqid);
        buf[off++] = ',';
    }
    if (ctx_route != NULL) {
        off += (size_t)snprintf(buf + off, cap - off, "\"route\":");
        off = put_json(buf, off, cap - 1, ctx_route);
        buf[off++] = ',';
    }
    return off;
}

static void vlog_json(enum log_level level, int with_errno, int saved, const char *fmt, va_list ap)
{
    char msg[1536], buf[2048];
    int n = vsnprintf(msg, sizeof(msg), fmt, ap);
    if (n > 0 && with_errno && (size_t)n < sizeof(msg))
        snprintf(msg + n, sizeof(msg) - (size_t)n, ": %s", strerror(saved));
    size_t off = json_head(buf, sizeof(buf) - 16, level);
    off += (size_t)snprintf(buf + off, sizeof(buf) - off, "\"msg\":");
    off = put_json(buf, off, sizeof(buf) - 3, msg);
    buf[off++] = '}';
    buf[off++] = '\n';
    ssize_t w = write(STDERR_FILENO, buf, off);
    (void)w;
}

void log_request(int status, double duration_ms, long long agent_id)
{
    char buf[1024];
    int saved = errno;

    if (!json || LOG_INFO > cur_level)
        return;
    size_t off = json_head(buf, sizeof(buf) - 128, LOG_INFO);
    int n = agent_id > 0 ? snprintf(buf + off, sizeof(buf) - off,
                                    "\"msg\":\"request\",\"status\":%d,\"duration_ms\":%.3f,"
                                    "\"agent_id\":%lld}\n",
                                    status, duration_ms, agent_id)
                         : snprintf(buf + off, sizeof(buf) - off,
                                    "\"msg\":\"request\",\"status\":%d,\"duration_ms\":%.3f,"
                                    "\"agent_id\":null}\n",
                                    status, duration_ms);
    if (n > 0)
        off += (size_t)n;
    ssize_t w = write(STDERR_FILENO, buf, off);
    (void)w;
    errno = saved;
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
    if (json) {
        vlog_json(level, with_errno, saved, fmt, ap);
        errno = saved;
        return;
    }
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
