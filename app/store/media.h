/*
 * store/media.h - uploaded files: their rows and their bytes under the
 * upload directory (named by the row's uuid), linking them to messages,
 * and what serving one needs.
 */
#ifndef STORE_MEDIA_H
#define STORE_MEDIA_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct arena;
struct db;

/* A file to store: the bytes, their cleaned name and sniffed type, and whose it is. */
struct store_media_new {
    const char *name, *type;
    const char *data;
    size_t len;
    const char *disp;       /* "inline" or "attachment" */
    const char *model;      /* NULL, "messages" or "users" */
    int64_t model_id;       /* 0 until linked */
    int64_t uploaded_by;    /* the agent who uploads it; 0: nobody (SQL NULL) */
    long width, height;     /* an image's size in meta; 0 if unknown */
    const char *content_id; /* an e-mail part's Content-ID; NULL if none */
};

/*
 * Stores m in one transaction: its row, and its bytes as dir/<uuid>
 * (*uuid, arena), or neither.
 */
enum app_err store_media_create(struct db *db, struct arena *a, const char *dir,
                                const struct store_media_new *m, const char **uuid);

/*
 * The same inside the caller's transaction, which the caller ends with
 * store_media_end() (store_contact_update()): *uuid is NULL when no file
 * was left behind.
 */
enum app_err store_media_write(struct db *db, struct arena *a, const char *dir,
                               const struct store_media_new *m, const char **uuid);

/*
 * Ends the transaction store_media_write() ran in: commits when e is APP_OK;
 * otherwise, or if the commit fails, rolls back and removes dir/<uuid>
 * (uuid NULL: none was written).  Returns the outcome.
 */
enum app_err store_media_end(struct db *db, struct arena *a, const char *dir, enum app_err e,
                             const char *uuid);

/* A media row as upstream sends it, with the URL that serves it; APP_ERR_NOT_FOUND if none. */
enum app_err store_media_json(struct db *db, struct arena *a, const char *uuid, const char **json,
                              size_t *len);

/* What serving a file needs (borrowed). */
struct store_media_file {
    const char *filename, *type, *disposition;
    const char *conv_uuid; /* the conversation whose message it is attached to; NULL if none */
    int pending;           /* 1 if not linked to anything yet (no model id) */
    int64_t uploaded_by;   /* the agent who uploaded it; 0 if unknown */
};

/* The file with this uuid; APP_ERR_NOT_FOUND if there is none. */
enum app_err store_media_file(struct db *db, struct arena *a, const char *uuid,
                              struct store_media_file *f);

/*
 * The first of the n media ids that uploader cannot attach to a message
 * (*id, 0 if all can), and why: *missing 1 if there is no such upload or it
 * is not uploader's (another agent's, or one with no recorded uploader),
 * so that a refusal says the same for both; 0 if it is uploader's but
 * already linked.
 */
enum app_err store_media_unlinkable(struct db *db, struct arena *a, const int64_t *ids, size_t n,
                                    int64_t uploader, int64_t *id, int *missing);

/*
 * Inside the caller's transaction: links the n media ids (each once, each
 * uploader's) to the message; APP_ERR_CONFLICT if one was claimed since
 * store_media_unlinkable().
 */
enum app_err store_media_link(struct db *db, struct arena *a, const int64_t *ids, size_t n,
                              int64_t uploader, int64_t msg_id);

#endif
