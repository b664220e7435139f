/*
 * h_contacts.c - contacts (users of type contact or visitor): the list,
 * one contact, its update and blocking, and the agents' notes on it.
 */
#include "api/handlers.h"

#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/arena.h"
#include "lib/http.h"
#include "lib/multipart.h"
#include "lib/text.h"
#include "lib/validate.h"
#include "server/ctx.h"
#include "server/body.h"
#include "lists/query.h"
#include "api/media.h"
#include "store/queries.h"
#include "server/reply.h"

enum app_err h_contacts_list(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct cq_request rq = {0};
    struct cq_query q;
    const char *msg = NULL, *results;
    size_t len;
    int64_t total;

    list_params(r, &rq);
    enum app_err e = cq_contacts_build(r->arena, &rq, &q, &msg);
    if (e != APP_OK) {
        w->message = msg;
        return e;
    }
    if ((e = q_contact_list(c->db, r->arena, &q, &total, &results, &len)) != APP_OK)
        return e;
    if ((e = reply_page(r, w, results, len, total, rq.page_size, rq.page)) != APP_OK)
        return e;
    return APP_OK;
}

static enum app_err contact_json(struct req *r, struct resp *w, const char *id)
{
    return reply_json_found(r, w, STMT_CONTACT_JSON, id, "User not found");
}

enum app_err h_contacts_get(struct req *r, struct resp *w)
{
    const char *id;
    enum app_err e = reply_path_id(r, w, "id", "contact", &id);
    return e == APP_OK ? contact_json(r, w, id) : e;
}

/* PUT /api/v1/contacts/{id}/block {"enabled": bool}: false blocks. */
enum app_err h_contacts_block(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct json_object *b, *v;
    const char *id, *found = NULL;
    enum app_err e = reply_path_id(r, w, "id", "contact", &id);

    if (e == APP_OK)
        e = body_object(r, w, &b);
    if (e != APP_OK)
        return e;
    if (!json_object_object_get_ex(b, "enabled", &v) ||
        !json_object_is_type(v, json_type_boolean)) {
        w->message = "`enabled` must be true or false";
        return APP_ERR_INPUT;
    }
    const char *p[2] = {id, json_object_get_boolean(v) ? "true" : "false"};
    if ((e = store_one(c->db, r->arena, STMT_CONTACT_BLOCK, p, &found, NULL)) != APP_OK)
        return e;
    if (found == NULL) {
        w->message = "User not found";
        return APP_ERR_NOT_FOUND;
    }
    return contact_json(r, w, id);
}

/* A field of the update: absent or the literal "null" (as upstream's form reads it) is empty. */
static const char *field(struct json_object *b, const char *key)
{
    const char *v = body_string(b, key);
    return v == NULL || strcmp(v, "null") == 0 ? "" : v;
}

#define AVATAR_MAX (2 * 1024 * 1024)

/*
 * The avatar of a multipart update: the `files` part, an image (not SVG) of
 * at most 2 MB, checked before anything is written.  *file NULL if none.
 */
static enum app_err avatar_part(struct req *r, struct resp *w, const struct mp_part *files,
                                int nfiles, const struct mp_part **file, const char **name,
                                const char **type)
{
    if ((*file = body_file(files, nfiles, "files")) == NULL)
        return APP_OK;
    *type = media_type(r->arena, (*file)->data, (*file)->len);
    *name = media_clean_name((*file)->filename);
    if ((*file)->len == 0 || *name == NULL || strncmp(*type, "image/", 6) != 0 ||
        strcmp(*type, "image/svg+xml") == 0) {
        w->message = "The avatar must be a PNG, JPEG, GIF or WebP image";
        return APP_ERR_INPUT;
    }
    if ((*file)->len > AVATAR_MAX) {
        w->message = "The avatar is larger than 2 MB";
        return APP_ERR_TOO_LARGE;
    }
    return APP_OK;
}

/*
 * PUT /api/v1/contacts/{id}: first_name and email required, the rest
 * replaced (empty clears).  As a form (multipart or urlencoded) or JSON.
 */
enum app_err h_contacts_update(struct req *r, struct resp *w)
{
    static const struct {
        const char *key;
        size_t max;
    } limits[] = {{"first_name", 140},  {"last_name", 140},
                  {"phone_number", 20}, {"phone_number_country_code", 10},
                  {"country", 140},     {"avatar_url", 2048}};
    struct ctx *c = r->ctx;
    struct json_object *b;
    const struct mp_part *files, *file = NULL;
    int nfiles;
    const char *id, *found = NULL;
    enum app_err e = reply_path_id(r, w, "id", "contact", &id);

