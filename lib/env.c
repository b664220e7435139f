/*
 * env.c - see env.h.
 */
#include "env.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "validate.h"
#include "xalloc.h"

const char *env_get(const char *name)
{
    const char *v = getenv(name);
    return (v != NULL && *v != '\0') ? v : NULL;
}

int env_int(const char *name, int def, int min, int max, int *out, char *err, size_t errlen)
{
    const char *v = env_get(name);
    int64_t n;
    if (v == NULL) {
        *out = def;
        return 0;
    }
    if (v_int64(v, min, max, &n) != 0) {
        snprintf(err, errlen, "%s=%s: expected an integer from %d to %d", name, v, min, max);
        return -1;
    }
    *out = (int)n;
    return 0;
}

long env_parse_duration(const char *s)
{
    char *end;
    long mult = 1;
    if (s == NULL || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || v <= 0)
        return -1;
    if (*end != '\0') {
        if (end[1] != '\0')
            return -1;
        switch (*end) {
        case 's':
            mult = 1;
            break;
        case 'm':
            mult = 60;
            break;
        case 'h':
            mult = 3600;
            break;
        case 'd':
            mult = 86400;
            break;
        default:
            return -1;
        }
    }
    if (v > LONG_MAX / mult)
        return -1;
    return v * mult;
}

char *env_absolute(const char *path)
{
    char cwd[PATH_MAX];
    if (path[0] == '/')
        return xstrdup(path);
    if (getcwd(cwd, sizeof(cwd)) == NULL)
        return xstrdup(path);
    size_t n = strlen(cwd) + 1 + strlen(path) + 1;
    char *out = xmalloc(n);
    snprintf(out, n, "%s/%s", cwd, strncmp(path, "./", 2) == 0 ? path + 2 : path);
    return out;
}

int env_bool(const char *name, int def, int *out, char *err, size_t errlen)
{
    const char *v = env_get(name);
    *out = def;
    if (v == NULL)
        return 0;
    if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0 || strcmp(v, "yes") == 0)
        *out = 1;
    else if (strcmp(v, "0") == 0 || strcmp(v, "false") == 0 || strcmp(v, "no") == 0)
        *out = 0;
    else {
        snprintf(err, errlen, "%s=%s: expected true or false", name, v);
        return -1;
    }
    return 0;
}

/* A number of seconds in its largest whole unit: "60s", "50s", "366d". */
static void unit(long secs, char *out, size_t n)
{
    static const struct {
        long secs;
        char c;
    } units[] = {{86400, 'd'}, {3600, 'h'}, {60, 'm'}};
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
        if (secs >= units[i].secs && secs % units[i].secs == 0 && secs / units[i].secs > 1) {
            snprintf(out, n, "%ld%c", secs / units[i].secs, units[i].c);
            return;
        }
    snprintf(out, n, "%lds", secs);
}

int env_duration(const char *name, long def, long min, long max, long *out, char *err,
                 size_t errlen)
{
    const char *v = env_get(name);
    *out = def;
    if (v == NULL)
        return 0;
    *out = env_parse_duration(v);
    if (*out < min || *out > max) {
        char lo[24], hi[24];
        unit(min, lo, sizeof(lo));
        unit(max, hi, sizeof(hi));
        snprintf(err, errlen, "%s=%s: expected a duration (90s, 30m, 9h, 2d) from %s to %s", name,
                 v, lo, hi);
        return -1;
    }
    return 0;
}
