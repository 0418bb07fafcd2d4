/*
 * OneRoster export (see roster.h): the district's roster as a 1.2 set in
 * delta mode, written file by file from one read snapshot, each file to a
 * temporary name first and readable by its owner only. Sealed contact data
 * and demographics are unsealed with the key. The export's audit-chain
 * entry (who, district, counts, what was unsealed, the students) is
 * committed before the files take their names; if it cannot be written,
 * the files are removed.
 */
#include "base/common.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/access.h"
#include "app/audit.h"
#include "app/principal.h"
#include "app/roster.h"
#include "app/roster_spec.h"
#include "base/buf.h"
#include "base/mem.h"
#include "base/strmap.h"
#include "base/timeutil.h"
#include "store/seal.h"
#include "store/store.h"
#include "store/store_roster.h"

/* How each 1.2 column is written: s text, T instant, D date, B boolean, I integer,
   U sealed text, L a link list, P blank (passwords are never stored), J sealed demographics */
static const char *const colfmt[RK_COUNT] = {
    [RK_ORG] = "ssTssss",
    [RK_SESSION] = "ssTssDDsI",
    [RK_COURSE] = "ssTsssssss",
    [RK_CLASS] = "ssTsssssssLsss",
    [RK_USER] = "ssTBssssssUUULsPssssss",
    [RK_PROFILE] = "ssTsssssssP",
    [RK_ROLE] = "ssTsssDDss",
    [RK_ENROLLMENT] = "ssTsssssDD",
    [RK_DEMOGRAPHIC] = "ssTJ",
};

struct exp {
    struct ctx *c;
    const struct seal *seal;
    struct grant *g; /* the gate's grant to export the district */
    FILE *f;
    enum roster_kind kind;
    struct strmap links; /* owner sourcedId -> index into link_text */
    char **link_text;
    size_t n_links, cap_links;
    struct buf line, tmp;
    long count;
    long rows[RK_COUNT];
    long contact;      /* users whose sealed contact data (email, sms, phone) was unsealed */
    long demographics; /* demographics records unsealed */
    bool row_contact;  /* this row unsealed contact data */
    int64_t *students; /* the students whose records leave (the audit entry's subjects) */
    size_t n_students, cap_students;
    int err;
};

static int put_field(struct buf *b, const char *p, size_t n)
{
    bool quote = memchr(p, ',', n) || memchr(p, '"', n);
    int r = 0;
    if (!quote)
        return buf_append(b, p, n);
    r |= buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '"')
            r |= buf_putc(b, '"');
        r |= buf_putc(b, p[i]);
    }
    r |= buf_putc(b, '"');
    return r;
}

static int link_cb(void *arg, struct str owner, struct str target)
{
    struct exp *x = arg;
    struct strmap_entry *e;
    bool added;
    int r = strmap_put(&x->links, owner, &e, &added);
    if (r < 0)
        return r;
    if (added) {
        if (x->n_links == x->cap_links) {
            size_t cap = x->cap_links ? x->cap_links * 2 : 256;
            char **p = mem_realloc(x->link_text, cap * sizeof(*p));
            if (!p)
                return -ENOMEM;
            x->link_text = p;
            x->cap_links = cap;
        }
        e->id = (int64_t)x->n_links;
        x->link_text[x->n_links++] = mem_strndup(target.p, target.len);
        return x->link_text[x->n_links - 1] ? 0 : -ENOMEM;
    }
    char **t = &x->link_text[e->id];
    size_t a = strlen(*t);
    char *grown = mem_realloc(*t, a + 1 + target.len + 1);
    if (!grown)
        return -ENOMEM;
    grown[a] = ',';
    memcpy(grown + a + 1, target.p, target.len);
    grown[a + 1 + target.len] = '\0';
    *t = grown;
    return 0;
}

static int unseal_field(struct exp *x, const struct rval *v)
{
    buf_reset(&x->tmp);
    if (v->t != RVAL_BLOB)
        return 0;
    int r = seal_decrypt(x->seal, v->b, v->n, &x->tmp);
    if (r < 0)
        return ctx_fail(x->c, -EIO, "a sealed value cannot be opened: is this the database's key?");
    return 0;
}

