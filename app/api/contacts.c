/*
 * api/contacts.c - contacts (users of type contact or visitor): the list,
 * one contact, its update and blocking, and the agents' notes on it.
 */
#include "api/contacts.h"

#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/http.h"
#include "lib/multipart.h"
#include "lib/text.h"
#include "lib/validate.h"
#include "rules/limits.h"
#include "rules/upload.h"
#include "server/body.h"
#include "server/config.h"
#include "server/ctx.h"
#include "server/listing.h"
#include "server/reply.h"
#include "store/contacts.h"
#include "store/media.h"
#include "store/roles.h"

#define AVATAR_MAX (2 * 1024 * 1024)

enum app_err h_contacts_list(struct req *r, struct resp *w)
{
    return listing_contacts(r, w);
}

/* data = the contact; 404 "User not found" if there is none. */
static enum app_err contact_json(struct req *r, struct resp *w, int64_t id)
{
    struct ctx *c = r->ctx;
    enum app_err e = store_contact_json(c->db, r->arena, id, &w->data_json, &w->data_len);
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "User not found");
    return e;
}

enum app_err h_contacts_get(struct req *r, struct resp *w)
{
    int64_t id;
    enum app_err e = reply_path_int(r, w, "id", "contact", &id);
    return e == APP_OK ? contact_json(r, w, id) : e;
}

/* PUT /api/v1/contacts/{id}/block {"enabled": bool}: false blocks. */
enum app_err h_contacts_block(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct json_object *b, *v;
    int64_t id;
    enum app_err e = reply_path_int(r, w, "id", "contact", &id);

    if (e == APP_OK)
        e = body_object(r, w, &b);
    if (e != APP_OK)
        return e;
    if (!json_object_object_get_ex(b, "enabled", &v) || !json_object_is_type(v, json_type_boolean))
        return reply_fail(r, w, APP_ERR_INPUT, "`enabled` must be true or false");
    e = store_contact_block(c->db, r->arena, id, json_object_get_boolean(v));
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "User not found");
    if (e != APP_OK)
        return e;
    return contact_json(r, w, id);
}

/* A field of the update: absent or the literal "null" (as upstream's form reads it) is empty. */
static const char *field(struct json_object *b, const char *key)
{
    const char *v = body_string(b, key);
    return v == NULL || strcmp(v, "null") == 0 ? "" : v;
}

/*
 * The avatar of a multipart update: the `files` part, an image (not SVG) of
 * at most 2 MB, checked before anything is written.  *has 0 if none.
 */
