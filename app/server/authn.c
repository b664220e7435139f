/*
 * authn.c - request authentication.
 *
 * API key first: "token KEY:SECRET" or "Basic base64(KEY:SECRET)".  The
 * agent row and its permission union come in one query; the secret is
 * checked with bcrypt unless this worker verified the same (key, stored
 * hash, secret) before.  A malformed header falls through to the session
 * path, as upstream.
 *
 * Sessions: a signed token (HS256, lib/auth.c) naming the user and the
 * session row, from `Authorization: Bearer` (no CSRF needed) or the
 * libredesk_session cookie.  For cookie-authenticated POST/PUT/DELETE the
 * CSRF double-submit pair is checked first, as upstream (403 before 401).
 * The session row must be live and the agent enabled and not deleted.
 */
#include "server/authn.h"

#include <inttypes.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "lib/arena.h"
#include "lib/auth.h"
#include "lib/crypto.h"
#include "lib/http.h"
#include "lib/log.h"
#include "lib/validate.h"
#include "server/ctx.h"
#include "server/reply.h"
#include "store/auth.h"

#define TOUCH_INTERVAL 60 /* seconds between api_key_last_used_at updates per worker */

static unsigned char token_key[CRYPTO_SHA256_LEN];

void authn_init(const char *secret)
{
    static const char label[] = "deskd session tokens v1";
    crypto_hmac_sha256(secret, strlen(secret), label, sizeof(label) - 1, token_key);
}

const unsigned char *authn_token_key(size_t *len)
{
    *len = sizeof(token_key);
    return token_key;
}

int app_has_perm(const struct principal *p, const char *perm)
{
    if (p == NULL)
        return 0;
    for (size_t i = 0; i < p->nperms; i++)
        if (strcmp(p->perms[i], perm) == 0)
            return 1;
    return 0;
}

/* Splits the comma-separated permission list into an arena array. */
static int split_perms(struct arena *a, const char *csv, struct principal *p)
{
    size_t n = 0;
    const char **out;
    char *copy;

    if (csv == NULL || *csv == '\0') {
        p->perms = NULL;
        p->nperms = 0;
        return 0;
    }
    for (const char *c = csv; *c; c++)
        n += *c == ',';
    n++;
    out = ARENA_NEW(a, const char *, n);
    copy = arena_strdup(a, csv);
    if (out == NULL || copy == NULL)
        return -1;
    n = 0;
    for (char *tok = copy, *next; tok != NULL; tok = next) {
        next = strchr(tok, ',');
        if (next != NULL)
            *next++ = '\0';
        if (*tok)
            out[n++] = tok;
    }
    p->perms = out;
    p->nperms = n;
    return 0;
}

/* The principal with these permissions, in the arena; NULL if the arena refused. */
static struct principal *principal_new(struct arena *a, const char *perms_csv)
{
    struct principal *p = ARENA_NEW(a, struct principal, 1);
    if (p == NULL || split_perms(a, perms_csv, p) != 0)
        return NULL;
    return p;
}

static enum app_err by_api_key(struct ctx *c, struct req *r, struct resp *w, const char *key,
                               const char *secret)
{
    struct store_api_key_row *rows;
    int n;

    /* Bytes no key can hold are a wrong credential, not a malformed request. */
    if (!v_utf8(key, strlen(key)) || !v_utf8(secret, strlen(secret)))
        return reply_fail(r, w, APP_ERR_UNAUTHORIZED, "Invalid credential");
    enum app_err e = store_auth_api_keys(c->db, r->arena, key, &rows, &n);

    if (e != APP_OK)
        return e;
    for (int i = 0; i < n; i++) {
        if (rows[i].hash == NULL)
            continue;
        int ok = auth_cache_lookup(key, rows[i].hash, secret);
        if (ok < 0) {
            ok = auth_bcrypt_verify(secret, rows[i].hash);
            auth_cache_store(key, rows[i].hash, secret, ok);
        }
        if (!ok)
            continue;
        struct principal *p = principal_new(r->arena, rows[i].perms_csv);
        if (p == NULL)
            return APP_ERR_INTERNAL;
        p->id = rows[i].id;
        p->via_api_key = 1;
        c->who = p;
        c->ref_version = rows[i].ref_version;
        if (auth_cache_touch_due(key, rows[i].hash, time(NULL), TOUCH_INTERVAL) &&
            store_auth_api_key_touch(c->db, r->arena, p->id) != APP_OK)
            log_warnx("could not update api_key_last_used_at for agent %" PRId64, p->id);
        return APP_OK;
    }
    return reply_fail(r, w, APP_ERR_UNAUTHORIZED, "Invalid credential");
}

static enum app_err by_session(struct ctx *c, struct req *r, struct resp *w, const char *token)
{
    long sub, sid;
    struct store_session s;

    /* A signed token whose ids no row can have (users.id is an int) is no session either. */
    if (auth_jwt_verify(token, token_key, sizeof(token_key), (long)time(NULL), &sub, &sid) != 0 ||
        sub <= 0 || sub > INT32_MAX || sid <= 0)
        return reply_fail(r, w, APP_ERR_UNAUTHORIZED, "Invalid or expired session");
    enum app_err e = store_auth_session(c->db, r->arena, sid, sub, &s);
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, APP_ERR_UNAUTHORIZED, "Invalid or expired session");
    if (e != APP_OK)
        return e;
    if (!s.enabled)
        return reply_fail(r, w, APP_ERR_PERMISSION,
                          "Your account is disabled, Please contact administrator");
    struct principal *p = principal_new(r->arena, s.perms_csv);
    if (p == NULL)
        return APP_ERR_INTERNAL;
    p->id = sub;
    p->session_id = sid;
    c->who = p;
    c->ref_version = s.ref_version;
    return APP_OK;
}

enum app_err authn_request(struct ctx *c, struct req *r, struct resp *w)
{
    const char *key, *secret;

    if (auth_parse_api_key(r->arena, r->authorization, &key, &secret))
        return by_api_key(c, r, w, key, secret);
    if (r->authorization != NULL && strncmp(r->authorization, "Bearer ", 7) == 0)
        return by_session(c, r, w, r->authorization + 7);

    /* Session path: CSRF is checked before the session, as upstream. */
    if (r->method == HTTP_POST || r->method == HTTP_PUT || r->method == HTTP_DELETE ||
        r->method == HTTP_PATCH) {
        const char *cookie = http_cookie(r->arena, r->cookie, "csrf_token");
        if (cookie == NULL || *cookie == '\0' || r->csrf_header == NULL ||
            strcmp(cookie, r->csrf_header) != 0)
            return reply_fail(r, w, APP_ERR_PERMISSION, "CSRF token mismatch");
    }
    const char *token = http_cookie(r->arena, r->cookie, "libredesk_session");
    if (token != NULL && *token != '\0')
        return by_session(c, r, w, token);
    return reply_fail(r, w, APP_ERR_UNAUTHORIZED, "Invalid or expired session");
}
