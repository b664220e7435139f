/*
 * store/search.h - search over conversations, messages and contacts.  A
 * query matches text that contains it literally ('%' and '_' match
 * themselves); conversations and messages only as far as the caller's
 * access scopes (rules/access.h) reach.
 */
#ifndef STORE_SEARCH_H
#define STORE_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct arena;
struct db;

/*
 * Conversations whose reference number is query or whose contact's e-mail
 * contains it, the exact reference first, within scopes (enum access_scope
 * bits) for user_id, as a JSON array of at most 1000.
 */
enum app_err store_search_conversations(struct db *db, struct arena *a, const char *query,
                                        unsigned scopes, int64_t user_id, const char **json,
                                        size_t *len);

/*
 * Messages (not activities) whose text contains query, the latest 30, in
 * conversations within scopes for user_id, as a JSON array.
 */
enum app_err store_search_messages(struct db *db, struct arena *a, const char *query,
                                   unsigned scopes, int64_t user_id, const char **json,
                                   size_t *len);

/* Contacts whose e-mail contains query, the first 15 by id, as a JSON array. */
enum app_err store_search_contacts(struct db *db, struct arena *a, const char *query,
                                   const char **json, size_t *len);

#endif
