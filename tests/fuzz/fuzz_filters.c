/*
 * fuzz_filters.c - the list engine (app/lists/query.c, app/lists/params.c):
 * a list request's query string read by list_params() and compiled to SQL
 * text and parameters by every compiler, without a database.  Input: the
 * query string, then optionally '\n' and a raw `filters` JSON text that
 * replaces the query string's own (so the fuzzer need not percent-encode).
 *
 * Besides the sanitizers, the harness holds the compilers to their promise
 * that every value is a bound parameter: each $N in the SQL names one of
 * the parameters, and none is NULL.
 */
#include "lib/http.h"
#include "lists/params.h"
#include "lists/query.h"
#include "rules/access.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void placeholders(const char *sql, int nparams)
{
    FUZZ_ASSERT(sql != NULL);
    for (const char *p = strchr(sql, '$'); p != NULL; p = strchr(p + 1, '$')) {
        long v = 0;
        const char *d = p + 1;
        FUZZ_ASSERT(*d >= '1' && *d <= '9');
        for (; *d >= '0' && *d <= '9' && v <= 100000; d++)
            v = v * 10 + (*d - '0');
        FUZZ_ASSERT(v >= 1 && v <= nparams);
    }
}

static void check(enum app_err e, const struct cq_query *q, const char *message)
{
    if (e != APP_OK) {
        FUZZ_ASSERT(e == APP_ERR_INPUT);
        FUZZ_ASSERT(message != NULL && *message != '\0');
        return;
    }
    FUZZ_ASSERT(q->nparams >= 0 && (q->nparams == 0 || q->params != NULL));
    for (int i = 0; i < q->nparams; i++)
        FUZZ_ASSERT(q->params[i] != NULL);
    placeholders(q->list_sql, q->nparams);
    placeholders(q->page_sql, q->nparams);
    placeholders(q->count_sql, q->nparams);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = fuzz_arena();
    const char *qs, *filters;
    size_t flen;

    if (fuzz_split(a, data, size, &qs, &filters, &flen) != 0)
        return 0;
    struct req r = {.arena = a, .query = qs};
    if (http_parse_query(a, qs, &r.params, &r.nparams) != 0)
        return 0;
    struct cq_request rq = {.user_id = 7, .team_id = 3};
    list_params(&r, &rq);
    if (memchr(data, '\n', size) != NULL) {
        rq.filters = arena_strndup(a, filters, flen);
        if (rq.filters == NULL)
            return 0;
    }

    struct cq_query q;
    const char *message;
    for (int list = 0; list < CQ__MAX; list++) {
        rq.list = (enum cq_list)list;
        /* Views and mentions read through the caller's scopes; vary them with the input. */
        rq.scopes = (list == CQ_VIEW || list == CQ_MENTIONED) ? 1u + (unsigned)(size % 31) : 0;
        message = NULL;
        check(cq_build(a, &rq, &q, &message), &q, message);
    }
    message = NULL;
    check(cq_contacts_build(a, &rq, &q, &message), &q, message);
    message = NULL;
    check(cq_activity_logs_build(a, &rq, &q, &message), &q, message);
    message = NULL;
    enum app_err e = cq_check_filters(a, rq.filters, &message);
    FUZZ_ASSERT(e == APP_OK || (e == APP_ERR_INPUT && message != NULL));
    return 0;
}
