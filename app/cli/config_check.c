/*
 * cli/config_check.c - deskd config check: the configuration was already
 * read and validated (DESKD_CONFIG's file, then the environment over it);
 * this prints every DESKD_ setting in effect with secrets masked, then the
 * resolved values of a few defaults, and checks the server secret.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "lib/xalloc.h"
#include "server/config.h"

extern char **environ;

static int secret_name(const char *name, size_t n)
{
    static const char *const words[] = {"SECRET", "PASSWORD", "TOKEN", "ENCRYPTION"};
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        size_t w = strlen(words[i]);
        for (size_t j = 0; j + w <= n; j++)
            if (strncmp(name + j, words[i], w) == 0)
                return 1;
    }
    return n >= 4 && strncmp(name + n - 4, "_KEY", 4) == 0;
}

/* value with a URL's password (scheme://user:PASSWORD@) and password=... masked. */
static void print_masked(const char *v)
{
    const char *s = strstr(v, "://");
    if (s != NULL) {
        const char *at = strchr(s + 3, '@');
        const char *colon = memchr(s + 3, ':', at ? (size_t)(at - s - 3) : 0);
        if (at != NULL && colon != NULL) {
            printf("%.*s****%s", (int)(colon + 1 - v), v, at);
            return;
        }
    }
    const char *p = strstr(v, "password=");
    if (p != NULL) {
        const char *end = p + 9;
        if (*end == '\'') {
            end = strchr(end + 1, '\'');
            end = end ? end + 1 : p + strlen(p);
        } else {
            end += strcspn(end, " ");
        }
        printf("%.*s****", (int)(p + 9 - v), v);
        print_masked(end);
        return;
    }
    fputs(v, stdout);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int cli_config_check(const struct config *cfg, int argc, char **argv)
{
    size_t n = 0, k = 0;
    char err[256];
    (void)argv;

    if (argc != 0) {
        fprintf(stderr, "usage: deskd config check\n");
        return 2;
    }
    for (char **e = environ; *e; e++)
        n += strncmp(*e, "DESKD_", 6) == 0;
    const char **set = xcalloc(n ? n : 1, sizeof(*set));
    for (char **e = environ; *e; e++)
        if (strncmp(*e, "DESKD_", 6) == 0)
            set[k++] = *e;
    qsort(set, k, sizeof(*set), by_name);
    for (size_t i = 0; i < k; i++) {
        const char *eq = strchr(set[i], '=');
        size_t klen = eq ? (size_t)(eq - set[i]) : strlen(set[i]);
        printf("%.*s=", (int)klen, set[i]);
        if (eq == NULL)
            ;
        else if (secret_name(set[i], klen))
            fputs(eq[1] ? "****" : "", stdout);
        else
            print_masked(eq + 1);
        putchar('\n');
    }
    free(set);
    printf("# resolved: var %s, listen %s, workers %d, database ", cfg->var_dir, cfg->listen,
           cfg->workers);
    print_masked(cfg->database_url ? cfg->database_url : "(none)");
    if (cfg->database_read_url != NULL) {
        fputs(", reads ", stdout);
        print_masked(cfg->database_read_url);
        printf(" (at most %d ms behind)", cfg->read_max_lag);
    }
    putchar('\n');
    struct config copy = *cfg;
    copy.secret_key = NULL;
    char path[4096];
    snprintf(path, sizeof(path), "%s/secret", cfg->var_dir);
    if (getenv("DESKD_SECRET_KEY") == NULL && access(path, F_OK) != 0)
        printf("# secret: %s does not exist yet; deskd serve creates it\n", path);
    else if (config_load_secret(&copy, 0, err, sizeof(err)) != 0) {
        fprintf(stderr, "deskd: configuration: %s\n", err);
        return 2;
    }
    free(copy.secret_key);
    puts("# configuration valid");
    return 0;
}
