/*
 * envfile.h - a KEY=VALUE settings file read into the environment, in the
 * manner of systemd's EnvironmentFile: one assignment a line, blank lines
 * and lines starting with # or ; ignored, spaces around the key and an
 * unquoted value trimmed, a value in single quotes taken literally, one in
 * double quotes with \" \\ \$ and \n escapes.  A variable already in the
 * environment (even empty) is left as it is: the environment wins.
 */
#ifndef LIB_ENVFILE_H
#define LIB_ENVFILE_H

#include <stddef.h>

/* Parses one line.  Returns 1 with key/value (malloc'd), 0 for nothing, -1 if malformed. */
int envfile_parse_line(const char *line, char **key, char **value);

/* Reads path into the environment.  Returns 0, or -1 with err naming path and line. */
int envfile_load(const char *path, char *err, size_t errlen);

#endif
