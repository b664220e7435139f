/* app/rules/business_hours.c - business-minute deadlines against hand-computed instants. */
#include <time.h>

#include "rules/business_hours.h"
#include "tests/suite_of.h"
#include "tests/unit/suites.h"

/* The UTC instant y-m-d h:mi, written by hand for each expectation. */
static time_t utc(int y, int m, int d, int h, int mi)
{
    struct tm t = {0};
    t.tm_year = y - 1900;
    t.tm_mon = m - 1;
    t.tm_mday = d;
    t.tm_hour = h;
    t.tm_min = mi;
    return timegm(&t);
}

/* Monday to Friday, 09:00 to 17:00. */
static struct bh_calendar office(void)
{
    struct bh_calendar c = {0};
    for (int i = 1; i <= 5; i++) {
        c.week[i].open = 9 * 60;
        c.week[i].close = 17 * 60;
    }
    return c;
}

static time_t deadline(const struct bh_calendar *c, const char *tz, time_t start, long min)
{
    time_t out = 0;
    ck_assert_int_eq(bh_deadline(c, tz, start, min, &out), 0);
    return out;
}

START_TEST(test_parse)
{
    int m = -1;
    ck_assert_int_eq(bh_parse_time("09:30", &m), 0);
    ck_assert_int_eq(m, 570);
    ck_assert_int_eq(bh_parse_time("24:00", &m), 0);
    ck_assert_int_eq(m, 1440);
    ck_assert_int_eq(bh_parse_time("9:30", &m), -1);
    ck_assert_int_eq(bh_parse_time("24:01", &m), -1);
    ck_assert_int_eq(bh_parse_time("12:60", &m), -1);
    ck_assert_int_eq(bh_parse_time("ab:cd", &m), -1);
    ck_assert_int_eq(bh_parse_time(NULL, &m), -1);
    ck_assert_int_eq(bh_date_ok("2026-12-25"), 1);
    ck_assert_int_eq(bh_date_ok("2028-02-29"), 1);
    ck_assert_int_eq(bh_date_ok("2026-02-29"), 0);
    ck_assert_int_eq(bh_date_ok("2026-13-01"), 0);
    ck_assert_int_eq(bh_date_ok("2026-1-01"), 0);
    ck_assert_int_eq(bh_weekday("Monday"), 1);
    ck_assert_int_eq(bh_weekday("Sunday"), 0);
    ck_assert_int_eq(bh_weekday("monday"), -1);
    ck_assert_int_eq(bh_duration_minutes("2h"), 120);
    ck_assert_int_eq(bh_duration_minutes("30m"), 30);
    ck_assert_int_eq(bh_duration_minutes("1h30m"), 90);
    ck_assert_int_eq(bh_duration_minutes("30m1h"), -1);
    ck_assert_int_eq(bh_duration_minutes("0m"), -1);
    ck_assert_int_eq(bh_duration_minutes("2"), -1);
    ck_assert_int_eq(bh_duration_minutes("h"), -1);
    ck_assert_int_eq(bh_duration_minutes("2d"), -1);
    ck_assert_int_eq(bh_duration_minutes(""), -1);
}
END_TEST

START_TEST(test_same_day_and_before_opening)
{
    struct bh_calendar c = office();
    /* Mon 2026-06-01 10:00 CEST = 08:00 UTC; +30 min. */
    ck_assert_int_eq(deadline(&c, "Europe/Berlin", utc(2026, 6, 1, 8, 0), 30),
                     utc(2026, 6, 1, 8, 30));
    /* Mon 07:00 CEST, before opening: 09:00 CEST + 60 = 10:00 CEST = 08:00 UTC. */
    ck_assert_int_eq(deadline(&c, "Europe/Berlin", utc(2026, 6, 1, 5, 0), 60),
                     utc(2026, 6, 1, 8, 0));
    /* Exactly filling the day ends at closing: 09:00 + 480 = 17:00 CEST. */
    ck_assert_int_eq(deadline(&c, "Europe/Berlin", utc(2026, 6, 1, 7, 0), 480),
                     utc(2026, 6, 1, 15, 0));
}
END_TEST

START_TEST(test_weekend)
{
    struct bh_calendar c = office();
    /* Sat 2026-06-06 12:00 CEST: Monday 09:00 + 90 = 10:30 CEST = 08:30 UTC. */
    ck_assert_int_eq(deadline(&c, "Europe/Berlin", utc(2026, 6, 6, 10, 0), 90),
                     utc(2026, 6, 8, 8, 30));
    /* Fri 2026-06-05 16:00 CEST + 8h: 60 on Friday, 420 on Monday -> 16:00 CEST. */
    ck_assert_int_eq(deadline(&c, "Europe/Berlin", utc(2026, 6, 5, 14, 0), 480),
                     utc(2026, 6, 8, 14, 0));
}
END_TEST

