/*
 * convaccess.h - upstream's per-conversation access rule (reference §4),
 * shared by the conversation and message handlers.
 */
#ifndef APP_CONVACCESS_H
#define APP_CONVACCESS_H

#include "lib/err.h"
#include "store/queries.h"

struct req;
struct resp;

/*
 * Loads the conversation named by the route capture `capture` and checks
 * that the caller may see it.  Returns APP_OK with *out filled, 400 for a
 * malformed uuid, 404 "Conversation not found" or 403 "Permission denied".
 */
enum app_err conv_access(struct req *r, struct resp *w, const char *capture,
                         struct q_conv_access *out);

/* The same for a conversation uuid the caller has in hand (NULL is malformed). */
enum app_err conv_access_uuid(struct req *r, struct resp *w, const char *uuid,
                              struct q_conv_access *out);

#endif
