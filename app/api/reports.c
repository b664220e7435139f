/*
 * api/reports.c - the overview dashboard's reports (reports:manage).  All
 * but counts take upstream's one parameter, ?days: 0 (also when absent or
 * not an integer) means since today's midnight, else the last days * 24
 * hours, clamped to 0..365 as upstream clamps it.
 */
#include "api/reports.h"

#include <ctype.h>

#include "lib/http.h"
#include "server/ctx.h"
#include "store/reports.h"

#define REPORT_DAYS_MAX 365

/*
 * ?days read as upstream reads it: an optionally signed decimal integer,
 * anything else 0; then clamped.  Digits past the clamp only push further
 * out, so long values need no overflow check.
 */
static int report_days(const struct req *r)
{
    const char *v = http_param(r, "days");
    int neg = 0;
    long n = 0;

    if (v == NULL)
        return 0;
    if (*v == '+' || *v == '-')
        neg = *v++ == '-';
    if (*v == '\0')
        return 0;
    for (; *v != '\0'; v++) {
        if (!isdigit((unsigned char)*v))
            return 0;
        if (n <= REPORT_DAYS_MAX)
            n = n * 10 + (*v - '0');
    }
    if (neg)
        return 0;
    return n > REPORT_DAYS_MAX ? REPORT_DAYS_MAX : (int)n;
}

enum app_err h_report_counts(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return store_report_counts(c->db, r->arena, &w->data_json, &w->data_len);
}

enum app_err h_report_charts(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return store_report_charts(c->db, r->arena, report_days(r), &w->data_json, &w->data_len);
}

enum app_err h_report_sla(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return store_report_sla(c->db, r->arena, report_days(r), &w->data_json, &w->data_len);
}

enum app_err h_report_csat(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return store_report_csat(c->db, r->arena, report_days(r), &w->data_json, &w->data_len);
}

enum app_err h_report_messages(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return store_report_messages(c->db, r->arena, report_days(r), &w->data_json, &w->data_len);
}

enum app_err h_report_tags(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return store_report_tags(c->db, r->arena, report_days(r), &w->data_json, &w->data_len);
}
