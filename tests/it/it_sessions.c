/*
 * it_sessions.c - browser sessions over HTTP: login, cookie and Bearer use,
 * CSRF, logout, and tokens the server must refuse (forged with the real key
 * derived from the stack's secret, so that only the property under test is
 * wrong).
 */
#include <jwt.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../suite_of.h"
#include "it.h"

static const char *const ZERO =
    "/api/v1/conversations/00000000-0000-0000-0000-000000000000/priority";
static const char *const PRIO = "{\"priority\":\"High\"}";

static long with_cookie(const char *method, const char *path, const char *tok, const char *csrf,
                        const char *body)
{
    char h[4096];
    if (csrf)
        snprintf(h, sizeof(h), "Cookie: libredesk_session=%s; csrf_token=%s\nX-CSRFTOKEN: %s", tok,
                 csrf, csrf);
    else
        snprintf(h, sizeof(h), "Cookie: libredesk_session=%s", tok);
    struct http_res r = http_do(method, path, NULL, body, body ? strlen(body) : 0, h);
    long st = r.status;
    http_res_free(&r);
    return st;
}

static long with_bearer(const char *method, const char *path, const char *tok, const char *body)
{
    char h[4200];
    snprintf(h, sizeof(h), "Bearer %.4000s", tok);
    struct http_res r = http_do(method, path, h, body, body ? strlen(body) : 0, NULL);
    long st = r.status;
    http_res_free(&r);
    return st;
}

/* A fresh agent with a password; its id into id. */
static void agent(char *email, size_t elen, char *id, size_t ilen)
{
    static int seq;
    snprintf(email, elen, "sess-%ld-%d@example.com", (long)getpid(), ++seq);
    it_make_agent(email, "S", "Agent", "Sess-Passw0rd!", id, ilen, NULL, 0);
}

START_TEST(test_login_and_use)
{
    char email[96], id[16], tok[2048], csrf[128], sql[256];
    agent(email, sizeof(email), id, sizeof(id));
    ck_assert_int_eq(it_login(email, "wrong-Passw0rd!", tok, sizeof(tok), NULL, 0), 400);
    ck_assert_int_eq(it_login("nobody@example.com", "Sess-Passw0rd!", NULL, 0, NULL, 0), 400);
    struct http_res r =
        http_do("POST", "/api/v1/auth/login", NULL, "{\"email\":\"a@b.co\"}", 18, NULL);
    assert_error(&r, 400, "`email` and `password` are required", "InputException");
    http_res_free(&r);

    ck_assert_int_eq(it_login(email, "Sess-Passw0rd!", tok, sizeof(tok), csrf, sizeof(csrf)), 200);
    ck_assert_uint_gt(strlen(tok), 20);
    ck_assert_uint_gt(strlen(csrf), 16);
    snprintf(sql, sizeof(sql),
             "SELECT count(*) || '/' || bool_and(revoked_at IS NULL) FROM sessions"
             " WHERE user_id = %s",
             id);
    char *v = sql_value(sql);
    ck_assert_str_eq(v, "1/true");
    free(v);
    snprintf(sql, sizeof(sql), "SELECT last_login_at IS NOT NULL FROM users WHERE id = %s", id);
    v = sql_value(sql);
    ck_assert_str_eq(v, "t");
    free(v);

    ck_assert_int_eq(with_cookie("GET", "/api/v1/agents/me", tok, NULL, NULL), 200);
    ck_assert_int_eq(with_bearer("GET", "/api/v1/agents/me", tok, NULL), 200);
    /* Cookie writes need the CSRF pair, checked before anything else; Bearer needs none. */
    ck_assert_int_eq(with_cookie("PUT", ZERO, tok, NULL, PRIO), 403);
    char h[4096];
    snprintf(h, sizeof(h), "Cookie: libredesk_session=%s; csrf_token=%s\nX-CSRFTOKEN: not-%s", tok,
             csrf, csrf);
    r = http_do("PUT", ZERO, NULL, PRIO, strlen(PRIO), h);
    assert_error(&r, 403, "CSRF token mismatch", "PermissionException");
    http_res_free(&r);
    ck_assert_int_eq(with_cookie("PUT", ZERO, tok, csrf, PRIO),
                     404); /* past auth: no such conversation */
    ck_assert_int_eq(with_bearer("PUT", ZERO, tok, PRIO), 404);

    /* Logout revokes the session row: the token is dead everywhere. */
    ck_assert_int_eq(with_cookie("POST", "/api/v1/auth/logout", tok, csrf, NULL), 200);
    ck_assert_int_eq(with_cookie("GET", "/api/v1/agents/me", tok, NULL, NULL), 401);
    ck_assert_int_eq(with_bearer("GET", "/api/v1/agents/me", tok, NULL), 401);
    snprintf(sql, sizeof(sql),
             "SELECT bool_and(revoked_at IS NOT NULL) FROM sessions WHERE user_id = %s", id);
    v = sql_value(sql);
    ck_assert_str_eq(v, "t");
    free(v);

    /* GET /logout redirects to the root, as upstream. */
    ck_assert_int_eq(it_login(email, "Sess-Passw0rd!", tok, sizeof(tok), NULL, 0), 200);
    snprintf(h, sizeof(h), "Cookie: libredesk_session=%s", tok);
    r = http_do("GET", "/logout", NULL, NULL, 0, h);
    ck_assert_int_eq(r.status, 302);
    char loc[64];
    ck_assert_str_eq(http_header(&r, "Location", loc, sizeof(loc)), "/");
    http_res_free(&r);
    ck_assert_int_eq(with_bearer("GET", "/api/v1/agents/me", tok, NULL), 401);
}
END_TEST

