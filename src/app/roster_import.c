/*
 * OneRoster CSV import: see roster.h. This file is the service: the access
 * check, the one write transaction, the files in dependency order (each
 * read once, row by row: checked by roster_check.c, written by
 * roster_write.c), and the report. manifest.csv and the district are
 * roster_manifest.c's; the specification's tables are roster_spec.c's.
 *
 * Bulk: status and dateLastModified are blank (a value there is kept, with a
 * warning); records of a bulk file's type that the set lacks are set to
 * 'tobedeleted', never deleted. Delta: status and dateLastModified are
 * required; 'tobedeleted' deactivates.
 *
 * Files are processed in dependency order inside one write transaction;
 * references resolve against the set and, for files the set does not carry,
 * against the district's stored records. Every row is checked even after an
 * error (up to MAX_ERRORS messages), and any error rolls everything back.
 */
#include "base/common.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>

#include "app/access.h"
#include "app/audit.h"
#include "app/principal.h"
#include "app/roster_imp.h"
#include "base/mem.h"
#include "store/store.h"

#define MAX_ERRORS   200
#define MAX_WARNINGS 200

static void add_msg(struct imp *m, bool error, const char *fmt, va_list ap) PRINTF_FMT(3, 0);

static void add_msg(struct imp *m, bool error, const char *fmt, va_list ap)
{
    char ***list = error ? &m->rep->errors : &m->rep->warnings;
    size_t *n = error ? &m->rep->n_errors : &m->rep->n_warnings;
    char *text;

    if (*n >= (error ? MAX_ERRORS : MAX_WARNINGS)) {
        if (error)
            m->rep->more_errors++;
        return;
    }
    if (vasprintf(&text, fmt, ap) < 0)
        return;
    char **grown = mem_realloc(*list, (*n + 1) * sizeof(char *));
    if (!grown) {
        free(text);
        return;
    }
    *list = grown;
    /* vasprintf allocates with malloc; the report frees with mem_free, which is free() */
    (*list)[(*n)++] = text;
}

void imp_err(struct imp *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_msg(m, true, fmt, ap);
    va_end(ap);
}

void imp_warn(struct imp *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_msg(m, false, fmt, ap);
    va_end(ap);
}

bool imp_has_errors(const struct imp *m)
{
    return m->rep->n_errors > 0 || m->rep->more_errors > 0;
}

