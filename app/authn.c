/*
 * authn.c - request authentication.
 *
 * API key first: "token KEY:SECRET" or "Basic base64(KEY:SECRET)".  The
 * agent row and its permission union come in one query; the secret is
 * checked with bcrypt unless this worker verified the same (key, stored
 * hash, secret) before.  A malformed header falls through to the session
 * path, as upstream.  Sessions (JWT cookies) are not issued yet, so the
 * session path only reproduces upstream's failures: 403 "CSRF token
 * mismatch" for unsafe methods without the double-submit pair, else 401.
 */
#include "authn.h"

#include <string.h>
#include <time.h>

#include "../lib/arena.h"
#include "../lib/auth.h"
#include "../lib/http.h"
#include "../lib/log.h"
#include "app.h"
#include "queries.h"

#define TOUCH_INTERVAL 60 /* seconds between api_key_last_used_at updates per worker */

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

enum app_err authn_request(struct ctx *c, struct req *r, struct resp *w)
{
    const char *key, *secret;

    if (auth_parse_api_key(r->arena, r->authorization, &key, &secret))
        return by_api_key(c, r, w, key, secret);

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
    w->message = "Invalid or expired session";
    return APP_ERR_UNAUTHORIZED;
}
