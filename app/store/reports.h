/*
 * store/reports.h - the overview reports, each one JSON object as upstream
 * shapes it.  days is the window (0: since today's midnight UTC, else the
 * last days * 24 hours), already within 0..365.  The counts are kept per
 * day by sql/050's triggers; a report sums them.
 */
#ifndef STORE_REPORTS_H
#define STORE_REPORTS_H

#include <stddef.h>

#include "lib/err.h"

struct arena;
struct db;

/* {open, awaiting_response, unassigned, pending, agents_online, agents_away,
 *  agents_reassigning, agents_offline}: conversations not in a resolved status. */
enum app_err store_report_counts(struct db *db, struct arena *a, const char **json, size_t *len);

/* {new_conversations: [{date, count}] or null, resolved_conversations: ...}. */
enum app_err store_report_charts(struct db *db, struct arena *a, int days, const char **json,
                                 size_t *len);

/* The first response, next response and resolution counts, averages and compliance. */
enum app_err store_report_sla(struct db *db, struct arena *a, int days, const char **json,
                              size_t *len);

/* {average_rating, total_responses, total_sent, response_rate}. */
enum app_err store_report_csat(struct db *db, struct arena *a, int days, const char **json,
                               size_t *len);

/* {total_messages, incoming_messages, outgoing_messages, messages_per_conversation}. */
enum app_err store_report_messages(struct db *db, struct arena *a, int days, const char **json,
                                   size_t *len);

/* {top_tags: [{tag_id, tag_name, count}], tagged_conversations, untagged_conversations,
 *  tagged_percentage}. */
enum app_err store_report_tags(struct db *db, struct arena *a, int days, const char **json,
                               size_t *len);

#endif
