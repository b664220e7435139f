/*
 * rules/access.h - upstream's per-conversation access rule (reference §4),
 * its C side in one place: which conversations a principal's permissions
 * reach (the scopes the lists and search turn into SQL), and whether one
 * conversation is among them.
 */
#ifndef RULES_ACCESS_H
#define RULES_ACCESS_H

#include <stdint.h>

#include "lib/err.h"

struct principal;

/* What the conversation permissions grant, as bits. */
enum access_scope {
    ACCESS_ALL = 1,        /* conversations:read_all: everything, the rest is moot */
    ACCESS_UNASSIGNED = 2, /* conversations:read_unassigned: no agent and no team */
    ACCESS_ASSIGNED = 4,   /* conversations:read_assigned: assigned to me */
    ACCESS_TEAM_INBOX = 8, /* conversations:read_team_inbox: my teams', without an agent */
    ACCESS_TEAM_ALL = 16   /* conversations:read_team_all: my teams' */
};

/* The scopes p's permissions grant (0: none). */
unsigned access_scopes(const struct principal *p);

/*
 * The scopes p reads conversations through: access_scopes(), or 0 without
 * conversations:read (the rule's first condition).  For lists and searches
 * whose route does not require conversations:read itself.
 */
unsigned access_read_scopes(const struct principal *p);

/* What the rule needs to know about one conversation. */
struct access_facts {
    int has_user, has_team;
    int64_t user_id; /* the assigned agent, when has_user */
    int my_team;     /* the assigned team is one of the caller's */
};

/* 1 if p may read the conversation: conversations:read and a scope that covers it. */
int access_conversation(const struct principal *p, const struct access_facts *f);

/*
 * The same rule for read scopes computed once (access_read_scopes(): 0
 * without conversations:read) and the caller's user id: what the live hub
 * checks for every connection an event may go to.
 */
int access_scoped(unsigned read_scopes, int64_t user_id, const struct access_facts *f);

/* One conversation as the rule loads it (store_conversation_access()). */
struct access_conv {
    int64_t id;
    int64_t contact_id;
    struct access_facts facts;
};

struct req;
struct resp;

/*
 * Loads the conversation named by the route capture `capture` and checks
 * that the caller may see it.  Returns APP_OK with *out filled, 400
 * "Invalid conversation `uuid`", 404 "Conversation not found" or 403.
 */
enum app_err conv_access(struct req *r, struct resp *w, const char *capture,
                         struct access_conv *out);

/* The same for a conversation uuid the caller has in hand (NULL is malformed). */
enum app_err conv_access_uuid(struct req *r, struct resp *w, const char *uuid,
                              struct access_conv *out);

#endif
