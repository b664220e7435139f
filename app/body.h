/*
 * body.h - the request body as one object, whatever upstream's clients
 * send: JSON (strict, bounded depth) or an application/x-www-form-urlencoded
 * form (fields become strings), as upstream's decoder accepts both.
 */
#ifndef APP_BODY_H
#define APP_BODY_H

#include <stdint.h>

#include "../lib/err.h"

struct req;
struct resp;
struct json_object;

/*
 * Parses r's body into *obj (arena-owned JSON object).  An empty body is an
 * empty object.  Returns APP_OK, or APP_ERR_INPUT with w->message
 * "Error parsing request" (upstream's text) for anything else.
 */
enum app_err body_object(struct req *r, struct resp *w, struct json_object **obj);

/* A string field; NULL if absent, null or not a string. */
const char *body_string(struct json_object *obj, const char *key);

/* An integer field (a JSON integer or a string of digits); 0 if absent or malformed. */
int body_int64(struct json_object *obj, const char *key, int64_t *out);

#endif
