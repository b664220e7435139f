/*
 * multipart.h - strict multipart/form-data (RFC 7578) over a body held in
 * memory.  Bounded: the boundary (1-70 characters), the headers of a part
 * (8 KiB), the number of parts (MP_MAX_PARTS).  Anything else - a missing
 * boundary, a body that does not start with it or lacks the closing
 * delimiter, a part without a form-data name - is refused with a reason.
 */
#ifndef LIB_MULTIPART_H
#define LIB_MULTIPART_H

#include <stddef.h>

struct arena;

#define MP_MAX_PARTS 32
#define MP_MAX_HEADERS 8192

struct mp_part {
    const char *name;         /* the form field (arena) */
    const char *filename;     /* as sent, NULL if not a file (arena) */
    const char *content_type; /* as sent, NULL if none (arena) */
    const char *data;         /* into the body; not NUL-terminated */
    size_t len;
};

/*
 * Parses body (len bytes) sent with Content-Type ctype into parts[0..*n).
 * Returns 0, or -1 with *err (static text) saying what is wrong.
 */
int multipart_parse(struct arena *a, const char *ctype, const char *body, size_t len,
                    struct mp_part *parts, int max, int *n, const char **err);

#endif
