/* app/rules/access.c - which scopes permissions grant and which conversations they reach. */
#include <stddef.h>
#include <stdint.h>

#include "rules/access.h"
#include "server/ctx.h"
#include "tests/suite_of.h"
#include "tests/unit/suites.h"

#define ME 7
#define OTHER 9

/* The five scope permissions, in the order of the columns below. */
static const struct {
    const char *perm;
    unsigned scope;
} grants[] = {
    {"conversations:read_all", ACCESS_ALL},
    {"conversations:read_unassigned", ACCESS_UNASSIGNED},
    {"conversations:read_assigned", ACCESS_ASSIGNED},
    {"conversations:read_team_inbox", ACCESS_TEAM_INBOX},
    {"conversations:read_team_all", ACCESS_TEAM_ALL},
};
#define NGRANTS (sizeof(grants) / sizeof(grants[0]))

static struct principal who(int64_t id, const char *const *perms, size_t nperms)
{
    struct principal p = {0};
    p.id = id;
    p.perms = perms;
    p.nperms = nperms;
    return p;
}

START_TEST(test_scopes)
{
    struct principal p;
    for (size_t i = 0; i < NGRANTS; i++) {
        const char *const one[] = {grants[i].perm};
        p = who(ME, one, 1);
        ck_assert_msg(access_scopes(&p) == grants[i].scope, "%s gives %u, not %u", grants[i].perm,
                      access_scopes(&p), grants[i].scope);
    }
    /* The bits are distinct: all five together hold five bits. */
    const char *const all[] = {"conversations:read",          "messages:read",
                               "conversations:read_all",      "conversations:read_unassigned",
                               "conversations:read_assigned", "conversations:read_team_inbox",
                               "conversations:read_team_all"};
    p = who(ME, all, sizeof(all) / sizeof(all[0]));
    ck_assert_uint_eq(access_scopes(&p), ACCESS_ALL | ACCESS_UNASSIGNED | ACCESS_ASSIGNED |
                                             ACCESS_TEAM_INBOX | ACCESS_TEAM_ALL);
    ck_assert_int_eq(__builtin_popcount(access_scopes(&p)), 5);
    /* None of them: no scope, whatever else is held; names match exactly. */
    const char *const others[] = {"conversations:read",      "conversations:write",
                                  "conversations:read_all ", "Conversations:read_all",
                                  "conversations:read_al",   "conversations:read_team"};
    p = who(ME, others, sizeof(others) / sizeof(others[0]));
    ck_assert_uint_eq(access_scopes(&p), 0);
    p = who(ME, NULL, 0);
    ck_assert_uint_eq(access_scopes(&p), 0);
    ck_assert_uint_eq(access_scopes(NULL), 0);
}
END_TEST

/* Conversations as the rule sees them (has_user, has_team, user_id, my_team). */
static const struct {
    const char *what;
    struct access_facts f;
} convs[] = {
    {"unassigned", {0, 0, 0, 0}},
    {"assigned to me", {1, 0, ME, 0}},
    {"assigned to another agent", {1, 0, OTHER, 0}},
    {"in my team's inbox", {0, 1, 0, 1}},
    {"my team's, assigned to me", {1, 1, ME, 1}},
    {"my team's, assigned to another agent", {1, 1, OTHER, 1}},
    {"in another team's inbox", {0, 1, 0, 0}},
    {"another team's, assigned to me", {1, 1, ME, 0}},
    {"another team's, assigned to another agent", {1, 1, OTHER, 0}},
    {"unassigned, a stale user_id equal to mine", {0, 0, ME, 0}},
};
#define NCONVS (sizeof(convs) / sizeof(convs[0]))

/* What each scope alone reaches, for a caller whose id is ME (rows: grants, columns: convs). */
static const int reach[NGRANTS][NCONVS] = {
    {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, /* read_all */
    {1, 0, 0, 0, 0, 0, 0, 0, 0, 1}, /* read_unassigned: neither agent nor team */
    {0, 1, 0, 0, 1, 0, 0, 1, 0, 0}, /* read_assigned: my id, and only with an agent */
    {0, 0, 0, 1, 0, 0, 0, 0, 0, 0}, /* read_team_inbox: my team, no agent */
    {0, 0, 0, 1, 1, 1, 0, 0, 0, 0}, /* read_team_all: my team */
};

START_TEST(test_conversation)
{
    /* Every set of scopes, with and without conversations:read. */
    for (unsigned set = 0; set < (1u << NGRANTS); set++) {
        for (int with_read = 0; with_read <= 1; with_read++) {
            const char *perms[NGRANTS + 1];
            size_t n = 0;
            if (with_read)
                perms[n++] = "conversations:read";
            for (size_t g = 0; g < NGRANTS; g++)
                if (set & (1u << g))
                    perms[n++] = grants[g].perm;
            struct principal p = who(ME, perms, n);
            for (size_t c = 0; c < NCONVS; c++) {
                int want = 0;
                for (size_t g = 0; g < NGRANTS; g++)
                    if (set & (1u << g))
                        want |= reach[g][c];
                want &= with_read;
                ck_assert_msg(access_conversation(&p, &convs[c].f) == want,
                              "scopes %#x%s, conversation %s: want %d", set,
                              with_read ? " with conversations:read"
                                        : " without conversations:read",
                              convs[c].what, want);
            }
        }
    }
}
END_TEST

START_TEST(test_assigned_is_the_callers_id)
{
    /* The same conversations seen by the other agent: read_assigned follows p->id. */
    const char *const perms[] = {"conversations:read", "conversations:read_assigned"};
    struct principal p = who(OTHER, perms, 2);
    ck_assert_int_eq(access_conversation(&p, &convs[1].f), 0); /* assigned to ME */
    ck_assert_int_eq(access_conversation(&p, &convs[2].f), 1); /* assigned to OTHER */
    ck_assert_int_eq(access_conversation(&p, &convs[5].f), 1); /* my team's, OTHER's */
    ck_assert_int_eq(access_conversation(&p, &convs[4].f), 0); /* my team's, ME's */
    /* No principal reads nothing. */
    ck_assert_int_eq(access_conversation(NULL, &convs[0].f), 0);
}
END_TEST

Suite *access_suite(void)
{
    return SUITE_OF("access", 10, NULL, NULL, test_scopes, test_conversation,
                    test_assigned_is_the_callers_id);
}
