/*
 * media.h - storing an uploaded file (h_media.c), shared by the media upload
 * and the contact avatar.
 */
#ifndef APP_MEDIA_H
#define APP_MEDIA_H

#include <stddef.h>

#include "lib/err.h"

struct req;

struct arena;

/* The MIME type of the bytes, sniffed with libmagic (arena). */
const char *media_type(struct arena *a, const char *data, size_t len);

/* The client's file name cut to its last path component; NULL if unusable. */
const char *media_clean_name(const char *name);

/* A file to store: the bytes, their cleaned name and sniffed type, and whose it is. */
struct media_new {
    const char *name, *type; /* media_clean_name(), media_type() */
    const char *data;
    size_t len;
    const char *disp;     /* "inline" or "attachment" */
    const char *model;    /* NULL, "messages" or "users" */
    const char *model_id; /* NULL until linked */
};

/*
 * Inside the caller's transaction: inserts the media row and writes the file
 * DESKD_UPLOAD_DIR/<uuid> (*uuid, arena).  Images get their width and
 * height in meta.  The caller ends the transaction with media_end().
 */
enum app_err media_write(struct req *r, const struct media_new *m, const char **uuid);

/*
 * Ends the transaction media_write() ran in: commits when e is APP_OK;
 * otherwise, or if the commit fails, rolls back and removes the file of
 * uuid (NULL: none was written).  Returns the outcome.
 */
enum app_err media_end(struct req *r, enum app_err e, const char *uuid);

#endif
