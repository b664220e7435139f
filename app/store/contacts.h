/*
 * store/contacts.h - contacts and the agents' notes on them.
 */
#ifndef STORE_CONTACTS_H
#define STORE_CONTACTS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/db.h" /* transitional */
#include "lib/err.h"

struct arena;
struct db;
struct db_res;
struct db_stmt;
struct cq_query;
struct q_message_new;
struct sbuf;

/* Transitional: the statements, until each handler calls a typed function. */
extern const struct db_stmt STMT_CONTACT_JSON[1];
extern const struct db_stmt STMT_CONTACT_BLOCK[1];
extern const struct db_stmt STMT_CONTACT_EXISTS[1];
extern const struct db_stmt STMT_NOTES_JSON[1];
extern const struct db_stmt STMT_NOTE_INSERT[1];
extern const struct db_stmt STMT_NOTE_AUTHOR[1];
extern const struct db_stmt STMT_NOTE_DELETE[1];
extern const struct db_stmt STMT_CONTACT_UPDATE[1];
extern const struct db_stmt STMT_CONTACT_AVATAR_SET[1];

/* The contacts list built by cq_contacts_build(): the exact total and the page (JSON array). */
enum app_err q_contact_list(struct db *db, struct arena *a, const struct cq_query *q,
                            int64_t *total, const char **results, size_t *len);

#endif
