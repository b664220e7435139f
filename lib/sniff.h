/*
 * sniff.h - what a file is, from its bytes (libmagic), never from what the
 * sender says: its MIME type and, for an image, its size in pixels.
 */
#ifndef LIB_SNIFF_H
#define LIB_SNIFF_H

#include <stddef.h>

struct arena;

/* The MIME type of the bytes (arena); "application/octet-stream" if unknown. */
const char *sniff_type(struct arena *a, const char *data, size_t len);

/* The width and height of an image; 0 (leaving *wd and *ht) if libmagic names none. */
int sniff_image_size(const char *data, size_t len, long *wd, long *ht);

#endif
