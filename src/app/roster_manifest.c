/*
 * The OneRoster import's manifest and tenancy (see roster_imp.h):
 * manifest.csv says the set's version and how each file is to be read
 * (absent, bulk or delta); the set's org of type district says which
 * district it is for.
 */
#include "base/common.h"

#include <stdio.h>
#include <strings.h>

#include "app/roster_imp.h"
#include "base/mem.h"
#include "store/store.h"

/* Every file a manifest may list: the imported kinds, then the others. */
#define N_MFILES (RK_COUNT + ROSTER_SPEC_N_OTHER)

struct mfile {
    const char *key; /* "file.users" */
    char name[48];   /* "users.csv" */
    bool v12_only;
    int kind;         /* enum roster_kind, or -1 for a file Trellis does not import */
    const char *mode; /* "bulk", "delta", or NULL (absent or not listed) */
    size_t line;      /* its manifest line; 0: not listed */
    bool present;     /* the set holds the file */
};

struct listing {
    struct mfile *f;
    char unknown[8][64]; /* files that are no OneRoster file (the first few) */
    size_t n_unknown, more_unknown;
};

static void mfiles_init(struct mfile *f)
{
    for (size_t i = 0; i < N_MFILES; i++) {
        const char *key = i < RK_COUNT ? roster_spec_files[i].manifest
                                       : roster_spec_other_files[i - RK_COUNT].manifest;
        memset(&f[i], 0, sizeof(f[i]));
        f[i].key = key;
        snprintf(f[i].name, sizeof(f[i].name), "%s.csv", key + 5);
        f[i].v12_only = i < RK_COUNT ? roster_spec_files[i].v12_only
                                     : roster_spec_other_files[i - RK_COUNT].v12_only;
        f[i].kind = i < RK_COUNT ? (int)i : -1;
    }
}

static int list_cb(void *arg, const char *name)
{
    struct listing *l = arg;
    if (strcmp(name, "manifest.csv") == 0)
        return 0;
    for (size_t i = 0; i < N_MFILES; i++) {
        if (strcmp(name, l->f[i].name) == 0) {
            l->f[i].present = true;
            return 0;
        }
    }
    if (l->n_unknown < ARRAY_SIZE(l->unknown))
        snprintf(l->unknown[l->n_unknown++], sizeof(l->unknown[0]), "%s", name);
    else
        l->more_unknown++;
    return 0;
}

/*
 * The manifest and the files must agree (OneRoster 1.1 CSV Tables, Table
 * 2.1 and the manifest's file.* properties; the same in the 1.2 CSV
 * Binding): a file marked bulk or delta is in the set, a file marked absent
 * (or not listed) is not, the set holds no other file, and no file or
 * property belongs to another version than oneroster.version says.
 */
static int check_files(struct imp *m, struct mfile *f, size_t vline)
{
    struct listing l = {.f = f};
    int rc = roster_source_list(m->src, list_cb, &l);

    if (rc < 0) {
        imp_err(m, "manifest.csv:0:0: cannot list the set's files: %s", strerror(-rc));
        return 0;
    }
    for (size_t i = 0; i < N_MFILES; i++) {
        struct mfile *x = &f[i];
        if (x->v12_only && m->ver == 11) {
            if (x->line)
                imp_err(m,
                        "manifest.csv:%zu:1: %s: not part of OneRoster 1.1 (line %zu says "
                        "oneroster.version 1.1)",
                        x->line, x->key, vline);
            if (x->present)
                imp_err(m,
                        "%s:0:0: present, but not part of OneRoster 1.1 (manifest.csv line %zu "
                        "says oneroster.version 1.1)",
                        x->name, vline);
            x->mode = NULL;
        } else if (x->mode && !x->present) {
            imp_err(m,
                    "%s:0:0: missing: manifest.csv line %zu marks it %s, but the set has no "
                    "such file",
                    x->name, x->line, x->mode);
        } else if (!x->mode && x->present && x->line) {
            imp_err(m, "%s:0:0: present, but manifest.csv line %zu marks it absent", x->name,
                    x->line);
        } else if (!x->mode && x->present) {
            imp_err(m, "%s:0:0: present, but manifest.csv does not list %s", x->name, x->key);
        }
    }
    for (size_t i = 0; i < l.n_unknown; i++) {
        const char *u = l.unknown[i], *dot = strrchr(u, '.');
        const char *near = NULL;
        for (size_t k = 0; !near && k < N_MFILES; k++)
            if (strcasecmp(u, f[k].name) == 0)
                near = f[k].name;
        if (!near && strcasecmp(u, "manifest.csv") == 0)
            near = "manifest.csv";
        if (near)
            imp_err(m, "%s:0:0: not a OneRoster file: file names are case-sensitive (%s?)", u,
                    near);
        else if (dot && strcasecmp(dot, ".csv") == 0)
            imp_err(m, "%s:0:0: not a OneRoster file, and manifest.csv cannot list it", u);
        else
            imp_warn(m, "%s:0:0: not a OneRoster file: ignored", u);
    }
    if (l.more_unknown)
        imp_err(m, "manifest.csv:0:0: the set holds %zu more files that are no OneRoster file",
                l.more_unknown);
    for (size_t i = 0; i < RK_COUNT; i++)
        m->mode[i] = f[i].mode;
    return 0;
}