/* The stack's token key: HMAC-SHA-256(secret, label), as app/authn.c derives it. */
static void token_key(unsigned char key[32])
{
    char path[1024], secret[256] = "";
    snprintf(path, sizeof(path), "%s/secret", getenv("DESKD_VAR"));
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "no %s", path);
    ck_assert_ptr_nonnull(fgets(secret, sizeof(secret), f));
    fclose(f);
    secret[strcspn(secret, "\r\n ")] = '\0';
    unsigned int n = 32;
    static const char label[] = "deskd session tokens v1";
    HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)label, sizeof(label) - 1,
         key, &n);
}

static char *sign(jwt_alg_t alg, const unsigned char *key, int klen, long sub, long sid, long iat,
                  long exp, int with_exp)
{
    jwt_t *j;
    ck_assert_int_eq(jwt_new(&j), 0);
    jwt_add_grant_int(j, "sub", sub);
    jwt_add_grant_int(j, "sid", sid);
    jwt_add_grant_int(j, "iat", iat);
    if (with_exp)
        jwt_add_grant_int(j, "exp", exp);
    jwt_set_alg(j, alg, alg == JWT_ALG_NONE ? NULL : key, alg == JWT_ALG_NONE ? 0 : klen);
    char *t = jwt_encode_str(j);
    jwt_free(j);
    return t;
}

