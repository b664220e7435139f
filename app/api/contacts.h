/*
 * api/contacts.h - contacts: GET /api/v1/contacts, GET/PUT
 * /api/v1/contacts/{id}, PUT .../block, and the notes under
 * /api/v1/contacts/{id}/notes.
 */
#ifndef API_CONTACTS_H
#define API_CONTACTS_H

#include "lib/err.h"

struct req;
struct resp;

enum app_err h_contacts_list(struct req *r, struct resp *w);
enum app_err h_contacts_get(struct req *r, struct resp *w);
enum app_err h_contacts_update(struct req *r, struct resp *w);
enum app_err h_contacts_block(struct req *r, struct resp *w);
enum app_err h_contact_notes_list(struct req *r, struct resp *w);
enum app_err h_contact_notes_create(struct req *r, struct resp *w);
enum app_err h_contact_notes_delete(struct req *r, struct resp *w);

#endif