int imp_read_manifest(struct imp *m, struct manifest *mf)
{
    char emsg[256] = "";
    const char *data;
    size_t len, line = 0, vline = 0;
    bool have_mversion = false;
    struct mfile f[N_MFILES];
    struct csvr cr;
    int rc;

    mfiles_init(f);
    rc = roster_source_get(m->src, "manifest.csv", &data, &len, emsg, sizeof(emsg));
    if (rc == -ENOENT) {
        imp_err(m, "manifest.csv:0:0: missing: a OneRoster set must have manifest.csv at its top "
                   "level (OneRoster 1.1 CSV Tables, Table 2.1)");
        return 0;
    }
    if (rc < 0) {
        imp_err(m, "manifest.csv:0:0: cannot read: %s", emsg[0] ? emsg : strerror(-rc));
        if (rc == -E2BIG)
            m->refusal = -E2BIG;
        return rc == -ENOMEM ? rc : 0;
    }
    csvr_init(&cr, data, len);
    while ((rc = csvr_next(&cr)) != 0) {
        if (rc < 0) {
            imp_err(m, "manifest.csv:%zu:%zu: %s", cr.rec_line, cr.err_col, cr.err);
            continue;
        }
        line = cr.rec_line;
        if (line == 1) {
            if (cr.n != 2 || !str_eq_cstr(cr.fields[0], "propertyName") ||
                !str_eq_cstr(cr.fields[1], "value")) {
                imp_err(m, "manifest.csv:1:1: header: expected 'propertyName,value'");
                break;
            }
            continue;
        }
        if (cr.n != 2) {
            imp_err(m, "manifest.csv:%zu:%zu: expected 2 fields (propertyName,value), found %zu",
                    line, MIN(cr.n, 2) + 1, cr.n);
            continue;
        }
        struct str k = cr.fields[0], v = cr.fields[1];
        if (str_eq_cstr(k, "manifest.version")) {
            have_mversion = true;
            if (!str_eq_cstr(v, "1.0"))
                imp_err(m, "manifest.csv:%zu:2: manifest.version: '%.*s' is not 1.0", line,
                        STR_FMT(v));
        } else if (str_eq_cstr(k, "oneroster.version")) {
            vline = line;
            if (str_eq_cstr(v, "1.1") || str_eq_cstr(v, "1.2"))
                snprintf(mf->version, sizeof(mf->version), "%.*s", STR_FMT(v));
            else
                imp_err(m, "manifest.csv:%zu:2: oneroster.version: '%.*s' is not 1.1 or 1.2", line,
                        STR_FMT(v));
        } else if (str_eq_cstr(k, "source.systemName")) {
            snprintf(mf->system_name, sizeof(mf->system_name), "%.*s", STR_FMT(v));
        } else if (str_eq_cstr(k, "source.systemCode")) {
            snprintf(mf->system_code, sizeof(mf->system_code), "%.*s", STR_FMT(v));
        } else if (str_starts_with(k, "file.")) {
            struct mfile *x = NULL;
            if (!str_eq_cstr(v, "absent") && !str_eq_cstr(v, "bulk") && !str_eq_cstr(v, "delta")) {
                imp_err(m, "manifest.csv:%zu:2: %.*s: '%.*s' is not absent, bulk or delta", line,
                        STR_FMT(k), STR_FMT(v));
                continue;
            }
            for (size_t i = 0; !x && i < N_MFILES; i++)
                if (str_eq_cstr(k, f[i].key))
                    x = &f[i];
            if (!x) {
                imp_err(m, "manifest.csv:%zu:1: %.*s: not a OneRoster file", line, STR_FMT(k));
                continue;
            }
            if (x->line) {
                imp_err(m, "manifest.csv:%zu:1: %.*s: given twice (line %zu)", line, STR_FMT(k),
                        x->line);
                continue;
            }
            x->line = line;
            x->mode = str_eq_cstr(v, "absent") ? NULL : str_eq_cstr(v, "bulk") ? "bulk" : "delta";
            if (x->kind < 0 && x->mode)
                imp_warn(m,
                         "manifest.csv:%zu:2: %.*s: Trellis imports rosters only; this file is "
                         "ignored",
                         line, STR_FMT(k));
        } else {
            imp_warn(m, "manifest.csv:%zu:1: '%.*s' is not a OneRoster manifest property: ignored",
                     line, STR_FMT(k));
        }
    }
    imp_format_warnings(m, "manifest.csv", &cr);
    csvr_release(&cr);
    if (rc == -ENOMEM)
        return rc;
    if (!have_mversion)
        imp_err(m, "manifest.csv:0:0: manifest.version: required");
    if (!vline)
        imp_err(m, "manifest.csv:0:0: oneroster.version: required");
    if (!mf->version[0])
        return 0;
    m->ver = strcmp(mf->version, "1.2") == 0 ? 12 : 11;
    rc = check_files(m, f, vline);
    if (m->ver == 11)
        m->mode[RK_ROLE] = m->mode[RK_USER]; /* derived from users.csv */
    return rc;
}

