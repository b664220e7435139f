/*
 * store/templates.h - e-mail templates: the outgoing wrapper (one of them
 * the default) and the notification e-mails, some of them built in.
 */
#ifndef STORE_TEMPLATES_H
#define STORE_TEMPLATES_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct arena;
struct db;

/*
 * A template as JSON: {id, created_at, updated_at, type, name, body, subject,
 * is_default, is_builtin}; type is email_outgoing or email_notification.
 */

/* The templates of one type, most recently updated first. */
enum app_err store_templates_json(struct db *db, struct arena *a, const char *type,
                                  const char **json, size_t *len);

/* One template; APP_ERR_NOT_FOUND if there is none. */
enum app_err store_template_json(struct db *db, struct arena *a, int64_t id, const char **json,
                                 size_t *len);

/* What the rules need to know of a stored template. */
struct template_facts {
    const char *type; /* arena */
    int is_default, is_builtin;
};

/* APP_ERR_NOT_FOUND if there is none. */
enum app_err store_template_facts(struct db *db, struct arena *a, int64_t id,
                                  struct template_facts *out);

/* What a write sets. */
struct template_in {
    const char *type, *name, *body;
    const char *subject; /* NULL: none */
    int is_default;      /* also takes the default from whichever template had it */
};

/* A new template, as store_template_json(). */
enum app_err store_template_create(struct db *db, struct arena *a, const struct template_in *in,
                                   const char **json, size_t *len);

/*
 * Rewrites template id (its name only when it is an email_outgoing one, as
 * upstream); APP_ERR_NOT_FOUND if there is none.
 */
enum app_err store_template_update(struct db *db, struct arena *a, int64_t id,
                                   const struct template_in *in, const char **json, size_t *len);

/* APP_ERR_NOT_FOUND if there is none. */
enum app_err store_template_delete(struct db *db, struct arena *a, int64_t id);

#endif
