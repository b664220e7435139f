/* lib/auth.c - API-key header parsing, bcrypt, the verified-key cache and JWTs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jwt.h>

#include "lib/arena.h"
#include "lib/auth.h"
#include "lib/crypto.h"
#include "tests/suite_of.h"
#include "tests/unit/suites.h"

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

START_TEST(test_cache_guesses_keep_the_verified)
{
    const char *h1 = "$2b$04$aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const char *h2 = "$2b$04$bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    ck_assert_int_eq(auth_cache_known_good("k", "good"), 0);
    auth_cache_store("k", h1, "good", 1);
    auth_cache_store("k", h1, "bad", 0);
    ck_assert_int_eq(auth_cache_known_good("k", "good"), 1);
    ck_assert_int_eq(auth_cache_known_good("k", "bad"), 0);
    ck_assert_int_eq(auth_cache_known_good("k2", "good"), 0);
    /* Hundreds of wrong secrets (a guessing attack) leave the verified entry in place. */
    for (int i = 0; i < 500; i++) {
        char guess[24];
        snprintf(guess, sizeof(guess), "guess%d", i);
        auth_cache_store("k", h1, guess, 0);
    }
    ck_assert_int_eq(auth_cache_lookup("k", h1, "good"), 1);
    ck_assert_int_eq(auth_cache_lookup("k", h1, "guess499"), 0);
    /* Known good under any stored hash; lookup still insists on the hash. */
    ck_assert_int_eq(auth_cache_known_good("k", "good"), 1);
    ck_assert_int_eq(auth_cache_lookup("k", h2, "good"), -1);
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

Suite *auth_suite(void)
{
    return SUITE_OF("auth", 30, setup, teardown, test_token_scheme, test_basic_scheme,
                    test_bcrypt_known_vector, test_bcrypt_roundtrip, test_cache,
                    test_cache_guesses_keep_the_verified, test_jwt_roundtrip, test_jwt_forgeries);
}