    if (e == APP_OK)
        e = body_form(r, w, &b, &files, &nfiles);
    if (e != APP_OK)
        return e;
    for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++)
        if (strlen(field(b, limits[i].key)) > limits[i].max) {
            w->message = arena_printf(r->arena, "`%s` is at most %zu characters", limits[i].key,
                                      limits[i].max);
            return APP_ERR_INPUT;
        }
    if (*field(b, "first_name") == '\0') {
        w->message = "`first_name` is required";
        return APP_ERR_INPUT;
    }
    const char *email = text_email_norm(r->arena, field(b, "email"));
    if (email == NULL || !v_email(email)) {
        w->message = "Invalid `email`";
        return APP_ERR_INPUT;
    }
    const char *avatar = body_string(b, "avatar_url");
    if (avatar != NULL && strcmp(avatar, "null") == 0)
        avatar = NULL;
    const char *fname = NULL, *ftype = NULL;
    if ((e = avatar_part(r, w, files, nfiles, &file, &fname, &ftype)) != APP_OK)
        return e;
    const char *p[8] = {id,
                        field(b, "first_name"),
                        field(b, "last_name"),
                        email,
                        field(b, "phone_number"),
                        field(b, "phone_number_country_code"),
                        field(b, "country"),
                        avatar};
    const char *uuid = NULL;
    if ((e = db_begin(c->db)) != APP_OK)
        return e;
    e = store_one(c->db, r->arena, STMT_CONTACT_UPDATE, p, &found, NULL);
    if (e == APP_ERR_CONFLICT)
        w->message = "Another contact with same email already exists";
    if (e == APP_OK && found == NULL) {
        w->message = "User not found";
        e = APP_ERR_NOT_FOUND;
    }
    /* The avatar joins the same transaction: all of the update or none of it. */
    if (e == APP_OK && file != NULL) {
        struct media_new m = {.name = fname,
                              .type = ftype,
                              .data = file->data,
                              .len = file->len,
                              .disp = "inline",
                              .model = "users",
                              .model_id = id};
        e = media_write(r, &m, &uuid);
        const char *ap[2] = {id, uuid ? arena_printf(r->arena, "/uploads/%s", uuid) : NULL};
        if (e == APP_OK)
            e = store_one(c->db, r->arena, STMT_CONTACT_AVATAR_SET, ap, NULL, NULL);
    }
    if ((e = media_end(r, e, uuid)) != APP_OK)
        return e;
    return contact_json(r, w, id);
}

/* The contact of a notes route must exist (upstream answers 500 otherwise). */
static enum app_err note_contact(struct req *r, struct resp *w, const char **id)
{
    struct ctx *c = r->ctx;
    const char *found = NULL;
    enum app_err e = reply_path_id(r, w, "id", "contact", id);

    if (e != APP_OK)
        return e;
    const char *p[1] = {*id};
    if ((e = store_one(c->db, r->arena, STMT_CONTACT_EXISTS, p, &found, NULL)) != APP_OK)
        return e;
    if (found == NULL) {
        w->message = "User not found";
        return APP_ERR_NOT_FOUND;
    }
    return APP_OK;
}

enum app_err h_contact_notes_list(struct req *r, struct resp *w)
{
    const char *id;
    enum app_err e = note_contact(r, w, &id);
    return e == APP_OK ? reply_json(r, w, STMT_NOTES_JSON, id) : e;
}

enum app_err h_contact_notes_create(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct json_object *b;
    const char *id;
    enum app_err e = note_contact(r, w, &id);

    if (e == APP_OK)
        e = body_object(r, w, &b);
    if (e != APP_OK)
        return e;
    const char *note = body_string(b, "note");
    if (note == NULL || *note == '\0') {
        w->message = "`note` is required";
        return APP_ERR_INPUT;
    }
    const char *p[3] = {id, note, c->who->id_str};
    return store_json(c->db, r->arena, STMT_NOTE_INSERT, p, &w->data_json, &w->data_len);
}

/* DELETE .../notes/{note_id}: one's own note, or any with the Admin role. */
enum app_err h_contact_notes_delete(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    const char *id, *note_id, *author = NULL, *admin = NULL;
    enum app_err e = note_contact(r, w, &id);

    if (e == APP_OK)
        e = reply_path_id(r, w, "note_id", "note", &note_id);
    if (e != APP_OK)
        return e;
    const char *p[2] = {note_id, id};
    if ((e = store_one(c->db, r->arena, STMT_NOTE_AUTHOR, p, &author, NULL)) != APP_OK)
        return e;
    if (author == NULL) {
        w->message = "Note not found";
        return APP_ERR_NOT_FOUND;
    }
    if (strcmp(author, c->who->id_str) != 0) {
        const char *me[1] = {c->who->id_str};
        if ((e = store_one(c->db, r->arena, STMT_HAS_ADMIN_ROLE, me, &admin, NULL)) != APP_OK)
            return e;
        if (admin == NULL) {
            w->message = "You can only delete your own note";
            return APP_ERR_PERMISSION;
        }
    }
    return store_one(c->db, r->arena, STMT_NOTE_DELETE, p, NULL, NULL);
}
