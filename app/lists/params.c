/*
 * lists/params.c - see params.h.
 */
#include "lists/params.h"

#include <string.h>
#include <strings.h>

#include "lib/http.h"
#include "lib/validate.h"
#include "lists/query.h"

void list_params(struct req *r, struct cq_request *rq)
{
    rq->filters = http_param(r, "filters");
    rq->order_by = http_param(r, "order_by");
    rq->order = http_param(r, "order");
    cq_page_params(http_param(r, "page"), http_param(r, "page_size"), &rq->page, &rq->page_size);
}

int list_bool(const char *s, int *v)
{
    if (s == NULL)
        return 0;
    if (strcasecmp(s, "true") == 0 || strcmp(s, "1") == 0)
        *v = 1;
    else if (strcasecmp(s, "false") == 0 || strcmp(s, "0") == 0)
        *v = 0;
    else
        return 0;
    return 1;
}

enum app_err list_conversation_params(struct req *r, struct cq_request *rq, const char **message)
{
    const char *limit = http_param(r, "limit"), *offset = http_param(r, "offset");
    const char *unread = http_param(r, "has_unread");
    const char *after = http_param(r, "last_message_after");
    const char *before = http_param(r, "last_message_before");
    int64_t v;
    int b;

    if (limit != NULL) {
        if (v_int64(limit, 1, CQ_MAX_PAGE_SIZE, &v) != 0) {
            *message = "Invalid `limit`: use an integer from 1 to 500";
            return APP_ERR_INPUT;
        }
        rq->page_size = v;
        rq->use_offset = 1;
    }
    if (offset != NULL) {
        if (v_int64(offset, 0, CQ_MAX_OFFSET, &v) != 0) {
            *message = "Invalid `offset`: use an integer from 0 to 1000000000";
            return APP_ERR_INPUT;
        }
        rq->offset = v;
        rq->use_offset = 1;
    }
    if (unread != NULL) {
        if (!list_bool(unread, &b)) {
            *message = "Invalid `has_unread`: use true or false";
            return APP_ERR_INPUT;
        }
        rq->has_unread = b ? CQ_UNREAD_YES : CQ_UNREAD_NO;
    }
    if (after != NULL && !cq_is_timestamp(after)) {
        *message = "Invalid `last_message_after`: use an RFC 3339 timestamp";
        return APP_ERR_INPUT;
    }
    if (before != NULL && !cq_is_timestamp(before)) {
        *message = "Invalid `last_message_before`: use an RFC 3339 timestamp";
        return APP_ERR_INPUT;
    }
    rq->last_message_after = after;
    rq->last_message_before = before;
    return APP_OK;
}
