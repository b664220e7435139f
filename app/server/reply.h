/*
 * reply.h - what many handlers do the same way: refuse a request, read a
 * numeric id from the path, answer with a page of a list.
 */
#ifndef SERVER_REPLY_H
#define SERVER_REPLY_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct req;
struct resp;

/*
 * The one way a handler refuses a request: sets w's error message (printf
 * into the request arena) and returns e, so a refusal reads
 *     return reply_fail(r, w, APP_ERR_INPUT, "`%s` is required", key);
 * A message the arena cannot hold is left out (the request then ends as a
 * 500, see respond()).
 */
enum app_err reply_fail(struct req *r, struct resp *w, enum app_err e, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * data = Libredesk's page of a list:
 * {"results":<results>,"total":N,"per_page":P,"total_pages":T,"page":K},
 * results being len bytes of a JSON array.
 */
enum app_err reply_page(struct req *r, struct resp *w, const char *results, size_t len,
                        int64_t total, int64_t per_page, int64_t page);

/*
 * The whole response body is len bytes of JSON at json (arena or static),
 * without Libredesk's envelope: for another product's API.
 */
enum app_err reply_body(struct resp *w, const char *json, size_t len);

/*
 * The {capture} of the path as a positive 32-bit id, or APP_ERR_INPUT
 * with "Invalid <what> `id`".
 */
enum app_err reply_path_int(struct req *r, struct resp *w, const char *capture, const char *what,
                            int64_t *id);

#endif
