/*
 * lists/params.c - see params.h.
 */
#include "lists/params.h"

#include "lib/http.h"
#include "lists/query.h"

void list_params(struct req *r, struct cq_request *rq)
{
    rq->filters = http_param(r, "filters");
    rq->order_by = http_param(r, "order_by");
    rq->order = http_param(r, "order");
    cq_page_params(http_param(r, "page"), http_param(r, "page_size"), &rq->page, &rq->page_size);
}
