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

void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Appends ": strerror(errno)". */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
