/*
 * h_media.c - uploads: POST /api/v1/media stores the `files` part of a
 * multipart body under the upload directory with a uuid name (the type
 * sniffed with libmagic, never taken from the client), and GET
 * /uploads/{uuid} authorizes a download that nginx then sends itself
 * (X-Accel-Redirect to the internal /_deskd_uploads/ location).  Messages
 * link uploads by id (h_messages.c); the contact avatar is stored here too.
 */
#include "api/handlers.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>
#include <magic.h>

#include "lib/arena.h"
#include "server/config.h"
#include "lib/http.h"
#include "lib/log.h"
#include "lib/multipart.h"
#include "lib/validate.h"
#include "server/ctx.h"
#include "server/body.h"
#include "rules/access.h"
#include "api/media.h"
#include "store/queries.h"

/*
 * What libmagic says of the bytes: with MAGIC_MIME_TYPE the type, else the
 * description.  One loaded cookie per flag set and worker; NULL if libmagic
 * cannot be used (logged once).
 */
static const char *magic_of(int mime, const char *data, size_t len)
{
    static magic_t cookies[2];
    static int tried[2];
    if (!tried[mime]) {
        tried[mime] = 1;
        cookies[mime] = magic_open((mime ? MAGIC_MIME_TYPE : MAGIC_NONE) | MAGIC_NO_CHECK_COMPRESS);
        if (cookies[mime] != NULL && magic_load(cookies[mime], NULL) != 0) {
            log_err("media: libmagic: %s", magic_error(cookies[mime]));
            magic_close(cookies[mime]);
            cookies[mime] = NULL;
        }
    }
    return cookies[mime] ? magic_buffer(cookies[mime], data, len) : NULL;
}

const char *media_type(struct arena *a, const char *data, size_t len)
{
    const char *t = magic_of(1, data, len);
    return arena_strdup(a, t ? t : "application/octet-stream");
}

/*
 * Width and height of an image from libmagic's description ("PNG image data,
 * 2 x 3, ...", "JPEG image data, ..., density 1x1, ..., 640x480, ..."): the
 * last "W x H" or "WxH" item of the comma-separated list.  0 if none.
 */
static int dimensions(const char *data, size_t len, long *wd, long *ht)
{
    const char *d = magic_of(0, data, len);
    int found = 0;
    for (const char *p = d; p != NULL && *p; p++) {
        if (p != d && !(p[-1] == ' ' && p - d >= 2 && p[-2] == ','))
            continue;
        char *e;
        long x = strtol(p, &e, 10), y;
        if (e == p || x <= 0 || x > 1000000)
            continue;
        if (strncmp(e, " x ", 3) == 0)
            e += 3;
        else if (*e == 'x')
            e++;
        else
            continue;
        const char *yp = e;
        y = strtol(yp, &e, 10);
        if (e == yp || y <= 0 || y > 1000000 || (*e != ',' && *e != '\0'))
            continue;
        *wd = x;
        *ht = y;
        found = 1;
    }
    return found;
}

/* The client's file name reduced to its last path component; NULL if unusable. */
const char *media_clean_name(const char *name)
{
    const char *base = name;
    for (const char *p = name; *p; p++)
        if (*p == '/' || *p == '\\')
            base = p + 1;
    size_t n = strlen(base);
    if (n == 0 || n > 255 || strcmp(base, ".") == 0 || strcmp(base, "..") == 0 || !v_utf8(base, n))
        return NULL;
    for (const char *p = base; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return NULL;
    return base;
}

/* 1 if the extension of name is allowed by the setting (a JSON array; "*" allows all). */
static int extension_allowed(const char *setting, const char *name)
{
    json_object *list = setting ? json_tokener_parse(setting) : NULL;
    const char *dot = strrchr(name, '.');
    int ok = list == NULL; /* no setting: upstream's default ["*"] */
    for (size_t i = 0; list && json_object_is_type(list, json_type_array) &&
                       i < json_object_array_length(list) && !ok;
         i++) {
        const char *e = json_object_get_string(json_object_array_get_idx(list, i));
        if (e == NULL)
            continue;
        if (strcmp(e, "*") == 0)
            ok = 1;
        else if (dot != NULL && dot[1] != '\0')
            ok = strcasecmp(*e == '.' ? e + 1 : e, dot + 1) == 0;
    }
    json_object_put(list);
    return ok;
}

/* Writes the bytes to dir/uuid through a temporary name; 0 or -1 (logged). */
static int store(struct arena *a, const char *dir, const char *uuid, const char *data, size_t len)
{
    const char *tmp = arena_printf(a, "%s/.%s.part", dir, uuid);
    const char *dst = arena_printf(a, "%s/%s", dir, uuid);
    if (tmp == NULL || dst == NULL)
        return -1;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        log_warn("media: open %s", tmp);
        return -1;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            log_warn("media: write %s", tmp);
            close(fd);
            unlink(tmp);
            return -1;
        }
        off += (size_t)w;
    }
    if (fsync(fd) != 0 || close(fd) != 0 || rename(tmp, dst) != 0) {
        log_warn("media: store %s", dst);
        unlink(tmp);
        return -1;
    }
    return 0;
}

