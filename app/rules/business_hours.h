/*
 * rules/business_hours.h - deadlines counted in business minutes: a weekly
 * calendar of opening windows, a list of holidays and an IANA time zone.
 * Pure arithmetic, no database.
 */
#ifndef RULES_BUSINESS_HOURS_H
#define RULES_BUSINESS_HOURS_H

#include <stddef.h>
#include <time.h>

/* One weekday's opening window in minutes after local midnight; closed when open >= close. */
struct bh_day {
    int open;
    int close; /* up to 1440 ("24:00") */
};

struct bh_calendar {
    int always_open;
    struct bh_day week[7];       /* 0 = Sunday, as struct tm's tm_wday */
    const char *const *holidays; /* "YYYY-MM-DD" local dates, closed all day */
    size_t nholidays;
};

/* "HH:MM" (00:00 to 24:00) into minutes after midnight.  Returns 0, or -1 if malformed. */
int bh_parse_time(const char *s, int *minutes);

/* 1 if s is a real calendar date written "YYYY-MM-DD". */
int bh_date_ok(const char *s);

/* The tm_wday of an English weekday name ("Monday"), or -1. */
int bh_weekday(const char *name);

/*
 * An SLA duration such as "2h", "30m" or "1h30m" (hours and minutes, each
 * at most once, hours first) in minutes; -1 if malformed, zero or longer
 * than a year.
 */
long bh_duration_minutes(const char *s);

/*
 * The moment `minutes` business minutes after start, counted in calendar c
 * in time zone tz (e.g. "Europe/Berlin"; NULL or "" means UTC).  Opening
 * windows are read as local wall-clock times on each date, so they follow
 * DST changes.  Returns 0, or -1 if no window is open within ten years.
 * Sets and restores TZ: callers must be single-threaded.
 */
int bh_deadline(const struct bh_calendar *c, const char *tz, time_t start, long minutes,
                time_t *out);

#endif
