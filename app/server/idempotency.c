/*
 * idempotency.c - see idempotency.h.
 *
 * Order of events for a request with a key:
 *   1. the stored answer, if any, is replayed (or 422 if the request
 *      differs); no transaction;
 *   2. otherwise a transaction opens and takes a lock on (caller, key); a
 *      request holding it already is answered 409;
 *   3. the answer is looked up again inside the lock (a twin may have
 *      committed between 1 and 2), then the handler runs in the
 *      transaction, each of its statements under a savepoint so a refused
 *      one behaves as it would alone;
 *   4. the rendered answer is stored and everything commits together, so
 *      the answer exists exactly when the writes do.
 */
#include "server/idempotency.h"

#include <string.h>
#include <strings.h>
#include <time.h>

#include <json-c/json.h>

#include "lib/arena.h"
#include "lib/crypto.h"
#include "lib/http.h"
#include "lib/log.h"
#include "server/ctx.h"
#include "server/reply.h"
#include "store/idempotency.h"

#define PURGE_INTERVAL 600 /* seconds between purges, per worker */

static int valid_key(const char *k)
{
    size_t n = strlen(k);
    if (n == 0 || n > IDEM_KEY_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)k[i] < 0x21 || (unsigned char)k[i] > 0x7e)
            return 0;
    return 1;
}

/* The multipart boundary of a Content-Type, or NULL (length in *n). */
static const char *boundary_of(const char *ct, size_t *n)
{
    if (ct == NULL || strncasecmp(ct, "multipart/", 10) != 0)
        return NULL;
    const char *b = strcasestr(ct, "boundary=");
    if (b == NULL)
        return NULL;
    b += 9;
    if (*b == '"') {
        const char *end = strchr(++b, '"');
        *n = end ? (size_t)(end - b) : strlen(b);
    } else {
        *n = strcspn(b, "; \t");
    }
    return *n > 0 ? b : NULL;
}

/*
 * The request's identity: method, path, query and body.  A multipart
 * body's boundary is random per send, so its occurrences are left out.
 */
static void fingerprint(const struct req *r, char out[65])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char d[CRYPTO_SHA256_LEN];
    struct crypto_sha256_ctx *h = crypto_sha256_begin();
    const char *m = http_method_name(r->method);
    size_t blen = 0;
    const char *b = boundary_of(r->content_type, &blen);

    crypto_sha256_add(h, m, strlen(m) + 1);
    crypto_sha256_add(h, r->path, strlen(r->path) + 1);
    crypto_sha256_add(h, r->query, strlen(r->query) + 1);
    if (r->body != NULL) {
        const char *p = r->body, *end = r->body + r->body_len;
        while (b != NULL && p < end) {
            const char *hit = memmem(p, (size_t)(end - p), b, blen);
            if (hit == NULL)
                break;
            crypto_sha256_add(h, p, (size_t)(hit - p));
            p = hit + blen;
        }
        crypto_sha256_add(h, p, (size_t)(end - p));
    }
    crypto_sha256_end(h, d);
    for (size_t i = 0; i < sizeof(d); i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[64] = '\0';
}

/* Puts a stored answer into w; APP_ERR_INTERNAL if its headers do not parse. */
static enum app_err replay(struct req *r, struct resp *w, const struct store_idem *s)
{
    struct json_object *h = json_tokener_parse(s->headers_json);
    enum app_err e = APP_OK;

    if (h == NULL || !json_object_is_type(h, json_type_array)) {
        json_object_put(h);
        return APP_ERR_INTERNAL;
    }
    for (size_t i = 0; i < json_object_array_length(h); i++) {
        struct json_object *kv = json_object_array_get_idx(h, i);
        const char *k = json_object_get_string(json_object_array_get_idx(kv, 0));
        const char *v = json_object_get_string(json_object_array_get_idx(kv, 1));
        if (k == NULL || v == NULL ||
            http_add_header(w, arena_strdup(r->arena, k), arena_strdup(r->arena, v)) != 0)
            e = APP_ERR_INTERNAL;
    }
    json_object_put(h);
    if (e != APP_OK || http_add_header(w, "Idempotent-Replayed", "true") != 0)
        return APP_ERR_INTERNAL;
    w->status = s->status;
    w->content_type = s->content_type;
    w->raw_body = s->body;
    w->raw_len = s->body_len;
    return APP_OK;
}

/* The stored answer for this request: replayed, or 422 for another request. */
static enum app_err found(struct req *r, struct resp *w, const struct idem *st,
                          const struct store_idem *s)
{
    if (strcmp(s->fingerprint, st->fingerprint) != 0)
        return reply_fail(r, w, APP_ERR_DATA,
                          "This Idempotency-Key was used with a different request; use a new key "
                          "for a new request");
    return replay(r, w, s);
}

