/*
 * trellis: one program, many subcommands (after git.c). The table below is
 * the only list of commands; `trellis help` prints it.
 */
#include "base/common.h"

#include <jansson.h>
#include <stdio.h>

#include "app/system.h"
#include "base/mem.h"
#include "cli/cli.h"
#include "cli/commands.h"

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

const struct command commands[] = {
    {"serve", cmd_serve, "[--db PATH|URL] [--listen HOST:PORT] [--config FILE]",
     "serve the web app and APIs"},
    {"init", cmd_init, "--db PATH|URL [--demo] [--students N] [--logins FILE] [--key-file FILE]",
     "create a database (and its key); --demo adds a demo district"},
    {"import oneroster", cmd_import_oneroster,
     "--db PATH [--json] [--district SID] [--new-district] SRC",
     "import a OneRoster 1.1/1.2 CSV set (a folder or a .zip) in one transaction"},
    {"export oneroster", cmd_export_oneroster, "--db PATH DIR",
     "write the district's roster as a OneRoster 1.2 CSV set"},
    {"content import", cmd_content_import, "--db PATH [--district SID] [--json] SRC",
     "load a content pack (folder, .zip, OATutor pool or builtin:trellis-math-3-8) in one "
     "transaction"},
    {"content list", cmd_content_list, "--db PATH [--district SID] [--json]",
     "the district's content packs and skills (--json: with items)"},
    {"content show", cmd_content_show, "--db PATH [--seed N] [--district SID] ITEM",
     "an item as the practice service gets it (a generator item's instance for the seed)"},
    {"content generators", cmd_content_generators, "[--json]",
     "the problem generators, their parameters and misconceptions"},
    {"backup", cmd_backup, "--db PATH OUT", "make a consistent copy while the server runs"},
    {"migrate", cmd_migrate, "--from sqlite:PATH --to postgresql://... [--key-file FILE] [--json]",
     "copy a SQLite database into an empty PostgreSQL database, verified by row counts and "
     "checksums"},
    {"fit bkt", cmd_fit_bkt,
     "--input FILE [--format dkt|csv] [--forget] [--idem] [--two-priors] [--restarts N] "
     "[--folds K] [--threads N] [--seed N] --out PARAMS.json [--test FILE [--predictions OUT.csv]]",
     "fit Bayesian Knowledge Tracing per skill to an answer log"},
    {"fit irt", cmd_fit_irt,
     "--input FILE [--format dkt|csv] --model rasch|2pl [--quadrature N] [--threads N] --out "
     "PARAMS.json",
     "calibrate items (Rasch or 2PL) and estimate abilities from an answer log"},
    {"check-answer", cmd_check_answer,
     "--type number|fraction|expression|choice|text --expected E --given G [--simplified] "
     "[--tolerance T|T%] [--seed N]",
     "check an answer as a practice step does; prints {\"correct\", \"reason\"}"},
    {"lrs delete", cmd_lrs_delete,
     "--db PATH (--learner SOURCEDID | --before DATE) [--dry-run] [--district SID]",
     "delete a learner's learning records, or those stored before a date (count first with "
     "--dry-run)"},
    {"lrs forward", cmd_lrs_forward,
     "--db PATH --to URL --key K (--secret S | --secret-env VAR) [--batch N] [--xapi-version V] "
     "[--retries N] [--follow] [--district SID]",
     "send new statements to an upstream LRS, resuming where the last run stopped"},
    {"model rebuild", cmd_model_rebuild, "--db PATH [--district SID]",
     "forget every learner's mastery and apply all stored statements again"},
    {"model fit", cmd_model_fit,
     "--db PATH [--district SID] [--forget] [--restarts N] [--threads N]",
     "fit each skill's BKT parameters to the stored answers, then rebuild"},
    {"model show", cmd_model_show, "--db PATH --student SID [--district SID]",
     "a learner's mastery per skill (JSON)"},
    {"config show", cmd_config_show, "[--config FILE] [--SETTING VALUE ...]",
     "print the effective configuration and where each value came from"},
    {"admin add-district", cmd_admin_add_district, "--db PATH --sourced-id SID --name NAME",
     "add a district (a tenant) to the database"},
    {"admin add-client", cmd_admin_add_client,
     "--db PATH --name NAME --scope SCOPE... [--district SID]",
     "create an API client; prints its key and secret once"},
    {"admin list-clients", cmd_admin_list_clients, "--db PATH [--district SID]",
     "list the API clients of a district"},
    {"admin revoke-client", cmd_admin_revoke_client, "--db PATH KEY [--district SID]",
     "revoke an API client"},
    {"admin add-account", cmd_admin_add_account,
     "--db PATH --username NAME --name TEXT --role ROLE [--school SID] [--district SID]",
     "add a local staff account (not rostered); prints its first password once"},
    {"admin set-password", cmd_admin_set_password,
     "--db PATH (--username NAME | --sourced-id SID) [--password-stdin] [--district SID]",
     "give a rostered person a login or reset a password (random unless read from stdin)"},
    {"admin unlock", cmd_admin_unlock, "--db PATH --username NAME [--district SID]",
     "clear a login name's failed-login counts"},
    {"admin reset-totp", cmd_admin_reset_totp, "--db PATH --username NAME [--district SID]",
     "remove an account's second factor (it enrols again at the next login)"},
    {"admin disable", cmd_admin_disable, "--db PATH --username NAME [--district SID]",
     "turn an account off and end its sessions"},
    {"admin enable", cmd_admin_enable, "--db PATH --username NAME [--district SID]",
     "turn an account on again"},
    {"access policy", cmd_access_policy, "[--json]",
     "the access gate's policy table and the routes that disclose student data"},
    {"audit verify", cmd_audit_verify, "--db PATH [--checkpoint FILE]",
     "check the audit log's hash chains and keyed heads (and against a checkpoint kept "
     "elsewhere); name what was altered or removed"},
    {"audit checkpoint", cmd_audit_checkpoint, "--db PATH",
     "verify, then print one keyed line per chain to keep away from the server"},
    {"audit show", cmd_audit_show,
     "--db PATH [--student ID|SID | --denials] [--since ISO8601] [--limit N] [--json] "
     "[--district SID]",
     "who saw or changed a student's records and when (or the latest entries, or the refused "
     "accesses)"},
    {"version", cmd_version, "", "print the version"},
    {"help", cmd_help, "", "list the commands"},
};
const size_t commands_count = ARRAY_SIZE(commands);

