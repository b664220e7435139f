/* lib/envfile.c - KEY=VALUE lines: comments, spacing, quotes and malformed lines. */
#include <stdlib.h>
#include <string.h>

#include "lib/envfile.h"
#include "tests/suite_of.h"
#include "tests/unit/suites.h"

static void parses(const char *line, const char *key, const char *value)
{
    char *k = NULL, *v = NULL;
    ck_assert_int_eq(envfile_parse_line(line, &k, &v), 1);
    ck_assert_str_eq(k, key);
    ck_assert_str_eq(v, value);
    free(k);
    free(v);
}

static void nothing(const char *line)
{
    char *k = NULL, *v = NULL;
    ck_assert_int_eq(envfile_parse_line(line, &k, &v), 0);
}

static void malformed(const char *line)
{
    char *k = NULL, *v = NULL;
    ck_assert_int_eq(envfile_parse_line(line, &k, &v), -1);
}

START_TEST(test_lines)
{
    parses("A=b\n", "A", "b");
    parses("  DESKD_WORKERS = 3  \r\n", "DESKD_WORKERS", "3");
    parses("A=\n", "A", "");
    parses("A=x # not a comment", "A", "x # not a comment");
    parses("A='a \"b\" \\n'", "A", "a \"b\" \\n");
    parses("A=\"q \\\" \\\\ \\$ \\n\"  # c", "A", "q \" \\ $ \n");
    parses("A=b=c", "A", "b=c");
    nothing("\n");
    nothing("   \n");
    nothing("# A=b\n");
    nothing("; A=b\n");
    malformed("A\n");
    malformed("1A=b\n");
    malformed("A B=c\n");
    malformed("A=\"open\n");
    malformed("A='x' y\n");
}
END_TEST

Suite *envfile_suite(void)
{
    return SUITE_OF("envfile", 10, NULL, NULL, test_lines);
}
