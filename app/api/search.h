/*
 * api/search.h - GET /api/v1/conversations/search, /api/v1/messages/search
 * and /api/v1/contacts/search.
 */
#ifndef API_SEARCH_H
#define API_SEARCH_H

#include "lib/err.h"

struct req;
struct resp;

enum app_err h_search_conversations(struct req *r, struct resp *w);
enum app_err h_search_messages(struct req *r, struct resp *w);
enum app_err h_search_contacts(struct req *r, struct resp *w);

#endif
