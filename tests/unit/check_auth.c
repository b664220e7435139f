/* check_auth.c - API-key header parsing, bcrypt and the verified-key cache (lib/auth.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/auth.h"
#include "lib/crypto.h"
#include "lib/env.h"
#include "server/config.h"

#include <jwt.h>
#include "../suite_of.h"
#include "suites.h"

static struct arena *ar;

static void setup(void)
{
    ar = arena_new(1 << 20);
    auth_cache_clear();
}

static void teardown(void)
{
    arena_free(ar);
}

static int parse(const char *h, const char **k, const char **s)
{
    return auth_parse_api_key(ar, h, k, s);
}

START_TEST(test_token_scheme)
{
    const char *k, *s;
    ck_assert_int_eq(parse("token KEY:SECRET", &k, &s), 1);
    ck_assert_str_eq(k, "KEY");
    ck_assert_str_eq(s, "SECRET");
    ck_assert_int_eq(parse("token   KEY:SEC:RET  ", &k, &s), 1);
    ck_assert_str_eq(k, "KEY");
    ck_assert_str_eq(s, "SEC:RET");                         /* split on the first colon */
    ck_assert_int_eq(parse("Token KEY:SECRET", &k, &s), 0); /* scheme is case-sensitive */
    ck_assert_int_eq(parse("token KEYSECRET", &k, &s), 0);
    ck_assert_int_eq(parse("token :SECRET", &k, &s), 0);
    ck_assert_int_eq(parse("token KEY:", &k, &s), 0);
    ck_assert_int_eq(parse("token", &k, &s), 0);
    ck_assert_int_eq(parse("Bearer abc.def.ghi", &k, &s), 0);
    ck_assert_int_eq(parse(NULL, &k, &s), 0);
    ck_assert_int_eq(parse("", &k, &s), 0);
}
END_TEST

START_TEST(test_basic_scheme)
{
    const char *k, *s;
    /* base64("KEY:SECRET") */
    ck_assert_int_eq(parse("Basic S0VZOlNFQ1JFVA==", &k, &s), 1);
    ck_assert_str_eq(k, "KEY");
    ck_assert_str_eq(s, "SECRET");
    ck_assert_int_eq(parse("basic S0VZOlNFQ1JFVA==", &k, &s), 0);
    ck_assert_int_eq(parse("Basic S0VZOlNFQ1JFVA=", &k, &s), 0);  /* bad length */
    ck_assert_int_eq(parse("Basic S0VZ*lNFQ1JFVA==", &k, &s), 0); /* bad alphabet */
    ck_assert_int_eq(parse("Basic S0VZU0VDUkVU", &k, &s), 0);     /* "KEYSECRET": no colon */
    ck_assert_int_eq(parse("Basic OlNFQ1JFVA==", &k, &s), 0);     /* ":SECRET" */
    ck_assert_int_eq(parse("Basic S0U=S0VZ", &k, &s), 0);         /* padding in the middle */
    ck_assert_int_eq(parse("Basic ", &k, &s), 0);
}
END_TEST

START_TEST(test_b64)
{
    unsigned char out[32];
    ck_assert_int_eq(crypto_b64decode("", 0, out), 0);
    ck_assert_int_eq(crypto_b64decode("Zg==", 4, out), 1);
    ck_assert_str_eq((char *)out, "f");
    ck_assert_int_eq(crypto_b64decode("Zm8=", 4, out), 2);
    ck_assert_int_eq(crypto_b64decode("Zm9v", 4, out), 3);
    ck_assert_int_eq(crypto_b64decode("Z===", 4, out), -1);
    char enc[16];
    ck_assert_uint_eq(crypto_b64encode((const unsigned char *)"foob", 4, enc), 8);
    ck_assert_str_eq(enc, "Zm9vYg==");
}
END_TEST

