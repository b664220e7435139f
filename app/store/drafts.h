/*
 * store/drafts.h - an agent's drafts of a reply or private note, one of
 * each per conversation; every function takes the owner, so a draft is
 * only ever read or removed by the agent who wrote it.
 */
#ifndef STORE_DRAFTS_H
#define STORE_DRAFTS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct arena;
struct db;

/*
 * The user's drafts, newest first: [{id, conversation_id, conversation_uuid,
 * user_id, type, content, created_at, updated_at, meta}].
 */
enum app_err store_drafts_json(struct db *db, struct arena *a, int64_t user_id, const char **json,
                               size_t *len);

/*
 * Saves the user's draft of type ("reply" or "private_note") on the
 * conversation, replacing the one there was; meta is a JSON object's text.
 * The draft as the list shows it.
 */
enum app_err store_draft_save(struct db *db, struct arena *a, int64_t conversation_id,
                              int64_t user_id, const char *type, const char *content,
                              const char *meta, const char **json, size_t *len);

/*
 * Removes the user's drafts on the conversation with that uuid: of one
 * type, or both when type is NULL.  Nothing to remove is not an error.
 */
enum app_err store_draft_delete(struct db *db, struct arena *a, const char *conversation_uuid,
                                int64_t user_id, const char *type);

#endif