static int run_file(struct imp *m, const struct fdesc *fd)
{
    const char *mode = m->mode[fd->kind];
    struct roster_file_counts *fc = &m->rep->files[fd->kind];
    char emsg[256];
    const char *data;
    size_t len, nhead = 0;
    struct csvr cr;
    int rc;

    fc->mode = mode;
    if (!mode)
        return 0;
    rc = imp_ensure_loaded(m, fd->kind);
    if (rc < 0)
        return rc;
    emsg[0] = '\0';
    rc = roster_source_get(m->src, fd->name, &data, &len, emsg, sizeof(emsg));
    if (rc == -ENOENT) {
        imp_err(m, "%s:0:0: missing: manifest.csv lists it as %s, but the set has no such file",
                fd->name, mode);
        m->broken[fd->kind] = true;
        return 0;
    }
    if (rc < 0) {
        imp_err(m, "%s:0:0: cannot read: %s", fd->name, emsg[0] ? emsg : strerror(-rc));
        m->broken[fd->kind] = true;
        if (rc == -E2BIG)
            m->refusal = -E2BIG;
        return rc == -ENOMEM ? rc : 0;
    }
    m->passwords = 0;
    m->status_in_bulk = 0;
    csvr_init(&cr, data, len);
    const char *done = data;
    while ((rc = csvr_next(&cr)) != 0) {
        if (rc == -ENOMEM)
            break;
        if (rc < 0) {
            imp_err(m, "%s:%zu:%zu: %s", fd->name, cr.rec_line, cr.err_col, cr.err);
            if (nhead == 0) {
                m->broken[fd->kind] = true;
                break;
            }
            continue;
        }
        if (nhead == 0) {
            nhead = cr.n;
            if (!imp_check_header(m, fd, &cr)) {
                m->broken[fd->kind] = true;
                break;
            }
            continue;
        }
        fc->rows++;
        if (cr.n != nhead) {
            imp_err(m, "%s:%zu:%zu: the line has %zu fields, the header %zu", fd->name, cr.rec_line,
                    MIN(cr.n, nhead) + 1, cr.n, nhead);
            imp_mark_bad(m, fd->kind, cr.fields[0]);
            continue;
        }
        bool ok = imp_check_row(m, fd, &cr, mode);
        struct row r = {.fd = fd,
                        .file = fd->name,
                        .mode = mode,
                        .f = cr.fields,
                        .line = cr.rec_line,
                        .sid = cr.fields[0],
                        .status = cr.fields[1].len ? "" : "active"};
        if (ok) {
            struct strmap_entry *e = strmap_get(&m->map[fd->kind], r.sid);
            if (e && (e->flags & (F_SEEN | F_BAD)) == F_SEEN) {
                imp_err(m, "%s:%zu:1: sourcedId: '%.*s' already appears on line %lld", fd->name,
                        r.line, STR_FMT(r.sid), (long long)e->aux);
                continue;
            }
        }
        if (!ok) {
            imp_mark_bad(m, fd->kind, r.sid);
            continue;
        }
        if (cr.fields[1].len)
            r.status = str_eq_cstr(cr.fields[1], "active") ? "active" : "tobedeleted";
        if (cr.fields[2].len)
            (void)imp_parse_dlm(cr.fields[2], &r.dlm);
        if (strcmp(mode, "bulk") == 0 && (cr.fields[1].len || cr.fields[2].len))
            m->status_in_bulk++;
        rc = imp_writers[fd->kind](m, &r);
        if (rc < 0)
            break;
        if (cr.p - done > (8 << 20)) {
            done = cr.p;
            roster_source_done_before(m->src, fd->name, done);
        }
    }
    if (rc >= 0 && !m->broken[fd->kind] && nhead == 0)
        imp_err(m, "%s:1:0: the file is empty; OneRoster requires a header", fd->name);
    else if (rc >= 0 && !m->broken[fd->kind] && fc->rows == 0)
        imp_err(m,
                "%s:2:0: the file has no data rows, which OneRoster does not permit "
                "(mark it absent in manifest.csv instead)",
                fd->name);
    imp_format_warnings(m, fd->name, &cr);
    csvr_release(&cr);
    if (rc < 0)
        return rc;
    /* nothing points into a data file once it is read (map keys are copies) */
    roster_source_drop(m->src, fd->name);
    if (m->passwords)
        imp_warn(m, "%s:0:%zu: password: %ld roster passwords ignored; Trellis never stores them",
                 fd->name, imp_colidx(m, fd, "password") + 1, m->passwords);
    if (m->status_in_bulk)
        imp_warn(m,
                 "%s:0:2: status, dateLastModified: %ld rows of a bulk file fill them in; the "
                 "binding leaves them blank in bulk mode: kept",
                 fd->name, m->status_in_bulk);
    if (fd->kind == RK_ORG || fd->kind == RK_SESSION)
        return imp_finish_parents(m, fd->kind, fd);
    if (fd->kind == RK_USER) {
        rc = imp_finish_agents(m, fd);
        if (rc == 0 && m->ver == 11)
            rc = imp_finish_roles(m);
        /* what only users.csv needed */
        strmap_release(&m->prole);
        arena_release(&m->arena);
        mem_free(m->pend);
        m->pend = NULL;
        m->cap_pend = 0;
        return rc;
    }
    if (fd->kind == RK_ROLE)
        return imp_finish_roles(m);
    return 0;
}

/* ---- the service ---- */

/*
 * The import's audit-chain entry, in its own write transaction: who (the
 * principal), which district (the chain), from where, and what each file
 * changed.
 */