START_TEST(test_bcrypt_known_vector)
{
    /* A published $2a$ vector (the crypt_blowfish test suite), as Go's bcrypt writes them. */
    ck_assert_int_eq(
        auth_bcrypt_verify("U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"),
        1);
    ck_assert_int_eq(
        auth_bcrypt_verify("U*V", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"),
        0);
    ck_assert_int_eq(auth_bcrypt_verify("x", "plaintext"), 0);
    ck_assert_int_eq(auth_bcrypt_verify("x", "$1$abc$abcdefghijklmnopqrstuv"), 0);
    ck_assert_int_eq(auth_bcrypt_verify("x", ""), 0);
}
END_TEST

START_TEST(test_bcrypt_roundtrip)
{
    char hash[128];
    ck_assert_int_eq(auth_bcrypt_hash("s3cret", 4, hash, sizeof(hash)), 0);
    ck_assert_int_eq(strncmp(hash, "$2b$04$", 7), 0);
    ck_assert_uint_eq(strlen(hash), 60);
    ck_assert_int_eq(auth_bcrypt_verify("s3cret", hash), 1);
    ck_assert_int_eq(auth_bcrypt_verify("s3cres", hash), 0);
    ck_assert_int_eq(auth_bcrypt_hash("x", 3, hash, sizeof(hash)), -1);
}
END_TEST

START_TEST(test_cache)
{
    const char *h1 = "$2b$04$aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const char *h2 = "$2b$04$bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    ck_assert_int_eq(auth_cache_lookup("k", h1, "good"), -1);
    auth_cache_store("k", h1, "good", 1);
    auth_cache_store("k", h1, "bad", 0);
    ck_assert_int_eq(auth_cache_lookup("k", h1, "good"), 1);
    ck_assert_int_eq(auth_cache_lookup("k", h1, "bad"), 0);
    ck_assert_int_eq(auth_cache_lookup("k", h1, "other"), -1);
    /* A regenerated key has a new stored hash: the old verdict never applies. */
    ck_assert_int_eq(auth_cache_lookup("k", h2, "good"), -1);
    ck_assert_int_eq(auth_cache_lookup("k2", h1, "good"), -1);
    ck_assert_int_eq(auth_cache_touch_due("k", h1, 1000, 60), 1);
    ck_assert_int_eq(auth_cache_touch_due("k", h1, 1030, 60), 0);
    ck_assert_int_eq(auth_cache_touch_due("k", h1, 1061, 60), 1);
    /*
     * Eviction: many other keys push the entries out; they are then unknown
     * (bcrypt again), never wrong, and the newest stay.
     */
    for (int i = 0; i < 200; i++) {
        char key[16];
        snprintf(key, sizeof(key), "x%d", i);
        auth_cache_store(key, h1, "s", 1);
    }
    ck_assert_int_eq(auth_cache_lookup("k", h1, "good"), -1);
    ck_assert_int_eq(auth_cache_lookup("k", h1, "bad"), -1);
    ck_assert_int_eq(auth_cache_lookup("x199", h1, "s"), 1);
    ck_assert_int_eq(auth_cache_lookup("x199", h1, "t"), -1);
}
END_TEST

START_TEST(test_random_string)
{
    char a[65], b[65];
    ck_assert_int_eq(crypto_random_string(a, 64, "ab"), 0);
    ck_assert_uint_eq(strlen(a), 64);
    ck_assert_uint_eq(strspn(a, "ab"), 64);
    ck_assert_int_eq(crypto_random_string(
                         b, 64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
                     0);
    ck_assert_int_eq(crypto_random_string(
                         a, 64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
                     0);
    ck_assert_str_ne(a, b);
}
END_TEST

static const unsigned char KEY[] = "0123456789abcdef0123456789abcdef";
#define KEYLEN (sizeof(KEY) - 1)
#define NOW 1800000000L

/* base64url without padding. */
static char *b64url(const char *in)
{
    char *out = arena_alloc(ar, 4 * strlen(in) / 3 + 8);
    size_t n = crypto_b64encode((const unsigned char *)in, strlen(in), out);
    while (n > 0 && out[n - 1] == '=')
        n--;
    out[n] = '\0';
    for (char *p = out; *p; p++)
        *p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
    return out;
}

/* header.payload with an HS256 signature under key (whatever the header claims). */
static char *forge(const char *header, const char *payload, const unsigned char *key, size_t klen)
{
    char *h = b64url(header), *p = b64url(payload);
    char *signing = arena_printf(ar, "%s.%s", h, p);
    unsigned char mac[CRYPTO_SHA256_LEN];
    crypto_hmac_sha256(key, klen, signing, strlen(signing), mac);
    /* the MAC may hold NUL bytes: encode by length */
    char *sig = arena_alloc(ar, 64);
    size_t n = crypto_b64encode(mac, CRYPTO_SHA256_LEN, sig);
    while (n > 0 && sig[n - 1] == '=')
        n--;
    sig[n] = '\0';
    for (char *q = sig; *q; q++)
        *q = *q == '+' ? '-' : *q == '/' ? '_' : *q;
    return arena_printf(ar, "%s.%s", signing, sig);
}

START_TEST(test_jwt_roundtrip)
{
    long sub = 0, sid = 0;
    char *tok = auth_jwt_sign(ar, KEY, KEYLEN, 42, 7, NOW, NOW + 3600);
    ck_assert_ptr_nonnull(tok);
    ck_assert_int_eq(auth_jwt_verify(tok, KEY, KEYLEN, NOW + 10, &sub, &sid), 0);
    ck_assert_int_eq(sub, 42);
    ck_assert_int_eq(sid, 7);
    /* The same claims, forged by hand with the right key, verify too: the helper is sound. */
    char *same = forge("{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
                       "{\"sub\":42,\"sid\":7,\"iat\":1800000000,\"exp\":1800003600}", KEY, KEYLEN);
    ck_assert_int_eq(auth_jwt_verify(same, KEY, KEYLEN, NOW, &sub, &sid), 0);
}
END_TEST

START_TEST(test_jwt_forgeries)
{
    long sub, sid;
    const char *claims = "{\"sub\":42,\"sid\":7,\"iat\":1800000000,\"exp\":1800003600}";
    /* alg:none, with and without a signature part */
    char *none =
        arena_printf(ar, "%s.%s.", b64url("{\"alg\":\"none\",\"typ\":\"JWT\"}"), b64url(claims));
    ck_assert_int_eq(auth_jwt_verify(none, KEY, KEYLEN, NOW, &sub, &sid), -1);
    char *none2 = arena_printf(ar, "%s.%s", b64url("{\"alg\":\"none\"}"), b64url(claims));
    ck_assert_int_eq(auth_jwt_verify(none2, KEY, KEYLEN, NOW, &sub, &sid), -1);
    /* Other algorithms are refused even when the signature is right for them. */
    jwt_t *j;
    ck_assert_int_eq(jwt_new(&j), 0);
    jwt_add_grant_int(j, "sub", 42);
    jwt_add_grant_int(j, "sid", 7);
    jwt_add_grant_int(j, "iat", NOW);
    jwt_add_grant_int(j, "exp", NOW + 3600);
    jwt_set_alg(j, JWT_ALG_HS384, KEY, KEYLEN);
    char *hs384 = jwt_encode_str(j);
    jwt_free(j);
    ck_assert_int_eq(auth_jwt_verify(hs384, KEY, KEYLEN, NOW, &sub, &sid), -1);
    free(hs384);
    /* An RS256 header over an HMAC signature (algorithm confusion). */
    ck_assert_int_eq(
        auth_jwt_verify(forge("{\"alg\":\"RS256\",\"typ\":\"JWT\"}", claims, KEY, KEYLEN), KEY,
                        KEYLEN, NOW, &sub, &sid),
        -1);
    /* A tampered payload, and a token signed with another key. */
    char *good = auth_jwt_sign(ar, KEY, KEYLEN, 42, 7, NOW, NOW + 3600);
    char *dot1 = strchr(good, '.'), *dot2 = strchr(dot1 + 1, '.');
    char *tampered =
        arena_printf(ar, "%.*s.%s%s", (int)(dot1 - good), good,
                     b64url("{\"sub\":1,\"sid\":7,\"iat\":1800000000,\"exp\":1800003600}"), dot2);
    ck_assert_int_eq(auth_jwt_verify(tampered, KEY, KEYLEN, NOW, &sub, &sid), -1);
    const unsigned char other[] = "another key, just as long as the first";
    ck_assert_int_eq(auth_jwt_verify(forge("{\"alg\":\"HS256\"}", claims, other, sizeof(other) - 1),
                                     KEY, KEYLEN, NOW, &sub, &sid),
                     -1);
    /* Claims: exp required and in the future, iat not ahead, sub and sid integers. */
    struct {
        const char *claims;
        long now;
    } bad[] = {
        {"{\"sub\":42,\"sid\":7,\"iat\":1800000000}", NOW},
        {claims, NOW + 3600},
        {claims, NOW + 7200},
        {"{\"sub\":42,\"sid\":7,\"iat\":1800000500,\"exp\":1800003600}", NOW},
        {"{\"sub\":42,\"iat\":1800000000,\"exp\":1800003600}", NOW},
        {"{\"sub\":\"42\",\"sid\":7,\"iat\":1800000000,\"exp\":1800003600}", NOW},
        {"{\"sub\":42,\"sid\":7,\"iat\":1800000000,\"exp\":\"1800003600\"}", NOW},
        {"{\"sub\":0,\"sid\":7,\"iat\":1800000000,\"exp\":1800003600}", NOW},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(auth_jwt_verify(forge("{\"alg\":\"HS256\"}", bad[i].claims, KEY, KEYLEN), KEY,
                                      KEYLEN, bad[i].now, &sub, &sid) == -1,
                      "accepted %s", bad[i].claims);
    /* Garbage, a NULL key, an oversized token. */
    ck_assert_int_eq(auth_jwt_verify("not.a.jwt", KEY, KEYLEN, NOW, &sub, &sid), -1);
    ck_assert_int_eq(auth_jwt_verify(good, NULL, 0, NOW, &sub, &sid), -1);
    char *huge = arena_alloc(ar, AUTH_JWT_MAX + 10);
    memset(huge, 'a', AUTH_JWT_MAX + 5);
    huge[3] = '.';
    huge[AUTH_JWT_MAX + 5] = '\0';
    ck_assert_int_eq(auth_jwt_verify(huge, KEY, KEYLEN, NOW, &sub, &sid), -1);
}
END_TEST

static void hex(const unsigned char *b, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15];
    }
    out[2 * n] = '\0';
}

START_TEST(test_gcm_known_answers)
{
    unsigned char key[32] = {0}, nonce[12] = {0}, plain[16] = {0}, out[CRYPTO_GCM_SEALED(32)];
    char h[2 * sizeof(out) + 1];
    /* AES-256-GCM test case 14 of the GCM specification (McGrew and Viega). */
    ck_assert_int_eq(crypto_gcm_seal(key, nonce, plain, 16, out), 0);
    hex(out + 12, 32, h);
    ck_assert_str_eq(h, "cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919");
    /* A key as stored for a provider, checked against another implementation. */
    for (int i = 0; i < 32; i++)
        key[i] = (unsigned char)i;
    for (int i = 0; i < 12; i++)
        nonce[i] = (unsigned char)(100 + i);
    ck_assert_int_eq(
        crypto_gcm_seal(key, nonce, (const unsigned char *)"sk-test-1234567890", 18, out), 0);
    hex(out, CRYPTO_GCM_SEALED(18), h);
    ck_assert_str_eq(h, "6465666768696a6b6c6d6e6f"
                        "3b70f3121c9a22b30f506cdcef535dc57bf2f13af814ad699983491b1cf0918562e9");
}
END_TEST

START_TEST(test_gcm_roundtrip_and_tamper)
{
    static const char msg[] = "a provider key, never stored in the clear";
    unsigned char key[32], sealed[CRYPTO_GCM_SEALED(sizeof(msg))],
        again[CRYPTO_GCM_SEALED(sizeof(msg))], plain[sizeof(msg)];
    size_t n = strlen(msg);
    memset(key, 7, sizeof(key));
    ck_assert_int_eq(crypto_gcm_seal(key, NULL, (const unsigned char *)msg, n, sealed), 0);
    ck_assert_int_eq(crypto_gcm_seal(key, NULL, (const unsigned char *)msg, n, again), 0);
    ck_assert(memcmp(sealed, again, 12) != 0); /* a fresh nonce each time */
    ck_assert_int_eq(crypto_gcm_open(key, sealed, CRYPTO_GCM_SEALED(n), plain), (long)n);
    ck_assert(memcmp(plain, msg, n) == 0);
    for (size_t i = 0; i < CRYPTO_GCM_SEALED(n); i += 7) {
        sealed[i] ^= 0x20;
        ck_assert_int_eq(crypto_gcm_open(key, sealed, CRYPTO_GCM_SEALED(n), plain), -1);
        sealed[i] ^= 0x20;
    }
    key[0] ^= 1;
    ck_assert_int_eq(crypto_gcm_open(key, sealed, CRYPTO_GCM_SEALED(n), plain), -1);
    ck_assert_int_eq(crypto_gcm_open(key, sealed, 27, plain), -1);
}
END_TEST

Suite *auth_suite(void)
{
    return SUITE_OF("auth", 30, setup, teardown, test_token_scheme, test_basic_scheme, test_b64,
                    test_bcrypt_known_vector, test_bcrypt_roundtrip, test_cache, test_random_string,
                    test_jwt_roundtrip, test_jwt_forgeries, test_gcm_known_answers,
                    test_gcm_roundtrip_and_tamper);
}

START_TEST(test_durations)
{
    ck_assert_int_eq(env_parse_duration("90"), 90);
    ck_assert_int_eq(env_parse_duration("90s"), 90);
    ck_assert_int_eq(env_parse_duration("30m"), 1800);
    ck_assert_int_eq(env_parse_duration("9h"), 32400);
    ck_assert_int_eq(env_parse_duration("2d"), 172800);
    ck_assert_int_eq(env_parse_duration("0"), -1);
    ck_assert_int_eq(env_parse_duration("-5"), -1);
    ck_assert_int_eq(env_parse_duration("5x"), -1);
    ck_assert_int_eq(env_parse_duration("5hh"), -1);
    ck_assert_int_eq(env_parse_duration(""), -1);
}
END_TEST

START_TEST(test_bad_config_is_an_error)
{
    struct config c;
    char err[256];
    static const char *const vars[] = {
        "DESKD_DATABASE_URL",   "DESKD_LISTEN",    "DESKD_SESSION_TTL",
        "DESKD_SECURE_COOKIES", "DESKD_LOG_LEVEL", "DESKD_WORKERS",
        "DESKD_AI_BASE_URL",    "DESKD_AI_MODEL",  "DESKD_AI_TIMEOUT"};
    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
        unsetenv(vars[i]); /* defaults are under test; this runs in a forked child */
    setenv("DESKD_WORKERS", "zero", 1);
    ck_assert_int_eq(config_load(&c, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "DESKD_WORKERS"));
    config_free(&c);
    unsetenv("DESKD_WORKERS");
    setenv("DESKD_LISTEN", "unix:relative.sock", 1);
    ck_assert_int_eq(config_load(&c, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "DESKD_LISTEN"));
    config_free(&c);
    unsetenv("DESKD_LISTEN");
    static const char *const bad_ai[][2] = {{"DESKD_AI_TIMEOUT", "51s"},
                                            {"DESKD_AI_TIMEOUT", "0s"},
                                            {"DESKD_AI_MODEL", "gpt 4"},
                                            {"DESKD_AI_BASE_URL", "ftp://x"}};
    for (size_t i = 0; i < sizeof(bad_ai) / sizeof(bad_ai[0]); i++) {
        setenv(bad_ai[i][0], bad_ai[i][1], 1);
        ck_assert_int_eq(config_load(&c, err, sizeof(err)), -1);
        ck_assert_ptr_nonnull(strstr(err, bad_ai[i][0]));
        config_free(&c);
        unsetenv(bad_ai[i][0]);
    }
    setenv("DESKD_VAR", "/tmp/deskd-unit", 1);
    ck_assert_int_eq(config_load(&c, err, sizeof(err)), 0);
    ck_assert_str_eq(c.listen, "unix:/tmp/deskd-unit/run/deskd.sock");
    ck_assert_ptr_nonnull(strstr(c.database_url, "host=/tmp/deskd-unit/pg/run"));
    ck_assert_int_eq(c.session_ttl, 32400);
    ck_assert_int_eq(c.secure_cookies, 1);
    ck_assert_str_eq(c.ai_base_url, "https://api.openai.com/v1");
    ck_assert_str_eq(c.ai_model, "gpt-4o-mini");
    ck_assert_int_eq(c.ai_timeout, 10);
    config_free(&c);
    unsetenv("DESKD_VAR");
}
END_TEST

Suite *config_suite(void)
{
    return SUITE_OF("config", 10, NULL, NULL, test_durations, test_bad_config_is_an_error);
}
