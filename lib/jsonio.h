/*
 * jsonio.h - strict, bounded JSON parsing with json-c, and checked getters.
 *
 * A parsed root is owned by the arena (put at the next reset); values got
 * from it are borrowed.  Parsing rejects invalid UTF-8, trailing bytes and
 * nesting deeper than the given depth.
 */
#ifndef LIB_JSONIO_H
#define LIB_JSONIO_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct json_object;

/*
 * Parses exactly len bytes of buf.  Returns the root (arena-owned; may be
 * a JSON null, returned as NULL with *ok set) or NULL with *ok cleared on a
 * syntax error, invalid UTF-8, trailing data or excess depth.
 */
struct json_object *jsonio_parse(struct arena *a, const char *buf, size_t len, int depth, int *ok);

/* Member of an object by key, or NULL if obj is not an object or has no such key. */
struct json_object *jsonio_get(struct json_object *obj, const char *key);

/* 1 and the string if v is a JSON string (borrowed), else 0. */
int jsonio_string(struct json_object *v, const char **out);

/* 1 and the value if v is a JSON integer, else 0. */
int jsonio_int64(struct json_object *v, int64_t *out);

/*
 * 1 if v, parsed from the len bytes of text, holds a NUL: in a string value
 * at any depth the parser allowed, or escaped (\u0000) in a key, which
 * json-c keeps as a C string ("name\u0000x" would arrive as "name").  C and
 * PostgreSQL text would cut it there, so what holds one is refused whole
 * rather than read shortened.
 */
int jsonio_holds_nul(struct json_object *v, const char *text, size_t len);

#endif
