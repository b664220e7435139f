/*
 * imap.h - reading a mailbox over IMAP(S) with libcurl: the mailbox's
 * UIDVALIDITY and UIDNEXT, the UIDs and sizes of the messages from a UID
 * on, and one message's bytes.  One handle keeps its connection (and the
 * selected mailbox) across calls; every call is bounded by the timeout.
 */
#ifndef LIB_IMAP_H
#define LIB_IMAP_H

#include <stddef.h>

enum mail_tls { MAIL_TLS_NONE, MAIL_TLS_IMPLICIT, MAIL_TLS_STARTTLS };

struct imap_opts {
    const char *host;
    int port;
    enum mail_tls tls;
    int skip_verify;
    const char *user, *password;
    long timeout_s; /* connect and each call */
};

struct imap;

/* A handle for o (strings copied); NULL if libcurl refused. */
struct imap *imap_new(const struct imap_opts *o);

/* Closes the connection; NULL is a no-op. */
void imap_free(struct imap *im);

/* The mailbox's UIDVALIDITY and UIDNEXT (STATUS).  0, or -1 with err. */
int imap_status(struct imap *im, const char *mailbox, long long *uidvalidity, long long *uidnext,
                char *err, size_t errlen);

/*
 * The UIDs from from_uid to to_uid that exist, ascending, at most max of
 * them (*n).  0, or -1 with err.
 */
int imap_list(struct imap *im, const char *mailbox, long long from_uid, long long to_uid,
              size_t max, long long *uids, size_t *n, char *err, size_t errlen);

/* The RFC822 size of the message with this UID (-1 if there is none).  0, or -1 with err. */
int imap_size(struct imap *im, const char *mailbox, long long uid, long long *size, char *err,
              size_t errlen);

/*
 * The lowest UID of the messages that arrived on or after the day of
 * since (SEARCH SINCE), 0 if there are none.  0, or -1 with err.
 */
int imap_first_since(struct imap *im, const char *mailbox, long long since, long long *uid,
                     char *err, size_t errlen);

/*
 * The bytes of the message with this UID (malloc'd into *data, *len bytes,
 * NUL-terminated; free() them), at most max_bytes.  0; -2 with err when
 * the message is larger than max_bytes (the connection is then closed and
 * reopened by the next call); -1 with err otherwise (also when it is gone).
 */
int imap_fetch(struct imap *im, const char *mailbox, long long uid, size_t max_bytes, char **data,
               size_t *len, char *err, size_t errlen);

#endif