static enum app_err avatar_part(struct req *r, struct resp *w, const struct mp_part *files,
                                int nfiles, struct store_media_new *m, int *has)
{
    const struct mp_part *file = body_file(files, nfiles, "files");

    *has = file != NULL;
    if (file == NULL)
        return APP_OK;
    m->data = file->data;
    m->len = file->len;
    upload_sniff(r->arena, m);
    if (m->type == NULL)
        return APP_ERR_INTERNAL;
    m->name = upload_clean_name(file->filename);
    if (file->len == 0 || m->name == NULL || strncmp(m->type, "image/", 6) != 0 ||
        strcmp(m->type, "image/svg+xml") == 0)
        return reply_fail(r, w, APP_ERR_INPUT, "The avatar must be a PNG, JPEG, GIF or WebP image");
    if (file->len > AVATAR_MAX)
        return reply_fail(r, w, APP_ERR_TOO_LARGE, "The avatar is larger than 2 MB");
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
    } limits[] = {{"first_name", NAME_MAX_LEN}, {"last_name", NAME_MAX_LEN},
                  {"phone_number", 20},         {"phone_number_country_code", 10},
                  {"country", NAME_MAX_LEN},    {"avatar_url", 2048}};
    struct ctx *c = r->ctx;
    struct json_object *b;
    const struct mp_part *files;
    int nfiles, has_avatar;
    int64_t id;
    enum app_err e = reply_path_int(r, w, "id", "contact", &id);

    if (e == APP_OK)
        e = body_form(r, w, &b, &files, &nfiles);
    if (e != APP_OK)
        return e;
    for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++)
        if (strlen(field(b, limits[i].key)) > limits[i].max)
            return reply_fail(r, w, APP_ERR_INPUT, "`%s` is at most %zu characters", limits[i].key,
                              limits[i].max);
    if (*field(b, "first_name") == '\0')
        return reply_fail(r, w, APP_ERR_INPUT, "`first_name` is required");
    const char *email = text_email_norm(r->arena, field(b, "email"));
    if (email == NULL || !v_email(email))
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid `email`");
    const char *avatar_url = body_string(b, "avatar_url");
    if (avatar_url != NULL && strcmp(avatar_url, "null") == 0)
        avatar_url = NULL;
    struct store_media_new avatar = {
        .disp = "inline", .model = "users", .model_id = id, .uploaded_by = c->who->id};
    if ((e = avatar_part(r, w, files, nfiles, &avatar, &has_avatar)) != APP_OK)
        return e;
    struct store_contact_update u = {
        .id = id,
        .first_name = field(b, "first_name"),
        .email = email,
        .last_name = field(b, "last_name"),
        .phone_number = field(b, "phone_number"),
        .phone_number_country_code = field(b, "phone_number_country_code"),
        .country = field(b, "country"),
        .avatar_url = avatar_url,
        .avatar = has_avatar ? &avatar : NULL,
    };
    e = store_contact_update(c->db, r->arena, c->cfg->upload_dir, &u);
    if (e == APP_ERR_CONFLICT)
        return reply_fail(r, w, e, "Another contact with same email already exists");
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "User not found");
    if (e != APP_OK)
        return e;
    return contact_json(r, w, id);
}

/* The contact of a notes route must exist (upstream answers 500 otherwise). */
static enum app_err note_contact(struct req *r, struct resp *w, int64_t *id)
{
    struct ctx *c = r->ctx;
    enum app_err e = reply_path_int(r, w, "id", "contact", id);

    if (e == APP_OK)
        e = store_contact_exists(c->db, r->arena, *id);
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "User not found");
    return e;
}

enum app_err h_contact_notes_list(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    int64_t id;
    enum app_err e = note_contact(r, w, &id);

    if (e != APP_OK)
        return e;
    return store_contact_notes_json(c->db, r->arena, id, &w->data_json, &w->data_len);
}

enum app_err h_contact_notes_create(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct json_object *b;
    int64_t id;
    enum app_err e = note_contact(r, w, &id);

    if (e == APP_OK)
        e = body_object(r, w, &b);
    if (e != APP_OK)
        return e;
    const char *note = body_string(b, "note");
    if (note == NULL || *note == '\0')
        return reply_fail(r, w, APP_ERR_INPUT, "`note` is required");
    return store_contact_note_create(c->db, r->arena, id, note, c->who->id, &w->data_json,
                                     &w->data_len);
}

/* DELETE .../notes/{note_id}: one's own note, or any with the Admin role. */
enum app_err h_contact_notes_delete(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    int64_t id, note_id, author;
    int admin;
    enum app_err e = note_contact(r, w, &id);

    if (e == APP_OK)
        e = reply_path_int(r, w, "note_id", "note", &note_id);
    if (e != APP_OK)
        return e;
    e = store_contact_note_author(c->db, r->arena, note_id, id, &author);
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "Note not found");
    if (e != APP_OK)
        return e;
    if (author != c->who->id) {
        if ((e = store_user_is_admin(c->db, r->arena, c->who->id, &admin)) != APP_OK)
            return e;
        if (!admin)
            return reply_fail(r, w, APP_ERR_PERMISSION, "You can only delete your own note");
    }
    return store_contact_note_delete(c->db, r->arena, note_id);
}