/*
 * The set's district org, if any: 1 and its sourcedId, name and orgs.csv
 * line, 0 if none, <0 on error.
 */
static int find_district_org(struct imp *m, char **ret_sid, char **ret_name, size_t *ret_line)
{
    const char *data;
    size_t len;
    char emsg[128];
    struct csvr cr;
    size_t found_line = 0;
    int rc, result = 0;

    if (!m->mode[RK_ORG] ||
        roster_source_get(m->src, "orgs.csv", &data, &len, emsg, sizeof(emsg)) < 0)
        return 0;
    csvr_init(&cr, data, len);
    while ((rc = csvr_next(&cr)) != 0) {
        if (rc < 0 || cr.rec_line == 1 || cr.n < 5 || !str_eq_cstr(cr.fields[4], "district"))
            continue;
        if (cr.fields[1].len && !str_eq_cstr(cr.fields[1], "active"))
            continue;
        if (found_line) {
            imp_err(
                m, "orgs.csv:%zu:5: type: a set holds one district; '%s' is already one (line %zu)",
                cr.rec_line, *ret_sid, found_line);
            result = -EINVAL;
            break;
        }
        *ret_sid = mem_strndup(cr.fields[0].p, cr.fields[0].len);
        *ret_name = mem_strndup(cr.fields[3].p, cr.fields[3].len);
        if (!*ret_sid || !*ret_name) {
            result = -ENOMEM;
            break;
        }
        found_line = cr.rec_line;
        *ret_line = found_line;
        result = 1;
    }
    csvr_release(&cr);
    return result;
}

/* What districts the database holds, for a message: "it holds 'a'" or "it holds several". */
static void district_names(struct imp *m, char *out, size_t n)
{
    int64_t id;
    char *dsid = NULL, *dname = NULL;
    int rc = store_district_only(m->db, &id);

    if (rc == 0 && store_district_get(m->db, id, &dsid, &dname) == 0)
        snprintf(out, n, "it holds '%s'", dsid);
    else
        snprintf(out, n, "it holds several");
    mem_free(dsid);
    mem_free(dname);
}

