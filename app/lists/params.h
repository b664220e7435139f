/*
 * lists/params.h - what every paginated list reads from the query string.
 */
#ifndef LISTS_PARAMS_H
#define LISTS_PARAMS_H

struct req;
struct cq_request;

/* filters, order_by, order, page and page_size of r's query string into rq. */
void list_params(struct req *r, struct cq_request *rq);

#endif
