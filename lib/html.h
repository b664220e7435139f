/*
 * html.h - HTML from an untrusted source (an e-mail) made safe to show:
 * parsed with libxml2's HTML parser, then written back keeping only an
 * allow-list of elements and attributes.  Scripts, styles, forms, frames
 * and their content are dropped; an element not on the list is replaced by
 * its content; links keep only http, https and mailto targets, images only
 * http, https and cid: sources.  The output is well-formed HTML in UTF-8.
 */
#ifndef LIB_HTML_H
#define LIB_HTML_H

#include <stddef.h>

struct arena;

/*
 * The sanitised form of len bytes of html (arena, NUL-terminated; "" for
 * input that holds nothing to keep).  NULL if the arena refused.
 */
char *html_sanitize(struct arena *a, const char *html, size_t len);

/* text as HTML: escaped, each line break a <br> (arena); NULL if the arena refused. */
char *html_from_text(struct arena *a, const char *text);

/*
 * text escaped for HTML text or a double-quoted attribute value (& < > "
 * as references; arena); NULL if the arena refused.
 */
char *html_escape(struct arena *a, const char *text);

#endif
