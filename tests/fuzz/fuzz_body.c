/*
 * fuzz_body.c - the request body reader (app/server/body.c): body_form,
 * body_object and body_array over a body as fcgi_io_read_body() leaves it
 * (arena copy, NUL-terminated).  Input: the Content-Type, '\n', the body.
 */
#include <json-c/json.h>

#include "lib/http.h"
#include "lib/multipart.h"
#include "server/body.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void refused(enum app_err e, const struct resp *w)
{
    FUZZ_ASSERT(e == APP_ERR_INPUT);
    FUZZ_ASSERT(w->message != NULL && *w->message != '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = fuzz_arena();
    const char *ctype, *body;
    size_t len;

    if (fuzz_split(a, data, size, &ctype, &body, &len) != 0)
        return 0;
    struct req r = {.arena = a, .content_type = *ctype ? ctype : NULL};
    r.body = arena_strndup(a, body, len);
    r.body_len = len;
    if (r.body == NULL)
        return 0;

    struct resp w = {0};
    struct json_object *obj;
    const struct mp_part *files;
    int nfiles;
    enum app_err e = body_form(&r, &w, &obj, &files, &nfiles);
    if (e == APP_OK) {
        FUZZ_ASSERT(obj != NULL && json_object_is_type(obj, json_type_object));
        FUZZ_ASSERT(nfiles >= 0 && nfiles <= MP_MAX_PARTS);
        for (int i = 0; i < nfiles; i++)
            FUZZ_ASSERT(files[i].filename != NULL && files[i].name != NULL);
        if (nfiles > 0)
            FUZZ_ASSERT(body_file(files, nfiles, files[0].name) == &files[0]);
        int64_t id;
        const char *s;
        (void)body_int64(obj, "id", &id);
        (void)body_string(obj, "name");
        w.message = NULL;
        if (body_opt_string(&r, &w, obj, "content", &s) != APP_OK)
            FUZZ_ASSERT(w.message != NULL);
        /* A JSON string value holds no NUL: body_form refused those. */
        json_object_object_foreach(obj, key, val)
        {
            FUZZ_ASSERT(key != NULL);
            if (json_object_is_type(val, json_type_string))
                FUZZ_ASSERT(strlen(json_object_get_string(val)) ==
                            (size_t)json_object_get_string_len(val));
        }
    } else {
        refused(e, &w);
    }

    w = (struct resp){0};
    e = body_object(&r, &w, &obj);
    if (e != APP_OK)
        refused(e, &w);

    w = (struct resp){0};
    struct json_object *arr;
    e = body_array(&r, &w, &arr);
    if (e == APP_OK)
        FUZZ_ASSERT(arr != NULL && json_object_is_type(arr, json_type_array));
    else
        refused(e, &w);
    return 0;
}
