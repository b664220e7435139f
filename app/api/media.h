/*
 * api/media.h - uploads: POST /api/v1/media and GET /uploads/{uuid}.
 */
#ifndef API_MEDIA_H
#define API_MEDIA_H

#include "lib/err.h"

struct req;
struct resp;

enum app_err h_media_upload(struct req *r, struct resp *w);
enum app_err h_uploads_get(struct req *r, struct resp *w);

#endif
