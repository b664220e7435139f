/*
 * rules/lang.h - what a language code is, for the language files and the
 * app.lang setting: never a path.
 */
#ifndef RULES_LANG_H
#define RULES_LANG_H

/* The longest language code accepted ("en-US", "zh-Hant-TW", ...). */
#define LANG_CODE_MAX 35

/* 1 if s is 1-35 letters, digits, '-' or '_', starting with a letter. */
int lang_code_valid(const char *s);

#endif
