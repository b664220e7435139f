/*
 * store/contacts.h - contacts (users of type contact or visitor) and the
 * agents' notes on them.
 */
#ifndef STORE_CONTACTS_H
#define STORE_CONTACTS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct arena;
struct db;
struct cq_query;
struct store_media_new;

/* The contacts list built by cq_contacts_build(): the exact total and the page (JSON array). */
enum app_err store_contacts_list(struct db *db, struct arena *a, const struct cq_query *q,
                                 int64_t *total, const char **results, size_t *len);

/* A live contact in the agent object's shape; APP_ERR_NOT_FOUND if there is none. */
enum app_err store_contact_json(struct db *db, struct arena *a, int64_t id, const char **json,
                                size_t *len);

/* APP_OK if the live contact exists, else APP_ERR_NOT_FOUND. */
enum app_err store_contact_exists(struct db *db, struct arena *a, int64_t id);

/* Enables (unblocks) or disables (blocks) the contact; APP_ERR_NOT_FOUND if there is none. */
enum app_err store_contact_block(struct db *db, struct arena *a, int64_t id, int enabled);

/* A contact's new details. */
struct store_contact_update {
    int64_t id;
    const char *first_name, *email;
    const char *last_name, *phone_number, *phone_number_country_code, *country; /* "" clears */
    const char *avatar_url;               /* NULL keeps the current one */
    const struct store_media_new *avatar; /* an uploaded avatar that replaces it, or NULL */
};

/*
 * Updates the contact and stores its avatar (under upload_dir, the URL
 * set to it) in one transaction: all or nothing.  APP_ERR_NOT_FOUND if
 * there is no such contact, APP_ERR_CONFLICT if the e-mail is another's.
 */
enum app_err store_contact_update(struct db *db, struct arena *a, const char *upload_dir,
                                  const struct store_contact_update *u);

/* [notes with their author] of the contact, newest first. */
enum app_err store_contact_notes_json(struct db *db, struct arena *a, int64_t contact_id,
                                      const char **json, size_t *len);

/* A new note by author on the contact, as JSON. */
enum app_err store_contact_note_create(struct db *db, struct arena *a, int64_t contact_id,
                                       const char *note, int64_t author, const char **json,
                                       size_t *len);

/* The note's author (0 if the author is gone); APP_ERR_NOT_FOUND if the contact has no such note.
 */
enum app_err store_contact_note_author(struct db *db, struct arena *a, int64_t note_id,
                                       int64_t contact_id, int64_t *author);

enum app_err store_contact_note_delete(struct db *db, struct arena *a, int64_t note_id);

#endif
