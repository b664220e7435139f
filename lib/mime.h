/*
 * mime.h - Internet messages (RFC 5322 / MIME) through GMime: parsing one
 * into its addresses, threading headers, text and HTML bodies and files,
 * and writing one (multipart/alternative text and HTML, files attached).
 * Everything returned lives in the caller's arena.
 */
#ifndef LIB_MIME_H
#define LIB_MIME_H

#include <stddef.h>

struct arena;

/* A file of a message: an attachment, or an inline part (an image the HTML shows). */
struct mime_part {
    const char *filename;     /* NULL if the part names none */
    const char *content_type; /* as declared, lower case ("application/octet-stream" if none) */
    const char *content_id;   /* without the angle brackets; NULL if none */
    int is_inline;            /* Content-Disposition inline, or a Content-ID without one */
    const char *data;         /* decoded bytes */
    size_t len;
};

#define MIME_MAX_REFS 50
#define MIME_MAX_PARTS 64
#define MIME_MAX_WANT 8

/* A parsed message. */
struct mime_msg {
    const char *from_addr;           /* the first From mailbox, lower-cased; NULL if none */
    const char *from_name;           /* its display name; "" if none */
    const char *subject;             /* decoded; "" if none */
    const char *message_id;          /* without the angle brackets; NULL if none */
    const char *in_reply_to;         /* the first id of In-Reply-To; NULL if none */
    const char *refs[MIME_MAX_REFS]; /* References, oldest first (the last MIME_MAX_REFS) */
    size_t nrefs;
    const char *text, *html; /* the first text/plain and text/html bodies (UTF-8); NULL if none */
    struct mime_part parts[MIME_MAX_PARTS];
    size_t nparts;
    size_t parts_dropped; /* files past MIME_MAX_PARTS, not returned */
    /* RFC 3834 and common practice: Auto-Submitted other than "no", X-Autoreply,
     * X-Autorespond, Precedence auto_reply/bulk/junk/list, or an empty Return-Path. */
    int auto_reply;
    /* A delivery report: multipart/report, or From a mailer-daemon or postmaster. */
    int bounce;
    /* Of a report: the Message-ID of the message it reports on (from its returned
     * headers, else In-Reply-To), and its Diagnostic-Code or Status; NULL if none. */
    const char *report_id, *report_reason;
    /* The values of the headers the caller asked for (NULL where absent). */
    const char *want[MIME_MAX_WANT];
};

/* Once per process, before the first call below. */
void mime_init(void);

/*
 * Parses len bytes of a message into *m; want names up to MIME_MAX_WANT
 * headers whose values go to m->want (NULL-terminated list, may be NULL).
 * Returns 0, or -1 with err if the bytes are not a message (no headers) or
 * the arena refused.
 */
int mime_parse(struct arena *a, const char *data, size_t len, const char *const *want,
               struct mime_msg *m, char *err, size_t errlen);

/*
 * The first mailbox of an address list such as "Name <addr>" (*addr lower
 * case, *name "" if none; arena).  0, or -1 if s holds no address.
 */
int mime_address(struct arena *a, const char *s, const char **name, const char **addr);

/* A message to write. */
struct mime_out {
    const char *from_name, *from_addr;
    const char *const *to; /* addresses */
    size_t nto;
    const char *const *cc;
    size_t ncc;
    const char *subject;
    const char *message_id;  /* without brackets */
    const char *in_reply_to; /* without brackets; NULL for none */
    const char *const *refs; /* without brackets */
    size_t nrefs;
    const char *const *hdr_names, *const *hdr_values; /* extra headers */
    size_t nhdrs;
    const char *text, *html; /* either may be NULL, not both */
    const struct mime_part *parts;
    size_t nparts;
};

/*
 * The message o as bytes ready for SMTP (CRLF line ends, 7-bit: bodies
 * quoted-printable, files base64), in the arena (*len bytes).  NULL if the
 * arena refused.
 */
char *mime_write(struct arena *a, const struct mime_out *o, size_t *len);

#endif