START_TEST(test_dst_berlin)
{
    struct bh_calendar c = office();
    /* Fri 2026-03-27 16:00 CET (15:00 UTC) + 120: Sunday 29th clocks go forward;
     * Monday 09:00 CEST + 60 = 10:00 CEST = 08:00 UTC. */
    ck_assert_int_eq(deadline(&c, "Europe/Berlin", utc(2026, 3, 27, 15, 0), 120),
                     utc(2026, 3, 30, 8, 0));
    /* Fri 2026-10-23 16:00 CEST (14:00 UTC) + 120: Sunday 25th clocks go back;
     * Monday 09:00 CET + 60 = 10:00 CET = 09:00 UTC. */
    ck_assert_int_eq(deadline(&c, "Europe/Berlin", utc(2026, 10, 23, 14, 0), 120),
                     utc(2026, 10, 26, 9, 0));
}
END_TEST

START_TEST(test_dst_new_york)
{
    struct bh_calendar c = office();
    /* Fri 2026-10-30 16:00 EDT (20:00 UTC) + 120: DST ends Sunday 1 Nov;
     * Monday 09:00 EST + 60 = 10:00 EST = 15:00 UTC. */
    ck_assert_int_eq(deadline(&c, "America/New_York", utc(2026, 10, 30, 20, 0), 120),
                     utc(2026, 11, 2, 15, 0));
    /* Fri 2026-03-06 16:30 EST (21:30 UTC) + 60: DST starts Sunday 8 March;
     * Monday 09:00 EDT + 30 = 09:30 EDT = 13:30 UTC. */
    ck_assert_int_eq(deadline(&c, "America/New_York", utc(2026, 3, 6, 21, 30), 60),
                     utc(2026, 3, 9, 13, 30));
}
END_TEST

START_TEST(test_holidays)
{
    static const char *const hol[] = {"2026-12-25", "2026-12-28"};
    struct bh_calendar c = office();
    c.holidays = hol;
    c.nholidays = 2;
    /* Thu 2026-12-24 16:30 CET (15:30 UTC) + 60: 30 on Thursday, Friday and Monday are
     * holidays, Tuesday 29th 09:00 + 30 = 09:30 CET = 08:30 UTC. */
    ck_assert_int_eq(deadline(&c, "Europe/Berlin", utc(2026, 12, 24, 15, 30), 60),
                     utc(2026, 12, 29, 8, 30));
    /* Starting on a holiday counts nothing that day. */
    ck_assert_int_eq(deadline(&c, "Europe/Berlin", utc(2026, 12, 25, 10, 0), 10),
                     utc(2026, 12, 29, 8, 10));
}
END_TEST

START_TEST(test_across_midnight)
{
    /* Every day 18:00 to 24:00 UTC. */
    struct bh_calendar c = {0};
    for (int i = 0; i < 7; i++) {
        c.week[i].open = 18 * 60;
        c.week[i].close = 1440;
    }
    /* 23:00 + 120: 60 until midnight, then 18:00 next day + 60. */
    ck_assert_int_eq(deadline(&c, "UTC", utc(2026, 6, 1, 23, 0), 120), utc(2026, 6, 2, 19, 0));
    /* Same calendar in Tokyo (UTC+9, no DST): 2026-06-01 23:00 JST = 14:00 UTC. */
    ck_assert_int_eq(deadline(&c, "Asia/Tokyo", utc(2026, 6, 1, 14, 0), 120),
                     utc(2026, 6, 2, 10, 0));
}
END_TEST

START_TEST(test_always_open_and_closed)
{
    struct bh_calendar c = {0};
    time_t out = 0;
    c.always_open = 1;
    ck_assert_int_eq(deadline(&c, "Europe/Berlin", utc(2026, 3, 28, 23, 0), 240),
                     utc(2026, 3, 29, 3, 0));
    c.always_open = 0;
    /* No open day at all: no deadline. */
    ck_assert_int_eq(bh_deadline(&c, "UTC", utc(2026, 1, 1, 0, 0), 1, &out), -1);
    ck_assert_int_eq(bh_deadline(&c, "UTC", utc(2026, 1, 1, 0, 0), -1, &out), -1);
}
END_TEST

Suite *business_hours_suite(void)
{
    return SUITE_OF("business_hours", 30, NULL, NULL, test_parse, test_same_day_and_before_opening,
                    test_weekend, test_dst_berlin, test_dst_new_york, test_holidays,
                    test_across_midnight, test_always_open_and_closed);
}
