/*
 * The OneRoster import's manifest and tenancy (see roster_imp.h):
 * manifest.csv says the set's version and how each file is to be read
 * (absent, bulk or delta); the set's org of type district says which
 * district it is for.
 */
#include "base/common.h"

#include <stdio.h>

#include "app/roster_imp.h"
#include "base/mem.h"
#include "store/store.h"

int imp_read_manifest(struct imp *m, struct manifest *mf)
{
    char emsg[256] = "";
    const char *data;
    size_t len, line = 0;
    bool seen_file[RK_COUNT] = {0}, have_version = false, have_mversion = false;
    struct csvr cr;
    int rc;

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
            have_version = true;
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
            bool known = false;
            if (!str_eq_cstr(v, "absent") && !str_eq_cstr(v, "bulk") && !str_eq_cstr(v, "delta")) {
                imp_err(m, "manifest.csv:%zu:2: %.*s: '%.*s' is not absent, bulk or delta", line,
                        STR_FMT(k), STR_FMT(v));
                continue;
            }
            for (size_t i = 0; i < RK_COUNT; i++) {
                if (str_eq_cstr(k, roster_spec_files[i].manifest)) {
                    known = true;
                    if (seen_file[i]) {
                        imp_err(m, "manifest.csv:%zu:1: %.*s: given twice", line, STR_FMT(k));
                        break;
                    }
                    seen_file[i] = true;
                    m->mode[i] = str_eq_cstr(v, "absent") ? NULL
                                 : str_eq_cstr(v, "bulk") ? "bulk"
                                                          : "delta";
                }
            }
            for (size_t i = 0; !known && i < ARRAY_SIZE(roster_spec_other_files); i++) {
                if (str_eq_cstr(k, roster_spec_other_files[i])) {
                    known = true;
                    if (!str_eq_cstr(v, "absent"))
                        imp_warn(m,
                                 "manifest.csv:%zu:2: %.*s: Trellis imports rosters only; this "
                                 "file is ignored",
                                 line, STR_FMT(k));
                }
            }
            if (!known)
                imp_warn(m, "manifest.csv:%zu:1: '%.*s' is not a OneRoster file: ignored", line,
                         STR_FMT(k));
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
    if (!have_version)
        imp_err(m, "manifest.csv:0:0: oneroster.version: required");
    if (mf->version[0]) {
        m->ver = strcmp(mf->version, "1.2") == 0 ? 12 : 11;
        for (size_t i = 0; i < RK_COUNT; i++) {
            if (roster_spec_files[i].v12_only && m->ver == 11 && seen_file[i]) {
                imp_err(m, "manifest.csv:0:0: %s: not part of OneRoster 1.1",
                        roster_spec_files[i].manifest);
                m->mode[i] = NULL;
            }
        }
        if (m->ver == 11)
            m->mode[RK_ROLE] = m->mode[RK_USER]; /* derived from users.csv */
    }
    /* a file the set carries but the manifest leaves out (or marks absent) is not read */
    for (size_t i = 0; i < RK_COUNT; i++) {
        const char *d;
        size_t n;
        if (!m->mode[i] && !(m->ver == 11 && roster_spec_files[i].v12_only) &&
            roster_source_get(m->src, roster_spec_files[i].name, &d, &n, emsg, sizeof(emsg)) == 0)
            imp_warn(m, "%s:0:0: present, but manifest.csv marks it absent: not read",
                     roster_spec_files[i].name);
    }
    return 0;
}

/* The set's district org, if any: 1 and its sourcedId and name, 0 if none, <0 on error. */
static int find_district_org(struct imp *m, char **ret_sid, char **ret_name)
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
        result = 1;
    }
    csvr_release(&cr);
    return result;
}

int imp_resolve_district(struct imp *m, const struct roster_import_opts *o,
                         const struct manifest *mf)
{
    char *sid = NULL, *name = NULL;
    int rc = find_district_org(m, &sid, &name);
    int64_t id = 0;

    if (rc < 0)
        goto out;
    if (o->district_id) {
        char *have_sid = NULL, *have_name = NULL;
        rc = store_district_get(m->db, o->district_id, &have_sid, &have_name);
        if (rc < 0)
            goto out;
        if (sid && strcmp(sid, have_sid) != 0) {
            imp_err(m, "orgs.csv:0:0: the set's district '%s' is not this district ('%s')", sid,
                    have_sid);
            mem_free(have_sid);
            mem_free(have_name);
            rc = -EINVAL;
            goto out;
        }
        m->district_sid = have_sid;
        mem_free(have_name);
        m->district_id = o->district_id;
        rc = 0;
        goto out;
    }
    if (sid) {
        rc = store_district_find(m->db, str_from(sid), &id);
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
