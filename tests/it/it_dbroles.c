/*
 * it_dbroles.c - the database roles: deskd's workers connect as a role
 * that is not a superuser and may only read and write rows (no ALTER
 * SYSTEM, no server files or programs, no new tables, not even temporary
 * ones), and the schema belongs to the role `deskd migrate` runs as.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "../suite_of.h"
#include "it.h"

static PGconn *connect_as(const char *dsn)
{
    PGconn *c = PQconnectdb(dsn);
    ck_assert_msg(PQstatus(c) == CONNECTION_OK, "%s: %s", dsn, PQerrorMessage(c));
    return c;
}

/* The first value of a query that must succeed (malloc'd; "" for none). */
static char *value_on(PGconn *c, const char *sql)
{
    PGresult *res = PQexec(c, sql);
    ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK, "%s: %s", sql, PQerrorMessage(c));
    char *v = strdup(PQntuples(res) > 0 ? PQgetvalue(res, 0, 0) : "");
    PQclear(res);
    return v;
}

/* sql must be refused with SQLSTATE 42501 (insufficient privilege). */
static void refused(PGconn *c, const char *sql)
{
    PGresult *res = PQexec(c, sql);
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    ck_assert_msg(PQresultStatus(res) == PGRES_FATAL_ERROR, "the workers' role may run: %s", sql);
    ck_assert_msg(state != NULL && strcmp(state, "42501") == 0, "%s: %s (SQLSTATE %s)", sql,
                  PQerrorMessage(c), state ? state : "none");
    PQclear(res);
}

/* The role of the workers' connections, as PostgreSQL sees them (malloc'd). */
static char *worker_role(void)
{
    /* Workers connect when they start; a request makes sure one is serving. */
    struct http_res r = http_get("/health", NULL);
    ck_assert_int_eq(r.status, 200);
    http_res_free(&r);
    char *roles =
        sql_value("SELECT string_agg(DISTINCT usename::text, ',') FROM pg_stat_activity"
                  " WHERE application_name LIKE 'deskd worker %' AND datname = current_database()");
    ck_assert_msg(roles != NULL, "no connection with application_name 'deskd worker <pid>'");
    ck_assert_msg(strchr(roles, ',') == NULL, "the workers use several roles: %s", roles);
    return roles;
}

START_TEST(test_workers_role_is_unprivileged)
{
    char *role = worker_role();
    char *attrs = sql_valuef(
        "SELECT format('super=%%s createrole=%%s createdb=%%s replication=%%s bypassrls=%%s',"
        " rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls)"
        " FROM pg_roles WHERE rolname = '%s'",
        role);
    ck_assert_str_eq(attrs, "super=f createrole=f createdb=f replication=f bypassrls=f");
    char *member =
        sql_valuef("SELECT count(*) FROM pg_roles r WHERE r.rolname IN ('pg_read_server_files',"
                   " 'pg_write_server_files', 'pg_execute_server_program', 'pg_signal_backend')"
                   " AND pg_has_role('%s', r.oid, 'USAGE')",
                   role);
    ck_assert_str_eq(member, "0");

    /* The workers' own connection string, the one the stack gives deskd serve. */
    const char *dsn = getenv("DESKD_DATABASE_URL");
    ck_assert_ptr_nonnull(dsn);
    PGconn *c = connect_as(dsn);
    char *me = value_on(c, "SELECT current_user");
    ck_assert_str_eq(me, role);
    char *rows = value_on(c, "SELECT count(*) > 0 FROM conversation_statuses");
    ck_assert_str_eq(rows, "t");
    refused(c, "ALTER SYSTEM SET work_mem = '1MB'");
    refused(c, "SELECT pg_read_file('PG_VERSION')");
    refused(c, "SELECT pg_ls_dir('.')");
    refused(c, "COPY (SELECT 1) TO PROGRAM 'true'");
    refused(c, "CREATE TABLE it_dbroles_probe (a int)");
    refused(c, "CREATE TEMP TABLE it_dbroles_probe (a int)");
    refused(c, "ALTER TABLE users ADD COLUMN it_dbroles_probe int");
    refused(c, "DROP TABLE schema_migrations");
    refused(c, "TRUNCATE conversation_statuses");
    PQfinish(c);
    free(rows);
    free(me);
    free(member);
    free(attrs);
    free(role);
}
END_TEST

START_TEST(test_migrate_role_owns_the_schema)
{
    char *role = worker_role();
    char *owners = sql_value("SELECT string_agg(DISTINCT tableowner::text, ',') FROM pg_tables"
                             " WHERE schemaname = 'public'");
    char *migrations =
        sql_value("SELECT tableowner FROM pg_tables WHERE tablename = 'schema_migrations'");
    ck_assert_ptr_nonnull(owners);
    ck_assert_ptr_nonnull(migrations);
    /* One owner for every table: the role deskd migrate ran as. */
    ck_assert_str_eq(owners, migrations);
    ck_assert_str_ne(owners, role);
    char *super = sql_valuef("SELECT rolsuper::text || rolcreaterole::text FROM pg_roles"
                             " WHERE rolname = '%s'",
                             owners);
    ck_assert_str_eq(super, "falsefalse");
    char *db = sql_value("SELECT pg_get_userbyid(datdba) FROM pg_database"
                         " WHERE datname = current_database()");
    ck_assert_str_eq(db, owners);
    char *schema = sql_value("SELECT pg_get_userbyid(nspowner) FROM pg_namespace"
                             " WHERE nspname = 'public'");
    ck_assert_str_eq(schema, owners);
    /* Sequences and views too: nothing in the schema is left to another role. */
    char *others =
        sql_valuef("SELECT count(*) FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace"
                   " AND c.relkind IN ('r', 'S', 'v', 'm') AND pg_get_userbyid(c.relowner) <> '%s'",
                   owners);
    ck_assert_str_eq(others, "0");
    free(others);
    free(schema);
    free(db);
    free(super);
    free(migrations);
    free(owners);
    free(role);
}
END_TEST

Suite *it_dbroles_suite(void)
{
    return SUITE_OF("dbroles", 30, NULL, NULL, test_workers_role_is_unprivileged,
                    test_migrate_role_owns_the_schema);
}
