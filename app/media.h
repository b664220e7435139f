/*
 * media.h - storing an uploaded file (h_media.c), shared by the media upload
 * and the contact avatar.
 */
#ifndef APP_MEDIA_H
#define APP_MEDIA_H

#include <stddef.h>

#include "../lib/err.h"

struct req;

struct arena;

/* The MIME type of the bytes, sniffed with libmagic (arena). */
const char *media_type(struct arena *a, const char *data, size_t len);

/* The client's file name cut to its last path component; NULL if unusable. */
const char *media_clean_name(const char *name);

/*
 * Stores len bytes as a media row and the file DESKD_UPLOAD_DIR/<uuid>, in
 * one transaction (the file is removed if the row does not commit).  type
 * is what media_type() said of the bytes; images get their width and height
 * in meta.  disp is "inline" or "attachment", model NULL or a model name.
 */
enum app_err media_save(struct req *r, const char *name, const char *type, const char *data,
                        size_t len, const char *disp, const char *model, const char **uuid);

#endif
