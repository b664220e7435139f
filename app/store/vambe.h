/*
 * store/vambe.h - the rows of Vambe's unanswered-conversations list
 * (api/vambe.c): one contact object per conversation of a page.
 */
#ifndef STORE_VAMBE_H
#define STORE_VAMBE_H

#include <stddef.h>

#include "lib/err.h"

struct arena;
struct db;

/*
 * *json (len bytes) = the conversations ids (a bigint[] literal, in order;
 * NULL: none) as a JSON array of Vambe contact objects: ai_contact_id (the
 * conversation's uuid), name (the contact's), current_stage (the status),
 * current_pipeline (the inbox), waiting_time (ms, now), assigned_agents.
 */
enum app_err store_vambe_contacts(struct db *db, struct arena *a, const char *ids,
                                  const char **json, size_t *len);

#endif
