/*
 * trellis badge ...: micro-credentials (src/app/badges.h).
 *   verify FILE [--jwks JWKS.json | --db PATH]  check an Open Badges 3.0 VC-JWT; prints
 *                                              {"verified","issuer","achievement","status",
 *                                              "reason"}; exit 0 when verified, 1 when not
 *   list --db PATH [--json]                    the district's issued credentials
 *   export --db PATH --id ID FILE              write credential ID's VC-JWT to FILE
 *   jwks --db PATH                             the issuer's public keys (JWKS)
 *   define / award / revoke                    the operator's hand on achievements and awards
 * Everything but verify --jwks acts as the operator of one district and goes through the gate.
 */
#include "base/common.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "app/badge_png.h"
#include "app/badges.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "store/store.h"
#include "store/store_badges.h"

struct badge_args {
    const char *file, *jwks, *status_list, *recipient, *achievement, *reason, *name, *description,
        *competency, *method, *evidence;
    int64_t id, until;
    bool json, png;
};

#define ARGS struct badge_args

#define MAX_FILE (1024 * 1024)

static char *read_file(const char *path, size_t *ret_len)
{
    FILE *f = fopen(path, "rb");
    char *p = NULL;
    size_t n = 0;
    if (!f)
        return NULL;
    p = mem_alloc(MAX_FILE + 1);
    if (p) {
        n = fread(p, 1, MAX_FILE + 1, f);
        if (n > MAX_FILE || ferror(f)) {
            mem_free(p);
            p = NULL;
        } else {
            p[n] = '\0';
            *ret_len = n;
        }
    }
    fclose(f);
    return p;
}

static int print_verdict(const struct badge_verdict *v)
{
    json_t *o = badges_verdict_json(v);
    if (!o)
        return cli_fail("badge verify", "out of memory");
    json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    putchar('\n');
    json_decref(o);
    return v->verified ? EXIT_OK : EXIT_FAIL;
}

/* ---- verify ---- */

static const struct cli_option verify_options[] = {
    {"jwks", CLI_STRING(ARGS, jwks), .arg = "JWKS.json",
     .help = "the issuer's keys, from a JWKS file"},
    {"status-list", CLI_STRING(ARGS, status_list), .arg = "FILE",
     .help = "with --jwks: the issuer's status list credential (revoked or active)"},
    {"db", CLI_SETTING, .arg = "PATH|URL",
     .help = "or the keys and revocations of this Trellis's database (setting db; "
             "the default without --jwks)"},
    CLI_OPTION_KEY_FILE,
    CLI_OPTION_CONFIG,
    {0},
};

static int verify_run(struct cli_run *run)
{
    const struct badge_args *a = run->args;
    struct badge_verdict v;
    size_t len = 0;
    char *text = read_file(a->file, &len);
    int rc = EXIT_FAIL, r;

    if (!text)
        return cli_fail(run->cmd, "cannot read '%s': %s", a->file,
                        errno ? strerror(errno) : "larger than 1 MiB");
    if (len >= 8 && !memcmp(text, "\x89PNG", 4)) {
        /* a baked badge: the credential in its openbadgecredential chunk */
        char *jwt = NULL;
        r = badge_png_extract(text, len, &jwt);
        if (r < 0) {
            rc = cli_fail(run->cmd, "%s: %s", a->file,
                          r == -ENOENT ? "a PNG without a baked credential"
                                       : "a PNG that cannot be read");
            goto out;
        }
        mem_free(text);
        text = jwt;
        len = strlen(jwt);
    }
    if (a->jwks) {
        json_error_t jerr;
        json_t *jwks = json_load_file(a->jwks, JSON_REJECT_DUPLICATES, &jerr);
        if (!json_is_array(json_object_get(jwks, "keys"))) {
            rc = cli_fail(run->cmd, "%s: not a JWKS (an object with a keys array)", a->jwks);
            json_decref(jwks);
            goto out;
        }
        r = badge_vc_verify(text, len, jwks, time_now_ms(), &v);
        json_decref(jwks);
        if (r == 0 && a->status_list) {
            json_t *list = json_load_file(a->status_list, JSON_REJECT_DUPLICATES, &jerr);
            if (!json_is_object(list)) {
                rc = cli_fail(run->cmd, "%s: not a status list credential (JSON)", a->status_list);
                json_decref(list);
                goto out;
            }
            r = badge_vc_apply_status(&v, list);
            json_decref(list);
        }
    } else {
        struct store *store = NULL;
        struct store_options so = {.readonly = true, .pool_size = 1};
        struct arena arena = ARENA_INIT;
        struct ctx ctx;
        if (cli_open_store(run->cfg, &so, &store) < 0)
            goto out;
        ctx_init(&ctx, store, run->cfg, &arena, time_now_ms(), "cli");
        ctx.client_addr = "local";
        r = badges_verify_local(&ctx, text, len, &v);
        ctx_release(&ctx);
        arena_release(&arena);
        store_close(store);
    }
    if (r < 0) {
        rc = cli_fail(run->cmd, "cannot verify: %s", strerror(-r));
        goto out;
    }
    rc = print_verdict(&v);
out:
    mem_free(text);
    return rc;
}

