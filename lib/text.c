/*
 * text.c - HTML to plain text, bounded and allocation-checked.
 */
#include "text.h"

#include <ctype.h>

#include <string.h>

#include "arena.h"

static const struct {
    const char *name;
    char c;
} entities[] = {{"&amp;", '&'},  {"&lt;", '<'},    {"&gt;", '>'},  {"&quot;", '"'},
                {"&#39;", '\''}, {"&apos;", '\''}, {"&nbsp;", ' '}};

char *text_from_html(struct arena *a, const char *html)
{
    size_t n = strlen(html), o = 0;
    char *out = arena_alloc(a, n + 1);
    int space = 1, in_tag = 0;

    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        char c = html[i];
        if (in_tag) {
            if (c == '>') {
                in_tag = 0;
                c = ' '; /* tags separate words */
            } else {
                continue;
            }
        } else if (c == '<') {
            in_tag = 1;
            continue;
        } else if (c == '&') {
            for (size_t k = 0; k < sizeof(entities) / sizeof(entities[0]); k++) {
                size_t len = strlen(entities[k].name);
                if (strncmp(html + i, entities[k].name, len) == 0) {
                    c = entities[k].c;
                    i += len - 1;
                    break;
                }
            }
        }
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
            if (space)
                continue;
            space = 1;
            c = ' ';
        } else {
            space = 0;
        }
        out[o++] = c;
    }
    while (o > 0 && out[o - 1] == ' ')
        o--;
    out[o] = '\0';
    return out;
}

char *text_prefix(struct arena *a, const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
            n--; /* do not split a multi-byte character */
    }
    return arena_strndup(a, s, n);
}

char *text_email_norm(struct arena *a, const char *s)
{
    char *out = arena_strdup(a, s);

    if (out == NULL)
        return NULL;
    while (*out == ' ')
        out++;
    for (char *q = out + strlen(out); q > out && q[-1] == ' ';)
        *--q = '\0';
    for (char *q = out; *q; q++)
        if (*q >= 'A' && *q <= 'Z')
            *q = (char)(*q - 'A' + 'a');
    return out;
}

char *text_like_contains(struct arena *a, const char *s)
{
    size_t n = strlen(s), o = 0;
    char *out = arena_alloc(a, 2 * n + 3);

    if (out == NULL)
        return NULL;
    out[o++] = '%';
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' || s[i] == '_' || s[i] == '\\')
            out[o++] = '\\';
        out[o++] = s[i];
    }
    out[o++] = '%';
    out[o] = '\0';
    return out;
}

char *text_trim(struct arena *a, const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    return arena_strndup(a, s, n);
}
