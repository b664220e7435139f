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

#include <string.h>
#include <time.h>

#include "lib/arena.h"
#include "lib/auth.h"
#include "lib/crypto.h"
#include "lib/http.h"
#include "lib/log.h"
#include "server/ctx.h"
#include "store/queries.h"

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

static enum app_err by_api_key(struct ctx *c, struct req *r, struct resp *w, const char *key,
                               const char *secret)
{
    struct q_api_key_row *rows;
    int n;
    enum app_err e = q_api_key_rows(c->db, r->arena, key, &rows, &n);

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
        struct principal *p = ARENA_NEW(r->arena, struct principal, 1);
        if (p == NULL || split_perms(r->arena, rows[i].perms_csv, p) != 0)
            return APP_ERR_TOO_LARGE;
        p->id = rows[i].id;
        p->id_str = rows[i].id_str;
        p->via_api_key = 1;
        c->who = p;
        c->ref_version = rows[i].ref_version;
        if (auth_cache_touch_due(key, rows[i].hash, time(NULL), TOUCH_INTERVAL) &&
            q_api_key_touch(c->db, r->arena, p->id_str) != APP_OK)
            log_warnx("could not update api_key_last_used_at for agent %s", p->id_str);
        return APP_OK;
    }
    w->message = "Invalid credential";
    return APP_ERR_UNAUTHORIZED;
}

static enum app_err by_session(struct ctx *c, struct req *r, struct resp *w, const char *token)
{
    long sub, sid;
    struct q_session qs;

    w->message = "Invalid or expired session";
    if (auth_jwt_verify(token, token_key, sizeof(token_key), (long)time(NULL), &sub, &sid) != 0)
        return APP_ERR_UNAUTHORIZED;
    const char *subs = arena_printf(r->arena, "%ld", sub);
    const char *sids = arena_printf(r->arena, "%ld", sid);
    if (subs == NULL || sids == NULL)
        return APP_ERR_TOO_LARGE;
    enum app_err e = q_session_principal(c->db, r->arena, sids, subs, &qs);
    if (e != APP_OK) {
        w->message = NULL;
        return e;
    }
    if (!qs.found)
        return APP_ERR_UNAUTHORIZED;
    if (!qs.enabled) {
        w->message = "Your account is disabled, Please contact administrator";
        return APP_ERR_PERMISSION;
    }
    struct principal *p = ARENA_NEW(r->arena, struct principal, 1);
    if (p == NULL || split_perms(r->arena, qs.perms_csv, p) != 0)
        return APP_ERR_TOO_LARGE;
    p->id = sub;
    p->id_str = subs;
    p->session_id = sids;
    c->who = p;
    c->ref_version = qs.ref_version;
    w->message = NULL;
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
            strcmp(cookie, r->csrf_header) != 0) {
            w->message = "CSRF token mismatch";
            return APP_ERR_PERMISSION;
        }
    }
    const char *token = http_cookie(r->arena, r->cookie, "libredesk_session");
    if (token != NULL && *token != '\0')
        return by_session(c, r, w, token);
    w->message = "Invalid or expired session";
    return APP_ERR_UNAUTHORIZED;
}
