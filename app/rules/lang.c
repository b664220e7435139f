/*
 * rules/lang.c - language codes.
 */
#include "rules/lang.h"

#include <string.h>

static int letter(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

int lang_code_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > LANG_CODE_MAX || !letter(s[0]))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!letter(s[i]) && !(s[i] >= '0' && s[i] <= '9') && s[i] != '-' && s[i] != '_')
            return 0;
    return 1;
}
