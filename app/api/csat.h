/*
 * api/csat.h - customer satisfaction surveys: the contact's public link
 * (GET/POST /api/v1/csat/{token}[/response] as JSON, GET/POST /csat/{token}
 * as an HTML page and form).  Their report is api/reports.c's.
 */
#ifndef API_CSAT_H
#define API_CSAT_H

#include "lib/err.h"

struct req;
struct resp;

enum app_err h_csat_get(struct req *r, struct resp *w);
enum app_err h_csat_answer(struct req *r, struct resp *w);
enum app_err h_csat_page(struct req *r, struct resp *w);
enum app_err h_csat_page_answer(struct req *r, struct resp *w);

#endif
