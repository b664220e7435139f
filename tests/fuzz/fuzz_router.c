/*
 * fuzz_router.c - lib/router.c over deskd's route table (app/server/routes.c)
 * and the query-string decoder (http_parse_query in lib/http.c), split as
 * fcgi_io_read_head() splits REQUEST_URI.  Input: "METHOD URI" (an unknown
 * method is matched as GET).
 */
#include "lib/http.h"
#include "lib/router.h"
#include "server/routes.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct router *routes(void)
{
    static struct router *r;
    char err[256];
    if (r == NULL) {
        r = router_new(app_routes, app_nroutes, sizeof(app_routes[0]), err, sizeof(err));
        FUZZ_ASSERT(r != NULL);
        FUZZ_ASSERT(router_check(r, err, sizeof(err)) == 0);
    }
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct router *rt = routes();
    struct arena *a = fuzz_arena();
    char *line = arena_strndup(a, (const char *)data, size);
    if (line == NULL)
        return 0;

    char *sp = strchr(line, ' ');
    const char *uri = line;
    int m = HTTP_GET;
    if (sp != NULL) {
        *sp = '\0';
        m = http_method_parse(line);
        if (m < 0)
            m = HTTP_GET;
        uri = sp + 1;
    }

    /* As fcgi_io_read_head(): the path up to '?', the query after it. */
    const char *q = strchr(uri, '?');
    const char *path = arena_strndup(a, uri, q ? (size_t)(q - uri) : strlen(uri));
    const char *query = arena_strdup(a, q ? q + 1 : "");
    if (path == NULL || query == NULL)
        return 0;

    struct router_match match;
    char allow[64];
    switch (router_match(rt, a, (enum http_method)m, path, &match)) {
    case ROUTER_MATCH: {
        FUZZ_ASSERT(match.index < app_nroutes);
        enum http_method rm = app_routes[match.index].key.method;
        FUZZ_ASSERT(rm == (enum http_method)m || (m == HTTP_HEAD && rm == HTTP_GET));
        FUZZ_ASSERT(match.ncaptures <= ROUTER_MAX_CAPTURES);
        for (size_t i = 0; i < match.ncaptures; i++) {
            FUZZ_ASSERT(match.caps[i].name != NULL && match.caps[i].value != NULL);
            FUZZ_ASSERT(router_capture(&match, match.caps[i].name) != NULL);
        }
        break;
    }
    case ROUTER_METHOD_NOT_ALLOWED:
        FUZZ_ASSERT(match.allow != 0);
        router_allow_string(match.allow, allow, sizeof(allow));
        FUZZ_ASSERT(allow[0] != '\0');
        break;
    case ROUTER_NOT_FOUND:
    case ROUTER_BAD_PATH:
        break;
    }

    struct req r = {.arena = a, .method = (enum http_method)m, .path = path, .query = query};
    if (http_parse_query(a, query, &r.params, &r.nparams) != 0)
        return 0;
    FUZZ_ASSERT(r.nparams <= HTTP_MAX_QUERY_PAIRS);
    for (size_t i = 0; i < r.nparams; i++) {
        FUZZ_ASSERT(r.params[i].key != NULL && r.params[i].value != NULL);
        FUZZ_ASSERT(http_param(&r, r.params[i].key) != NULL);
    }
    (void)http_param(&r, "filters");
    return 0;
}
