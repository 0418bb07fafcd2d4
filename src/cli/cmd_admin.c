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

struct admin_args {
    const char *name, *sourced_id, *username, *role, *school, *key;
    unsigned scopes;
    bool password_stdin;
};

#define ARGS struct admin_args

/* --scope: one more scope (it may be given again). */
static int parse_scope(void *field, const char *value, char *why, size_t n)
{
    unsigned bit, *scopes = field;
    if (scope_parse(value, &bit) < 0) {
        snprintf(why, n,
                 "'%s' is not one of statements/write, statements/read/mine, statements/read, "
                 "state, profile, all, roster/read, roster/write",
                 value);
        return -EINVAL;
    }
    *scopes |= bit;
    return 0;
}

static const struct cli_option add_district_options[] = {
    CLI_OPTION_DB,
    {"sourced-id", CLI_STRING(ARGS, sourced_id), .arg = "SID", .flags = CLI_REQUIRED,
     .help = "the district's sourcedId (as its OneRoster files name it)"},
    {"name", CLI_STRING(ARGS, name), .arg = "NAME", .flags = CLI_REQUIRED,
     .help = "the district's name"},
    CLI_OPTION_KEY_FILE,
    CLI_OPTION_CONFIG,
    {0},
};

static const struct cli_option add_client_options[] = {
    CLI_OPTION_DB,
    {"name", CLI_STRING(ARGS, name), .arg = "NAME", .flags = CLI_REQUIRED,
     .help = "what the client is, for people reading the list and the audit log"},
    {"scope", CLI_CALL(ARGS, scopes, parse_scope), .arg = "SCOPE...", .flags = CLI_REQUIRED,
     .help = "what it may do (again for more): statements/write, statements/read/mine, "
             "statements/read, state, profile, all, roster/read, roster/write"},
    CLI_OPTION_DISTRICT,
    CLI_OPTION_KEY_FILE,
    CLI_OPTION_CONFIG,
    {0},
};

static const struct cli_option list_clients_options[] = {
    CLI_OPTION_DB, CLI_OPTION_DISTRICT, CLI_OPTION_KEY_FILE, CLI_OPTION_CONFIG, {0},
};

static const struct cli_option add_account_options[] = {
    CLI_OPTION_DB,
    {"username", CLI_STRING(ARGS, username), .arg = "NAME", .flags = CLI_REQUIRED,
     .help = "the login name"},
    {"name", CLI_STRING(ARGS, name), .arg = "TEXT", .flags = CLI_REQUIRED,
     .help = "the person's name as the pages show it"},
    {"role", CLI_STRING(ARGS, role), .arg = "ROLE", .flags = CLI_REQUIRED,
     .help = "teacher, counsellor, school_admin or district_admin"},
    {"school", CLI_STRING(ARGS, school), .arg = "SID",
     .help = "the school (its sourcedId) of a teacher, counsellor or school administrator"},
    CLI_OPTION_DISTRICT,
    CLI_OPTION_KEY_FILE,
    CLI_OPTION_CONFIG,
    {0},
};

static const struct cli_option set_password_options[] = {
    CLI_OPTION_DB,
    {"username", CLI_STRING(ARGS, username), .arg = "NAME", .flags = CLI_NEEDED,
     .help = "reset the password of this login name"},
    {"sourced-id", CLI_STRING(ARGS, sourced_id), .arg = "SID", .flags = CLI_NEEDED | CLI_OR,
     .help = "give this rostered person a login (or reset it)"},
    {"password-stdin", CLI_BOOL(ARGS, password_stdin),
     .help = "read the password from the first line of standard input (default: a random one, "
             "printed once)"},
    CLI_OPTION_DISTRICT,
    CLI_OPTION_KEY_FILE,
    CLI_OPTION_CONFIG,
    {0},
};

/* unlock, reset-totp, disable, enable */
static const struct cli_option account_options[] = {
    CLI_OPTION_DB,
    {"username", CLI_STRING(ARGS, username), .arg = "NAME", .flags = CLI_REQUIRED,
     .help = "the account's login name"},
    CLI_OPTION_DISTRICT,
    CLI_OPTION_KEY_FILE,
    CLI_OPTION_CONFIG,
    {0},
};

static int add_district_run(struct cli_run *run)
{
    const struct admin_args *a = run->args;
    int64_t id;
    int r = districts_add(&run->ctx, a->sourced_id, a->name, &id);

    if (r < 0)
        return cli_run_fail(run, r);
    printf("added district '%s' (%s)\n", a->sourced_id, a->name);
    return EXIT_OK;
}

