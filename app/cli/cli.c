/*
 * cli.c - what the commands share: the database connection and options.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "server/config.h"
#include "store/connect.h"

struct db *cli_connect(const struct config *cfg)
{
    struct db *db;
    if (store_connect(cfg->database_url, "deskd cli", &db) != APP_OK) {
        fprintf(stderr, "deskd: cannot use the database (%s); is it running and migrated?\n",
                cfg->database_url);
        return NULL;
    }
    return db;
}

int cli_options(int argc, char **argv, const char *const *names, const char **values, size_t n)
{
    for (int i = 0; i < argc; i++) {
        size_t k;
        for (k = 0; k < n; k++)
            if (strcmp(argv[i], names[k]) == 0)
                break;
        if (k == n) {
            fprintf(stderr, "deskd: unknown option %s\n", argv[i]);
            return -1;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "deskd: %s needs a value\n", argv[i]);
            return -1;
        }
        values[k] = argv[++i];
    }
    return 0;
}
