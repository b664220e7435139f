/*
 * jsonw.h - appending JSON values to a struct sbuf, for responses built
 * from database rows without an intermediate tree.  Strings are escaped;
 * timestamps are written as PostgreSQL writes them in JSON (RFC 3339 with
 * the fraction's trailing zeros dropped and a +00:00 offset).
 */
#ifndef LIB_JSONW_H
#define LIB_JSONW_H

#include <stddef.h>
#include <stdint.h>

struct sbuf;

/* A JSON string for n bytes of s (valid UTF-8 is assumed; control characters are escaped). */
void jw_str(struct sbuf *sb, const char *s, size_t n);
void jw_int(struct sbuf *sb, int64_t v);
void jw_bool(struct sbuf *sb, int v);
void jw_null(struct sbuf *sb);
/* A timestamp given in microseconds since 2000-01-01 00:00:00 UTC (PostgreSQL's epoch). */
void jw_timestamp(struct sbuf *sb, int64_t us);
/* `"key":` */
void jw_key(struct sbuf *sb, const char *key);

#endif