const struct cli_spec cmd_badge_verify = {
    .options = verify_options,
    .args_size = sizeof(struct badge_args),
    CLI_OPERAND(ARGS, file, "FILE", "the credential (a VC-JWT, or a JSON credential)"),
    .run = verify_run,
};

/* ---- list ---- */

static const struct cli_option list_options[] = {
    CLI_OPTION_DB,       {"json", CLI_BOOL(ARGS, json), .help = "print JSON"},
    CLI_OPTION_DISTRICT, CLI_OPTION_KEY_FILE,
    CLI_OPTION_CONFIG,   {0},
};

static int list_run(struct cli_run *run)
{
    const struct badge_args *a = run->args;
    json_t *list = NULL, *x;
    size_t i;
    int r = badges_list(&run->ctx, 0, &list);
    if (r < 0)
        return cli_run_fail(run, r);
    if (a->json) {
        json_dumpf(list, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        putchar('\n');
    } else {
        printf("%-6s %-21s %-30s %-30s %s\n", "id", "issued", "achievement", "recipient", "status");
        json_array_foreach(list, i, x)
        {
            json_t *rev = json_object_get(x, "revoked");
            printf("%-6lld %-21s %-30.30s %-30.30s %s%s\n",
                   (long long)json_integer_value(json_object_get(x, "id")),
                   json_string_value(json_object_get(x, "issued")),
                   json_string_value(json_object_get(x, "achievement")),
                   json_string_value(json_object_get(x, "recipient")),
                   json_is_string(rev) ? "revoked " : "active",
                   json_is_string(rev) ? json_string_value(rev) : "");
        }
    }
    json_decref(list);
    return EXIT_OK;
}

const struct cli_spec cmd_badge_list = {
    .options = list_options,
    .args_size = sizeof(struct badge_args),
    .open = CLI_OPEN_DISTRICT,
    .readonly = true,
    .run = list_run,
};

/* ---- export ---- */

static const struct cli_option export_options[] = {
    CLI_OPTION_DB,
    {"id", CLI_INT(ARGS, id, 1, INT64_MAX), .arg = "ID", .flags = CLI_REQUIRED,
     .help = "the credential (its id in `trellis badge list`)"},
    {"png", CLI_BOOL(ARGS, png), .help = "write a PNG with the credential baked in"},
    CLI_OPTION_DISTRICT,
    CLI_OPTION_KEY_FILE,
    CLI_OPTION_CONFIG,
    {0},
};

static int export_run(struct cli_run *run)
{
    const struct badge_args *a = run->args;
    char *jwt = NULL;
    FILE *f;
    int r = badges_export(&run->ctx, a->id, &jwt);
    if (r < 0)
        return cli_run_fail(run, r);
    struct buf png = BUF_INIT(4 * 1024 * 1024);
    if (a->png && (r = badge_png_bake(jwt, &png)) < 0) {
        mem_free(jwt);
        return cli_fail(run->cmd, "cannot bake the credential: %s", strerror(-r));
    }
    f = fopen(a->file, "wx");
    if (!f) {
        mem_free(jwt);
        buf_release(&png);
        return cli_fail(run->cmd, "cannot create '%s': %s", a->file, strerror(errno));
    }
    bool ok = a->png ? fwrite(png.data, 1, png.len, f) == png.len : fprintf(f, "%s\n", jwt) > 0;
    ok = fclose(f) == 0 && ok;
    mem_free(jwt);
    buf_release(&png);
    if (!ok)
        return cli_fail(run->cmd, "cannot write '%s'", a->file);
    return EXIT_OK;
}

const struct cli_spec cmd_badge_export = {
    .options = export_options,
    .args_size = sizeof(struct badge_args),
    CLI_OPERAND(ARGS, file, "FILE", "where to write the VC-JWT (must not exist)"),
    .open = CLI_OPEN_DISTRICT,
    .readonly = true,
    .run = export_run,
};

/* ---- jwks ---- */

static const struct cli_option jwks_options[] = {
    CLI_OPTION_DB, CLI_OPTION_DISTRICT, CLI_OPTION_KEY_FILE, CLI_OPTION_CONFIG, {0},
};

static int jwks_run(struct cli_run *run)
{
    json_t *o = NULL;
    int r = badges_jwks(&run->ctx, run->op.district_id, &o);
    if (r < 0)
        return cli_run_fail(run, r);
    json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    putchar('\n');
    json_decref(o);
    return EXIT_OK;
}

const struct cli_spec cmd_badge_jwks = {
    .options = jwks_options,
    .args_size = sizeof(struct badge_args),
    .open = CLI_OPEN_DISTRICT,
    .readonly = true,
    .run = jwks_run,
};

/* ---- define, award, revoke (the operator) ---- */

static const struct cli_option define_options[] = {
    CLI_OPTION_DB,
    {"name", CLI_STRING(ARGS, name), .arg = "TEXT", .flags = CLI_REQUIRED,
     .help = "the achievement's name"},
    {"description", CLI_STRING(ARGS, description), .arg = "TEXT", .flags = CLI_REQUIRED,
     .help = "what it recognises"},
    {"competency", CLI_STRING(ARGS, competency), .arg = "TEXT", .flags = CLI_REQUIRED,
     .help = "what the holder can now do (the criteria)"},
    {"method", CLI_STRING(ARGS, method), .arg = "TEXT", .help = "how it is earned"},
    {"evidence", CLI_STRING(ARGS, evidence), .arg = "TEXT", .help = "the evidence required"},
    CLI_OPTION_DISTRICT,
    CLI_OPTION_KEY_FILE,
    CLI_OPTION_CONFIG,
    {0},
};

static int define_run(struct cli_run *run)
{
    const struct badge_args *a = run->args;
    int64_t id = 0;
    int r = badges_define(&run->ctx, a->file, a->name, a->description, a->competency, a->method,
                          a->evidence, NULL, 0, &id);
    if (r < 0)
        return cli_run_fail(run, r);
    printf("%lld\n", (long long)id);
    return EXIT_OK;
}

const struct cli_spec cmd_badge_define = {
    .options = define_options,
    .args_size = sizeof(struct badge_args),
    CLI_OPERAND(ARGS, file, "SLUG", "the achievement's short name (a-z, 0-9, '-')"),
    .open = CLI_OPEN_DISTRICT,
    .run = define_run,
};

static const struct cli_option award_options[] = {
    CLI_OPTION_DB,
    {"to", CLI_STRING(ARGS, recipient), .arg = "USER", .flags = CLI_REQUIRED,
     .help = "the teacher (username or sourcedId), or several with commas (signed, then "
             "stored in one transaction)"},
    {"achievement", CLI_STRING(ARGS, achievement), .arg = "SLUG", .flags = CLI_REQUIRED,
     .help = "the achievement"},
    {"until", CLI_TIME(ARGS, until), .arg = "DATE", .help = "valid until (default: no end)"},
    CLI_OPTION_DISTRICT,
    CLI_OPTION_KEY_FILE,
    CLI_OPTION_CONFIG,
    {0},
};

static int award_run(struct cli_run *run)
{
    const struct badge_args *a = run->args;
    struct badge_award *aw = NULL;
    int64_t *ids = NULL;
    size_t n = 1, k = 0;
    struct db *db;
    int rc = EXIT_FAIL, r;

    for (const char *p = a->recipient; *p; p++)
        n += *p == ',';
    aw = mem_calloc(n, sizeof(*aw));
    ids = mem_calloc(n, sizeof(*ids));
    if (!aw || !ids) {
        rc = cli_fail(run->cmd, "out of memory");
        goto out;
    }
    r = ctx_db(&run->ctx, &db);
    for (const char *p = a->recipient; r == 0 && k < n; k++) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char who[256];
        if (len == 0 || len >= sizeof(who)) {
            rc = cli_usage_error(run->cmd, "--to: a list of usernames or sourcedIds, with commas");
            goto out;
        }
        memcpy(who, p, len);
        who[len] = '\0';
        r = store_badge_person_find(db, run->op.district_id, who, &aw[k].recipient_id);
        if (r == -ENOENT) {
            rc = cli_fail(run->cmd, "--to: no person '%s' in the district", who);
            goto out;
        }
        aw[k].achievement_slug = a->achievement;
        aw[k].valid_until_ms = a->until;
        p = e ? e + 1 : p + len;
    }
    if (r == 0)
        r = badges_award_many(&run->ctx, aw, n, ids);
    if (r < 0) {
        rc = cli_run_fail(run, r);
        goto out;
    }
    for (k = 0; k < n; k++)
        printf("%lld\n", (long long)ids[k]);
    rc = EXIT_OK;
out:
    mem_free(aw);
    mem_free(ids);
    return rc;
}

const struct cli_spec cmd_badge_award = {
    .options = award_options,
    .args_size = sizeof(struct badge_args),
    .any_setting = true,
    .open = CLI_OPEN_DISTRICT,
    .run = award_run,
};

static const struct cli_option revoke_options[] = {
    CLI_OPTION_DB,
    {"id", CLI_INT(ARGS, id, 1, INT64_MAX), .arg = "ID", .flags = CLI_REQUIRED,
     .help = "the credential"},
    {"reason", CLI_STRING(ARGS, reason), .arg = "TEXT", .flags = CLI_REQUIRED,
     .help = "why (kept with the credential)"},
    CLI_OPTION_DISTRICT,
    CLI_OPTION_KEY_FILE,
    CLI_OPTION_CONFIG,
    {0},
};

static int revoke_run(struct cli_run *run)
{
    const struct badge_args *a = run->args;
    int r = badges_revoke(&run->ctx, a->id, a->reason);
    if (r < 0)
        return cli_run_fail(run, r);
    return EXIT_OK;
}

const struct cli_spec cmd_badge_revoke = {
    .options = revoke_options,
    .args_size = sizeof(struct badge_args),
    .open = CLI_OPEN_DISTRICT,
    .run = revoke_run,
};