START_TEST(test_refused_tokens)
{
    char email[96], id[16], tok[2048], sql[256];
    unsigned char key[32], wrong[32];
    agent(email, sizeof(email), id, sizeof(id));
    ck_assert_int_eq(it_login(email, "Sess-Passw0rd!", tok, sizeof(tok), NULL, 0), 200);
    snprintf(sql, sizeof(sql), "SELECT max(id) FROM sessions WHERE user_id = %s", id);
    char *sidv = sql_value(sql);
    long sid = atol(sidv), sub = atol(id), now = (long)time(NULL);
    free(sidv);
    token_key(key);
    memcpy(wrong, key, 32);
    wrong[0] ^= 1;

    /* The control: a token made here with the real key and claims is accepted. */
    char *t = sign(JWT_ALG_HS256, key, 32, sub, sid, now, now + 600, 1);
    ck_assert_int_eq(with_bearer("GET", "/api/v1/agents/me", t, NULL), 200);
    free(t);
    struct {
        const char *what;
        char *token;
    } bad[] = {
        {"alg none", sign(JWT_ALG_NONE, key, 32, sub, sid, now, now + 600, 1)},
        {"HS384", sign(JWT_ALG_HS384, key, 32, sub, sid, now, now + 600, 1)},
        {"wrong key", sign(JWT_ALG_HS256, wrong, 32, sub, sid, now, now + 600, 1)},
        {"no exp", sign(JWT_ALG_HS256, key, 32, sub, sid, now, 0, 0)},
        {"past exp", sign(JWT_ALG_HS256, key, 32, sub, sid, now - 1000, now - 10, 1)},
        {"iat ahead", sign(JWT_ALG_HS256, key, 32, sub, sid, now + 3600, now + 7200, 1)},
        {"sid of another user", sign(JWT_ALG_HS256, key, 32, sub + 1, sid, now, now + 600, 1)},
        {"no such user", sign(JWT_ALG_HS256, key, 32, 99999999, sid, now, now + 600, 1)},
        {"no such session", sign(JWT_ALG_HS256, key, 32, sub, sid + 1000000, now, now + 600, 1)},
        /* Signed with the key, but ids no row can have (users.id is an int): 401, not 400. */
        {"sub beyond int", sign(JWT_ALG_HS256, key, 32, 4294967296L, sid, now, now + 600, 1)},
        {"negative sub", sign(JWT_ALG_HS256, key, 32, -1, sid, now, now + 600, 1)},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_msg(with_bearer("GET", "/api/v1/agents/me", bad[i].token, NULL) == 401,
                      "%s accepted", bad[i].what);
        ck_assert_msg(with_cookie("GET", "/api/v1/agents/me", bad[i].token, NULL, NULL) == 401,
                      "%s accepted as a cookie", bad[i].what);
        free(bad[i].token);
    }
    /* An RS256 header over an HMAC made with the key, and a tampered payload. */
    char forged[4096];
    snprintf(forged, sizeof(forged), "%s", tok);
    char *dot = strchr(forged, '.');
    ck_assert_ptr_nonnull(dot);
    char rs[4200];
    snprintf(rs, sizeof(rs), "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9%s", dot);
    ck_assert_int_eq(with_bearer("GET", "/api/v1/agents/me", rs, NULL), 401);
    char *dot2 = strchr(dot + 1, '.');
    dot[1] = dot[1] == 'e' ? 'f' : 'e';
    (void)dot2;
    ck_assert_int_eq(with_bearer("GET", "/api/v1/agents/me", forged, NULL), 401);

    /* The session row decides: expired, then the agent disabled (403), then deleted. */
    ck_assert_int_eq(with_bearer("GET", "/api/v1/agents/me", tok, NULL), 200);
    snprintf(sql, sizeof(sql), "UPDATE users SET enabled = FALSE WHERE id = %s", id);
    sql_exec(sql);
    struct http_res r;
    char h[4200];
    snprintf(h, sizeof(h), "Bearer %.4000s", tok);
    r = http_do("GET", "/api/v1/agents/me", h, NULL, 0, NULL);
    assert_error(&r, 403, "Your account is disabled, Please contact administrator",
                 "PermissionException");
    http_res_free(&r);
    ck_assert_int_eq(it_login(email, "Sess-Passw0rd!", NULL, 0, NULL, 0), 403);
    snprintf(sql, sizeof(sql), "UPDATE users SET enabled = TRUE, deleted_at = now() WHERE id = %s",
             id);
    sql_exec(sql);
    ck_assert_int_eq(with_bearer("GET", "/api/v1/agents/me", tok, NULL), 401);
    snprintf(sql, sizeof(sql),
             "UPDATE users SET deleted_at = NULL WHERE id = %s;"
             "UPDATE sessions SET expires_at = now() - interval '1 second'"
             " WHERE user_id = %s",
             id, id);
    sql_exec(sql);
    ck_assert_int_eq(with_bearer("GET", "/api/v1/agents/me", tok, NULL), 401);
}
END_TEST

START_TEST(test_login_rate_limit)
{
    /* 30 a minute with a burst of 10 per address: a rush gets 429s in the envelope. */
    long limited = 0;
    for (int i = 0; i < 40; i++) {
        struct http_res r = http_do("POST", "/api/v1/auth/login", NULL,
                                    "{\"email\":\"x@example.com\",\"password\":\"y\"}", 41, NULL);
        if (r.status == 429) {
            char ra[16];
            if (limited++ == 0) {
                assert_error(&r, 429, "Rate limit exceeded", "RateLimitException");
                ck_assert_str_eq(http_header(&r, "Retry-After", ra, sizeof(ra)), "60");
            }
        } else {
            ck_assert_int_eq(r.status, 400);
        }
        http_res_free(&r);
    }
    ck_assert_int_ge(limited, 20);
}
END_TEST

Suite *it_sessions_suite(void)
{
    /* The rate-limit test runs last: it uses up this address's login budget. */
    return SUITE_OF("sessions", 60, NULL, NULL, test_login_and_use, test_refused_tokens,
                    test_login_rate_limit);
}
