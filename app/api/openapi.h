/*
 * api/openapi.h - GET /api/v1/openapi.json: deskd's OpenAPI document.
 */
#ifndef API_OPENAPI_H
#define API_OPENAPI_H

#include <stddef.h>

#include "lib/err.h"

struct req;
struct resp;

/* The document's bytes (JSON, not NUL-terminated at *len) and length. */
const char *openapi_document(size_t *len);

enum app_err h_openapi_get(struct req *r, struct resp *w);

#endif