enum idem_step idem_start(struct ctx *c, struct req *r, struct resp *w, struct idem *st,
                          enum app_err *e)
{
    const char *key = r->idempotency_key;
    struct store_idem s;
    int got;

    st->active = 0;
    *e = APP_OK;
    if (key == NULL || c->who == NULL ||
        (r->method != HTTP_POST && r->method != HTTP_PUT && r->method != HTTP_PATCH &&
         r->method != HTTP_DELETE))
        return IDEM_RUN;
    if (!valid_key(key)) {
        *e = reply_fail(r, w, APP_ERR_INPUT,
                        "Invalid Idempotency-Key: use 1 to %d visible ASCII characters",
                        IDEM_KEY_MAX);
        return IDEM_DONE;
    }
    fingerprint(r, st->fingerprint);
    *e = store_idempotency_find(c->db, r->arena, c->who->id, key, &s);
    if (*e == APP_OK) {
        *e = found(r, w, st, &s);
        return IDEM_DONE;
    }
    if (*e != APP_ERR_NOT_FOUND)
        return IDEM_DONE;
    if ((*e = store_idempotency_begin(c->db, r->arena, c->who->id, key, &got)) != APP_OK)
        return IDEM_DONE;
    if (!got) {
        *e = reply_fail(r, w, APP_ERR_CONFLICT,
                        "A request with this Idempotency-Key is still running; retry when it "
                        "has answered");
        return IDEM_DONE;
    }
    *e = store_idempotency_find(c->db, r->arena, c->who->id, key, &s);
    if (*e == APP_OK || *e != APP_ERR_NOT_FOUND) {
        (void)store_idempotency_end(c->db, APP_ERR_INTERNAL); /* read only: roll back */
        if (*e == APP_OK)
            *e = found(r, w, st, &s);
        return IDEM_DONE;
    }
    *e = APP_OK;
    st->active = 1;
    return IDEM_RUN;
}

/* The response headers as [[name, value], ...], in the arena. */
static const char *headers_json(struct req *r, const struct resp *w)
{
    struct json_object *h = json_object_new_array();
    for (size_t i = 0; i < w->nheaders; i++) {
        struct json_object *kv = json_object_new_array();
        json_object_array_add(kv, json_object_new_string(w->headers[i].key));
        json_object_array_add(kv, json_object_new_string(w->headers[i].value));
        json_object_array_add(h, kv);
    }
    const char *s =
        arena_strdup(r->arena, json_object_to_json_string_ext(h, JSON_C_TO_STRING_PLAIN));
    json_object_put(h);
    return s;
}

enum app_err idem_finish(struct ctx *c, struct req *r, struct resp *w, struct idem *st, int status,
                         const char *body, size_t len)
{
    static time_t last_purge;
    enum app_err e;

    if (!st->active)
        return APP_OK;
    st->active = 0;
    if (status >= 500) {
        (void)store_idempotency_end(c->db, APP_ERR_INTERNAL);
        return APP_OK;
    }
    /* A connection lost under the handler took its writes with it. */
    if (!store_idempotency_open(c->db)) {
        (void)store_idempotency_end(c->db, APP_ERR_UNAVAILABLE);
        return reply_fail(r, w, APP_ERR_UNAVAILABLE,
                          "The database connection was lost; nothing was applied: retry with the "
                          "same Idempotency-Key");
    }
    struct store_idem s = {st->fingerprint, status, w->content_type, headers_json(r, w), NULL, 0};
    char *copy = arena_alloc(r->arena, len + 1);
    if (copy != NULL) {
        memcpy(copy, body, len);
        copy[len] = '\0';
    }
    s.body = copy;
    s.body_len = len;
    if (copy == NULL || s.headers_json == NULL || memchr(body, '\0', len) != NULL)
        e = APP_ERR_INTERNAL; /* an answer that cannot be stored is not committed either */
    else
        e = store_idempotency_save(c->db, r->arena, c->who->id, r->idempotency_key, &s);
    if ((e = store_idempotency_end(c->db, e)) != APP_OK) {
        log_err("could not store the answer for an Idempotency-Key; the request was rolled back");
        return reply_fail(r, w, APP_ERR_UNAVAILABLE,
                          "The request could not be completed; nothing was applied: retry with "
                          "the same Idempotency-Key");
    }
    time_t now = time(NULL);
    if (now - last_purge >= PURGE_INTERVAL) {
        last_purge = now;
        if (store_idempotency_purge(c->db, r->arena, IDEM_KEEP_HOURS) != APP_OK)
            log_warnx("could not purge old Idempotency-Key answers");
    }
    return APP_OK;
}
