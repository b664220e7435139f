/*
 * api/activity_log.c - the activity log, as upstream: a page of
 * activity_logs with `filters` over activity_type, actor_id, ip and
 * created_at, `order_by` id/created_at/updated_at and `order`
 * (server/listing.c, lists/query.c).  The rows are written by the handlers
 * of what they record (auth, agents, settings) through store/activity_log.h.
 */
#include "api/activity_log.h"

#include "server/listing.h"

enum app_err h_activity_logs_list(struct req *r, struct resp *w)
{
    return listing_activity_logs(r, w);
}
