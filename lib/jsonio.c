/*
 * jsonio.c - strict JSON parsing and typed access.
 */
#include "jsonio.h"

#include <stddef.h>
#include <string.h>

#include <json-c/json.h>

#include "arena.h"

static void put(void *p)
{
    json_object_put(p);
}

struct json_object *jsonio_parse(struct arena *a, const char *buf, size_t len, int depth, int *ok)
{
    struct json_tokener *tok;
    struct json_object *root;

    *ok = 0;
    if (len > (size_t)INT32_MAX)
        return NULL;
    tok = json_tokener_new_ex(depth);
    if (tok == NULL)
        return NULL;
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    root = json_tokener_parse_ex(tok, buf, (int)len);
    enum json_tokener_error err = json_tokener_get_error(tok);
    size_t used = json_tokener_get_parse_end(tok);
    if (err == json_tokener_continue && used == len) {
        /* A literal or number at the very end needs an explicit end of input. */
        root = json_tokener_parse_ex(tok, "", 1);
        err = json_tokener_get_error(tok);
    }
    json_tokener_free(tok);
    while (used < len &&
           (buf[used] == ' ' || buf[used] == '\t' || buf[used] == '\n' || buf[used] == '\r'))
        used++;
    if (err != json_tokener_success || used != len) {
        json_object_put(root);
        return NULL;
    }
    if (root != NULL && arena_defer(a, put, root) != 0)
        return NULL;
    *ok = 1;
    return root;
}

struct json_object *jsonio_get(struct json_object *obj, const char *key)
{
    struct json_object *v = NULL;
    if (obj == NULL || !json_object_is_type(obj, json_type_object))
        return NULL;
    if (!json_object_object_get_ex(obj, key, &v))
        return NULL;
    return v;
}

int jsonio_string(struct json_object *v, const char **out)
{
    if (v == NULL || !json_object_is_type(v, json_type_string))
        return 0;
    *out = json_object_get_string(v);
    return 1;
}

int jsonio_int64(struct json_object *v, int64_t *out)
{
    if (v == NULL || !json_object_is_type(v, json_type_int))
        return 0;
    *out = json_object_get_int64(v);
    return 1;
}

/*
 * 1 if the JSON text escapes a NUL (\u0000) anywhere, keys included:
 * json-c keeps keys as C strings, so "name\u0000x" would arrive as "name".
 * An escape is a backslash preceded by an even number of backslashes.
 */
static int escapes_nul(const char *s, size_t len)
{
    for (const char *p = s; (p = memmem(p, len - (size_t)(p - s), "\\u0000", 6)) != NULL; p++) {
        size_t n = 0;
        while (p - n > s && p[-(ptrdiff_t)n - 1] == '\\')
            n++;
        if (n % 2 == 0)
            return 1;
    }
    return 0;
}

static int value_holds_nul(struct json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_string:
        return strlen(json_object_get_string(v)) != (size_t)json_object_get_string_len(v);
    case json_type_array:
        for (size_t i = 0; i < json_object_array_length(v); i++)
            if (value_holds_nul(json_object_array_get_idx(v, i)))
                return 1;
        return 0;
    case json_type_object: {
        json_object_object_foreach(v, key, val)
        {
            (void)key;
            if (value_holds_nul(val))
                return 1;
        }
        return 0;
    }
    default:
        return 0;
    }
}

int jsonio_holds_nul(struct json_object *v, const char *text, size_t len)
{
    return value_holds_nul(v) || escapes_nul(text, len);
}
