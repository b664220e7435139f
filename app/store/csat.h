/*
 * store/csat.h - customer satisfaction surveys (upstream's csat_responses):
 * offering one when a conversation is resolved, what the contact's link
 * shows, the contact's one answer, and the report over them.
 */
#ifndef STORE_CSAT_H
#define STORE_CSAT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct arena;
struct db;

/* A survey to offer: the new row's uuid and the signed token its link carries (rules/csat.h). */
struct store_csat_offer {
    const char *uuid;
    const char *token;
};

/*
 * Inside the caller's transaction (store_conversation_set_status()): if the
 * conversation is now Resolved, its inbox has csat_enabled, its contact has
 * an e-mail address and it was never offered a survey, adds the survey row
 * and the reply that carries its link (<app.root_url>/csat/<token>): a
 * pending outgoing message by actor, meta {"is_csat": true}, which the
 * mail process sends.  Otherwise does nothing.  *offered 1 if it did.
 */
enum app_err store_csat_offer(struct db *db, struct arena *a, int64_t conv_id,
                              const struct store_csat_offer *o, int64_t actor, int *offered);

/*
 * The survey with this uuid as JSON: {uuid, created_at, responded, rating,
 * feedback, response_timestamp, conversation: {reference_number, subject}};
 * APP_ERR_NOT_FOUND if there is none.
 */
enum app_err store_csat_json(struct db *db, struct arena *a, const char *uuid, const char **json,
                             size_t *len);

/* What a survey's answer did. */
enum store_csat_answer {
    STORE_CSAT_SAVED,
    STORE_CSAT_ANSWERED, /* answered before: nothing changed */
    STORE_CSAT_UNKNOWN   /* no survey with this uuid */
};

/*
 * Records the contact's answer once: rating 0 (none) to 5, feedback (NULL:
 * none), meta a JSON object (NULL: {}), response_timestamp now.  A second
 * answer, even at the same moment, changes nothing (*out ANSWERED).
 */
enum app_err store_csat_answer(struct db *db, struct arena *a, const char *uuid, int rating,
                               const char *feedback, const char *meta, enum store_csat_answer *out);

#endif
