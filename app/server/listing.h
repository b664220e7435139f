/*
 * server/listing.h - answering a list the list engine builds, for every
 * route that shows one (the conversation lists, a view's conversations,
 * the contacts, the activity log): the page parameters of the request, the list engine, the
 * store, Libredesk's page.
 */
#ifndef SERVER_LISTING_H
#define SERVER_LISTING_H

#include <stdint.h>

#include "lib/err.h"
#include "lists/query.h"

struct req;
struct resp;

/*
 * data = the page of list type for the caller; team_id for
 * CQ_TEAM_UNASSIGNED, scopes (enum access_scope bits) for CQ_VIEW, filters
 * the request's or a view's stored ones.  400 naming a bad filter or order.
 */
enum app_err listing_conversations(struct req *r, struct resp *w, enum cq_list type,
                                   int64_t team_id, const char *filters, unsigned scopes);

/* data = the page of contacts the request's filters, order and page ask for. */
enum app_err listing_contacts(struct req *r, struct resp *w);

/* data = the page of the activity log the request's filters, order and page ask for. */
enum app_err listing_activity_logs(struct req *r, struct resp *w);

/*
 * data = the page of the unanswered list (cq_request.unanswered) within
 * scopes (enum access_scope bits), with the request's filters and page;
 * items carry "waiting_time_ms".  400 naming a bad filter, or for order_by.
 */
enum app_err listing_unanswered(struct req *r, struct resp *w, unsigned scopes);

#endif
