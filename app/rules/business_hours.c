/* rules/business_hours.c - business-minute deadlines across weekends, holidays and DST. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/business_hours.h"

#define MAX_DAYS 3660

static int two_digits(const char *s)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return -1;
    return (s[0] - '0') * 10 + (s[1] - '0');
}

int bh_parse_time(const char *s, int *minutes)
{
    if (!s || strlen(s) != 5 || s[2] != ':')
        return -1;
    int h = two_digits(s), m = two_digits(s + 3);
    if (h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0))
        return -1;
    *minutes = h * 60 + m;
    return 0;
}

static int leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int bh_date_ok(const char *s)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    int y1 = two_digits(s), y2 = two_digits(s + 2), m = two_digits(s + 5), d = two_digits(s + 8);
    if (y1 < 0 || y2 < 0 || m < 1 || m > 12 || d < 1)
        return 0;
    int y = y1 * 100 + y2;
    int max = mdays[m - 1] + (m == 2 && leap(y));
    return d <= max;
}

int bh_weekday(const char *name)
{
    static const char *const names[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                        "Thursday", "Friday", "Saturday"};
    for (int i = 0; name && i < 7; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

long bh_duration_minutes(const char *s)
{
    long total = 0;
    int seen_h = 0, seen_m = 0;
    if (!s || !*s)
        return -1;
    while (*s) {
        long n = 0;
        int digits = 0;
        while (*s >= '0' && *s <= '9' && digits < 7) {
            n = n * 10 + (*s++ - '0');
            digits++;
        }
        if (digits == 0)
            return -1;
        if (*s == 'h' && !seen_h && !seen_m) {
            seen_h = 1;
            total += n * 60;
        } else if (*s == 'm' && !seen_m) {
            seen_m = 1;
            total += n;
        } else {
            return -1;
        }
        s++;
    }
    return total > 0 && total <= 366L * 24 * 60 ? total : -1;
}

static int is_holiday(const struct bh_calendar *c, int y, int mon, int d)
{
    char date[40];
    snprintf(date, sizeof date, "%04d-%02d-%02d", y, mon + 1, d);
    for (size_t i = 0; i < c->nholidays; i++)
        if (c->holidays[i] && strcmp(c->holidays[i], date) == 0)
            return 1;
    return 0;
}

/* The instant of local wall-clock time `minute` on date y-mon-d (minute 1440 is next midnight). */
static time_t local_at(int y, int mon, int d, int minute)
{
    struct tm t = {0};
    t.tm_year = y - 1900;
    t.tm_mon = mon;
    t.tm_mday = d;
    t.tm_hour = minute / 60;
    t.tm_min = minute % 60;
    t.tm_isdst = -1;
    return mktime(&t);
}

static int walk(const struct bh_calendar *c, time_t start, long minutes, time_t *out)
{
    struct tm lt;
    if (!localtime_r(&start, &lt))
        return -1;
    int y = lt.tm_year + 1900, mon = lt.tm_mon, d = lt.tm_mday, wday = lt.tm_wday;
    long left = minutes * 60;
    time_t cur = start;
    for (int i = 0; i < MAX_DAYS; i++) {
        const struct bh_day *w = &c->week[wday];
        if (w->open < w->close && !is_holiday(c, y, mon, d)) {
            time_t open = local_at(y, mon, d, w->open), close = local_at(y, mon, d, w->close);
            time_t from = cur > open ? cur : open;
            if (from < close) {
                if ((long)(close - from) >= left) {
                    *out = from + left;
                    return 0;
                }
                left -= (long)(close - from);
            }
        }
        /* The next local date, normalised by mktime at noon (never in a DST gap). */
        struct tm n = {0};
        n.tm_year = y - 1900;
        n.tm_mon = mon;
        n.tm_mday = d + 1;
        n.tm_hour = 12;
        n.tm_isdst = -1;
        if (mktime(&n) == (time_t)-1)
            return -1;
        y = n.tm_year + 1900;
        mon = n.tm_mon;
        d = n.tm_mday;
        wday = n.tm_wday;
    }
    return -1;
}

int bh_deadline(const struct bh_calendar *c, const char *tz, time_t start, long minutes,
                time_t *out)
{
    if (minutes < 0)
        return -1;
    if (c->always_open || minutes == 0) {
        *out = start + minutes * 60;
        return 0;
    }
    const char *old = getenv("TZ");
    char *saved = old ? strdup(old) : NULL;
    if (old && !saved)
        return -1;
    setenv("TZ", tz && *tz ? tz : "UTC", 1);
    tzset();
    int rc = walk(c, start, minutes, out);
    if (saved) {
        setenv("TZ", saved, 1);
        free(saved);
    } else {
        unsetenv("TZ");
    }
    tzset();
    return rc;
}
