/*
 * lists/params.h - what every paginated list reads from the query string.
 */
#ifndef LISTS_PARAMS_H
#define LISTS_PARAMS_H

#include "lib/err.h"

struct req;
struct cq_request;

/* filters, order_by, order, page and page_size of r's query string into rq. */
void list_params(struct req *r, struct cq_request *rq);

/*
 * The conversation lists' further parameters into rq: limit (1..500;
 * page_size's value or 30 when absent) and offset (0..CQ_MAX_OFFSET), either
 * of them taking the place of page; has_unread (true/false/1/0);
 * last_message_after and last_message_before (RFC 3339).  APP_ERR_INPUT
 * with *message naming the parameter for a bad value.
 */
enum app_err list_conversation_params(struct req *r, struct cq_request *rq, const char **message);

/* A boolean parameter: true/false/1/0 (any case).  0 if s is none of them. */
int list_bool(const char *s, int *v);

#endif
