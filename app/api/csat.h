/*
 * api/csat.h - customer satisfaction surveys: the contact's public link
 * (GET/POST /api/v1/csat/{token}[/response] as JSON, GET/POST /csat/{token}
 * as an HTML page and form) and the agents' report
 * (GET /api/v1/reports/overview/csat).
 */
#ifndef API_CSAT_H
#define API_CSAT_H

#include "lib/err.h"

struct req;
struct resp;
struct store_csat_offer;

enum app_err h_csat_get(struct req *r, struct resp *w);
enum app_err h_csat_answer(struct req *r, struct resp *w);
enum app_err h_csat_page(struct req *r, struct resp *w);
enum app_err h_csat_page_answer(struct req *r, struct resp *w);
enum app_err h_csat_overview(struct req *r, struct resp *w);

/*
 * A new survey for the status route to offer (uuid and signed token in the
 * arena) into *o.  Returns APP_OK, or APP_ERR_INTERNAL if randomness or the
 * arena failed.
 */
enum app_err csat_offer_new(struct req *r, struct store_csat_offer *o);

#endif
