/*
 * h_auth.c - browser sessions: login (bcrypt, a session row, a signed
 * token in the libredesk_session cookie, the csrf_token cookie) and logout
 * (the session row revoked, the cookie cleared).
 */
#include "api/handlers.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/arena.h"
#include "lib/auth.h"
#include "server/config.h"
#include "lib/crypto.h"
#include "lib/http.h"
#include "server/ctx.h"
#include "server/authn.h"
#include "server/body.h"
#include "store/queries.h"

#define ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

/* A hash nobody's password matches, so an unknown e-mail costs a bcrypt as well. */
static const char dummy_hash[] = "$2b$10$4Ie1AJZKK0NWrhmF2X2PtuJ1Dl1Yx2OBmUBcpHGqYnlt0IHxLmmWe";

enum app_err h_auth_login(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct json_object *b;
    enum app_err e = body_object(r, w, &b);

    if (e != APP_OK)
        return e;
    const char *email = body_string(b, "email");
    const char *password = body_string(b, "password");
    if (email == NULL || *email == '\0' || password == NULL || *password == '\0') {
        w->message = "`email` and `password` are required";
        return APP_ERR_INPUT;
    }
    const char *id = NULL, *hash = NULL;
    int enabled = 0;
    if ((e = q_login_user(c->db, r->arena, email, &id, &hash, &enabled)) != APP_OK)
        return e;
    int ok = auth_bcrypt_verify(password, hash != NULL ? hash : dummy_hash);
    if (id == NULL || hash == NULL || !ok) {
        w->message = "Invalid email or password.";
        return APP_ERR_INPUT;
    }
    if (!enabled) {
        w->message = "Your account is disabled, Please contact administrator";
        return APP_ERR_PERMISSION;
    }

    /* Keep the client's CSRF cookie if it has one (the SPA sets it first). */
    const char *csrf = http_cookie(r->arena, r->cookie, "csrf_token");
    int new_csrf = csrf == NULL || strlen(csrf) < 16 || strlen(csrf) > 128;
    if (new_csrf) {
        char raw[33];
        char *enc = arena_alloc(r->arena, 64);
        if (enc == NULL || crypto_random_string(raw, 32, ALNUM) != 0)
            return APP_ERR_INTERNAL;
        crypto_b64encode((const unsigned char *)raw, 32, enc);
        csrf = enc;
    }
    long long sid, iat, exp;
    const char *ttl = arena_printf(r->arena, "%ld", c->cfg->session_ttl);
    if ((e = q_session_create(c->db, r->arena, id, ttl, csrf, r->user_agent, r->remote_addr, &sid,
                              &iat, &exp)) != APP_OK)
        return e;
    size_t klen;
    const unsigned char *key = authn_token_key(&klen);
    char *token =
        auth_jwt_sign(r->arena, key, klen, strtol(id, NULL, 10), (long)sid, (long)iat, (long)exp);
    if (token == NULL)
        return APP_ERR_INTERNAL;
    const char *secure = c->cfg->secure_cookies ? "; Secure" : "";
    http_add_header(w, "Set-Cookie",
                    arena_printf(r->arena,
                                 "libredesk_session=%s; Path=/; Max-Age=%ld; HttpOnly; "
                                 "SameSite=Lax%s",
                                 token, c->cfg->session_ttl, secure));
    if (new_csrf)
        http_add_header(
            w, "Set-Cookie",
            arena_printf(r->arena, "csrf_token=%s; Path=/; SameSite=Lax%s", csrf, secure));
    const char *p2[1] = {id};
    (void)store_one(c->db, r->arena, STMT_LOGIN_TOUCH, p2, NULL, NULL);
    return store_json(c->db, r->arena, STMT_AGENT_JSON, p2, &w->data_json, &w->data_len);
}

/* Revokes the caller's session (an API key has none) and clears the cookie. */
static enum app_err logout(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    if (c->who->session_id != NULL) {
        const char *p[1] = {c->who->session_id};
        enum app_err e = store_one(c->db, r->arena, STMT_SESSION_REVOKE, p, NULL, NULL);
        if (e != APP_OK)
            return e;
    }
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
