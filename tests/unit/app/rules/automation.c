/* app/rules/automation.c - rule parsing and condition matching against hand-made snapshots. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/automation.h"
#include "tests/suite_of.h"
#include "tests/unit/suites.h"

/* A snapshot with every field set to something known. */
static struct am_snap snap(void)
{
    static const char *const to[] = {" Support@Example.org ", "sales@example.org"};
    struct am_snap s;
    memset(&s, 0, sizeof(s));
    s.subject = "Refund   for  order #12";
    s.content = "Please help";
    s.contact_email = "Ann@Example.org";
    s.custom_attributes = "{\"plan\":\"Gold\",\"seats\":12.7,\"vip\":true}";
    s.status = 1;
    s.priority = 3;
    s.user = 0;
    s.team = 4;
    s.inbox = 2;
    s.hours_created = 25.4;
    s.hours_first_reply = -1;
    s.hours_last_reply = 0.6;
    s.hours_resolved = -1;
    s.to = to;
    s.nto = 2;
    return s;
}

/* Whether one condition (field, operator, value[, field_type, case]) holds for snap(). */
static int holds_on(const struct am_snap *s, const char *field, const char *op, const char *value,
                    const char *ftype, int cs)
{
    char json[1024];
    struct am_set set = {0};
    int rc;
    snprintf(json, sizeof(json),
             "[{\"group_operator\":\"AND\",\"groups\":[{\"logical_op\":\"AND\",\"rules\":"
             "[{\"field\":\"%s\",\"field_type\":\"%s\",\"operator\":\"%s\",\"value\":\"%s\","
             "\"case_sensitive_match\":%s}]}],\"actions\":[]}]",
             field, ftype, op, value, cs ? "true" : "false");
    ck_assert_int_eq(am_set_add(&set, 1, "r", "new_conversation", "[]", "all", json), 0);
    ck_assert_uint_eq(set.n, 1);
    rc = am_rule_matches(&set.rules[0], s);
    am_set_free(&set);
    return rc;
}

static int holds(const char *field, const char *op, const char *value)
{
    struct am_snap s = snap();
    return holds_on(&s, field, op, value, "conversation", 0);
}

START_TEST(test_text_operators)
{
    /* contains: a comma list, white space collapsed on both sides, case folded. */
    ck_assert(holds("subject", "contains", "nothing, refund for order"));
    ck_assert(!holds("subject", "contains", "nothing, invoice"));
    ck_assert(holds("subject", "not contains", "invoice"));
    ck_assert(!holds("subject", "not contains", "ORDER"));
    ck_assert(holds("subject", "starts with", "refund "));
    ck_assert(!holds("subject", "starts with", "order"));
    /* equals compares the whole text, white space as it is. */
    ck_assert(holds("contact_email", "equals", "ann@example.org"));
    ck_assert(!holds("subject", "equals", "refund for order #12"));
    ck_assert(holds("content", "not equals", "please"));
    struct am_snap s = snap();
    ck_assert(!holds_on(&s, "contact_email", "equals", "ann@example.org", "", 1));
    ck_assert(holds_on(&s, "contact_email", "equals", "Ann@Example.org", "", 1));
}
END_TEST

START_TEST(test_ids_and_hours)
{
    ck_assert(holds("status", "equals", "1"));
    ck_assert(holds("priority", "greater than", "2"));
    ck_assert(!holds("priority", "less than", "3"));
    ck_assert(holds("assigned_team", "equals", "4"));
    /* No agent: the value is "", so not set holds and equals 0 does not. */
    ck_assert(holds("assigned_user", "not set", ""));
    ck_assert(!holds("assigned_user", "equals", "0"));
    ck_assert(holds("inbox", "equals", "2"));
    /* Hours print rounded: 25.4 -> 25, 0.6 -> 1; never replied: not set. */
    ck_assert(holds("hours_since_created", "equals", "25"));
    ck_assert(holds("hours_since_created", "greater than", "24"));
    ck_assert(holds("hours_since_last_reply", "equals", "1"));
    ck_assert(holds("hours_since_first_reply", "not set", ""));
    ck_assert(!holds("hours_since_resolved", "set", ""));
    /* A value that is no integer counts as 0. */
    ck_assert(holds("priority", "greater than", "abc"));
}
END_TEST

