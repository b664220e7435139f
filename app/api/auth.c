/*
 * api/auth.c - browser sessions: login (bcrypt, a session row, a signed
 * token in the libredesk_session cookie, the csrf_token cookie) and logout
 * (the session row revoked, the cookie cleared).
 */
#include "api/auth.h"

#include <stdlib.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/auth.h"
#include "lib/crypto.h"
#include "lib/http.h"
#include "rules/limits.h"
#include "server/authn.h"
#include "server/body.h"
#include "server/config.h"
#include "server/ctx.h"
#include "server/reply.h"
#include "store/activity_log.h"
#include "store/agents.h"
#include "store/auth.h"

#define CSRF_RANDOM_LEN 32 /* characters of a new CSRF token, before base64 */

/* A hash nobody's password matches, so an unknown e-mail costs a bcrypt as well. */
static const char dummy_hash[] = "$2b$10$4Ie1AJZKK0NWrhmF2X2PtuJ1Dl1Yx2OBmUBcpHGqYnlt0IHxLmmWe";

/* The client's CSRF token if it has a plausible one (the SPA sets it first), else a new one. */
static enum app_err csrf_token(struct req *r, const char **csrf, int *fresh)
{
    *csrf = http_cookie(r->arena, r->cookie, "csrf_token");
    *fresh = *csrf == NULL || strlen(*csrf) < 16 || strlen(*csrf) > 128;
    if (!*fresh)
        return APP_OK;
    char raw[CSRF_RANDOM_LEN + 1];
    char *enc = arena_alloc(r->arena, 64);
    if (enc == NULL || crypto_random_string(raw, CSRF_RANDOM_LEN, KEY_ALPHABET) != 0)
        return APP_ERR_INTERNAL;
    crypto_b64encode((const unsigned char *)raw, CSRF_RANDOM_LEN, enc);
    *csrf = enc;
    return APP_OK;
}

enum app_err h_auth_login(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct json_object *b;
    enum app_err e = body_object(r, w, &b);

    if (e != APP_OK)
        return e;
    const char *email = body_string(b, "email");
    const char *password = body_string(b, "password");
    if (email == NULL || *email == '\0' || password == NULL || *password == '\0')
        return reply_fail(r, w, APP_ERR_INPUT, "`email` and `password` are required");
    struct store_login who;
    e = store_auth_login_user(c->db, r->arena, email, &who);
    if (e != APP_OK && e != APP_ERR_NOT_FOUND)
        return e;
    int ok;
    enum app_err busy = authn_bcrypt(r, w, password, who.hash != NULL ? who.hash : dummy_hash, &ok);
    if (busy != APP_OK)
        return busy;
    if (e == APP_ERR_NOT_FOUND || who.hash == NULL || !ok)
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid email or password.");
    if (!who.enabled)
        return reply_fail(r, w, APP_ERR_PERMISSION,
                          "Your account is disabled, Please contact administrator");

    const char *csrf;
    int new_csrf;
    if ((e = csrf_token(r, &csrf, &new_csrf)) != APP_OK)
        return e;
    struct store_session_new s;
    if ((e = store_auth_session_create(c->db, r->arena, who.id, c->cfg->session_ttl, csrf,
                                       r->user_agent, r->remote_addr, &s)) != APP_OK)
        return e;
    size_t klen;
    const unsigned char *key = authn_token_key(&klen);
    char *token =
        auth_jwt_sign(r->arena, key, klen, (long)who.id, (long)s.id, (long)s.iat, (long)s.exp);
    if (token == NULL)
        return APP_ERR_INTERNAL;
    const char *secure = c->cfg->secure_cookies ? "; Secure" : "";
    const char *session_cookie = arena_printf(
        r->arena, "libredesk_session=%s; Path=/; Max-Age=%ld; HttpOnly; SameSite=Lax%s", token,
        c->cfg->session_ttl, secure);
    const char *csrf_cookie =
        new_csrf ? arena_printf(r->arena, "csrf_token=%s; Path=/; SameSite=Lax%s", csrf, secure)
                 : "";
    if (session_cookie == NULL || csrf_cookie == NULL)
        return APP_ERR_INTERNAL;
    http_add_header(w, "Set-Cookie", session_cookie);
    if (new_csrf)
        http_add_header(w, "Set-Cookie", csrf_cookie);
    (void)store_auth_login_touch(c->db, r->arena, who.id);
    (void)store_activity_log_login(c->db, r->arena, who.id, r->remote_addr);
    e = store_agent_json(c->db, r->arena, who.id, &w->data_json, &w->data_len);
    return e == APP_ERR_NOT_FOUND ? APP_OK : e; /* deleted meanwhile: data is true */
}

/* Revokes the caller's session (an API key has none) and clears the cookie. */
static enum app_err logout(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    if (c->who->session_id != 0) {
        enum app_err e = store_auth_session_revoke(c->db, r->arena, c->who->session_id);
        if (e != APP_OK)
            return e;
    }
    (void)store_activity_log_logout(c->db, r->arena, c->who->id, r->remote_addr);
    http_add_header(w, "Set-Cookie",
                    c->cfg->secure_cookies
                        ? "libredesk_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure"
                        : "libredesk_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
    return APP_OK;
}

enum app_err h_auth_logout(struct req *r, struct resp *w)
{
    return logout(r, w);
}

/* GET /logout: as upstream, then a redirect to the application's root. */
enum app_err h_logout_redirect(struct req *r, struct resp *w)
{
    enum app_err e = logout(r, w);
    if (e == APP_OK) {
        w->status = 302;
        http_add_header(w, "Location", "/");
    }
    return e;
}
