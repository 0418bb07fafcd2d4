/*
 * trellis admin ...: district and API client administration on the server.
 *   admin add-district --db PATH --sourced-id SID --name NAME
 *   admin add-client --db PATH --name NAME --scope SCOPE... [--district SID]
 *   admin list-clients --db PATH [--district SID]
 *   admin revoke-client --db PATH KEY [--district SID]
 *   admin add-account --db PATH --username NAME --name TEXT --role ROLE [--school SID]
 *   admin set-password --db PATH (--username NAME | --sourced-id SID) [--password-stdin]
 *   admin unlock | reset-totp | disable | enable --db PATH --username NAME
 * Every change is audited by the service that makes it.
 */
#include "base/common.h"

#include <jansson.h>
#include <stdio.h>

#include "app/auth.h"
#include "app/clients.h"
#include "base/timeutil.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "store/store.h"

static const struct option opts[] = {
    {"db", required_argument, NULL, 'd'},
    {"config", required_argument, NULL, 'c'},
    {"key-file", required_argument, NULL, 'k'},
    {"district", required_argument, NULL, 'D'},
    {"name", required_argument, NULL, 'n'},
    {"scope", required_argument, NULL, 's'},
    {"sourced-id", required_argument, NULL, 'i'},
    {"username", required_argument, NULL, 'u'},
    {"role", required_argument, NULL, 'r'},
    {"school", required_argument, NULL, 'S'},
    {"password-stdin", no_argument, NULL, 'P'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

struct admin_args {
    struct config cfg;
    const char *district;
    const char *name;
    const char *sourced_id;
    unsigned scopes;
    const char *bad_scope;
    const char *username, *role, *school;
    bool password_stdin;
};

/* Parse the shared options; returns EXIT_OK to go on, or an exit status. */
static int parse(const char *cmd, int argc, char **argv, struct admin_args *a)
{
    const char *config_file = NULL;
    int c;

    memset(a, 0, sizeof(*a));
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--config") == 0)
            config_file = argv[i + 1];
    if (cli_config_begin(&a->cfg, config_file) < 0)
        return EXIT_FAIL;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        unsigned bit;
        switch (c) {
        case 'd':
            if (cli_flag(&a->cfg, "db", optarg) < 0)
                return EXIT_USAGE;
            break;
        case 'k':
            if (cli_flag(&a->cfg, "key-file", optarg) < 0)
                return EXIT_USAGE;
            break;
        case 'D':
            a->district = optarg;
            break;
        case 'n':
            a->name = optarg;
            break;
        case 'i':
            a->sourced_id = optarg;
            break;
        case 'u':
            a->username = optarg;
            break;
        case 'r':
            a->role = optarg;
            break;
        case 'S':
            a->school = optarg;
            break;
        case 'P':
            a->password_stdin = true;
            break;
        case 's':
            if (scope_parse(optarg, &bit) < 0)
                return cli_usage_error(cmd,
                                       "--scope: '%s' is not one of statements/write, "
                                       "statements/read/mine, statements/read, state, profile, "
                                       "all, roster/read, roster/write",
                                       optarg);
            a->scopes |= bit;
            break;
        case 'c':
            break;
        case 'h':
            cli_print_usage(cmd, stderr);
            return -1;
        default:
            cli_print_usage(cmd, stderr);
            return EXIT_USAGE;
        }
    }
    if (cli_config_finish(&a->cfg) < 0)
        return EXIT_USAGE;
    return EXIT_OK;
}

static int finish(struct admin_args *a, int rc)
{
    config_release(&a->cfg);
    return rc < 0 ? EXIT_OK : rc;
}

int cmd_admin_add_district(int argc, char **argv)
{
    static const char cmd[] = "admin add-district";
    struct admin_args a;
    struct cli_run run;
    struct store_options so = {.pool_size = 2};
    int64_t id;
    int rc = parse(cmd, argc, argv, &a), r;

    if (rc != EXIT_OK)
        return finish(&a, rc);
    if (!a.sourced_id || !a.name)
        return finish(&a, cli_usage_error(cmd, "--sourced-id and --name are required"));
    memset(&run, 0, sizeof(run));
    if (cli_open_store(&a.cfg, &so, &run.store) < 0)
        return finish(&a, EXIT_FAIL);
    ctx_init(&run.ctx, run.store, &a.cfg, &run.arena, time_now_ms(), "cli");
    principal_operator(&run.op, 0, "cli:admin add-district");
    run.ctx.who = &run.op;
    r = districts_add(&run.ctx, a.sourced_id, a.name, &id);
    if (r < 0)
        rc = cli_run_fail(&run, cmd, r);
    else
        printf("added district '%s' (%s)\n", a.sourced_id, a.name);
    cli_run_close(&run);
    return finish(&a, rc);
}

int cmd_admin_add_client(int argc, char **argv)
{
    static const char cmd[] = "admin add-client";
    struct admin_args a;
    struct cli_run run;
    struct client_credentials cred;
    int rc = parse(cmd, argc, argv, &a), r;

    if (rc != EXIT_OK)
        return finish(&a, rc);
    if (!a.name)
        return finish(&a, cli_usage_error(cmd, "--name is required"));
    if (!a.scopes)
        return finish(&a, cli_usage_error(cmd, "give at least one --scope"));
    if (cli_run_open(&run, &a.cfg, a.district, "cli:admin add-client") < 0)
        return finish(&a, EXIT_FAIL);
    r = clients_add(&run.ctx, a.name, a.scopes, &cred);
    if (r < 0) {
        rc = cli_run_fail(&run, cmd, r);
    } else {
        json_t *o = json_pack("{s:s, s:s}", "key", cred.key, "secret", cred.secret);
        char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
        if (text)
            printf("%s\n", text);
        else
            rc = EXIT_FAIL;
        free(text);
        json_decref(o);
    }
    memset(&cred, 0, sizeof(cred));
    cli_run_close(&run);
    return finish(&a, rc);
}

static int print_client(const struct client_info *ci, void *arg)
{
    json_t *list = arg, *scopes = json_array();
    char created[32], revoked[32];

    for (unsigned bit = 1; bit && scopes; bit <<= 1)
        if ((ci->scopes & bit) && scope_name(bit))
            json_array_append_new(scopes, json_string(scope_name(bit)));
    time_format_iso8601(ci->created_at, created);
    if (ci->revoked_at)
        time_format_iso8601(ci->revoked_at, revoked);
    return json_array_append_new(list,
                                 json_pack("{s:s, s:s, s:o, s:s, s:s*}", "name", ci->name, "key",
                                           ci->key, "scopes", scopes, "created", created, "revoked",
                                           ci->revoked_at ? revoked : NULL)) < 0
               ? -ENOMEM
               : 0;
}

int cmd_admin_list_clients(int argc, char **argv)
{
    static const char cmd[] = "admin list-clients";
    struct admin_args a;
    struct cli_run run;
    json_t *list = json_array();
    int rc = parse(cmd, argc, argv, &a), r;

    if (rc != EXIT_OK || !list) {
        json_decref(list);
        return finish(&a, rc);
    }
    if (cli_run_open(&run, &a.cfg, a.district, "cli:admin list-clients") < 0) {
        json_decref(list);
        return finish(&a, EXIT_FAIL);
    }
    r = clients_list(&run.ctx, print_client, list);
    if (r < 0) {
        rc = cli_run_fail(&run, cmd, r);
    } else {
        char *text = json_dumps(list, JSON_INDENT(2));
        if (text)
            printf("%s\n", text);
        free(text);
    }
    json_decref(list);
    cli_run_close(&run);
    return finish(&a, rc);
}

int cmd_admin_revoke_client(int argc, char **argv)
{
    static const char cmd[] = "admin revoke-client";
    struct admin_args a;
    struct cli_run run;
    int rc = parse(cmd, argc, argv, &a), r;

    if (rc != EXIT_OK)
        return finish(&a, rc);
    if (optind != argc - 1)
        return finish(&a, cli_usage_error(cmd, "expected one KEY"));
    if (cli_run_open(&run, &a.cfg, a.district, "cli:admin revoke-client") < 0)
        return finish(&a, EXIT_FAIL);
    r = clients_revoke(&run.ctx, argv[optind]);
    if (r < 0)
        rc = cli_run_fail(&run, cmd, r);
    else
        printf("revoked %s\n", argv[optind]);
    cli_run_close(&run);
    return finish(&a, rc);
}

int cmd_admin_add_account(int argc, char **argv)
{
    static const char cmd[] = "admin add-account";
    struct admin_args a;
    struct cli_run run;
    char password[32];
    int rc = parse(cmd, argc, argv, &a), r;

    if (rc != EXIT_OK)
        return finish(&a, rc);
    if (!a.username || !a.name || !a.role)
        return finish(&a, cli_usage_error(cmd, "--username, --name and --role are required"));
    if (cli_run_open(&run, &a.cfg, a.district, "cli:admin add-account") < 0)
        return finish(&a, EXIT_FAIL);
    r = auth_account_add(&run.ctx, a.username, a.name, a.role, a.school, password);
    if (r < 0)
        rc = cli_run_fail(&run, cmd, r);
    else
        printf("{\"username\":\"%s\",\"password\":\"%s\"}\n", a.username, password);
    memset(password, 0, sizeof(password));
    cli_run_close(&run);
    return finish(&a, rc);
}

/* One line from standard input, without its line end (the password). */
static int read_password(char *out, size_t n)
{
    if (!fgets(out, (int)n, stdin))
        return -EINVAL;
    out[strcspn(out, "\r\n")] = '\0';
    return 0;
}

int cmd_admin_set_password(int argc, char **argv)
{
    static const char cmd[] = "admin set-password";
    struct admin_args a;
    struct cli_run run;
    char password[300] = "", made[32] = "";
    int rc = parse(cmd, argc, argv, &a), r;

    if (rc != EXIT_OK)
        return finish(&a, rc);
    if (!a.username == !a.sourced_id)
        return finish(&a, cli_usage_error(cmd, "give --username or --sourced-id"));
    if (a.password_stdin && read_password(password, sizeof(password)) < 0)
        return finish(&a, cli_usage_error(cmd, "--password-stdin: no line on standard input"));
    if (cli_run_open(&run, &a.cfg, a.district, "cli:admin set-password") < 0)
        return finish(&a, EXIT_FAIL);
    if (a.username)
        r = auth_account_set_password(&run.ctx, a.username, a.password_stdin ? password : NULL,
                                      made);
    else
        r = auth_account_provision(&run.ctx, a.sourced_id, a.password_stdin ? password : NULL,
                                   made);
    if (r < 0)
        rc = cli_run_fail(&run, cmd, r);
    else if (made[0])
        printf("{\"password\":\"%s\"}\n", made);
    else
        printf("password set\n");
    memset(password, 0, sizeof(password));
    memset(made, 0, sizeof(made));
    cli_run_close(&run);
    return finish(&a, rc);
}

static int account_op(const char *cmd, int argc, char **argv,
                      int (*op)(struct ctx *c, const char *username, bool flag), bool flag,
                      const char *done)
{
    struct admin_args a;
    struct cli_run run;
    char who[64];
    int rc = parse(cmd, argc, argv, &a), r;

    if (rc != EXIT_OK)
        return finish(&a, rc);
    if (!a.username)
        return finish(&a, cli_usage_error(cmd, "--username is required"));
    snprintf(who, sizeof(who), "cli:%s", cmd);
    if (cli_run_open(&run, &a.cfg, a.district, who) < 0)
        return finish(&a, EXIT_FAIL);
    r = op(&run.ctx, a.username, flag);
    if (r < 0)
        rc = cli_run_fail(&run, cmd, r);
    else
        printf("%s: %s\n", a.username, done);
    cli_run_close(&run);
    return finish(&a, rc);
}

static int op_unlock(struct ctx *c, const char *u, bool flag)
{
    (void)flag;
    return auth_account_unlock(c, u);
}

static int op_reset_totp(struct ctx *c, const char *u, bool flag)
{
    (void)flag;
    return auth_account_reset_totp(c, u);
}

int cmd_admin_unlock(int argc, char **argv)
{
    return account_op("admin unlock", argc, argv, op_unlock, false, "failed-login counts cleared");
}

int cmd_admin_reset_totp(int argc, char **argv)
{
    return account_op("admin reset-totp", argc, argv, op_reset_totp, false,
                      "second factor removed; it enrols again at the next login");
}

int cmd_admin_disable(int argc, char **argv)
{
    return account_op("admin disable", argc, argv, auth_account_disable, true,
                      "turned off; its sessions ended");
}

int cmd_admin_enable(int argc, char **argv)
{
    return account_op("admin enable", argc, argv, auth_account_disable, false, "turned on");
}
