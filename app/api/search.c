/*
 * h_search.c - search conversations (reference number or contact e-mail),
 * messages (text) and contacts (e-mail).  At least 3 characters; '%' and
 * '_' match themselves; conversations and messages only as far as the
 * caller may see the conversation.
 */
#include "api/handlers.h"

#include <string.h>

#include "lib/arena.h"
#include "lib/http.h"
#include "lib/validate.h"
#include "server/ctx.h"
#include "store/queries.h"

#define MIN_QUERY 3
#define MAX_QUERY 256

/* The query and its literal ILIKE pattern, or a 400. */
static enum app_err query(struct req *r, struct resp *w, const char **q, const char **pattern)
{
    const char *s = http_param(r, "query");
    size_t n = s ? strlen(s) : 0;

    if (n < MIN_QUERY) {
        w->message = "Please enter at least 3 characters to search.";
        return APP_ERR_INPUT;
    }
    if (n > MAX_QUERY) {
        w->message = "The search query is too long (at most 256 characters).";
        return APP_ERR_INPUT;
    }
    char *p = arena_alloc(r->arena, 2 * n + 3);
    size_t o = 0;
    if (p == NULL)
        return APP_ERR_TOO_LARGE;
    p[o++] = '%';
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' || s[i] == '_' || s[i] == '\\')
            p[o++] = '\\';
        p[o++] = s[i];
    }
    p[o++] = '%';
    p[o] = '\0';
    *q = s;
    *pattern = p;
    return APP_OK;
}

static enum app_err with_access(struct req *r, struct resp *w, const struct db_stmt *s)
{
    struct ctx *c = r->ctx;
    const struct principal *p = c->who;
    const char *q, *pattern;
    enum app_err e = query(r, w, &q, &pattern);
    if (e != APP_OK)
        return e;
#define B(perm) (app_has_perm(p, perm) ? "true" : "false")
    const char *params[8] = {q,
                             pattern,
                             B("conversations:read_all"),
                             B("conversations:read_assigned"),
                             B("conversations:read_team_all"),
                             B("conversations:read_team_inbox"),
                             B("conversations:read_unassigned"),
                             p->id_str};
#undef B
    return store_json(c->db, r->arena, s, params, &w->data_json, &w->data_len);
}

enum app_err h_search_conversations(struct req *r, struct resp *w)
{
    return with_access(r, w, STMT_SEARCH_CONVERSATIONS);
}

enum app_err h_search_messages(struct req *r, struct resp *w)
{
    return with_access(r, w, STMT_SEARCH_MESSAGES);
}

enum app_err h_search_contacts(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    const char *q, *pattern;
    enum app_err e = query(r, w, &q, &pattern);
    if (e != APP_OK)
        return e;
    const char *params[1] = {pattern};
    return store_json(c->db, r->arena, STMT_SEARCH_CONTACTS, params, &w->data_json, &w->data_len);
}
