/* app/rules/password.c - the password policy, generated passwords and the stored hash. */
#include <stdio.h>
#include <string.h>

#include "lib/auth.h"
#include "rules/limits.h"
#include "rules/password.h"
#include "tests/suite_of.h"
#include "tests/unit/suites.h"

START_TEST(test_password_ok)
{
    ck_assert(password_ok("Str0ng-Passw0rd"));
    ck_assert(password_ok("Aa1!Aa1!Aa"));       /* exactly 10 */
    ck_assert(!password_ok("Aa1!Aa1!A"));       /* 9 */
    ck_assert(!password_ok("strong-passw0rd")); /* no upper case */
    ck_assert(!password_ok("STRONG-PASSW0RD")); /* no lower case */
    ck_assert(!password_ok("Strong-Password")); /* no digit */
    ck_assert(!password_ok("Str0ngPassw0rd"));  /* nothing else */
    char long73[74];
    memset(long73, 'a', 73);
    memcpy(long73, "A1!", 3);
    long73[73] = '\0';
    ck_assert(!password_ok(long73));
    long73[72] = '\0';
    ck_assert(password_ok(long73));
}
END_TEST

START_TEST(test_password_generate)
{
    char a[PASSWORD_GENERATED_SIZE], b[PASSWORD_GENERATED_SIZE];
    memset(a, 'x', sizeof(a));
    memset(b, 'x', sizeof(b));
    ck_assert_int_eq(password_generate(a), 0);
    ck_assert_int_eq(password_generate(b), 0);
    /* PASSWORD_RANDOM_LEN characters of KEY_ALPHABET, then "aZ9!", NUL-terminated in the buffer. */
    ck_assert_uint_eq(strlen(a), PASSWORD_RANDOM_LEN + 4);
    ck_assert_uint_eq(strlen(a) + 1, sizeof(a));
    char head[PASSWORD_RANDOM_LEN + 1];
    memcpy(head, a, PASSWORD_RANDOM_LEN);
    head[PASSWORD_RANDOM_LEN] = '\0';
    ck_assert_uint_eq(strspn(head, KEY_ALPHABET), PASSWORD_RANDOM_LEN);
    ck_assert_str_eq(a + PASSWORD_RANDOM_LEN, "aZ9!");
    ck_assert_msg(password_ok(a), "generated %s fails the policy", a);
    ck_assert_uint_eq(strlen(b), PASSWORD_RANDOM_LEN + 4);
    ck_assert_msg(password_ok(b), "generated %s fails the policy", b);
    /* The random part is random: two passwords differ there. */
    ck_assert_msg(memcmp(a, b, PASSWORD_RANDOM_LEN) != 0, "%s generated twice", a);
}
END_TEST

START_TEST(test_password_hash)
{
    char h[PASSWORD_HASH_SIZE], prefix[16];
    ck_assert_int_eq(password_hash("Str0ng-Passw0rd", h), 0);
    snprintf(prefix, sizeof(prefix), "$2b$%02d$", BCRYPT_COST);
    ck_assert_int_eq(strncmp(h, prefix, strlen(prefix)), 0);
    ck_assert_uint_eq(strlen(h), 60);
    ck_assert_int_eq(auth_bcrypt_verify("Str0ng-Passw0rd", h), 1);
    ck_assert_int_eq(auth_bcrypt_verify("Str0ng-Passw0rD", h), 0);
    ck_assert_int_eq(auth_bcrypt_verify("", h), 0);
}
END_TEST

Suite *password_suite(void)
{
    return SUITE_OF("password", 30, NULL, NULL, test_password_ok, test_password_generate,
                    test_password_hash);
}
