/*
 * agent.c - deskd agent create and deskd agent api-key.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/validate.h"
#include "rules/apikey.h"
#include "rules/limits.h"
#include "rules/password.h"
#include "store/agents.h"
#include "store/connect.h"
#include "store/roles.h"

int cli_agent_create(const struct config *cfg, int argc, char **argv)
{
    static const char *const names[] = {"--email", "--first-name", "--last-name", "--role",
                                        "--password"};
    const char *v[5] = {NULL, NULL, "", NULL, NULL};
    char generated[PASSWORD_GENERATED_SIZE], hash[PASSWORD_HASH_SIZE];
    struct db *db = NULL;
    struct arena *a = NULL;
    int64_t role_id;
    int rc = 1;

    if (cli_options(argc, argv, names, v, 5) != 0)
        return 2;
    if (v[0] == NULL || v[1] == NULL || v[3] == NULL) {
        fprintf(stderr, "deskd: agent create needs --email, --first-name and --role\n");
        return 2;
    }
    if (!v_email(v[0])) {
        fprintf(stderr, "deskd: invalid e-mail address: %s\n", v[0]);
        return 2;
    }
    if (*v[1] == '\0' || strlen(v[1]) > NAME_MAX_LEN || strlen(v[2]) > NAME_MAX_LEN) {
        fprintf(stderr, "deskd: names must be 1 to %d characters\n", NAME_MAX_LEN);
        return 2;
    }
    if (v[4] == NULL) {
        /* Random, and guaranteed to satisfy the strength rules. */
        if (password_generate(generated) != 0)
            return 1;
        v[4] = generated;
    } else if (!password_ok(v[4])) {
        fprintf(stderr, "deskd: password must be 10-72 characters with an upper-case letter, "
                        "a lower-case letter, a digit and a special character\n");
        return 2;
    }
    if (password_hash(v[4], hash) != 0) {
        fprintf(stderr, "deskd: bcrypt failed\n");
        return 1;
    }
    db = cli_connect(cfg);
    if (db == NULL)
        return 1;
    a = arena_new(1 << 20);
    enum app_err e = store_role_id(db, a, v[3], &role_id);
    if (e == APP_ERR_NOT_FOUND) {
        fprintf(stderr, "deskd: no role named %s (try Admin or Agent)\n", v[3]);
        rc = 2;
        goto out;
    }
    if (e != APP_OK)
        goto out;
    e = store_agent_create_with_role(db, a, v[0], v[1], v[2], hash, role_id);
    if (e != APP_OK) {
        if (e == APP_ERR_CONFLICT)
            fprintf(stderr, "deskd: an agent with e-mail %s already exists\n", v[0]);
        else
            fprintf(stderr, "deskd: could not create the agent\n");
        goto out;
    }
    printf("created agent %s with role %s\n", v[0], v[3]);
    if (v[4] == generated)
        printf("password: %s\n", generated);
    rc = 0;
out:
    store_close(db);
    arena_free(a);
    return rc;
}

int cli_agent_api_key(const struct config *cfg, int argc, char **argv)
{
    static const char *const names[] = {"--email"};
    const char *v[1] = {NULL};
    struct apikey k;
    struct db *db;
    struct arena *a;
    int rc = 1;

    if (cli_options(argc, argv, names, v, 1) != 0)
        return 2;
    if (v[0] == NULL) {
        fprintf(stderr, "deskd: agent api-key needs --email\n");
        return 2;
    }
    if (apikey_mint(&k) != 0) {
        fprintf(stderr, "deskd: could not generate a key\n");
        return 1;
    }
    db = cli_connect(cfg);
    if (db == NULL)
        return 1;
    a = arena_new(1 << 20);
    enum app_err e = store_agent_api_key_set_by_email(db, a, v[0], k.key, k.hash);
    if (e == APP_ERR_NOT_FOUND) {
        fprintf(stderr, "deskd: no live agent with e-mail %s\n", v[0]);
        rc = 2;
    } else if (e != APP_OK) {
        fprintf(stderr, "deskd: could not store the key\n");
    } else {
        printf("API key for %s (the secret is shown only now; any previous key is revoked):\n",
               v[0]);
        printf("%s:%s\n", k.key, k.secret);
        rc = 0;
    }
    store_close(db);
    arena_free(a);
    return rc;
}
