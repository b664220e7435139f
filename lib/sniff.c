/*
 * sniff.c - see sniff.h.
 */
#include "sniff.h"

#include <stdlib.h>
#include <string.h>

#include <magic.h>

#include "arena.h"
#include "log.h"

/*
 * What libmagic says of the bytes: with MAGIC_MIME_TYPE the type, else the
 * description.  One loaded cookie per flag set and process; NULL if libmagic
 * cannot be used (logged once).
 */
static const char *magic_of(int mime, const char *data, size_t len)
{
    static magic_t cookies[2];
    static int tried[2];
    if (!tried[mime]) {
        tried[mime] = 1;
        cookies[mime] = magic_open((mime ? MAGIC_MIME_TYPE : MAGIC_NONE) | MAGIC_NO_CHECK_COMPRESS);
        if (cookies[mime] != NULL && magic_load(cookies[mime], NULL) != 0) {
            log_err("media: libmagic: %s", magic_error(cookies[mime]));
            magic_close(cookies[mime]);
            cookies[mime] = NULL;
        }
    }
    return cookies[mime] ? magic_buffer(cookies[mime], data, len) : NULL;
}

const char *sniff_type(struct arena *a, const char *data, size_t len)
{
    const char *t = magic_of(1, data, len);
    return arena_strdup(a, t ? t : "application/octet-stream");
}

/*
 * From libmagic's description ("PNG image data, 2 x 3, ...", "JPEG image
 * data, ..., density 1x1, ..., 640x480, ..."): the last "W x H" or "WxH"
 * item of the comma-separated list.
 */
int sniff_image_size(const char *data, size_t len, long *wd, long *ht)
{
    const char *d = magic_of(0, data, len);
    int found = 0;
    for (const char *p = d; p != NULL && *p; p++) {
        if (p != d && !(p[-1] == ' ' && p - d >= 2 && p[-2] == ','))
            continue;
        char *e;
        long x = strtol(p, &e, 10), y;
        if (e == p || x <= 0 || x > 1000000)
            continue;
        if (strncmp(e, " x ", 3) == 0)
            e += 3;
        else if (*e == 'x')
            e++;
        else
            continue;
        const char *yp = e;
        y = strtol(yp, &e, 10);
        if (e == yp || y <= 0 || y > 1000000 || (*e != ',' && *e != '\0'))
            continue;
        *wd = x;
        *ht = y;
        found = 1;
    }
    return found;
}
