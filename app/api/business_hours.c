/*
 * api/business_hours.c - business-hours calendars under business_hours:manage:
 * name, description, is_always_open, hours per English weekday name
 * ({"open": "HH:MM", "close": "HH:MM"}, close after open) and holidays
 * ([{"name", "date": "YYYY-MM-DD"}]).  Every field is checked before
 * anything is written; the message names the field.
 */
#include "api/business_hours.h"

#include <string.h>

#include <json-c/json.h>

#include "lib/arena.h"
#include "lib/http.h"
#include "rules/business_hours.h"
#include "server/body.h"
#include "server/ctx.h"
#include "server/reply.h"
#include "store/business_hours.h"

#define BH_NAME_MAX 140
#define BH_DESCRIPTION_MAX 300

static const char *plain(struct req *r, struct json_object *o)
{
    return arena_strdup(r->arena, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
}

/* hours: an object of weekday -> {open, close}. */
static enum app_err check_hours(struct req *r, struct resp *w, struct json_object *h)
{
    if (!json_object_is_type(h, json_type_object))
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid `hours`: expected an object of weekdays");
    json_object_object_foreach(h, day, v)
    {
        int open, close;
        if (bh_weekday(day) < 0)
            return reply_fail(r, w, APP_ERR_INPUT, "Invalid `hours`: unknown weekday `%s`", day);
        if (!json_object_is_type(v, json_type_object) ||
            bh_parse_time(body_string(v, "open"), &open) < 0 ||
            bh_parse_time(body_string(v, "close"), &close) < 0)
            return reply_fail(r, w, APP_ERR_INPUT,
                              "Invalid `hours.%s`: expected open and close as HH:MM", day);
        if (close <= open)
            return reply_fail(r, w, APP_ERR_INPUT, "Invalid `hours.%s`: close must be after open",
                              day);
    }
    return APP_OK;
}

/* holidays: a list of {name, date}. */
static enum app_err check_holidays(struct req *r, struct resp *w, struct json_object *h)
{
    if (!json_object_is_type(h, json_type_array))
        return reply_fail(r, w, APP_ERR_INPUT, "Invalid `holidays`: expected a list");
    for (size_t i = 0; i < json_object_array_length(h); i++) {
        struct json_object *o = json_object_array_get_idx(h, i);
        if (!json_object_is_type(o, json_type_object) || !bh_date_ok(body_string(o, "date")))
            return reply_fail(r, w, APP_ERR_INPUT,
                              "Invalid `holidays[%zu].date`: expected YYYY-MM-DD", i);
    }
    return APP_OK;
}

static enum app_err bh_body(struct req *r, struct resp *w, struct business_hours_in *in)
{
    struct json_object *b, *v;
    enum app_err e = body_object(r, w, &b);

    if (e != APP_OK)
        return e;
    in->name = body_string(b, "name");
    if (in->name == NULL || in->name[0] == '\0' || strlen(in->name) > BH_NAME_MAX)
        return reply_fail(r, w, APP_ERR_INPUT, "`name` is required (1 to %d characters)",
                          BH_NAME_MAX);
    if ((e = body_opt_string(r, w, b, "description", &in->description)) != APP_OK)
        return e;
    if (in->description == NULL)
        in->description = "";
    if (strlen(in->description) > BH_DESCRIPTION_MAX)
        return reply_fail(r, w, APP_ERR_INPUT, "`description` is too long (at most %d characters)",
                          BH_DESCRIPTION_MAX);
    in->is_always_open = 0;
    if (json_object_object_get_ex(b, "is_always_open", &v) && v != NULL) {
        if (!json_object_is_type(v, json_type_boolean))
            return reply_fail(r, w, APP_ERR_INPUT, "Invalid `is_always_open`: expected a boolean");
        in->is_always_open = json_object_get_boolean(v);
    }
    in->hours = "{}";
    if (json_object_object_get_ex(b, "hours", &v) && v != NULL) {
        if ((e = check_hours(r, w, v)) != APP_OK)
            return e;
        in->hours = plain(r, v);
    } else if (!in->is_always_open) {
        return reply_fail(r, w, APP_ERR_INPUT, "`hours` is required unless `is_always_open`");
    }
    in->holidays = "[]";
    if (json_object_object_get_ex(b, "holidays", &v) && v != NULL) {
        if ((e = check_holidays(r, w, v)) != APP_OK)
            return e;
        in->holidays = plain(r, v);
    }
    return APP_OK;
}

static enum app_err refused(struct req *r, struct resp *w, enum app_err e)
{
    if (e == APP_ERR_NOT_FOUND)
        return reply_fail(r, w, e, "Business hours not found");
    return e;
}

enum app_err h_business_hours_list(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    return store_business_hours_json(c->db, r->arena, &w->data_json, &w->data_len);
}

enum app_err h_business_hours_get(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    int64_t id;
    enum app_err e = reply_path_int(r, w, "id", "business hours", &id);

    if (e != APP_OK)
        return e;
    return refused(r, w,
                   store_business_hours_get(c->db, r->arena, id, &w->data_json, &w->data_len));
}

enum app_err h_business_hours_create(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct business_hours_in in;
    enum app_err e = bh_body(r, w, &in);

    if (e != APP_OK)
        return e;
    return store_business_hours_create(c->db, r->arena, &in, &w->data_json, &w->data_len);
}

enum app_err h_business_hours_update(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    struct business_hours_in in;
    int64_t id;
    enum app_err e = reply_path_int(r, w, "id", "business hours", &id);

    if (e == APP_OK)
        e = bh_body(r, w, &in);
    if (e != APP_OK)
        return e;
    return refused(
        r, w, store_business_hours_update(c->db, r->arena, id, &in, &w->data_json, &w->data_len));
}

enum app_err h_business_hours_delete(struct req *r, struct resp *w)
{
    struct ctx *c = r->ctx;
    int64_t id;
    enum app_err e = reply_path_int(r, w, "id", "business hours", &id);

    if (e != APP_OK)
        return e;
    return refused(r, w, store_business_hours_delete(c->db, r->arena, id));
}