enum app_err media_write(struct req *r, const struct media_new *m, const char **uuid)
{
    struct ctx *c = r->ctx;
    const char *size = arena_printf(r->arena, "%zu", m->len);
    long wd, ht;
    const char *meta = strncmp(m->type, "image/", 6) == 0 && dimensions(m->data, m->len, &wd, &ht)
                           ? arena_printf(r->arena, "{\"width\": %ld, \"height\": %ld}", wd, ht)
                           : "{}";
    const char *p[7] = {m->name, m->type, m->disp, size, m->model, meta, m->model_id};

    *uuid = NULL;
    if (size == NULL || meta == NULL)
        return APP_ERR_TOO_LARGE;
    enum app_err e = store_one(c->db, r->arena, STMT_MEDIA_INSERT, p, uuid, NULL);
    if (e == APP_OK && *uuid == NULL)
        e = APP_ERR_INTERNAL;
    if (e == APP_OK && store(r->arena, c->cfg->upload_dir, *uuid, m->data, m->len) != 0) {
        *uuid = NULL; /* store() removed what it wrote */
        e = APP_ERR_INTERNAL;
    }
    return e;
}

enum app_err media_end(struct req *r, enum app_err e, const char *uuid)
{
    struct ctx *c = r->ctx;
    if (e == APP_OK)
        e = db_commit(c->db);
    if (e == APP_OK)
        return APP_OK;
    db_rollback(c->db);
    const char *path = uuid ? arena_printf(r->arena, "%s/%s", c->cfg->upload_dir, uuid) : NULL;
    if (path != NULL && unlink(path) != 0 && errno != ENOENT)
        log_warn("media: cannot remove %s", path);
    return e;
}

enum app_err h_media_upload(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct json_object *b;
    const struct mp_part *files, *file;
    const char *max_s = NULL, *exts = NULL, *uuid = NULL;
    int n;

    if (r->content_type == NULL || strncasecmp(r->content_type, "multipart/form-data", 19) != 0) {
        w->message = "Expected a multipart/form-data body with a `files` part";
        return APP_ERR_INPUT;
    }
    enum app_err e = body_form(r, w, &b, &files, &n);
    if (e != APP_OK)
        return e;
    file = body_file(files, n, "files");
    const char *inline_v = body_string(b, "inline"), *model = body_string(b, "linked_model");
    if (file == NULL) {
        w->message = "File not found";
        return APP_ERR_INPUT;
    }
    if (file->len == 0) {
        w->message = "The file is empty";
        return APP_ERR_INPUT;
    }
    const char *name = media_clean_name(file->filename);
    if (name == NULL) {
        w->message = "Invalid file name";
        return APP_ERR_INPUT;
    }
    if (model != NULL && *model != '\0' && strcmp(model, "messages") != 0) {
        w->message = "Invalid `linked_model`: use messages";
        return APP_ERR_INPUT;
    }
    const char *k1[1] = {"app.max_file_upload_size"},
               *k2[1] = {"app.allowed_file_upload_extensions"};
    e = store_one(c->db, r->arena, STMT_SETTING, k1, &max_s, NULL);
    if (e == APP_OK)
        e = store_one(c->db, r->arena, STMT_SETTING, k2, &exts, NULL);
    if (e != APP_OK)
        return e;
    long max_mb = max_s ? strtol(max_s, NULL, 10) : 20;
    if (max_mb <= 0)
        max_mb = 20;
    if (file->len > (size_t)max_mb * 1024 * 1024) {
        w->message = arena_printf(r->arena, "File size exceeds the limit of %ld MB", max_mb);
        return APP_ERR_TOO_LARGE;
    }
    if (!extension_allowed(exts, name)) {
        w->message = "This file type is not allowed";
        return APP_ERR_INPUT;
    }

    struct media_new m = {
        .name = name,
        .type = media_type(r->arena, file->data, file->len),
        .data = file->data,
        .len = file->len,
        .disp = inline_v && strcmp(inline_v, "true") == 0 ? "inline" : "attachment",
        .model = model && *model ? model : NULL,
    };
    if ((e = db_begin(c->db)) != APP_OK)
        return e;
    e = media_write(r, &m, &uuid); /* sets uuid before media_end() reads it */
    if ((e = media_end(r, e, uuid)) != APP_OK)
        return e;
    const char *j[1] = {uuid};
    return store_json(c->db, r->arena, STMT_MEDIA_JSON, j, &w->data_json, &w->data_len);
}

