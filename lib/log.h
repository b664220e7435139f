/*
 * log.h - leveled, printf-checked logging, one line per event on stderr:
 * timestamp, pid, level, request id and route name when inside a request.
 * Never pass Authorization values, cookies, passwords or bodies here.
 */
#ifndef LIB_LOG_H
#define LIB_LOG_H

enum log_level { LOG_ERR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG, LOG__MAX };

/* Parses "error", "warn", "info", "debug"; returns -1 if unknown. */
int log_level_parse(const char *s);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/* Sets the per-request context; the strings are borrowed until log_clear_context(). */
void log_set_context(const char *request_id, const char *route);
void log_clear_context(void);
/*
 * 1: each line one JSON object {"time","level","pid","request_id","route",
 * "msg"} (request_id and route only in a request); 0: text (the default).
 */
void log_set_json(int on);
int log_get_json(void);
/*
 * In JSON mode only, one "request" line at info level when a request is
 * answered: status, duration_ms and agent_id (0: none, written as null).
 */
void log_request(int status, double duration_ms, long long agent_id);

void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Appends ": strerror(errno)". */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
