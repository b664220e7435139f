/*
 * rules/upload.c - see upload.h.
 */
#include "rules/upload.h"

#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "lib/sniff.h"
#include "lib/validate.h"
#include "store/media.h"

void upload_sniff(struct arena *a, struct store_media_new *m)
{
    m->type = sniff_type(a, m->data, m->len);
    m->width = m->height = 0;
    if (m->type != NULL && strncmp(m->type, "image/", 6) == 0)
        sniff_image_size(m->data, m->len, &m->width, &m->height);
}

/* The client's file name reduced to its last path component; NULL if unusable. */
const char *upload_clean_name(const char *name)
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

int upload_extension_allowed(const char *setting, const char *name)
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
