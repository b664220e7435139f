/*
 * store/media.c - uploaded files: their rows and their bytes.
 */
#include "store/media.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/arena.h"
#include "lib/db.h"
#include "lib/log.h"
#include "lib/sbuf.h"
#include "store/store.h"

/* The ids as an int[] literal "{1,2}". */
static const char *ids_literal(struct arena *a, const int64_t *ids, size_t n)
{
    struct sbuf sb;

    sbuf_init(&sb, a);
    sbuf_add(&sb, "{");
    for (size_t i = 0; i < n; i++)
        sbuf_addf(&sb, "%s%lld", i ? "," : "", (long long)ids[i]);
    sbuf_add(&sb, "}");
    return sbuf_str(&sb);
}

/* Writes the bytes to dir/uuid through a temporary name; 0 or -1 (logged). */
static int write_file(struct arena *a, const char *dir, const char *uuid, const char *data,
                      size_t len)
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

/*
 * $1 name, $2 type, $3 disposition, $4 size, $5 model, $6 meta, $7 model id,
 * $8 uploader, $9 content id.  store is written (upstream's schema has no
 * default for it): deskd keeps files on the local file system.
 */
static const struct db_stmt insert_stmt = {
    "media_insert",
    "INSERT INTO media (store, filename, content_type, disposition, size,"
    " model_type, meta, model_id, uploaded_by, content_id) VALUES ('fs', $1::text, $2::text,"
    " $3::media_disposition, $4::int, $5::text, $6::jsonb, $7::int, $8::int, $9::text)"
    " RETURNING uuid",
    9, 0};

enum app_err store_media_write(struct db *db, struct arena *a, const char *dir,
                               const struct store_media_new *m, const char **uuid)
{
    const char *meta =
        m->width > 0 && m->height > 0
            ? arena_printf(a, "{\"width\": %ld, \"height\": %ld}", m->width, m->height)
            : "{}";
    const char *p[] = {m->name,
                       m->type,
                       m->disp,
                       arena_printf(a, "%zu", m->len),
                       m->model,
                       meta,
                       store_id_or_null(a, m->model_id),
                       store_id_or_null(a, m->uploaded_by),
                       m->content_id};
    enum app_err e = store_found(db, a, &insert_stmt, p, uuid);

    if (e == APP_OK && *uuid == NULL)
        e = APP_ERR_INTERNAL;
    if (e == APP_ERR_NOT_FOUND)
        e = APP_ERR_INTERNAL; /* an insert that returns its row */
    if (e == APP_OK && write_file(a, dir, *uuid, m->data, m->len) != 0)
        e = APP_ERR_INTERNAL;
    if (e != APP_OK)
        *uuid = NULL; /* write_file() removed what it wrote */
    return e;
}

enum app_err store_media_end(struct db *db, struct arena *a, const char *dir, enum app_err e,
                             const char *uuid)
{
    if ((e = store_end(db, e)) == APP_OK)
        return APP_OK;
    const char *path = uuid ? arena_printf(a, "%s/%s", dir, uuid) : NULL;
    if (path != NULL && unlink(path) != 0 && errno != ENOENT)
        log_warn("media: cannot remove %s", path);
    return e;
}

enum app_err store_media_create(struct db *db, struct arena *a, const char *dir,
                                const struct store_media_new *m, const char **uuid)
{
    enum app_err e = store_begin(db);

    *uuid = NULL;
    if (e != APP_OK)
        return e;
    e = store_media_write(db, a, dir, m, uuid);
    if ((e = store_media_end(db, a, dir, e, *uuid)) != APP_OK)
        *uuid = NULL;
    return e;
}

/* $1 uuid */
static const struct db_stmt json_stmt = {
    "media_json",
    "SELECT json_build_object('id', id, 'created_at', created_at, 'updated_at',"
    " updated_at, 'uuid', uuid, 'store', store, 'filename', filename,"
    " 'content_type', content_type, 'content_id', coalesce(content_id, ''),"
    " 'model_id', model_id, 'model_type', model_type, 'disposition',"
    " disposition, 'size', size, 'meta', meta, 'url', '/uploads/' || uuid)::text"
    " FROM media WHERE uuid = $1::uuid",
    1, 0};

enum app_err store_media_json(struct db *db, struct arena *a, const char *uuid, const char **json,
                              size_t *len)
{
    const char *p[] = {uuid};
    return store_json_found(db, a, &json_stmt, p, json, len);
}