static int row_cb(void *arg, const struct rval *cols, size_t n)
{
    struct exp *x = arg;
    const char *fmt = colfmt[x->kind];
    char t[40];
    int r = 0;

    buf_reset(&x->line);
    x->row_contact = false;
    for (size_t i = 0; i < n && fmt[i]; i++) {
        const struct rval *v = &cols[i];
        if (i > 0)
            r |= buf_putc(&x->line, ',');
        switch (fmt[i]) {
        case 'T':
            if (v->t == RVAL_INT) {
                time_format_iso8601(v->i, t);
                r |= buf_appends(&x->line, t);
            }
            break;
        case 'D':
            if (v->t == RVAL_INT) {
                time_format_date(v->i, t);
                r |= buf_appends(&x->line, t);
            }
            break;
        case 'B':
            r |= buf_appends(&x->line, v->t == RVAL_INT && v->i ? "true" : "false");
            break;
        case 'I':
            if (v->t == RVAL_INT)
                r |= buf_appendf(&x->line, "%lld", (long long)v->i);
            break;
        case 'U':
            if (unseal_field(x, v) < 0)
                return -EIO;
            x->row_contact |= v->t == RVAL_BLOB;
            r |= put_field(&x->line, buf_cstr(&x->tmp), x->tmp.len);
            break;
        case 'L': {
            struct strmap_entry *e = strmap_get(&x->links, cols[0].s);
            if (e)
                r |= put_field(&x->line, x->link_text[e->id], strlen(x->link_text[e->id]));
            break;
        }
        case 'P':
            break;
        case 'J': {
            json_t *o;
            if (unseal_field(x, v) < 0)
                return -EIO;
            o = json_loadb(buf_cstr(&x->tmp), x->tmp.len, 0, NULL);
            if (!o)
                return ctx_fail(x->c, -EIO, "a demographics record is damaged");
            x->demographics++;
            for (size_t k = 0; k < ROSTER_SPEC_N_DEMO; k++) {
                const char *s = json_string_value(json_object_get(o, roster_spec_demo_fields[k]));
                if (k > 0)
                    r |= buf_putc(&x->line, ',');
                if (s)
                    r |= put_field(&x->line, s, strlen(s));
            }
            json_decref(o);
            break;
        }
        default:
            if (v->t == RVAL_TEXT)
                r |= put_field(&x->line, v->s.p, v->s.len);
            break;
        }
    }
    r |= buf_putc(&x->line, '\n');
    if (r < 0)
        return -ENOMEM;
    if (fwrite(x->line.data, 1, x->line.len, x->f) != x->line.len)
        return -EIO;
    x->count++;
    x->contact += x->row_contact;
    return 0;
}

static int count_cb(void *arg, const struct rval *cols, size_t n)
{
    (void)cols;
    (void)n;
    (*(long *)arg)++;
    return 0;
}

static int write_file(struct exp *x, struct db *db, int64_t district, const char *dir,
                      enum roster_kind k)
{
    const char *names[32];
    char path[4096], tmp[4200];
    size_t n = roster_columns(k, true, names, ARRAY_SIZE(names));
    int r;

    snprintf(path, sizeof(path), "%s/%s", dir, roster_file_name(k));
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    /* roster files hold student records: readable by their owner only */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    x->f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!x->f) {
        if (fd >= 0)
            close(fd);
        return ctx_fail(x->c, -EIO, "%s: %s", tmp, strerror(errno));
    }
    for (size_t i = 0; i < n; i++)
        fprintf(x->f, "%s%s", i ? "," : "", names[i]);
    fputc('\n', x->f);
    x->kind = k;
    strmap_release(&x->links);
    for (size_t i = 0; i < x->n_links; i++)
        mem_free(x->link_text[i]);
    x->n_links = 0;
    r = 0;
    if (k == RK_CLASS)
        r = store_roster_export_links(db, x->g, LINK_CLASS_TERMS, district, link_cb, x);
    else if (k == RK_USER)
        r = store_roster_export_links(db, x->g, LINK_USER_AGENTS, district, link_cb, x);
    if (r == 0)
        r = store_roster_export(db, x->g, k, district, row_cb, x);
    if (fclose(x->f) != 0 && r == 0)
        r = -EIO;
    x->f = NULL;
    if (r < 0) {
        (void)unlink(tmp);
        if (!x->c->err[0])
            ctx_fail(x->c, r, "%s: %s", path, strerror(-r));
    }
    return r;
}

