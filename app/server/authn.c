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
 *
 * Failed checks (a wrong secret, an unknown key, a session token that does
 * not verify or names no live session; not a missing credential) are
 * counted in the table all workers share (lib/ratelimit.c), per key id
 * (keys that exist) and per client address.  Over either limit, a check
 * answers 429 with Retry-After before any bcrypt or database query; only a
 * secret this worker verified before (the auth cache) still gets through,
 * so the owner of an attacked key keeps working where the key was in use.
 * At most cfg->auth_bcrypt_max workers run a bcrypt at once; the rest
 * answer 503 with Retry-After, so requests that need none always find a
 * free worker.
 */
#include "server/authn.h"

#include <inttypes.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/arena.h"
#include "lib/auth.h"
#include "lib/crypto.h"
#include "lib/http.h"
#include "lib/log.h"
#include "lib/metrics.h"
#include "lib/ratelimit.h"
#include "lib/validate.h"
#include "server/config.h"
#include "server/ctx.h"
#include "server/dialect.h"
#include "server/reply.h"
#include "store/auth.h"

#define GATE_WAIT_MS 500 /* longest wait for a bcrypt slot */
#define GATE_POLL_MS 5
#define TOUCH_INTERVAL 60 /* seconds between api_key_last_used_at updates per worker */

static unsigned char token_key[CRYPTO_SHA256_LEN];
static struct rl_table *limits; /* shared by all workers; NULL: no limits */

void authn_set_limits(struct rl_table *t)
{
    limits = t;
}

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

/* The counters' names: key ids and addresses never collide. */
static const char *key_name(struct req *r, const char *key)
{
    return arena_printf(r->arena, "key %s", key);
}

static const char *addr_name(struct req *r)
{
    return arena_printf(r->arena, "addr %s", r->remote_addr ? r->remote_addr : "");
}

static struct rl_limit limit_of(const struct ctx *c, int per_key)
{
    struct rl_limit l = {per_key ? c->cfg->auth_key_limit : c->cfg->auth_addr_limit,
                         c->cfg->auth_window * 1000L};
    return l;
}

/* Why a check is refused with 429, and for how long; what == NULL: not refused. */
struct over {
    const char *what;
    long retry;
    int key; /* the key id's limit (else the address's) */
};

/* Whether the key (key_id non-NULL) or the client's address is over its limit. */
static struct over over_limit(struct ctx *c, struct req *r, const char *key_id)
{
    struct rl_limit kl = limit_of(c, 1), al = limit_of(c, 0);
    int64_t now = rl_now_ms();
    struct over o = {NULL, 0, 0};
    const char *kn = key_id ? key_name(r, key_id) : NULL, *an = addr_name(r);

    if (limits == NULL)
        return o;
    if (kn != NULL && rl_over(limits, kn, &kl, now, &o.retry)) {
        o.what = "for this API key";
        o.key = 1;
    } else if (an != NULL && rl_over(limits, an, &al, now, &o.retry)) {
        o.what = "from your address";
    }
    return o;
}

/* The 429: what happened and when to retry, in the message and in Retry-After. */
static enum app_err too_many(struct req *r, struct resp *w, const struct over *o)
{
    const char *ra = arena_printf(r->arena, "%ld", o->retry);
    if (ra != NULL)
        http_add_header(w, "Retry-After", ra);
    /*
     * A tarpit that costs no worker, for a key id under attack: nginx sends
     * this answer at auth_tarpit bytes a second (and takes the header off),
     * so the flood's connections wait on nginx, not in the queue in front of
     * the workers.  An address over its limit is answered at once (it may be
     * an office of agents behind one address).
     */
    struct ctx *c = r->ctx;
    const char *rate = o->key && c->cfg->auth_tarpit > 0
                           ? arena_printf(r->arena, "%d", c->cfg->auth_tarpit)
                           : NULL;
    if (rate != NULL)
        http_add_header(w, "X-Accel-Limit-Rate", rate);
    return reply_fail(r, w, APP_ERR_RATE_LIMIT,
                      "Too many failed authentication attempts %s; retry in %ld seconds", o->what,
                      o->retry);
}

/* Counts a failed check of key_id (an existing key, or NULL) from the client's address. */
static void count_failure(struct ctx *c, struct req *r, const char *key_id)
{
    struct rl_limit kl = limit_of(c, 1), al = limit_of(c, 0);
    int64_t now = rl_now_ms();
    const char *kn = key_id ? key_name(r, key_id) : NULL, *an = addr_name(r);

    if (limits == NULL)
        return;
    if (kn != NULL && rl_fail(limits, kn, &kl, now))
        log_warnx("API key %s: %d failed authentications within %lds, the limit; further "
                  "attempts get 429 until they drain",
                  key_id, kl.limit, c->cfg->auth_window);
    if (an != NULL && rl_fail(limits, an, &al, now))
        log_warnx("address %s: %d failed authentications within %lds, the limit; further "
                  "attempts get 429 until they drain",
                  r->remote_addr ? r->remote_addr : "(none)", al.limit, c->cfg->auth_window);
}

