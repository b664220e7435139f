/*
 * store/mail.h - what the mail process (services/mail.c) reads and writes:
 * the e-mail inboxes to serve, the IMAP UIDs taken per mailbox, an inbound
 * message stored as a conversation or a reply in one (with its contact and
 * files, and the UID, in one transaction), and the outgoing replies to
 * send with their outcome.
 */
#ifndef STORE_MAIL_H
#define STORE_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct arena;
struct db;
struct store_media_new;

/* An enabled e-mail inbox (borrowed from the arena). */
struct store_mail_inbox {
    int64_t id;
    const char *uuid;
    const char *from;   /* the inbox's From ("Name <addr>"), "" if unset */
    const char *config; /* JSON text as stored (passwords sealed) */
};

/* Every enabled, live e-mail inbox, in id order (*n of them, at most max). */
enum app_err store_mail_inboxes(struct db *db, struct arena *a, size_t max,
                                struct store_mail_inbox *out, size_t *n);

/*
 * The last UID taken from the mailbox at uidvalidity.  With start_uid < 0
 * it only looks: APP_ERR_NOT_FOUND if the mailbox was never seen at this
 * UIDVALIDITY.  Otherwise a mailbox seen for the first time, or under a new
 * UIDVALIDITY, starts at start_uid (its messages after it are taken).
 */
enum app_err store_mail_mailbox(struct db *db, struct arena *a, int64_t inbox_id,
                                const char *mailbox, int64_t uidvalidity, int64_t start_uid,
                                int64_t *last_uid);

/* Where an inbound message goes. */
struct store_mail_in {
    int64_t inbox_id;
    const char *mailbox;
    int64_t uidvalidity, uid;
    const char *skip;           /* non-NULL: not stored (why, for the log); only the UID advances */
    const char *bounced_id;     /* with skip: a delivery report on this Message-ID */
    const char *bounced_reason; /* what the report says */
    const char *from_addr, *from_name;
    const char *subject;
    const char *message_id;    /* NULL if none */
    const char *const *thread; /* In-Reply-To and References ids */
    size_t nthread;
    const char *ref; /* a reference number named in the subject; NULL if none */
    const char *html, *text, *preview, *meta;
    struct store_media_new *files;
    size_t nfiles;
    const char *upload_dir;
};

/* What store_mail_take() did. */
enum store_mail_took {
    STORE_MAIL_TAKEN_NEW,   /* a new conversation */
    STORE_MAIL_TAKEN_REPLY, /* a message of an existing conversation */
    STORE_MAIL_SKIPPED,     /* in->skip: only the UID advanced */
    STORE_MAIL_DUPLICATE,   /* its Message-ID is stored already: only the UID advanced */
    STORE_MAIL_ALREADY,     /* the UID was taken already (by another process, or before) */
    STORE_MAIL_BOUNCED,     /* a report on a sent reply of the inbox, which is now failed */
};

/*
 * In one transaction: the UID advanced, a sent reply of the inbox that a
 * delivery report names (bounced_id) failed with its reason, and (unless
 * skipped or a duplicate)
 * the contact found or created by address, the conversation found by the
 * thread ids or the reference (the same contact's, in the same inbox) or
 * created, the message stored as incoming with its Message-ID as source_id,
 * and its files (their bytes under upload_dir, removed again if the
 * transaction fails).  *conv_id, *msg_id: what was stored (0 if nothing).
 */
enum app_err store_mail_take(struct db *db, struct arena *a, const struct store_mail_in *in,
                             enum store_mail_took *took, int64_t *conv_id, int64_t *msg_id);

/* An outgoing reply claimed for sending. */
struct store_mail_out {
    int64_t id;
    int attempts;     /* made before this one */
    const char *json; /* what sending needs (see store/mail.c), borrowed */
};

/*
 * Claims up to max due replies for lease_s seconds: pending ones, and
 * failed ones whose retry is due while fewer than max_attempts were made,
 * in e-mail inboxes with an SMTP server.
 */
enum app_err store_mail_claim(struct db *db, struct arena *a, int max, int max_attempts,
                              long lease_s, struct store_mail_out *out, int *n);

/* The reply went out as message_id: sent. */
enum app_err store_mail_sent(struct db *db, struct arena *a, int64_t id, const char *message_id);

/* The attempt failed for reason: failed, the next try after retry_s seconds (-1: none). */
enum app_err store_mail_failed(struct db *db, struct arena *a, int64_t id, const char *reason,
                               long retry_s);

#endif