/* The file name for Content-Disposition: an ASCII fallback and the UTF-8 original (RFC 6266). */
static const char *disposition(struct arena *a, const char *kind, const char *name)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(name);
    char *ascii = arena_alloc(a, n + 1), *pct = arena_alloc(a, 3 * n + 1);
    size_t o = 0;
    if (ascii == NULL || pct == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)name[i];
        ascii[i] = (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\') ? (char)ch : '_';
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
            strchr("-._~", ch) != NULL) {
            pct[o++] = (char)ch;
        } else {
            pct[o++] = '%';
            pct[o++] = hex[ch >> 4];
            pct[o++] = hex[ch & 15];
        }
    }
    ascii[n] = '\0';
    pct[o] = '\0';
    return arena_printf(a, "%s; filename=\"%s\"; filename*=UTF-8''%s", kind, ascii, pct);
}

enum app_err h_uploads_get(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    const char *uuid = router_capture(&r->match, "uuid");
    struct db_res *res;

    if (uuid == NULL || !v_uuid(uuid)) {
        w->message = "Media not found";
        return APP_ERR_NOT_FOUND;
    }
    const char *p[1] = {uuid};
    enum app_err e = db_run(c->db, r->arena, STMT_MEDIA_BY_UUID, p, &res);
    if (e != APP_OK)
        return e;
    if (db_ntuples(res) == 0) {
        w->message = "Media not found";
        return APP_ERR_NOT_FOUND;
    }
    /*
     * A message's attachment is as private as its conversation: messages:read
     * and the conversation access rule (403, where upstream says 401).  Other
     * files (unlinked uploads, avatars) go to any authenticated agent.
     */
    const char *conv = db_value(res, 0, 3);
    if (conv != NULL) {
        struct q_conv_access ca;
        if (!app_has_perm(c->who, "messages:read"))
            return APP_ERR_PERMISSION;
        if ((e = conv_access_uuid(r, w, conv, &ca)) != APP_OK)
            return e;
    }
    const char *type = db_value(res, 0, 1);
    /* Only images may show inline; everything else downloads. */
    const char *kind = strncmp(type, "image/", 6) == 0 && strcmp(type, "image/svg+xml") != 0
                           ? db_value(res, 0, 2)
                           : "attachment";
    const char *cd = disposition(r->arena, kind, db_value(res, 0, 0));
    const char *redirect = arena_printf(r->arena, "/_deskd_uploads/%s", uuid);
    if (cd == NULL || redirect == NULL)
        return APP_ERR_TOO_LARGE;
    w->content_type = type;
    w->raw_body = "";
    w->raw_len = 0;
    http_add_header(w, "Content-Disposition", cd);
    http_add_header(w, "X-Content-Type-Options", "nosniff");
    http_add_header(w, "X-Accel-Redirect", redirect);
    return APP_OK;
}