static int audit_import(struct imp *m, const struct roster_import_opts *o)
{
    const struct roster_report *rep = m->rep;
    struct buf d = BUF_INIT(8192);
    int r = buf_appendf(&d, "OneRoster %s import from '%s' into district '%s':", rep->version,
                        o->source_label ? o->source_label : "-",
                        m->district_sid ? m->district_sid : "");
    bool any = false;

    for (size_t k = 0; r == 0 && k < RK_COUNT; k++) {
        const struct roster_file_counts *f = &rep->files[k];
        if (!f->mode)
            continue;
        r = buf_appendf(&d,
                        "%s %s %s %ld rows (created %ld, updated %ld, unchanged %ld, deactivated "
                        "%ld)",
                        any ? ";" : "", roster_file_name((enum roster_kind)k), f->mode, f->rows,
                        f->created, f->updated, f->unchanged, f->deactivated);
        any = true;
    }
    if (r == 0 && !any)
        r = buf_appends(&d, " no files");
    if (r < 0) {
        buf_release(&d);
        return -ENOMEM;
    }
    struct audit_entry e = {.district_id = m->district_id,
                            .action = "admin",
                            .object = "roster:import",
                            .detail = buf_cstr(&d)};
    r = audit_append(m->c, m->db, &e);
    buf_release(&d);
    return r;
}

static char *summary_text(const struct roster_report *rep)
{
    json_t *o = roster_report_json(rep);
    char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return s;
}

int roster_import(struct ctx *c, struct roster_source *src, const struct roster_import_opts *o,
                  struct roster_report *rep)
{
    struct imp m = {0};
    struct manifest mf = {0};
    struct principal op;
    const struct principal *was = c->who;
    int rc;

    memset(rep, 0, sizeof(*rep));
    m.c = c;
    m.src = src;
    m.rep = rep;
    m.now = c->now_ms;
    m.seal = store_seal(c->store);
    buf_init(&m.s1, 1 << 20);
    buf_init(&m.s2, 1 << 20);
    buf_init(&m.s3, 1 << 20);
    buf_init(&m.js, 1 << 20);

