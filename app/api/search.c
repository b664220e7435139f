/*
 * api/search.c - search conversations (reference number or contact
 * e-mail), messages (text) and contacts (e-mail).  At least 3 characters;
 * '%' and '_' match themselves; conversations and messages only as far as
 * the caller may see the conversation.
 */
#include "api/search.h"

#include <stdint.h>
#include <string.h>

#include "lib/http.h"
#include "rules/access.h"
#include "server/ctx.h"
#include "server/reply.h"
#include "store/search.h"

#define MIN_QUERY 3
#define MAX_QUERY 256

/* The `query` parameter, or a 400. */
static enum app_err query(struct req *r, struct resp *w, const char **q)
{
    *q = http_param(r, "query");
    size_t n = *q ? strlen(*q) : 0;

    if (n < MIN_QUERY)
        return reply_fail(r, w, APP_ERR_INPUT, "Please enter at least %d characters to search.",
                          MIN_QUERY);
    if (n > MAX_QUERY)
        return reply_fail(r, w, APP_ERR_INPUT,
                          "The search query is too long (at most %d characters).", MAX_QUERY);
    return APP_OK;
}

/* A search within the caller's access scopes (store/search.h). */
typedef enum app_err (*scoped_search)(struct db *db, struct arena *a, const char *query,
                                      unsigned scopes, int64_t user_id, const char **json,
                                      size_t *len);

static enum app_err search_scoped(struct req *r, struct resp *w, scoped_search search)
{
    struct ctx *c = r->ctx;
    const char *q;
    enum app_err e = query(r, w, &q);

    if (e != APP_OK)
        return e;
    return search(c->db, r->arena, q, access_read_scopes(c->who), c->who->id, &w->data_json,
                  &w->data_len);
}

enum app_err h_search_conversations(struct req *r, struct resp *w)
{
    return search_scoped(r, w, store_search_conversations);
}

enum app_err h_search_messages(struct req *r, struct resp *w)
{
    return search_scoped(r, w, store_search_messages);
}

enum app_err h_search_contacts(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    const char *q;
    enum app_err e = query(r, w, &q);

    if (e != APP_OK)
        return e;
    return store_search_contacts(c->db, r->arena, q, &w->data_json, &w->data_len);
}