int imp_resolve_district(struct imp *m, const struct roster_import_opts *o,
                         const struct manifest *mf)
{
    char *sid = NULL, *name = NULL;
    size_t sid_line = 0;
    int rc = find_district_org(m, &sid, &name, &sid_line);
    int64_t id = o->district_id;

    if (rc < 0)
        goto out;
    if (!id && o->district_sourced_id) {
        rc = store_district_find(m->db, str_from(o->district_sourced_id), &id);
        if (rc == -ENOENT) {
            imp_err(m, "orgs.csv:0:0: district: this database holds no district '%s'",
                    o->district_sourced_id);
            rc = -EINVAL;
        }
        if (rc < 0)
            goto out;
    }
    if (id) {
        /* the district is named (the HTTP route's, or --district): a set for another is refused */
        char *have_sid = NULL, *have_name = NULL;
        rc = store_district_get(m->db, id, &have_sid, &have_name);
        if (rc < 0)
            goto out;
        if (sid && strcmp(sid, have_sid) != 0) {
            imp_err(m,
                    "orgs.csv:%zu:1: sourcedId: the set is for district '%s', not this district "
                    "('%s')",
                    sid_line, sid, have_sid);
            mem_free(have_sid);
            mem_free(have_name);
            rc = -EINVAL;
            goto out;
        }
        m->district_sid = have_sid;
        mem_free(have_name);
        m->district_id = id;
        rc = 0;
        goto out;
    }
    if (sid) {
        rc = store_district_find(m->db, str_from(sid), &id);
        if (rc == -ENOENT && o->existing_district_only &&
            store_district_only(m->db, &id) != -ENOENT) {
            /* a database that holds districts gets another only when asked to */
            char held[200];
            district_names(m, held, sizeof(held));
            imp_err(m,
                    "orgs.csv:%zu:1: sourcedId: the set is for district '%s', which this "
                    "database does not hold (%s); to add it as a new district, import with "
                    "--new-district",
                    sid_line, sid, held);
            rc = -EINVAL;
            goto out;
        }
        if (rc == -ENOENT) {
            rc = store_district_create(m->db, str_from(sid), str_from(name), m->now, &id);
            m->new_district = true;
        } else if (rc == 0) {
            rc = store_district_rename(m->db, id, str_from(name));
        }
        if (rc < 0)
            goto out;
        m->district_sid = sid;
        sid = NULL;
        m->district_id = id;
        rc = 0;
        goto out;
    }
    rc = store_district_only(m->db, &id);
    if (rc == 0) {
        char *dn = NULL;
        rc = store_district_get(m->db, id, &m->district_sid, &dn);
        mem_free(dn);
        m->district_id = id;
        goto out;
    }
    if (rc == -EEXIST) {
        imp_err(m, "orgs.csv:0:0: the set names no district (no org of type district) and the "
                   "database holds several: say which (--district)");
        rc = -EINVAL;
        goto out;
    }
    if (rc != -ENOENT)
        goto out;
    {
        char dsid[96], dname[160];
        snprintf(dsid, sizeof(dsid), "trellis:%s",
                 mf->system_code[0] ? mf->system_code : "default");
        snprintf(dname, sizeof(dname), "%s", mf->system_name[0] ? mf->system_name : "District");
        rc = store_district_create(m->db, str_from(dsid), str_from(dname), m->now, &id);
        if (rc < 0)
            goto out;
        m->new_district = true;
        m->district_id = id;
        m->district_sid = mem_strdup(dsid);
        if (!m->district_sid) {
            rc = -ENOMEM;
            goto out;
        }
        imp_warn(m,
                 "orgs.csv:0:0: the set names no district (no org of type district): its records "
                 "go into a new district '%s' (sourcedId %s)",
                 dname, dsid);
    }
out:
    mem_free(sid);
    mem_free(name);
    return rc;
}
