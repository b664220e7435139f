/*
 * validate.h - pure string validators and decoders, no allocation.
 *
 * Every function here is a total function over its input: it never reads
 * past the given length and reports failure instead of guessing.
 */
#ifndef LIB_VALIDATE_H
#define LIB_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Percent-decodes n bytes of s into out (which must hold n bytes; the
 * output is never longer than the input) and NUL-terminates it (out needs
 * n + 1 bytes).  With plus_space, '+' decodes to ' ' (query strings).
 * Returns the decoded length, or -1 on a malformed escape or a decoded
 * NUL byte.
 */
long url_decode(const char *s, size_t n, char *out, int plus_space);

/* 1 if the n bytes are well-formed UTF-8 (no overlongs, no surrogates). */
int v_utf8(const char *s, size_t n);

/*
 * Parses a whole string as a base-10 integer in [min, max].  No leading
 * space, sign only '-', no trailing bytes.  Returns 0 on success, -1 on
 * failure (out untouched).
 */
int v_int64(const char *s, int64_t min, int64_t max, int64_t *out);

/* 1 if s is a canonical 8-4-4-4-12 hex UUID (either case). */
int v_uuid(const char *s);

/* 1 if s looks like an e-mail address (local@domain.tld, bounded, no spaces). */
int v_email(const char *s);

/*
 * Parses a Go-style duration ("30m", "2h", "1h30m", "1.5h", "90s", "500ms")
 * into seconds.  Returns 0 if it is well formed and positive, else -1.
 */
int v_duration(const char *s, double *seconds);

/*
 * 1 if s is an http:// or https:// URL with something after the scheme
 * that is not a path, and no control characters (spaces are the caller's
 * call: URL templates hold them).
 */
int v_http_url(const char *s);

#endif