static int student_cb(void *arg, int64_t user_id)
{
    struct exp *x = arg;
    if (x->n_students == x->cap_students) {
        size_t cap = x->cap_students ? x->cap_students * 2 : 1024;
        int64_t *p = mem_realloc(x->students, cap * sizeof(*p));
        if (!p)
            return -ENOMEM;
        x->students = p;
        x->cap_students = cap;
    }
    x->students[x->n_students++] = user_id;
    return 0;
}

/* manifest.csv (to its temporary name): every file delta or absent. */
static int write_manifest(struct ctx *c, const char *dir, const bool *present)
{
    char path[4200];
    FILE *mf;

    snprintf(path, sizeof(path), "%s/manifest.csv.tmp", dir);
    int mfd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    mf = mfd >= 0 ? fdopen(mfd, "w") : NULL;
    if (!mf && mfd >= 0)
        close(mfd);
    if (!mf)
        return ctx_fail(c, -EIO, "%s: %s", path, strerror(errno));
    fprintf(mf, "propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\n");
    for (size_t k = 0; k < RK_COUNT; k++) {
        const char *name = roster_file_name((enum roster_kind)k);
        fprintf(mf, "file.%.*s,%s\n", (int)(strlen(name) - 4), name,
                present[k] ? "delta" : "absent");
    }
    for (size_t i = 0; i < ROSTER_SPEC_N_OTHER; i++)
        fprintf(mf, "%s,absent\n", roster_spec_other_files[i].manifest);
    fprintf(mf, "source.systemName,Trellis\nsource.systemCode,trellis\n");
    if (fclose(mf) != 0)
        return ctx_fail(c, -EIO, "%s: cannot write", path);
    return 0;
}

/*
 * The export's audit-chain entry, durable before any file takes its name:
 * who, which district, where to, what each file holds, whether sealed
 * contact data and demographics were unsealed, and the students concerned.
 */
static int audit_export(struct exp *x, struct db *db, int64_t district_id, const char *dir)
{
    struct buf d = BUF_INIT(8192);
    char *dsid = NULL, *dname = NULL;
    bool any = false;
    int r = store_district_get(db, district_id, &dsid, &dname);

    if (r == 0)
        r = buf_appendf(&d, "OneRoster 1.2 export of district '%s' to '%s':", dsid, dir);
    for (size_t k = 0; r == 0 && k < RK_COUNT; k++) {
        if (!x->rows[k])
            continue;
        r = buf_appendf(&d, "%s %s %ld", any ? "," : "", roster_file_name((enum roster_kind)k),
                        x->rows[k]);
        any = true;
    }
    if (r == 0)
        r = buf_appendf(&d, " (%ld records); unsealed: ", x->count);
    if (r == 0 && !x->contact && !x->demographics)
        r = buf_appends(&d, "nothing");
    if (r == 0 && x->contact)
        r = buf_appendf(&d, "contact data (email, sms, phone) of %ld users", x->contact);
    if (r == 0 && x->demographics)
        r = buf_appendf(&d, "%sdemographics of %ld students", x->contact ? ", " : "",
                        x->demographics);
    mem_free(dsid);
    mem_free(dname);
    if (r < 0) {
        buf_release(&d);
        return r == -ENOENT ? ctx_fail(x->c, r, "district: not found") : -ENOMEM;
    }
    struct audit_entry e = {.district_id = district_id,
                            .action = "export",
                            .object = "roster:export",
                            .subjects = x->students,
                            .n_subjects = x->n_students,
                            .detail = buf_cstr(&d)};
    r = store_begin(db);
    if (r == 0)
        r = audit_append(x->c, db, &e);
    if (r == 0)
        r = store_commit(db);
    else if (store_in_tx(db))
        store_rollback(db);
    buf_release(&d);
    return r < 0 && !x->c->err[0] ? ctx_fail(x->c, r, "cannot write the audit log") : r;
}