    /* who may import into a district named up front is decided before any work */
    if (o->district_id) {
        struct access_resource res = {RES_DISTRICT, o->district_id, o->district_id};
        rc = access_check(c, ACT_ADMIN, &res, NULL);
        if (rc < 0)
            goto out;
    } else if (!o->as_operator) {
        rc = ctx_fail(c, -EINVAL, "district: required");
        goto out;
    }
    rc = ctx_db(c, &m.db);
    if (rc < 0)
        goto out;
    rc = store_begin(m.db);
    if (rc < 0) {
        rc = ctx_fail(c, rc, "cannot start the import transaction");
        goto out;
    }
    rc = imp_read_manifest(&m, &mf);
    if (rc < 0 || imp_has_errors(&m))
        goto fail;
    snprintf(rep->version, sizeof(rep->version), "%s", mf.version);
    rc = imp_resolve_district(&m, o, &mf);
    if (rc < 0 || imp_has_errors(&m))
        goto fail;
    if (!o->district_id) {
        /* the operator (the CLI) in the set's district; the policy still decides */
        if (principal_operator_in(&op, c->who, m.district_id) < 0) {
            rc = ctx_fail(c, -EACCES, "district: only the server's operator imports without one");
            goto fail;
        }
        c->who = &op;
        struct access_resource res = {RES_DISTRICT, m.district_id, m.district_id};
        rc = access_check(c, ACT_ADMIN, &res, NULL);
        if (rc < 0)
            goto fail;
    }
    rep->district_id = m.district_id;
    rep->district_created = m.new_district;
    rep->district_sourced_id = mem_strdup(m.district_sid ? m.district_sid : "");
    {
        char *dsid = NULL;
        if (store_district_get(m.db, m.district_id, &dsid, &rep->district_name) == 0)
            mem_free(dsid);
    }
    rc = imp_guard_init(&m);
    if (rc < 0)
        goto fail;
    rc = imp_prescan_roles(&m);
    if (rc < 0)
        goto fail;
    for (size_t i = 0; i < RK_COUNT; i++) {
        if (m.ver == 11 && i == RK_USER) {
            /* for the roles derived from users.csv */
            rc = imp_ensure_loaded(&m, RK_ROLE);
            if (rc < 0)
                goto fail;
        }
        if (m.ver == 11 && i == RK_ROLE) {
            rep->files[i].mode = NULL;
            continue;
        }
        rc = run_file(&m, &roster_spec_files[i]);
        if (rc == 0 && m.fatal)
            rc = m.fatal;
        if (rc < 0)
            goto fail;
    }
    if (imp_has_errors(&m)) {
        rc = -EINVAL;
        goto fail;
    }
    rc = imp_bulk_deactivate(&m);
    if (rc < 0)
        goto fail;
    if (imp_has_errors(&m)) {
        rc = -EINVAL; /* a bulk file would deactivate what the importer may not change */
        goto fail;
    }
    {
        char *sum = summary_text(rep);
        const struct principal *who = c->who;
        rc = store_roster_log_import(m.db, m.district_id, m.now, who && who->name ? who->name : "-",
                                     o->source_label ? o->source_label : "-", rep->version,
                                     sum ? sum : "{}");
        mem_free(sum);
        if (rc < 0)
            goto fail;
    }
    rc = audit_import(&m, o);
    if (rc < 0)
        goto fail;
    rc = store_commit(m.db);
    if (rc < 0)
        ctx_fail(c, rc, "cannot commit the import");
    goto out;
fail:
    store_rollback(m.db);
    if (rc >= 0 || imp_has_errors(&m)) {
        if ((rc >= 0 || rc == -EINVAL) && m.n_guarded)
            rc = ctx_fail(c, m.refusal,
                          "%zu rows would create, promote or change administrators (%s); the "
                          "roster set has %zu errors; nothing was imported",
                          m.n_guarded, m.guard_why, rep->n_errors + rep->more_errors);
        else if (rc >= 0 || rc == -EINVAL)
            rc = ctx_fail(c, m.refusal ? m.refusal : -EINVAL,
                          "the roster set has %zu errors; nothing was imported",
                          rep->n_errors + rep->more_errors);
    } else if (!c->err[0]) {
        ctx_fail(c, rc, "the import failed: %s", strerror(-rc));
    }
out:
    if (c->who == &op)
        c->who = was; /* op lives on this stack */
    for (size_t i = 0; i < RK_COUNT; i++)
        strmap_release(&m.map[i]);
    strmap_release(&m.prole);
    arena_release(&m.arena);
    mem_free(m.pend);
    mem_free(m.touched);
    mem_free(m.district_sid);
    imp_guard_release(&m);
    buf_release(&m.s1);
    buf_release(&m.s2);
    buf_release(&m.s3);
    buf_release(&m.js);
    return rc;
}

int roster_import_zip(struct ctx *c, int64_t district_id, const void *p, size_t n,
                      struct roster_report *rep)
{
    struct access_resource res = {RES_DISTRICT, district_id, district_id};
    struct roster_import_opts o = {.district_id = district_id, .source_label = "upload"};
    struct roster_source *src = NULL;
    char emsg[256];
    int rc;

    memset(rep, 0, sizeof(*rep));
    rc = access_check(c, ACT_ADMIN, &res, NULL);
    if (rc < 0)
        return rc;
    rc = roster_source_zip_buffer(p, n, &src, emsg, sizeof(emsg));
    if (rc == -ENOMEM)
        return ctx_fail(c, rc, "out of memory");
    if (rc < 0)
        return ctx_fail(c, -EINVAL, "body: %s", emsg);
    /* a member unpacks to at most what the route accepts as a body */
    roster_source_limit(src, c->cfg ? (size_t)c->cfg->upload_limit : ROSTER_SOURCE_MAX);
    rc = roster_import(c, src, &o, rep);
    roster_source_free(src);
    return rc;
}
