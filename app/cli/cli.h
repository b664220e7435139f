/*
 * cli.h - the administrative commands: migrate, agent create, agent
 * api-key and seed.  Each returns the process exit status and talks to the
 * database named by the configuration.
 */
#ifndef APP_CLI_H
#define APP_CLI_H

struct config;

int cli_migrate(const struct config *cfg);
int cli_agent_create(const struct config *cfg, int argc, char **argv);
int cli_agent_api_key(const struct config *cfg, int argc, char **argv);
int cli_seed(const struct config *cfg, int argc, char **argv);

/* Opens a CLI database connection or prints why not; NULL on failure. */
struct db *cli_connect(const struct config *cfg);

#endif
