/*
 * api/reports.h - GET /api/v1/reports/overview/{counts, charts, sla, csat,
 * messages, tags}.
 */
#ifndef API_REPORTS_H
#define API_REPORTS_H

#include "lib/err.h"

struct req;
struct resp;

enum app_err h_report_counts(struct req *r, struct resp *w);
enum app_err h_report_charts(struct req *r, struct resp *w);
enum app_err h_report_sla(struct req *r, struct resp *w);
enum app_err h_report_csat(struct req *r, struct resp *w);
enum app_err h_report_messages(struct req *r, struct resp *w);
enum app_err h_report_tags(struct req *r, struct resp *w);

#endif
