/*
 * text.h - plain text from the HTML of a message body: tags dropped, the
 * common entities decoded, runs of white space folded.  Used for
 * text_content and for the conversation's last-message preview.  Also
 * small text helpers: a bounded prefix, an e-mail address as stored, a
 * literal LIKE pattern.
 */
#ifndef LIB_TEXT_H
#define LIB_TEXT_H

#include <stddef.h>

struct arena;

/* Plain text of html (arena); NULL if the arena is exhausted. */
char *text_from_html(struct arena *a, const char *html);

/* The first at most max bytes of s, cut at a UTF-8 character boundary (arena). */
char *text_prefix(struct arena *a, const char *s, size_t max);

/* An e-mail address as stored: surrounding spaces dropped, ASCII lower-cased (arena copy). */
char *text_email_norm(struct arena *a, const char *s);

/*
 * A LIKE pattern that matches text containing s literally: s between two
 * '%', its '%', '_' and backslashes escaped with a backslash (arena); NULL
 * if the arena is exhausted.
 */
char *text_like_contains(struct arena *a, const char *s);

/* s without leading and trailing white space, in the arena; NULL if the arena refused. */
char *text_trim(struct arena *a, const char *s);

#endif