/*
 * $1 uuid: the file's name, type and disposition, the uuid of the
 * conversation whose message it is attached to (NULL if none), whether it
 * is linked to nothing yet, and its uploader (NULL if unknown).
 */
static const struct db_stmt file_stmt = {
    "media_by_uuid",
    "SELECT md.filename, md.content_type, coalesce(md.disposition::text,"
    " 'attachment'), c.uuid, md.model_id IS NULL, md.uploaded_by FROM media md"
    " LEFT JOIN conversation_messages m ON md.model_type = 'messages'"
    " AND m.id = md.model_id"
    " LEFT JOIN conversations c ON c.id = m.conversation_id"
    " WHERE md.uuid = $1::uuid",
    1, 0};

enum app_err store_media_file(struct db *db, struct arena *a, const char *uuid,
                              struct store_media_file *f)
{
    const char *p[] = {uuid};
    struct db_res *res;
    enum app_err e = db_run(db, a, &file_stmt, p, &res);

    memset(f, 0, sizeof(*f));
    if (e != APP_OK)
        return e;
    if (db_ntuples(res) == 0)
        return APP_ERR_NOT_FOUND;
    f->filename = db_value(res, 0, 0);
    f->type = db_value(res, 0, 1);
    f->disposition = db_value(res, 0, 2);
    f->conv_uuid = db_value(res, 0, 3);
    f->pending = db_value(res, 0, 4)[0] == 't';
    const char *by = db_value(res, 0, 5);
    f->uploaded_by = by ? strtoll(by, NULL, 10) : 0;
    return f->filename && f->type && f->disposition ? APP_OK : APP_ERR_INTERNAL;
}

/*
 * $1 ids (int[]), $2 uploader: the first that cannot be attached, and
 * whether it is missing or not the uploader's ("t") or the uploader's but
 * already linked ("f"); no row if all can.  A row with no uploader is
 * nobody's (uploaded_by NULL never equals $2).
 */
static const struct db_stmt unlinkable_stmt = {
    "media_unlinkable",
    "SELECT t.x, md.id IS NULL OR md.uploaded_by IS DISTINCT FROM $2::int"
    " FROM unnest($1::int[]) WITH ORDINALITY"
    " t(x, i) LEFT JOIN media md ON md.id = t.x WHERE md.id IS NULL"
    " OR md.uploaded_by IS DISTINCT FROM $2::int"
    " OR md.model_id IS NOT NULL"
    " OR coalesce(md.model_type, 'messages') <> 'messages'"
    " ORDER BY t.i LIMIT 1",
    2, 0};

enum app_err store_media_unlinkable(struct db *db, struct arena *a, const int64_t *ids, size_t n,
                                    int64_t uploader, int64_t *id, int *missing)
{
    const char *p[] = {ids_literal(a, ids, n), store_i64(a, uploader)};
    struct db_res *res;
    enum app_err e = db_run(db, a, &unlinkable_stmt, p, &res);

    *id = 0;
    *missing = 0;
    if (e != APP_OK || db_ntuples(res) == 0)
        return e;
    *id = strtoll(db_value(res, 0, 0), NULL, 10);
    *missing = db_value(res, 0, 1)[0] == 't';
    return APP_OK;
}

/*
 * $1 ids (int[], each once), $2 message id, $3 uploader: links only the
 * uploader's media nobody has claimed (no model id, no model or "messages").
 */
static const struct db_stmt link_stmt = {
    "media_link",
    "UPDATE media SET model_type = 'messages', model_id = $2::int,"
    " updated_at = now() WHERE id = ANY($1::int[]) AND model_id IS NULL"
    " AND coalesce(model_type, 'messages') = 'messages' AND uploaded_by = $3::int",
    3, 0};

enum app_err store_media_link(struct db *db, struct arena *a, const int64_t *ids, size_t n,
                              int64_t uploader, int64_t msg_id)
{
    const char *p[] = {ids_literal(a, ids, n), store_i64(a, msg_id), store_i64(a, uploader)};
    long rows;
    enum app_err e = store_one(db, a, &link_stmt, p, NULL, &rows);

    if (e == APP_OK && rows != (long)n)
        e = APP_ERR_CONFLICT; /* another message took one since the handler looked */
    return e;
}