START_TEST(test_previous_and_custom)
{
    struct am_snap s = snap();
    /* Without previous values a previous_* condition never holds, not even not set. */
    ck_assert(!holds_on(&s, "previous_status", "not set", "", "conversation", 0));
    s.has_prev = 1;
    s.prev_status = 3;
    s.prev_user = 0;
    ck_assert(holds_on(&s, "previous_status", "equals", "3", "conversation", 0));
    ck_assert(holds_on(&s, "previous_assigned_user", "not set", "", "conversation", 0));
    /* Custom attributes: strings, floats as integers, booleans; a missing key never holds. */
    ck_assert(holds_on(&s, "plan", "equals", "gold", "contact_custom_attribute", 0));
    ck_assert(!holds_on(&s, "plan", "equals", "gold", "contact_custom_attribute", 1));
    ck_assert(holds_on(&s, "seats", "equals", "12", "contact_custom_attribute", 0));
    ck_assert(holds_on(&s, "vip", "equals", "true", "contact_custom_attribute", 0));
    ck_assert(!holds_on(&s, "nope", "not set", "", "contact_custom_attribute", 0));
    /* An unknown field or operator never holds. */
    ck_assert(!holds_on(&s, "color", "set", "", "conversation", 0));
    ck_assert(!holds_on(&s, "subject", "resembles", "x", "conversation", 0));
}
END_TEST

START_TEST(test_recipients)
{
    ck_assert(holds("to", "equals", "support@example.org"));
    ck_assert(!holds("to", "not equals", "support@example.org"));
    ck_assert(holds("to", "not equals", "billing@example.org"));
    ck_assert(holds("to", "contains", "billing, sales@"));
    ck_assert(holds("to", "set", ""));
    struct am_snap s = snap();
    s.nto = 0;
    ck_assert(holds_on(&s, "to", "not set", "", "conversation", 0));
    ck_assert(!holds_on(&s, "to", "equals", "x", "conversation", 0));
    ck_assert(holds_on(&s, "to", "not contains", "x", "conversation", 0));
}
END_TEST

/* Groups: AND / OR inside and between; empty groups left out; more than two never run. */
START_TEST(test_groups)
{
    struct am_snap s = snap();
    struct am_set set = {0};
    const char *yes = "{\"field\":\"status\",\"operator\":\"equals\",\"value\":\"1\"}";
    const char *no = "{\"field\":\"status\",\"operator\":\"equals\",\"value\":\"2\"}";
    char json[2048];

    snprintf(json, sizeof(json),
             "[{\"group_operator\":\"AND\",\"groups\":[{\"logical_op\":\"OR\",\"rules\":[%s,%s]},"
             "{\"logical_op\":\"AND\",\"rules\":[]}],\"actions\":[]},"
             "{\"group_operator\":\"AND\",\"groups\":[{\"logical_op\":\"AND\",\"rules\":[%s,%s]}],"
             "\"actions\":[]},"
             "{\"group_operator\":\"OR\",\"groups\":[{\"logical_op\":\"AND\",\"rules\":[%s]},"
             "{\"logical_op\":\"AND\",\"rules\":[%s]}],\"actions\":[]},"
             "{\"group_operator\":\"OR\",\"groups\":[],\"actions\":[]},"
             "{\"group_operator\":\"AND\",\"groups\":[{\"logical_op\":\"AND\",\"rules\":[%s]},"
             "{\"logical_op\":\"AND\",\"rules\":[%s]},{\"logical_op\":\"AND\",\"rules\":[%s]}],"
             "\"actions\":[{\"type\":\"add_tags\",\"value\":[\"a\",\"b\"]}]}]",
             yes, no, yes, no, no, yes, yes, yes, yes);
    ck_assert_int_eq(am_set_add(&set, 7, "g", "conversation_update",
                                "[\"conversation.status.change\",\"x\"]", "first_match", json),
                     0);
    ck_assert_uint_eq(set.n, 5);
    ck_assert(am_rule_matches(&set.rules[0], &s));  /* OR group holds, the empty one is left out */
    ck_assert(!am_rule_matches(&set.rules[1], &s)); /* AND group fails */
    ck_assert(am_rule_matches(&set.rules[2], &s));  /* OR between groups */
    ck_assert(!am_rule_matches(&set.rules[3], &s)); /* OR of nothing */
    ck_assert(!am_rule_matches(&set.rules[4], &s)); /* three groups: never */
    ck_assert_uint_eq(set.rules[4].events, AM_EV_STATUS_CHANGE);
    ck_assert_int_eq(set.rules[4].first_match, 1);
    ck_assert_str_eq(set.rules[4].actions[0].values_json, "[\"a\",\"b\"]");
    ck_assert_uint_eq(set.rules[4].actions[0].nvalues, 2);
    am_set_free(&set);
    /* A row whose rules do not parse, or of an unknown type, adds nothing. */
    ck_assert_int_eq(am_set_add(&set, 8, "bad", "new_conversation", "[]", "all", "{"), 0);
    ck_assert_int_eq(am_set_add(&set, 9, "bad", "sometimes", "[]", "all", "[]"), 0);
    ck_assert_uint_eq(set.n, 0);
    am_set_free(&set);
}
END_TEST

Suite *automation_suite(void)
{
    return SUITE_OF("automation", 30, NULL, NULL, test_text_operators, test_ids_and_hours,
                    test_previous_and_custom, test_recipients, test_groups);
}
