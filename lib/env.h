/*
 * env.h - reading settings from the environment: an unset or empty
 * variable takes its default, a malformed or out-of-range one is an error
 * naming the variable and what it expects.
 */
#ifndef LIB_ENV_H
#define LIB_ENV_H

#include <stddef.h>

/* The variable's value, or NULL if it is unset or empty. */
const char *env_get(const char *name);

/* An integer from min to max.  Returns 0, or -1 with err. */
int env_int(const char *name, int def, int min, int max, int *out, char *err, size_t errlen);

/* true/yes/1 or false/no/0.  Returns 0, or -1 with err. */
int env_bool(const char *name, int def, int *out, char *err, size_t errlen);

/* A duration (see env_parse_duration) from min to max seconds.  Returns 0, or -1 with err. */
int env_duration(const char *name, long def, long min, long max, long *out, char *err,
                 size_t errlen);

/* Parses "90", "90s", "30m", "9h", "2d" into seconds; -1 if malformed or <= 0. */
long env_parse_duration(const char *s);

/* path made absolute against the working directory (malloc'd). */
char *env_absolute(const char *path);

#endif
