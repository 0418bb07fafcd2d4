/*
 * The subcommands (cmd_*.c): each is its option table and run function
 * (struct cli_spec, cli.h); the command table in main.c names them.
 */
#ifndef TRELLIS_CLI_COMMANDS_H
#define TRELLIS_CLI_COMMANDS_H

#include "cli/cli.h"

extern const struct cli_spec cmd_serve;
extern const struct cli_spec cmd_init;
extern const struct cli_spec cmd_backup;
extern const struct cli_spec cmd_migrate;
extern const struct cli_spec cmd_config_show;
extern const struct cli_spec cmd_admin_add_district;
extern const struct cli_spec cmd_admin_add_client;
extern const struct cli_spec cmd_admin_list_clients;
extern const struct cli_spec cmd_admin_revoke_client;
extern const struct cli_spec cmd_admin_add_account;
extern const struct cli_spec cmd_admin_set_password;
extern const struct cli_spec cmd_admin_unlock;
extern const struct cli_spec cmd_admin_reset_totp;
extern const struct cli_spec cmd_admin_disable;
extern const struct cli_spec cmd_admin_enable;
extern const struct cli_spec cmd_audit_verify;
extern const struct cli_spec cmd_audit_checkpoint;
extern const struct cli_spec cmd_audit_show;
extern const struct cli_spec cmd_import_oneroster;
extern const struct cli_spec cmd_export_oneroster;
extern const struct cli_spec cmd_import_devices;
extern const struct cli_spec cmd_import_device_events;
extern const struct cli_spec cmd_export_devices;
extern const struct cli_spec cmd_fit_bkt;
extern const struct cli_spec cmd_fit_irt;
extern const struct cli_spec cmd_check_answer;
extern const struct cli_spec cmd_lrs_delete;
extern const struct cli_spec cmd_lrs_forward;
extern const struct cli_spec cmd_model_rebuild;
extern const struct cli_spec cmd_model_fit;
extern const struct cli_spec cmd_model_show;
extern const struct cli_spec cmd_access_policy;
extern const struct cli_spec cmd_privacy_inventory;
extern const struct cli_spec cmd_security_check;
extern const struct cli_spec cmd_content_import;
extern const struct cli_spec cmd_content_list;
extern const struct cli_spec cmd_content_show;
extern const struct cli_spec cmd_content_generators;
extern const struct cli_spec cmd_badge_verify;
extern const struct cli_spec cmd_badge_list;
extern const struct cli_spec cmd_badge_export;
extern const struct cli_spec cmd_badge_jwks;
extern const struct cli_spec cmd_badge_define;
extern const struct cli_spec cmd_badge_award;
extern const struct cli_spec cmd_badge_revoke;

#endif
