/*
 * api/media.h - uploads: POST /api/v1/media and GET /uploads/{uuid}, and
 * what the contact avatar shares with them.
 */
#ifndef API_MEDIA_H
#define API_MEDIA_H

#include "lib/err.h"

struct arena;
struct req;
struct resp;
struct store_media_new;

enum app_err h_media_upload(struct req *r, struct resp *w);
enum app_err h_uploads_get(struct req *r, struct resp *w);

/* The client's file name cut to its last path component; NULL if unusable. */
const char *media_clean_name(const char *name);

/*
 * m->type from m's bytes (never the client's word; NULL if the arena
 * refused) and, for an image, m->width and m->height.
 */
void media_sniff(struct arena *a, struct store_media_new *m);

#endif
