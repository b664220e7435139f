/* app/rules/permissions.c - the permission names a role may hold. */
#include <string.h>

#include "rules/permissions.h"
#include "tests/suite_of.h"
#include "tests/unit/suites.h"

START_TEST(test_known)
{
    /* Each name once, every one object:action, and each found at its own index. */
    for (int i = 0; i < PERMISSIONS_COUNT; i++) {
        const char *p = permissions_known[i];
        ck_assert_ptr_nonnull(p);
        const char *colon = strchr(p, ':');
        ck_assert_msg(colon != NULL && colon > p && colon[1] != '\0' && !strchr(colon + 1, ':'),
                      "%s", p);
        ck_assert_uint_eq(strspn(p, "abcdefghijklmnopqrstuvwxyz_:"), strlen(p));
        ck_assert_int_eq(permission_index(p), i);
    }
    ck_assert_int_ge(permission_index("conversations:read"), 0);
    ck_assert_int_ge(permission_index("messages:write_as_contact"), 0);
    ck_assert_int_ge(permission_index("roles:manage"), 0);
    ck_assert_int_ge(permission_index("context_links:manage"), 0);
}
END_TEST

START_TEST(test_unknown)
{
    static const char *const bad[] = {"",
                                      "status",
                                      "status:",
                                      "Status:manage",
                                      "status:manage ",
                                      " status:manage",
                                      "status:manage,tags:manage",
                                      "messages:write_private",
                                      "help_center:manage",
                                      "contacts:delete",
                                      "*"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(permission_index(bad[i]) == -1, "%s", bad[i]);
    ck_assert_int_eq(permission_index(NULL), -1);
}
END_TEST

Suite *permissions_suite(void)
{
    return SUITE_OF("permissions", 5, NULL, NULL, test_known, test_unknown);
}
