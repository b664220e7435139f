/*
 * rules/automation.h - automation rules as the engine runs them: the
 * stored rules JSON parsed once into a set (per worker, kept until the
 * rules change), and the conditions evaluated against a snapshot of one
 * conversation, with upstream's fields, operators and matching.  No
 * database here: the store fills the snapshot and applies the actions.
 */
#ifndef RULES_AUTOMATION_H
#define RULES_AUTOMATION_H

#include <stddef.h>
#include <stdint.h>

/* The rule types. */
enum am_type { AM_NEW_CONVERSATION, AM_CONVERSATION_UPDATE, AM_TIME_TRIGGER };

/* The conversation_update events, as bits of am_rule.events. */
enum am_event {
    AM_EV_USER_ASSIGNED = 1 << 0,
    AM_EV_TEAM_ASSIGNED = 1 << 1,
    AM_EV_STATUS_CHANGE = 1 << 2,
    AM_EV_PRIORITY_CHANGE = 1 << 3,
    AM_EV_MESSAGE_OUTGOING = 1 << 4,
    AM_EV_MESSAGE_INCOMING = 1 << 5
};

enum am_field {
    AM_F_SUBJECT,
    AM_F_CONTENT,
    AM_F_STATUS,
    AM_F_PRIORITY,
    AM_F_USER,
    AM_F_TEAM,
    AM_F_HOURS_CREATED,
    AM_F_HOURS_FIRST_REPLY,
    AM_F_HOURS_LAST_REPLY,
    AM_F_HOURS_RESOLVED,
    AM_F_INBOX,
    AM_F_TO,
    AM_F_CONTACT_EMAIL,
    AM_F_PREV_STATUS,
    AM_F_PREV_PRIORITY,
    AM_F_PREV_USER,
    AM_F_PREV_TEAM,
    AM_F_CUSTOM, /* a contact custom attribute, by key */
    AM_F_UNKNOWN
};

enum am_op {
    AM_OP_CONTAINS,
    AM_OP_NOT_CONTAINS,
    AM_OP_EQUALS,
    AM_OP_NOT_EQUALS,
    AM_OP_SET,
    AM_OP_NOT_SET,
    AM_OP_GREATER,
    AM_OP_LESS,
    AM_OP_STARTS_WITH,
    AM_OP_UNKNOWN
};

struct am_cond {
    enum am_field field;
    char *key; /* AM_F_CUSTOM: the attribute */
    enum am_op op;
    char *value;
    int case_sensitive;
};

struct am_group {
    int is_and;
    struct am_cond *conds;
    size_t nconds;
};

struct am_action {
    char *type;              /* upstream's action name */
    char **values;           /* value[] */
    size_t nvalues;          /*  */
    char *values_json;       /* value[] as a JSON array (the tags actions) */
    char *subject, *message; /* notify */
    char **recipients;       /* notify */
    size_t nrecipients;      /*  */
};

/* One entry of a stored row's rules array, with the row's type, events and mode. */
struct am_rule {
    int64_t id; /* the row's */
    char *name; /* the row's */
    enum am_type type;
    unsigned events;
    int first_match;
    int groups_and;
    struct am_group *groups;
    size_t ngroups;
    struct am_action *actions;
    size_t nactions;
};

struct am_set {
    struct am_rule *rules; /* by weight, then id */
    size_t n;
};

/* The event bit of an event name; 0 if unknown. */
unsigned am_event_bit(const char *name);

/*
 * Adds the rules of one stored row to set: rules_json is its rules array,
 * events_json its events (a JSON array).  A row whose rules do not parse
 * adds nothing; returns 0, or -1 when out of memory.
 */
int am_set_add(struct am_set *set, int64_t id, const char *name, const char *type,
               const char *events_json, const char *mode, const char *rules_json);

void am_set_free(struct am_set *set);

/* What the conditions read of one conversation. */
struct am_snap {
    const char *subject, *content, *contact_email;
    const char *custom_attributes;               /* the contact's, a JSON object (NULL: none) */
    int64_t status, priority, user, team, inbox; /* 0: none */
    /* Hours since, rounded as upstream prints them; < 0: never happened. */
    double hours_created, hours_first_reply, hours_last_reply, hours_resolved;
    const char *const *to; /* the incoming recipients */
    size_t nto;
    int has_prev; /* the previous_* values are known */
    int64_t prev_status, prev_priority, prev_user, prev_team;
};

/* Whether one condition holds for s. */
int am_cond_holds(const struct am_cond *c, const struct am_snap *s);

/* Whether a rule's groups hold for s (upstream: empty groups are left out; > 2 groups never). */
int am_rule_matches(const struct am_rule *r, const struct am_snap *s);

#endif