enum app_err authn_bcrypt(struct req *r, struct resp *w, const char *secret, const char *hash,
                          int *ok)
{
    struct ctx *c = r->ctx;
    int slot = -1;

    if (limits != NULL) {
        /*
         * A full gate is mostly a moment (fresh workers after a restart all
         * verifying their first keys): wait up to GATE_WAIT_MS for a slot
         * before turning the request away.
         */
        int cap = c->cfg->auth_bcrypt_max;
        for (int waited = 0;; waited += GATE_POLL_MS) {
            if ((slot = rl_gate_enter(limits, cap, (int)getpid())) >= 0 || waited >= GATE_WAIT_MS)
                break;
            struct timespec ts = {0, GATE_POLL_MS * 1000000L};
            nanosleep(&ts, NULL);
        }
        if (slot < 0) {
            http_add_header(w, "Retry-After", "1");
            return reply_fail(r, w, APP_ERR_UNAVAILABLE,
                              "Too many credential checks in progress; retry in 1 second");
        }
    }
    *ok = auth_bcrypt_verify(secret, hash);
    rl_gate_leave(limits, slot);
    return APP_OK;
}

static enum app_err by_api_key(struct ctx *c, struct req *r, struct resp *w, const char *key,
                               const char *secret)
{
    struct store_api_key_row *rows;
    int n;

    /* Bytes no key can hold are a wrong credential, not a malformed request. */
    if (!v_utf8(key, strlen(key)) || !v_utf8(secret, strlen(secret))) {
        struct over o = over_limit(c, r, NULL);
        if (o.what != NULL)
            return too_many(r, w, &o);
        count_failure(c, r, NULL);
        return reply_fail(r, w, APP_ERR_UNAUTHORIZED, "Invalid credential");
    }
    /*
     * Over a limit only a secret this worker verified before goes on: no
     * bcrypt, no query.  Such a secret (every request of a key in steady
     * use) skips the shared table altogether, until a bcrypt looms.
     */
    int known = auth_cache_known_good(key, secret);
    struct over o = {NULL, 0, 0};
    if (!known && (o = over_limit(c, r, key)).what != NULL)
        return too_many(r, w, &o);
    enum app_err e = store_auth_api_keys(c->db, r->arena, key, &rows, &n);

    if (e != APP_OK)
        return e;
    for (int i = 0; i < n; i++) {
        if (rows[i].hash == NULL)
            continue;
        int ok = auth_cache_lookup(key, rows[i].hash, secret);
        metrics_inc(ok < 0 ? METRIC_AUTH_CACHE_MISSES : METRIC_AUTH_CACHE_HITS);
        if (ok < 0) {
            if (known)
                o = over_limit(c, r, key); /* verified under another stored hash: rotated */
            if (o.what != NULL)
                return too_many(r, w, &o);
            if ((e = authn_bcrypt(r, w, secret, rows[i].hash, &ok)) != APP_OK)
                return e;
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
    if (o.what != NULL)
        return too_many(r, w, &o);
    count_failure(c, r, n > 0 ? key : NULL);
    return reply_fail(r, w, APP_ERR_UNAUTHORIZED, "Invalid credential");
}

/* A session check failed: 401, counted; or the 429 when the address is over its limit. */
static enum app_err session_failed(struct ctx *c, struct req *r, struct resp *w,
                                   const struct over *o)
{
    if (o->what != NULL)
        return too_many(r, w, o);
    count_failure(c, r, NULL);
    return reply_fail(r, w, APP_ERR_UNAUTHORIZED, "Invalid or expired session");
}

enum app_err authn_session(struct db *db, struct arena *a, const char *token,
                           struct principal **out, int64_t *ref_version)
{
    long sub, sid;

    *out = NULL;
    /* A signed token whose ids no row can have (users.id is an int) is no session either. */
    if (auth_jwt_verify(token, token_key, sizeof(token_key), (long)time(NULL), &sub, &sid) != 0 ||
        sub <= 0 || sub > INT32_MAX || sid <= 0)
        return APP_ERR_UNAUTHORIZED;
    return authn_session_ids(db, a, sub, sid, out, ref_version);
}

enum app_err authn_session_ids(struct db *db, struct arena *a, int64_t sub, int64_t sid,
                               struct principal **out, int64_t *ref_version)
{
    struct store_session s;

    *out = NULL;
    enum app_err e = store_auth_session(db, a, sid, sub, &s);
    if (e == APP_ERR_NOT_FOUND)
        return APP_ERR_UNAUTHORIZED;
    if (e != APP_OK)
        return e;
    if (!s.enabled)
        return APP_ERR_PERMISSION;
    struct principal *p = principal_new(a, s.perms_csv);
    if (p == NULL)
        return APP_ERR_INTERNAL;
    p->id = sub;
    p->session_id = sid;
    *out = p;
    if (ref_version != NULL)
        *ref_version = s.ref_version;
    return APP_OK;
}

static enum app_err by_session(struct ctx *c, struct req *r, struct resp *w, const char *token)
{
    struct principal *p;
    int64_t ref_version = 0;

    /*
     * Over the address limit a token still costs its HMAC (no more than a
     * 429 would), and one that verifies reaches its session row: a valid
     * session keeps working from a shared address under attack.
     */
    struct over o = over_limit(c, r, NULL);
    enum app_err e = authn_session(c->db, r->arena, token, &p, &ref_version);
    if (e == APP_ERR_UNAUTHORIZED)
        return session_failed(c, r, w, &o);
    if (e == APP_ERR_PERMISSION)
        return reply_fail(r, w, APP_ERR_PERMISSION,
                          "Your account is disabled, Please contact administrator");
    if (e != APP_OK)
        return e;
    c->who = p;
    c->ref_version = ref_version;
    return APP_OK;
}

enum app_err authn_peer_request(struct ctx *c, struct req *r, struct resp *w,
                                const struct dialect *d)
{
    const char *key, *secret;

    if (auth_parse_key_pair(r->arena, dialect_key_of(d, r), &key, &secret))
        return by_api_key(c, r, w, key, secret);
    return reply_fail(r, w, APP_ERR_UNAUTHORIZED, "Invalid or missing API key");
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
