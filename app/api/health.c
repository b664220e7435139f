/*
 * api/health.c - GET /health: the process answers; no database access, as
 * upstream.
 */
#include "api/health.h"

#include "lib/http.h"

enum app_err h_health_get(struct req *r, struct resp *w)
{
    static const char body[] = "{\"status\":\"success\",\"data\":true}";
    (void)r;
    w->raw_body = body;
    w->raw_len = sizeof(body) - 1;
    return APP_OK;
}
