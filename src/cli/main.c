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

static int help_run(struct cli_run *run);
static int version_run(struct cli_run *run);
static const struct cli_spec cmd_help_spec = {.run = help_run};
static const struct cli_spec cmd_version_spec = {.run = version_run};

const struct command commands[] = {
    {"serve", &cmd_serve, "serve the web app and APIs"},
    {"init", &cmd_init, "create a database (and its key); --demo adds a demo district"},
    {"import oneroster", &cmd_import_oneroster,
     "import a OneRoster 1.1/1.2 CSV set (a folder or a .zip) in one transaction"},
    {"export oneroster", &cmd_export_oneroster,
     "write the district's roster as a OneRoster 1.2 CSV set"},
    {"import devices", &cmd_import_devices,
     "import the device and hotspot inventory (a CSV file): all or nothing"},
    {"import device-events", &cmd_import_device_events,
     "import the devices' history (check-outs, check-ins, losses ...): all or nothing"},
    {"export devices", &cmd_export_devices,
     "write the device and hotspot inventory as a CSV file import devices reads back"},
    {"content import", &cmd_content_import,
     "load a content pack (folder, .zip, OATutor pool or builtin:trellis-math-3-8) in one "
     "transaction"},
    {"content list", &cmd_content_list,
     "the district's content packs and skills (--json: with items)"},
    {"content show", &cmd_content_show,
     "an item as the practice service gets it (a generator item's instance for the seed)"},
    {"content generators", &cmd_content_generators,
     "the problem generators, their parameters and misconceptions"},
    {"backup", &cmd_backup, "make a consistent copy while the server runs"},
    {"migrate", &cmd_migrate,
     "copy a SQLite database into an empty PostgreSQL database, verified by row counts and "
     "checksums"},
    {"fit bkt", &cmd_fit_bkt, "fit Bayesian Knowledge Tracing per skill to an answer log"},
    {"fit irt", &cmd_fit_irt,
     "calibrate items (Rasch or 2PL) and estimate abilities from an answer log"},
    {"check-answer", &cmd_check_answer,
     "check an answer as a practice step does; prints {\"correct\", \"reason\"}"},
    {"lrs delete", &cmd_lrs_delete,
     "delete a learner's learning records, or those stored before a date (count first with "
     "--dry-run)"},
    {"lrs forward", &cmd_lrs_forward,
     "send new statements to an upstream LRS, resuming where the last run stopped"},
    {"model rebuild", &cmd_model_rebuild,
     "forget every learner's mastery and apply all stored statements again"},
    {"model fit", &cmd_model_fit,
     "fit each skill's BKT parameters to the stored answers, then rebuild"},
    {"model show", &cmd_model_show, "a learner's mastery per skill (JSON)"},
    {"config show", &cmd_config_show,
     "print the effective configuration and where each value came from"},
    {"admin add-district", &cmd_admin_add_district, "add a district (a tenant) to the database"},
    {"admin add-client", &cmd_admin_add_client,
     "create an API client; prints its key and secret once"},
    {"admin list-clients", &cmd_admin_list_clients, "list the API clients of a district"},
    {"admin revoke-client", &cmd_admin_revoke_client, "revoke an API client"},
    {"admin add-account", &cmd_admin_add_account,
     "add a local staff account (not rostered); prints its first password once"},
    {"admin set-password", &cmd_admin_set_password,
     "give a rostered person a login or reset a password (random unless read from stdin)"},
    {"admin unlock", &cmd_admin_unlock, "clear a login name's failed-login counts"},
    {"admin reset-totp", &cmd_admin_reset_totp,
     "remove an account's second factor (it enrols again at the next login)"},
    {"admin disable", &cmd_admin_disable, "turn an account off and end its sessions"},
    {"admin enable", &cmd_admin_enable, "turn an account on again"},
    {"access policy", &cmd_access_policy,
     "the access gate's policy table and the routes that disclose student data"},
    {"privacy inventory", &cmd_privacy_inventory,
     "every column of the database classified: category, sealed, retention, who may see it, "
     "purpose (--check: prove the sealing on the stored values)"},
    {"security check", &cmd_security_check,
     "a self-audit: key and database file modes, TLS or Secure cookies, administrators without "
     "a second factor, stale accounts, API clients without an agreement, the audit log, the "
     "last backup's age; exit 1 when something needs action"},
    {"audit verify", &cmd_audit_verify,
     "check the audit log's hash chains and keyed heads (and against a checkpoint kept "
     "elsewhere); name what was altered or removed"},
    {"audit checkpoint", &cmd_audit_checkpoint,
     "verify, then print one keyed line per chain to keep away from the server"},
    {"audit show", &cmd_audit_show,
     "who saw or changed a student's records and when (or the latest entries, or the refused "
     "accesses)"},
    {"badge verify", &cmd_badge_verify,
     "verify an Open Badges 3.0 credential (VC-JWT) with a JWKS file or this database's keys"},
    {"badge list", &cmd_badge_list, "list the district's issued micro-credentials"},
    {"badge export", &cmd_badge_export, "write an issued credential (its VC-JWT) to a file"},
    {"badge jwks", &cmd_badge_jwks, "print the issuer's public keys (JWKS)"},
    {"badge define", &cmd_badge_define, "define or update a micro-credential (an achievement)"},
    {"badge award", &cmd_badge_award, "award a micro-credential to a teacher (signs it)"},
    {"badge revoke", &cmd_badge_revoke, "revoke an issued credential"},
    {"version", &cmd_version_spec, "print the version"},
    {"help", &cmd_help_spec, "list the commands"},
};
const size_t commands_count = ARRAY_SIZE(commands);

static void print_help(void)
{
    printf("trellis %s: an open learning platform a school district runs itself\n\n",
           TRELLIS_VERSION);
    printf("usage: trellis COMMAND [OPTIONS]\n\n");
    for (size_t i = 0; i < commands_count; i++)
        printf("  %-22s %s\n", commands[i].name, commands[i].summary);
    printf("\nSettings come from defaults, a file (--config or TRELLIS_CONFIG), TRELLIS_* "
           "variables and flags,\nin that order; `trellis config show` prints them. "
           "`trellis COMMAND --help` lists a\ncommand's options.\n");
}

static int help_run(struct cli_run *run)
{
    (void)run;
    print_help();
    return EXIT_OK;
}

static int version_run(struct cli_run *run)
{
    (void)run;
    printf("trellis %s\n", TRELLIS_VERSION);
    return EXIT_OK;
}

int main(int argc, char **argv)
{
    json_set_alloc_funcs(mem_alloc, mem_free);
    if (argc < 2) {
        print_help();
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return help_run(NULL);
    if (strcmp(argv[1], "--version") == 0)
        return version_run(NULL);
    /* two-word commands first ("config show"), then one-word ones */
    for (int words = 2; words >= 1; words--) {
        if (argc < 1 + words)
            continue;
        for (size_t i = 0; i < commands_count; i++) {
            const struct command *c = &commands[i];
            char name[64];
            if (words == 2)
                snprintf(name, sizeof(name), "%s %s", argv[1], argv[2]);
            else
                snprintf(name, sizeof(name), "%s", argv[1]);
            if (strcmp(c->name, name) != 0)
                continue;
            return cli_main(c, argc - words, argv + words);
        }
    }
    fprintf(stderr, "trellis: '%s' is not a command; see `trellis help`\n", argv[1]);
    return EXIT_USAGE;
}
