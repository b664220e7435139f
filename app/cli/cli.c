/*
 * cli.c - what the commands share: the database connection and options.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "server/config.h"
#include "store/connect.h"

static struct db *connect_url(const char *url)
{
    struct db *db;
    if (store_connect(url, "deskd cli", &db) != APP_OK) {
        fprintf(stderr, "deskd: cannot use the database (%s); is it running and migrated?\n", url);
        return NULL;
    }
    return db;
}

struct db *cli_connect(const struct config *cfg)
{
    return connect_url(cfg->database_url);
}

struct db *cli_connect_owner(const struct config *cfg)
{
    return connect_url(cfg->migrate_database_url);
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
