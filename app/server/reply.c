/*
 * reply.c - see reply.h.
 */
#include "server/reply.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>

#include "lib/arena.h"
#include "lib/http.h"
#include "lib/sbuf.h"
#include "lib/validate.h"
#include "server/ctx.h"

enum app_err reply_fail(struct req *r, struct resp *w, enum app_err e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    w->message = arena_vprintf(r->arena, fmt, ap);
    va_end(ap);
    return e;
}

enum app_err reply_body(struct resp *w, const char *json, size_t len)
{
    w->raw_body = json;
    w->raw_len = len;
    return APP_OK;
}

enum app_err reply_page(struct req *r, struct resp *w, const char *results, size_t len,
                        int64_t total, int64_t per_page, int64_t page)
{
    struct sbuf sb;
    int64_t pages = (total <= 0 || per_page <= 0) ? 0 : (total + per_page - 1) / per_page;

    sbuf_init(&sb, r->arena);
    sbuf_reserve(&sb, len + 128);
    sbuf_add(&sb, "{\"results\":");
    sbuf_addn(&sb, results, len);
    sbuf_addf(&sb,
              ",\"total\":%" PRId64 ",\"per_page\":%" PRId64 ",\"total_pages\":%" PRId64
              ",\"page\":%" PRId64 "}",
              total, per_page, pages, page);
    w->data_json = sbuf_str(&sb);
    w->data_len = sb.len;
    return w->data_json ? APP_OK : APP_ERR_INTERNAL;
}

enum app_err reply_path_int(struct req *r, struct resp *w, const char *capture, const char *what,
                            int64_t *id)
{
    const char *s = router_capture(&r->match, capture);
    if (s == NULL || v_int64(s, 1, INT32_MAX, id) != 0)
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid %s `id`", what);
    return APP_OK;
}