static int cmd_help(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("trellis %s: an open learning platform a school district runs itself\n\n",
           TRELLIS_VERSION);
    printf("usage: trellis COMMAND [OPTIONS]\n\n");
    for (size_t i = 0; i < commands_count; i++)
        printf("  %-22s %s\n", commands[i].name, commands[i].summary);
    printf("\nSettings come from defaults, a file (--config or TRELLIS_CONFIG), TRELLIS_* "
           "variables and flags,\nin that order; `trellis config show` prints them.\n");
    return EXIT_OK;
}

static int cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("trellis %s\n", TRELLIS_VERSION);
    return EXIT_OK;
}

int main(int argc, char **argv)
{
    json_set_alloc_funcs(mem_alloc, mem_free);
    if (argc < 2) {
        cmd_help(0, NULL);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return cmd_help(0, NULL);
    if (strcmp(argv[1], "--version") == 0)
        return cmd_version(0, NULL);
    /* two-word commands first ("config show"), then one-word ones */
    for (int words = 2; words >= 1; words--) {
        if (argc < 1 + words)
            continue;
        for (size_t i = 0; i < commands_count; i++) {
            char name[64];
            if (words == 2)
                snprintf(name, sizeof(name), "%s %s", argv[1], argv[2]);
            else
                snprintf(name, sizeof(name), "%s", argv[1]);
            if (strcmp(commands[i].name, name) == 0)
                return commands[i].run(argc - words, argv + words);
        }
    }
    fprintf(stderr, "trellis: '%s' is not a command; see `trellis help`\n", argv[1]);
    return EXIT_USAGE;
}