static int add_client_run(struct cli_run *run)
{
    const struct admin_args *a = run->args;
    struct client_credentials cred;
    int rc = EXIT_OK, r;

    r = clients_add(&run->ctx, 0, a->name, a->scopes, &cred);
    if (r < 0) {
        rc = cli_run_fail(run, r);
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
    return rc;
}

static int print_client(const struct client_info *ci, void *arg)
{
    return json_array_append_new(arg, clients_info_json(ci)) < 0 ? -ENOMEM : 0;
}

static int list_clients_run(struct cli_run *run)
{
    json_t *list = json_array();
    int r;

    if (!list)
        return cli_fail(run->cmd, "out of memory");
    r = clients_list(&run->ctx, 0, print_client, list);
    if (r < 0) {
        json_decref(list);
        return cli_run_fail(run, r);
    }
    char *text = json_dumps(list, JSON_INDENT(2));
    if (text)
        printf("%s\n", text);
    free(text);
    json_decref(list);
    return EXIT_OK;
}

static int revoke_client_run(struct cli_run *run)
{
    const struct admin_args *a = run->args;
    int r = clients_revoke(&run->ctx, 0, a->key);

    if (r < 0)
        return cli_run_fail(run, r);
    printf("revoked %s\n", a->key);
    return EXIT_OK;
}

static int add_account_run(struct cli_run *run)
{
    const struct admin_args *a = run->args;
    char password[32];
    int rc = EXIT_OK, r;

    r = auth_account_add(&run->ctx, a->username, a->name, a->role, a->school, password);
    if (r < 0)
        rc = cli_run_fail(run, r);
    else
        printf("{\"username\":\"%s\",\"password\":\"%s\"}\n", a->username, password);
    memset(password, 0, sizeof(password));
    return rc;
}

/* One line from standard input, without its line end (the password). */
static int read_password(char *out, size_t n)
{
    if (!fgets(out, (int)n, stdin))
        return -EINVAL;
    out[strcspn(out, "\r\n")] = '\0';
    return 0;
}

static int set_password_check(const struct cli_run *run)
{
    const struct admin_args *a = run->args;
    if (!a->username == !a->sourced_id)
        return cli_usage_error(run->cmd, "give --username or --sourced-id");
    return EXIT_OK;
}

static int set_password_run(struct cli_run *run)
{
    const struct admin_args *a = run->args;
    char password[300] = "", made[32] = "";
    int rc = EXIT_OK, r;

    if (a->password_stdin && read_password(password, sizeof(password)) < 0)
        return cli_usage_error(run->cmd, "--password-stdin: no line on standard input");
    if (a->username)
        r = auth_account_set_password(&run->ctx, a->username, a->password_stdin ? password : NULL,
                                      made);
    else
        r = auth_account_provision(&run->ctx, a->sourced_id, a->password_stdin ? password : NULL,
                                   made);
    if (r < 0)
        rc = cli_run_fail(run, r);
    else if (made[0])
        printf("{\"password\":\"%s\"}\n", made);
    else
        printf("password set\n");
    memset(password, 0, sizeof(password));
    memset(made, 0, sizeof(made));
    return rc;
}

static int account_done(struct cli_run *run, int r, const char *done)
{
    const struct admin_args *a = run->args;
    if (r < 0)
        return cli_run_fail(run, r);
    printf("%s: %s\n", a->username, done);
    return EXIT_OK;
}

static int unlock_run(struct cli_run *run)
{
    const struct admin_args *a = run->args;
    return account_done(run, auth_account_unlock(&run->ctx, a->username),
                        "failed-login counts cleared");
}

static int reset_totp_run(struct cli_run *run)
{
    const struct admin_args *a = run->args;
    return account_done(run, auth_account_reset_totp(&run->ctx, a->username),
                        "second factor removed; it enrols again at the next login");
}

static int disable_run(struct cli_run *run)
{
    const struct admin_args *a = run->args;
    return account_done(run, auth_account_disable(&run->ctx, a->username, true),
                        "turned off; its sessions ended");
}

static int enable_run(struct cli_run *run)
{
    const struct admin_args *a = run->args;
    return account_done(run, auth_account_disable(&run->ctx, a->username, false), "turned on");
}

/* every admin command opens the store as the operator of a district, but add-district */
#define ADMIN(opts, ...)                                                       \
    {                                                                          \
        .options = (opts), .args_size = sizeof(struct admin_args), __VA_ARGS__ \
    }
#define IN_DISTRICT .open = CLI_OPEN_DISTRICT

const struct cli_spec cmd_admin_add_district =
    ADMIN(add_district_options, .open = CLI_OPEN_OPERATOR, .run = add_district_run);
const struct cli_spec cmd_admin_add_client =
    ADMIN(add_client_options, IN_DISTRICT, .run = add_client_run);
const struct cli_spec cmd_admin_list_clients =
    ADMIN(list_clients_options, IN_DISTRICT, .run = list_clients_run);
const struct cli_spec cmd_admin_revoke_client =
    ADMIN(list_clients_options, IN_DISTRICT,
          CLI_OPERAND(ARGS, key, "KEY", "the client's key (`admin list-clients` shows it)"),
          .run = revoke_client_run);
const struct cli_spec cmd_admin_add_account =
    ADMIN(add_account_options, IN_DISTRICT, .run = add_account_run);
const struct cli_spec cmd_admin_set_password =
    ADMIN(set_password_options, IN_DISTRICT, .check = set_password_check, .run = set_password_run);
const struct cli_spec cmd_admin_unlock = ADMIN(account_options, IN_DISTRICT, .run = unlock_run);
const struct cli_spec cmd_admin_reset_totp =
    ADMIN(account_options, IN_DISTRICT, .run = reset_totp_run);
const struct cli_spec cmd_admin_disable = ADMIN(account_options, IN_DISTRICT, .run = disable_run);
const struct cli_spec cmd_admin_enable = ADMIN(account_options, IN_DISTRICT, .run = enable_run);
