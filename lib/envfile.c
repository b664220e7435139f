/*
 * envfile.c - KEY=VALUE files into the environment (see envfile.h).
 */
#include "envfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static int is_key_char(char c, int first)
{
    return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (!first && c >= '0' && c <= '9');
}

static const char *skip_space(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

int envfile_parse_line(const char *line, char **key, char **value)
{
    const char *p = skip_space(line), *k;
    size_t n = strlen(p);

    while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == '\r'))
        n--;
    if (n == 0 || *p == '#' || *p == ';')
        return 0;
    k = p;
    if (!is_key_char(*p, 1))
        return -1;
    while (is_key_char(*p, 0))
        p++;
    size_t klen = (size_t)(p - k);
    p = skip_space(p);
    if (*p != '=')
        return -1;
    p = skip_space(p + 1);
    const char *end = k + n; /* the line without its newline */
    char *v = xmalloc((size_t)(end - p) + 1), *o = v;
    if (*p == '\'' || *p == '"') {
        char q = *p++;
        while (p < end && *p != q) {
            if (q == '"' && *p == '\\' && p + 1 < end) {
                p++;
                *o++ = *p == 'n' ? '\n' : *p;
                p++;
                continue;
            }
            *o++ = *p++;
        }
        if (p >= end) {
            free(v);
            return -1; /* unterminated */
        }
        p = skip_space(p + 1);
        if (p < end && *p != '#') {
            free(v);
            return -1; /* text after the closing quote */
        }
    } else {
        while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        memcpy(o, p, (size_t)(end - p));
        o += end - p;
    }
    *o = '\0';
    *key = xmalloc(klen + 1);
    memcpy(*key, k, klen);
    (*key)[klen] = '\0';
    *value = v;
    return 1;
}

int envfile_load(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    int lineno = 0, rc = 0;

    if (f == NULL) {
        snprintf(err, errlen, "DESKD_CONFIG: %s: %s", path, strerror(errno));
        return -1;
    }
    while (getline(&line, &cap, f) >= 0) {
        char *key, *value;
        lineno++;
        int r = envfile_parse_line(line, &key, &value);
        if (r < 0) {
            snprintf(err, errlen, "DESKD_CONFIG: %s:%d: expected KEY=VALUE (quotes closed)", path,
                     lineno);
            rc = -1;
            break;
        }
        if (r == 0)
            continue;
        setenv(key, value, 0); /* the environment wins */
        free(key);
        free(value);
    }
    free(line);
    fclose(f);
    return rc;
}
