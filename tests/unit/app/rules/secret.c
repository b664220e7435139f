/* app/rules/secret.c - sealing stored secrets: deskd's derived key and upstream's own key. */
#include <string.h>
#include <stdio.h>

#include "lib/arena.h"
#include "lib/crypto.h"
#include "rules/secret.h"
#include "tests/suite_of.h"
#include "tests/unit/suites.h"

#define SERVER_SECRET "a server secret of at least thirty-two characters"
#define UPSTREAM_KEY "upstream-32-byte-encryption-key!"

/*
 * Sealed by an independent AES-GCM (Python's cryptography) as upstream
 * seals: the key's 32 bytes, nonce 00..0b, enc:base64(nonce | ct | tag).
 */
#define UPSTREAM_SEALED "enc:AAECAwQFBgcICQoL4O5Q6JDCn7cElmAnn11D79UzO0AlsmDJpaEMYguWW8ZBJKjWI+Q="

static void teardown(void)
{
    secret_use_upstream_key(NULL);
}

START_TEST(test_secret_derived)
{
    struct arena *a = arena_new(1 << 16);
    const char *sealed = secret_seal(a, SERVER_SECRET, "sk-deskd"), *plain;
    ck_assert_ptr_nonnull(sealed);
    ck_assert_int_eq(strncmp(sealed, "enc:", 4), 0);
    ck_assert_int_eq(secret_open(a, SERVER_SECRET, sealed, &plain), 0);
    ck_assert_str_eq(plain, "sk-deskd");
    /* Another server secret does not open it, nor does upstream's format without its key. */
    ck_assert_int_eq(secret_open(a, "another secret of at least thirty-two chars", sealed, &plain),
                     -1);
    ck_assert_int_eq(secret_open(a, SERVER_SECRET, UPSTREAM_SEALED, &plain), -1);
    ck_assert_int_eq(secret_open(a, SERVER_SECRET, "plain text", &plain), 0);
    ck_assert_str_eq(plain, "plain text");
    arena_free(a);
}
END_TEST

START_TEST(test_secret_upstream_key)
{
    struct arena *a = arena_new(1 << 16);
    const char *before = secret_seal(a, SERVER_SECRET, "sealed before"), *plain;
    secret_use_upstream_key(UPSTREAM_KEY);
    /* What upstream sealed opens. */
    ck_assert_int_eq(secret_open(a, SERVER_SECRET, UPSTREAM_SEALED, &plain), 0);
    ck_assert_str_eq(plain, "sk-upstream-0123456789");
    /* What deskd seals now is upstream's: the key's bytes themselves, a 12-byte nonce. */
    const char *sealed = secret_seal(a, SERVER_SECRET, "sk-for-upstream");
    ck_assert_ptr_nonnull(sealed);
    unsigned char raw[256], out[256];
    long n = crypto_b64decode(sealed + 4, strlen(sealed + 4), raw);
    ck_assert_int_eq(n, 12 + (long)strlen("sk-for-upstream") + 16);
    long m = crypto_gcm_open((const unsigned char *)UPSTREAM_KEY, raw, (size_t)n, out);
    ck_assert_int_eq(m, (long)strlen("sk-for-upstream"));
    ck_assert_int_eq(memcmp(out, "sk-for-upstream", (size_t)m), 0);
    /* A value deskd sealed under its own key before the setting still opens. */
    ck_assert_int_eq(secret_open(a, SERVER_SECRET, before, &plain), 0);
    ck_assert_str_eq(plain, "sealed before");
    /* Tampered: refused. */
    char bad[128];
    snprintf(bad, sizeof(bad), "%s", UPSTREAM_SEALED);
    bad[20] = bad[20] == 'A' ? 'B' : 'A';
    ck_assert_int_eq(secret_open(a, SERVER_SECRET, bad, &plain), -1);
    arena_free(a);
}
END_TEST

Suite *secret_suite(void)
{
    return SUITE_OF("secret", 30, NULL, teardown, test_secret_derived, test_secret_upstream_key);
}
