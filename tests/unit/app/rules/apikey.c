/* app/rules/apikey.c - a minted API key: its key, its secret and the bcrypt hash deskd stores. */
#include <stdio.h>
#include <string.h>

#include "lib/auth.h"
#include "rules/apikey.h"
#include "rules/limits.h"
#include "tests/suite_of.h"
#include "tests/unit/suites.h"

/* k's key and secret have their lengths and alphabet; its hash is bcrypt at BCRYPT_COST. */
static void well_formed(const struct apikey *k)
{
    char prefix[16];
    ck_assert_uint_eq(strlen(k->key), APIKEY_KEY_LEN);
    ck_assert_uint_eq(strspn(k->key, KEY_ALPHABET), APIKEY_KEY_LEN);
    ck_assert_uint_eq(strlen(k->secret), APIKEY_SECRET_LEN);
    ck_assert_uint_eq(strspn(k->secret, KEY_ALPHABET), APIKEY_SECRET_LEN);
    snprintf(prefix, sizeof(prefix), "$2b$%02d$", BCRYPT_COST);
    ck_assert_msg(strncmp(k->hash, prefix, strlen(prefix)) == 0, "hash %s is not %s...", k->hash,
                  prefix);
    ck_assert_uint_eq(strlen(k->hash), 60);
}

START_TEST(test_mint)
{
    struct apikey k;
    memset(&k, 'x', sizeof(k));
    ck_assert_int_eq(apikey_mint(&k), 0);
    well_formed(&k);
    /* The hash is the secret's: not the key's, not a near miss, not a prefix. */
    ck_assert_int_eq(auth_bcrypt_verify(k.secret, k.hash), 1);
    ck_assert_int_eq(auth_bcrypt_verify(k.key, k.hash), 0);
    char near[APIKEY_SECRET_LEN + 1];
    memcpy(near, k.secret, sizeof(near));
    near[APIKEY_SECRET_LEN - 1] = near[APIKEY_SECRET_LEN - 1] == 'A' ? 'B' : 'A';
    ck_assert_int_eq(auth_bcrypt_verify(near, k.hash), 0);
    near[APIKEY_SECRET_LEN - 1] = '\0';
    ck_assert_int_eq(auth_bcrypt_verify(near, k.hash), 0);
    ck_assert_int_eq(auth_bcrypt_verify("", k.hash), 0);
    /* The key and the secret are drawn apart. */
    ck_assert(strncmp(k.key, k.secret, APIKEY_KEY_LEN) != 0);
}
END_TEST

START_TEST(test_two_mints_differ)
{
    struct apikey a, b;
    ck_assert_int_eq(apikey_mint(&a), 0);
    ck_assert_int_eq(apikey_mint(&b), 0);
    well_formed(&a);
    well_formed(&b);
    ck_assert_str_ne(a.key, b.key);
    ck_assert_str_ne(a.secret, b.secret);
    ck_assert_str_ne(a.hash, b.hash); /* a fresh salt each time */
    ck_assert_int_eq(auth_bcrypt_verify(b.secret, b.hash), 1);
    ck_assert_int_eq(auth_bcrypt_verify(a.secret, b.hash), 0);
    ck_assert_int_eq(auth_bcrypt_verify(b.secret, a.hash), 0);
}
END_TEST

Suite *apikey_suite(void)
{
    return SUITE_OF("apikey", 30, NULL, NULL, test_mint, test_two_mints_differ);
}