/* Give the written files their names (manifest.csv last); drop the sets' files not written. */
static int publish(struct ctx *c, const char *dir, const bool *present)
{
    char path[4096], tmp[4200];
    for (size_t k = 0; k <= RK_COUNT; k++) {
        const char *name = k < RK_COUNT ? roster_file_name((enum roster_kind)k) : "manifest.csv";
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        snprintf(tmp, sizeof(tmp), "%s.tmp", path);
        if (k < RK_COUNT && !present[k]) {
            /* OneRoster does not permit files without rows: the manifest says absent */
            (void)unlink(path);
            continue;
        }
        if (rename(tmp, path) < 0)
            return ctx_fail(c, -errno, "%s: %s", path, strerror(errno));
    }
    return 0;
}

/* Remove the temporary files of an export that did not finish. */
static void discard(const char *dir)
{
    char tmp[4200];
    for (size_t k = 0; k <= RK_COUNT; k++) {
        snprintf(tmp, sizeof(tmp), "%s/%s.tmp", dir,
                 k < RK_COUNT ? roster_file_name((enum roster_kind)k) : "manifest.csv");
        (void)unlink(tmp);
    }
}

int roster_export(struct ctx *c, int64_t district_id, bool as_operator, const char *dir,
                  long *ret_records)
{
    struct exp x = {0};
    struct principal op;
    const struct principal *was = c->who;
    struct db *db;
    bool present[RK_COUNT] = {0}, wrote = false;
    int r;

    x.c = c;
    x.seal = store_seal(c->store);
    buf_init(&x.line, 1 << 20);
    buf_init(&x.tmp, 1 << 20);
    r = ctx_db(c, &db);
    if (r < 0)
        goto out;
    if (!district_id) {
        r = store_district_only(db, &district_id);
        if (r == -ENOENT) {
            r = ctx_fail(c, -ENOENT, "district: the database holds no district yet");
            goto out;
        }
        if (r == -EEXIST) {
            r = ctx_fail(c, -EINVAL, "district: the database holds several: say which");
            goto out;
        }
        if (r < 0)
            goto out;
    }
    if (as_operator) {
        /* the operator (the CLI) in the district it exports */
        if (principal_operator_in(&op, c->who, district_id) < 0) {
            r = ctx_fail(c, -EACCES, "only the server's operator exports without logging in");
            goto out;
        }
        c->who = &op;
    }
    struct access_resource res = {RES_DISTRICT, district_id, district_id};
    r = access_check(c, ACT_EXPORT, &res, NULL);
    if (r < 0)
        goto out;
    if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
        r = ctx_fail(c, -errno, "%s: %s", dir, strerror(errno));
        goto out;
    }
    /* one snapshot for every file (the gate's, which guards every read of the export); each
       file is written to a temporary name first */
    r = access_check(c, ACT_EXPORT, &res, &x.g);
    if (r < 0)
        goto out;
    wrote = true;
    for (size_t k = 0; k < RK_COUNT; k++) {
        long n = 0;
        r = store_roster_export(db, x.g, (enum roster_kind)k, district_id, count_cb, &n);
        if (r < 0)
            goto out;
        present[k] = n > 0;
        x.rows[k] = n;
        if (!present[k])
            continue;
        r = write_file(&x, db, district_id, dir, (enum roster_kind)k);
        if (r < 0)
            goto out;
    }
    r = store_roster_students(db, x.g, district_id, student_cb, &x);
    if (r < 0) {
        r = ctx_fail(c, r, "cannot read the roster");
        goto out;
    }
    r = write_manifest(c, dir, present);
    if (r < 0)
        goto out;
    access_read_end(c); /* the end of the snapshot */
    /* no record leaves before its audit entry is durable */
    r = audit_export(&x, db, district_id, dir);
    if (r < 0)
        goto out;
    r = publish(c, dir, present);
    if (r < 0)
        goto out;
    wrote = false;
    *ret_records = x.count;
out:
    if (db && store_in_tx(db))
        store_rollback(db);
    if (wrote)
        discard(dir);
    if (c->who == &op)
        c->who = was;
    strmap_release(&x.links);
    for (size_t i = 0; i < x.n_links; i++)
        mem_free(x.link_text[i]);
    mem_free(x.link_text);
    mem_free(x.students);
    buf_release(&x.line);
    buf_release(&x.tmp);
    return r;
}
