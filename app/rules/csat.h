/*
 * rules/csat.h - customer satisfaction surveys without the database: the
 * signed token a survey link carries, the answer's limits, and the reply
 * that offers the survey.
 *
 * A survey is a csat_responses row named by its uuid.  The link the contact
 * gets is <app.root_url>/csat/<token>, token = "<uuid>.<signature>" where
 * the signature is the first 16 bytes of HMAC-SHA-256(key, uuid) in lower
 * hex and the key is derived from the server secret, so a link works only
 * if deskd made it: knowing a row's uuid (from the database, a log) is not
 * enough to answer for the contact.
 */
#ifndef RULES_CSAT_H
#define RULES_CSAT_H

#include <stddef.h>

#define CSAT_UUID_LEN 36
#define CSAT_SIG_LEN 32
#define CSAT_TOKEN_LEN (CSAT_UUID_LEN + 1 + CSAT_SIG_LEN)

/* The longest feedback kept, in characters (upstream's); longer is cut. */
#define CSAT_FEEDBACK_MAX 1000
/* Extra fields of an HTML form answer kept in meta, and their lengths in bytes (upstream's). */
#define CSAT_META_MAX_KEYS 100
#define CSAT_META_KEY_MAX 100
#define CSAT_META_VALUE_MAX 1000

/* A fresh random (version 4) uuid, lower case, into out.  Returns 0, or -1 if randomness failed. */
int csat_new_uuid(char out[CSAT_UUID_LEN + 1]);

/*
 * A new survey's uuid and its token into uuid and token (as
 * csat_new_uuid() and csat_token()).  Returns 0, or -1 if randomness failed.
 */
int csat_new_link(const char *server_secret, char uuid[CSAT_UUID_LEN + 1],
                  char token[CSAT_TOKEN_LEN + 1]);

/*
 * The token for uuid (canonical lower-case form) into out.  Returns 0, or
 * -1 if uuid is not one.
 */
int csat_token(const char *server_secret, const char *uuid, char out[CSAT_TOKEN_LEN + 1]);

/*
 * The uuid a token names into uuid, if the token is well formed and its
 * signature is the server's (compared in constant time).  Returns 0 or -1.
 */
int csat_token_uuid(const char *server_secret, const char *token, char uuid[CSAT_UUID_LEN + 1]);

/*
 * How many bytes of the UTF-8 text s make its first max characters (all of
 * it when shorter): where upstream cuts a long feedback.
 */
size_t csat_cut(const char *s, size_t max);

/*
 * The reply that offers the survey: HTML and plain text, each with the
 * link (already HTML-escaped for the HTML) as format()'s %1$s.
 */
#define CSAT_OFFER_HTML                                                                            \
    "<p>This conversation has been resolved. How did we do?</p>"                                   \
    "<p><a href=\"%1$s?rating=5\">Excellent</a> &middot; <a href=\"%1$s?rating=4\">Great</a>"      \
    " &middot; <a href=\"%1$s?rating=3\">Good</a> &middot; <a href=\"%1$s?rating=2\">Fair</a>"     \
    " &middot; <a href=\"%1$s?rating=1\">Poor</a></p>"                                             \
    "<p><a href=\"%1$s\">Rate your experience and leave a comment</a></p>"
#define CSAT_OFFER_TEXT                                                                            \
    "This conversation has been resolved. How did we do? Rate your experience: %1$s"

#endif
