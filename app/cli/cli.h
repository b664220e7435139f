/*
 * cli.h - the administrative commands: migrate (cli/migrate.c), agent
 * create and agent api-key (cli/agent.c) and seed (cli/seed.c).  Each
 * returns the process exit status and talks to the database named by the
 * configuration, through app/store only.
 */
#ifndef APP_CLI_H
#define APP_CLI_H

#include <stddef.h>

struct config;
struct db;

int cli_migrate(const struct config *cfg, int argc, char **argv);
int cli_agent_create(const struct config *cfg, int argc, char **argv);
int cli_agent_api_key(const struct config *cfg, int argc, char **argv);
int cli_seed(const struct config *cfg, int argc, char **argv);
/* deskd config check (cli/config_check.c): no database access. */
int cli_config_check(const struct config *cfg, int argc, char **argv);

/*
 * A database connection (close it with store_close()), or NULL after
 * printing why not: cli_connect as the workers' role (DESKD_DATABASE_URL),
 * cli_connect_owner as the schema owner (DESKD_MIGRATE_DATABASE_URL) for
 * what changes the schema: migrate, and seed (it drops and rebuilds an
 * index and vacuums).
 */
struct db *cli_connect(const struct config *cfg);
struct db *cli_connect_owner(const struct config *cfg);

/*
 * Reads "--name value" pairs from argv: values[k] is the value of
 * names[k] (left as it was if absent).  Prints why and returns -1 on an
 * unknown or valueless option.
 */
int cli_options(int argc, char **argv, const char *const *names, const char **values, size_t n);

#endif
