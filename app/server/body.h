/*
 * body.h - the request body as one object, whatever upstream's clients
 * send: JSON (strict, bounded depth) or an application/x-www-form-urlencoded
 * form (fields become strings), as upstream's decoder accepts both.  The
 * Content-Type decides (its media type, any case, parameters such as
 * "; charset=utf-8" allowed); a body sent as anything else, or without a
 * Content-Type, is refused rather than guessed at.  An empty body needs none.
 */
#ifndef APP_BODY_H
#define APP_BODY_H

#include <stdint.h>

#include "lib/err.h"

struct req;
struct resp;
struct json_object;

/*
 * Parses r's body into *obj (arena-owned JSON object): JSON, an urlencoded
 * form, or the text fields of a multipart form.  An empty body is an empty
 * object.  Returns APP_OK, or APP_ERR_INPUT with w->message "Error parsing
 * request" (upstream's text) for anything else; for another Content-Type, or
 * none, "Error parsing request: unsupported Content-Type text/plain; send
 * application/json" or "Error parsing request: the body has no
 * Content-Type; send application/json".
 */
enum app_err body_object(struct req *r, struct resp *w, struct json_object **obj);

/*
 * A JSON body that is an array (some upstream routes take a bare list):
 * the same checks as body_object(), but only application/json;
 * APP_ERR_INPUT "Error parsing request…" for anything else.
 */
enum app_err body_array(struct req *r, struct resp *w, struct json_object **arr);

struct mp_part;

/*
 * body_object(), and for a multipart body also its file parts (*files, in
 * order, arena; *nfiles of them; none for other bodies).  A multipart body
 * that does not parse is APP_ERR_INPUT "Error parsing request: <why>"; a
 * refused Content-Type says "send application/json or multipart/form-data".
 */
enum app_err body_form(struct req *r, struct resp *w, struct json_object **obj,
                       const struct mp_part **files, int *nfiles);

/* The first of the n file parts sent as form field name, or NULL. */
const struct mp_part *body_file(const struct mp_part *files, int n, const char *name);

/*
 * A string field that may be absent or null (*out NULL); 400 "Invalid
 * `key`: expected a string" if it is something else.
 */
enum app_err body_opt_string(struct req *r, struct resp *w, struct json_object *obj,
                             const char *key, const char **out);

/* A string field; NULL if absent, null or not a string. */
const char *body_string(struct json_object *obj, const char *key);

/* An integer field (a JSON integer or a string of digits); 0 if absent or malformed. */
int body_int64(struct json_object *obj, const char *key, int64_t *out);

#endif
