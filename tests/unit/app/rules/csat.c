/* app/rules/csat.c - survey tokens (made, checked, refused when altered) and feedback cuts. */
#include <string.h>

#include "rules/csat.h"
#include "tests/suite_of.h"
#include "tests/unit/suites.h"

static const char secret[] = "0123456789abcdef0123456789abcdef-unit";
static const char uuid[] = "3f2b8c1e-6a4d-4e2f-9b1a-0c5d7e8f9a0b";

START_TEST(test_token_round_trip)
{
    char tok[CSAT_TOKEN_LEN + 1], back[CSAT_UUID_LEN + 1];

    ck_assert_int_eq(csat_token(secret, uuid, tok), 0);
    ck_assert_uint_eq(strlen(tok), CSAT_TOKEN_LEN);
    ck_assert_int_eq(strncmp(tok, uuid, CSAT_UUID_LEN), 0);
    ck_assert_int_eq(tok[CSAT_UUID_LEN], '.');
    ck_assert_uint_eq(strspn(tok + CSAT_UUID_LEN + 1, "0123456789abcdef"), CSAT_SIG_LEN);
    ck_assert_int_eq(csat_token_uuid(secret, tok, back), 0);
    ck_assert_str_eq(back, uuid);

    /* The same uuid signs the same; another uuid or another secret signs differently. */
    char again[CSAT_TOKEN_LEN + 1], other[CSAT_TOKEN_LEN + 1];
    ck_assert_int_eq(csat_token(secret, uuid, again), 0);
    ck_assert_str_eq(again, tok);
    ck_assert_int_eq(csat_token("another secret, just as long as the first", uuid, other), 0);
    ck_assert_str_ne(other + CSAT_UUID_LEN, tok + CSAT_UUID_LEN);
    ck_assert_int_eq(csat_token_uuid(secret, other, back), -1);
}
END_TEST

START_TEST(test_token_refusals)
{
    char tok[CSAT_TOKEN_LEN + 1], bad[CSAT_TOKEN_LEN + 8], back[CSAT_UUID_LEN + 1];

    ck_assert_int_eq(csat_token(secret, uuid, tok), 0);
    /* Each byte of the signature matters; so does each byte of the uuid it covers. */
    for (size_t i = 0; i < CSAT_TOKEN_LEN; i++) {
        if (tok[i] == '-' || tok[i] == '.')
            continue;
        memcpy(bad, tok, sizeof(tok));
        bad[i] = tok[i] == 'a' ? 'b' : 'a';
        ck_assert_msg(csat_token_uuid(secret, bad, back) == -1, "byte %zu altered passes", i);
    }
    /* The bare uuid (a Libredesk link), a cut or a longer token, upper case, junk. */
    ck_assert_int_eq(csat_token_uuid(secret, uuid, back), -1);
    memcpy(bad, tok, sizeof(tok));
    bad[CSAT_TOKEN_LEN - 1] = '\0';
    ck_assert_int_eq(csat_token_uuid(secret, bad, back), -1);
    memcpy(bad, tok, CSAT_TOKEN_LEN);
    memcpy(bad + CSAT_TOKEN_LEN, "0", 2);
    ck_assert_int_eq(csat_token_uuid(secret, bad, back), -1);
    memcpy(bad, tok, sizeof(tok));
    bad[0] = 'F';
    ck_assert_int_eq(csat_token_uuid(secret, bad, back), -1);
    memcpy(bad, tok, sizeof(tok));
    bad[CSAT_UUID_LEN] = '-';
    ck_assert_int_eq(csat_token_uuid(secret, bad, back), -1);
    ck_assert_int_eq(csat_token_uuid(secret, "", back), -1);
    ck_assert_int_eq(csat_token_uuid(secret, NULL, back), -1);
    /* Only canonical uuids are signed. */
    ck_assert_int_eq(csat_token(secret, "3F2B8C1E-6A4D-4E2F-9B1A-0C5D7E8F9A0B", tok), -1);
    ck_assert_int_eq(csat_token(secret, "3f2b8c1e6a4d4e2f9b1a0c5d7e8f9a0b", tok), -1);
    ck_assert_int_eq(csat_token(secret, NULL, tok), -1);
}
END_TEST

START_TEST(test_new_uuid)
{
    char a[CSAT_UUID_LEN + 1], b[CSAT_UUID_LEN + 1], tok[CSAT_TOKEN_LEN + 1];

    ck_assert_int_eq(csat_new_uuid(a), 0);
    ck_assert_int_eq(csat_new_uuid(b), 0);
    ck_assert_str_ne(a, b);
    ck_assert_uint_eq(strlen(a), CSAT_UUID_LEN);
    ck_assert_int_eq(a[14], '4');
    ck_assert(strchr("89ab", a[19]) != NULL);
    ck_assert_int_eq(csat_token(secret, a, tok), 0); /* canonical */

    /* A new link: a fresh uuid and the token that names it. */
    char uuid2[CSAT_UUID_LEN + 1], tok2[CSAT_TOKEN_LEN + 1], back[CSAT_UUID_LEN + 1];
    ck_assert_int_eq(csat_new_link(secret, uuid2, tok2), 0);
    ck_assert_str_ne(uuid2, a);
    ck_assert_int_eq(csat_token_uuid(secret, tok2, back), 0);
    ck_assert_str_eq(back, uuid2);
}
END_TEST

START_TEST(test_cut)
{
    ck_assert_uint_eq(csat_cut("", 3), 0);
    ck_assert_uint_eq(csat_cut("abc", 3), 3);
    ck_assert_uint_eq(csat_cut("abcd", 3), 3);
    /* "é" is two bytes, "€" three, "😀" four: characters are counted, never split. */
    ck_assert_uint_eq(csat_cut("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80x", 3), 9);
    ck_assert_uint_eq(csat_cut("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80x", 2), 5);
    ck_assert_uint_eq(csat_cut("\xc3\xa9\xe2\x82\xac", 10), 5);
}
END_TEST

Suite *csat_suite(void)
{
    return SUITE_OF("csat", 10, NULL, NULL, test_token_round_trip, test_token_refusals,
                    test_new_uuid, test_cut);
}
