/* lib/crypto.c - base64, random strings and AES-256-GCM. */
#include <string.h>

#include "lib/crypto.h"
#include "tests/suite_of.h"
#include "tests/unit/suites.h"

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

Suite *crypto_suite(void)
{
    return SUITE_OF("crypto", 10, NULL, NULL, test_b64, test_random_string, test_gcm_known_answers,
                    test_gcm_roundtrip_and_tamper);
}
