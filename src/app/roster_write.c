/*
 * The OneRoster import's writes (see roster_imp.h): each checked row
 * becomes a record. References resolve against the set and, for files the
 * set does not carry, against the district's stored records; sensitive
 * values are sealed; what a file's rows leave for later (parents, agents,
 * the users' orgs from their roles) is finished after the file; bulk files
 * deactivate what the set lacks.
 */
#include "base/common.h"

#include <jansson.h>
#include <stdio.h>

#include "app/roster_imp.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "store/store.h"

/* ---- stored records ---- */

static int load_cb(void *arg, struct str sid, int64_t id, int64_t dlm, bool active)
{
    struct strmap *map = arg;
    struct strmap_entry *e;
    int r = strmap_put(map, sid, &e, NULL);
    if (r < 0)
        return r;
    e->id = id;
    e->aux = dlm;
    e->flags = F_EXISTS | (active ? F_ACTIVE : 0);
    return 0;
}

int imp_ensure_loaded(struct imp *m, enum roster_kind k)
{
    if (m->loaded[k])
        return 0;
    m->loaded[k] = true;
    if (m->new_district)
        return 0;
    return store_roster_load(m->db, k, m->district_id, load_cb, &m->map[k]);
}

/* The field of the column named name (the spec's tables fix the positions). */
static size_t colidx(const struct imp *m, const struct fdesc *fd, const char *name)
{
    const struct col *c = m->ver == 12 ? fd->c12 : fd->c11;
    size_t n = m->ver == 12 ? fd->n12 : fd->n11;
    /* callers pass literals: remember where each one was found (by its address) */
    struct colcache *cc = &((struct imp *)m)->cc[((uintptr_t)name >> 3 ^ (uintptr_t)fd >> 4) & 255];
    if (cc->name == name && cc->fd == fd)
        return cc->idx;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(c[i].name, name) == 0) {
            cc->name = name;
            cc->fd = fd;
            cc->idx = i;
            return i;
        }
    }
    return SIZE_MAX; /* a programming error; callers only ask for real columns */
}

/* For the other parts (colidx stays static: the writers call it for every field, inlined). */
size_t imp_colidx(const struct imp *m, const struct fdesc *fd, const char *name)
{
    return colidx(m, fd, name);
}

static struct str fld(const struct imp *m, const struct row *r, const char *name)
{
    size_t i = colidx(m, r->fd, name);
    return i == SIZE_MAX ? STR_NULL : r->f[i];
}

static struct rval rtext(struct str s)
{
    struct rval v = {0};
    if (s.len) {
        v.t = RVAL_TEXT;
        v.s = s;
    }
    return v;
}

static struct rval rnum(int64_t i)
{
    struct rval v = {0};
    v.t = RVAL_INT;
    v.i = i;
    return v;
}

static struct rval rid(int64_t id)
{
    struct rval v = {0};
    if (id) {
        v.t = RVAL_INT;
        v.i = id;
    }
    return v;
}

static struct rval rdate(struct str s)
{
    int64_t d;
    if (s.len && time_parse_date(s, &d) == 0)
        return rnum(d);
    return (struct rval){0};
}

static struct rval rblob(const struct buf *b, bool present)
{
    struct rval v = {0};
    if (present) {
        v.t = RVAL_BLOB;
        v.b = b->data ? b->data : "";
        v.n = b->len;
    }
    return v;
}

/*
 * Resolve a reference: the id of the record with sourcedId v of kind k in the
 * set or the district. 0 when there is none (reported), or when the
 * referenced record is itself bad (not reported again).
 */
static int64_t resolve(struct imp *m, const struct row *r, const char *field, enum roster_kind k,
                       struct str v)
{
    struct strmap_entry *e;
    size_t col = colidx(m, r->fd, field) + 1;

    if (m->broken[k])
        return 0;
    if (!m->loaded[k]) {
        int rc = imp_ensure_loaded(m, k);
        if (rc < 0) {
            m->fatal = rc;
            return 0;
        }
    }
    e = strmap_get(&m->map[k], v);
    if (e && (e->flags & F_BAD))
        return 0;
    if (e && (e->flags & F_EXISTS))
        return e->id;
    if (m->mode[k])
        imp_err(m, "%s:%zu:%zu: %s: no %s '%.*s' in %s or in the district", r->file, r->line, col,
                field, roster_spec_noun[k], STR_FMT(v), roster_spec_files[k].name);
    else
        imp_err(m, "%s:%zu:%zu: %s: no %s '%.*s' in the district (%s is absent from the set)",
                r->file, r->line, col, field, roster_spec_noun[k], STR_FMT(v),
                roster_spec_files[k].name);
    return 0;
}

/* Split a comma-separated list of references into ids; false if any failed. */
static bool resolve_list(struct imp *m, const struct row *r, const char *field, enum roster_kind k,
                         struct str list, int64_t *ids, size_t *ret_n)
{
    struct str rest = list, tok;
    size_t n = 0;
    bool ok = true;

    *ret_n = 0;
    if (list.len == 0)
        return true;
    while (str_next(&rest, ',', &tok)) {
        int64_t id;
        bool dup = false;
        tok = str_trim(tok);
        if (tok.len == 0) {
            imp_err(m, "%s:%zu:%zu: %s: an empty item in the list", r->file, r->line,
                    colidx(m, r->fd, field) + 1, field);
            ok = false;
            continue;
        }
        id = resolve(m, r, field, k, tok);
        if (!id) {
            ok = false;
            continue;
        }
        for (size_t i = 0; i < n; i++)
            dup |= ids[i] == id;
        if (dup)
            continue;
        if (n >= MAX_REFS) {
            imp_err(m, "%s:%zu:%zu: %s: more than %d items", r->file, r->line,
                    colidx(m, r->fd, field) + 1, field, MAX_REFS);
            return false;
        }
        ids[n++] = id;
    }
    *ret_n = n;
    return ok;
}

void imp_mark_bad(struct imp *m, enum roster_kind k, struct str sid)
{
    struct strmap_entry *e;
    if (sid.len && strmap_put(&m->map[k], sid, &e, NULL) == 0 && !(e->flags & F_SEEN))
        e->flags |= F_BAD;
}

/* Count a change found after the row's own upsert (links, parents). */
static void count_late_change(struct imp *m, enum roster_kind k, struct strmap_entry *e)
{
    struct roster_file_counts *fc = &m->rep->files[k];
    if (e && (e->flags & F_COUNTED_UNCHANGED)) {
        e->flags = (uint16_t)(e->flags & ~F_COUNTED_UNCHANGED);
        fc->unchanged--;
        fc->updated++;
    }
}

/*
 * Insert or update the row's record. *ret_e is its map entry, or NULL when
 * the row was skipped (a delta deletion of an unknown record). *ret_fresh:
 * created now.
 */
static int upsert(struct imp *m, enum roster_kind k, const struct row *r, const struct rval *vals,
                  struct strmap_entry **ret_e, bool *ret_fresh)
{
    struct roster_file_counts *fc = &m->rep->files[k];
    struct strmap_entry *e;
    int ch;

    *ret_e = NULL;
    *ret_fresh = false;
    m->upserted = IMP_SKIPPED;
    int rc = strmap_put(&m->map[k], r->sid, &e, NULL);
    if (rc < 0)
        return rc;
    if (!(e->flags & F_EXISTS)) {
        int64_t id;
        if (strcmp(r->status, "tobedeleted") == 0 && strcmp(r->mode, "delta") == 0) {
            imp_warn(m,
                     "%s:%zu:1: sourcedId: '%.*s' is marked tobedeleted but the district has no "
                     "such %s: nothing to do",
                     r->file, r->line, STR_FMT(r->sid), roster_spec_noun[k]);
            return 0;
        }
        rc = store_roster_insert(m->db, k, m->district_id, r->sid, r->status,
                                 r->dlm ? r->dlm : m->now, vals, &id);
        if (rc < 0)
            return rc;
        e->id = id;
        e->flags |= F_EXISTS | F_CREATED;
        fc->created++;
        *ret_fresh = true;
        m->upserted = IMP_CREATED;
    } else {
        ch = store_roster_update(m->db, k, e->id, r->status, r->dlm ? r->dlm : m->now,
                                 r->dlm ? r->dlm : e->aux, vals);
        if (ch < 0)
            return ch;
        if (ch) {
            fc->updated++;
            m->upserted = IMP_UPDATED;
        } else {
            fc->unchanged++;
            e->flags |= F_COUNTED_UNCHANGED;
            m->upserted = IMP_UNCHANGED;
        }
    }
    e->flags |= F_SEEN;
    e->aux = (int64_t)r->line;
    *ret_e = e;
    return 0;
}

static int add_pending(struct imp *m, const struct row *r, struct str refs, size_t col)
{
    if (m->n_pend == m->cap_pend) {
        size_t cap = m->cap_pend ? m->cap_pend * 2 : 64;
        struct pending *p = mem_realloc(m->pend, cap * sizeof(*p));
        if (!p)
            return -ENOMEM;
        m->pend = p;
        m->cap_pend = cap;
    }
    struct pending *p = &m->pend[m->n_pend];
    p->owner.p = arena_strview(&m->arena, r->sid);
    p->refs.p = arena_strview(&m->arena, refs);
    if (!p->owner.p || !p->refs.p)
        return -ENOMEM;
    p->owner.len = r->sid.len;
    p->refs.len = refs.len;
    p->line = r->line;
    p->col = col;
    m->n_pend++;
    return 0;
}

/* ---- writers, one per file ---- */

static int w_org(struct imp *m, const struct row *r)
{
    struct rval v[ORG_NCOLS];
    struct strmap_entry *e;
    bool fresh;
    int rc;

    v[ORG_NAME] = rtext(fld(m, r, "name"));
    v[ORG_TYPE] = rtext(fld(m, r, "type"));
    v[ORG_IDENTIFIER] = rtext(fld(m, r, "identifier"));
    rc = upsert(m, RK_ORG, r, v, &e, &fresh);
    if (rc < 0 || !e)
        return rc;
    imp_guard_org(m, r, colidx(m, r->fd, "type") + 1, e->id, fld(m, r, "type"));
    return add_pending(m, r, fld(m, r, "parentSourcedId"), colidx(m, r->fd, "parentSourcedId"));
}

static int w_session(struct imp *m, const struct row *r)
{
    struct rval v[SES_NCOLS];
    struct strmap_entry *e;
    int64_t y = 0, sd = 0, ed = 0;
    bool fresh;
    int rc;

    v[SES_TITLE] = rtext(fld(m, r, "title"));
    v[SES_TYPE] = rtext(fld(m, r, "type"));
    v[SES_START] = rdate(fld(m, r, "startDate"));
    v[SES_END] = rdate(fld(m, r, "endDate"));
    (void)str_to_int64(fld(m, r, "schoolYear"), 1900, 2999, &y);
    v[SES_YEAR] = rnum(y);
    v[SES_ORG] = rid(0);
    (void)time_parse_date(fld(m, r, "startDate"), &sd);
    (void)time_parse_date(fld(m, r, "endDate"), &ed);
    if (ed < sd) {
        imp_err(m, "%s:%zu:%zu: endDate: %.*s is before startDate %.*s", r->file, r->line,
                colidx(m, r->fd, "endDate") + 1, STR_FMT(fld(m, r, "endDate")),
                STR_FMT(fld(m, r, "startDate")));
        imp_mark_bad(m, RK_SESSION, r->sid);
        return 0;
    }
    rc = upsert(m, RK_SESSION, r, v, &e, &fresh);
    if (rc < 0 || !e)
        return rc;
    return add_pending(m, r, fld(m, r, "parentSourcedId"), colidx(m, r->fd, "parentSourcedId"));
}

/* After orgs.csv / academicSessions.csv: parents (which may come later in the file). */
int imp_finish_parents(struct imp *m, enum roster_kind k, const struct fdesc *fd)
{
    for (size_t i = 0; i < m->n_pend; i++) {
        struct pending *p = &m->pend[i];
        struct strmap_entry *e = strmap_get(&m->map[k], p->owner);
        struct row r = {.fd = fd, .file = fd->name, .line = p->line};
        int64_t parent = 0;
        int ch;

        if (!e || !(e->flags & F_EXISTS))
            continue;
        if (p->refs.len) {
            if (str_eq(p->refs, p->owner)) {
                imp_err(m, "%s:%zu:%zu: parentSourcedId: a record cannot be its own parent",
                        fd->name, p->line, p->col + 1);
                continue;
            }
            parent = resolve(m, &r, "parentSourcedId", k, p->refs);
            if (!parent)
                continue;
        }
        ch = store_roster_set_parent(m->db, k, e->id, parent);
        if (ch < 0)
            return ch;
        if (ch)
            count_late_change(m, k, e);
    }
    m->n_pend = 0;
    return 0;
}

static int w_course(struct imp *m, const struct row *r)
{
    struct rval v[CRS_NCOLS];
    struct strmap_entry *e;
    struct str ys = fld(m, r, "schoolYearSourcedId");
    int64_t org, year = 0;
    bool fresh;

    org = resolve(m, r, "orgSourcedId", RK_ORG, fld(m, r, "orgSourcedId"));
    if (ys.len)
        year = resolve(m, r, "schoolYearSourcedId", RK_SESSION, ys);
    if (!org || (ys.len && !year)) {
        imp_mark_bad(m, RK_COURSE, r->sid);
        return 0;
    }
    v[CRS_YEAR] = rid(year);
    v[CRS_TITLE] = rtext(fld(m, r, "title"));
    v[CRS_CODE] = rtext(fld(m, r, "courseCode"));
    v[CRS_GRADES] = rtext(fld(m, r, "grades"));
    v[CRS_ORG] = rid(org);
    v[CRS_SUBJECTS] = rtext(fld(m, r, "subjects"));
    v[CRS_SUBJECT_CODES] = rtext(fld(m, r, "subjectCodes"));
    return upsert(m, RK_COURSE, r, v, &e, &fresh);
}

static int w_class(struct imp *m, const struct row *r)
{
    struct rval v[CLS_NCOLS];
    struct strmap_entry *e;
    int64_t terms[MAX_REFS], course, school;
    size_t nt;
    bool fresh, ok;
    int rc;

    course = resolve(m, r, "courseSourcedId", RK_COURSE, fld(m, r, "courseSourcedId"));
    school = resolve(m, r, "schoolSourcedId", RK_ORG, fld(m, r, "schoolSourcedId"));
    ok = resolve_list(m, r, "termSourcedIds", RK_SESSION, fld(m, r, "termSourcedIds"), terms, &nt);
    if (!course || !school || !ok) {
        imp_mark_bad(m, RK_CLASS, r->sid);
        return 0;
    }
    v[CLS_TITLE] = rtext(fld(m, r, "title"));
    v[CLS_GRADES] = rtext(fld(m, r, "grades"));
    v[CLS_COURSE] = rid(course);
    v[CLS_CODE] = rtext(fld(m, r, "classCode"));
    v[CLS_TYPE] = rtext(fld(m, r, "classType"));
    v[CLS_LOCATION] = rtext(fld(m, r, "location"));
    v[CLS_SCHOOL] = rid(school);
    v[CLS_SUBJECTS] = rtext(fld(m, r, "subjects"));
    v[CLS_SUBJECT_CODES] = rtext(fld(m, r, "subjectCodes"));
    v[CLS_PERIODS] = rtext(fld(m, r, "periods"));
    rc = upsert(m, RK_CLASS, r, v, &e, &fresh);
    if (rc < 0 || !e)
        return rc;
    rc = store_roster_set_links(m->db, LINK_CLASS_TERMS, m->district_id, e->id, terms, nt, fresh);
    if (rc > 0)
        count_late_change(m, RK_CLASS, e);
    return rc < 0 ? rc : 0;
}

/* Seal a text value into out; false (and out empty) when blank. */
static int seal_text(struct imp *m, struct str v, struct buf *out, bool *ret_present)
{
    *ret_present = v.len > 0;
    buf_reset(out);
    if (!v.len)
        return 0;
    return seal_encrypt(m->seal, v.p, v.len, out);
}

/* The 1.2 role a 1.1 users.role becomes (administrator depends on where). */
static const char *role_from_11(struct imp *m, struct str role, struct str first_org)
{
    if (str_eq_cstr(role, "administrator"))
        return m->district_sid && str_eq_cstr(first_org, m->district_sid) ? "districtAdministrator"
                                                                          : "siteAdministrator";
    for (int i = 0; roster_spec_role11[i]; i++)
        if (str_eq_cstr(role, roster_spec_role11[i]))
            return roster_spec_role11[i];
    return "student";
}

static int w_user_write(struct imp *m, const struct row *r, const char *role, const int64_t *orgs,
                        size_t norgs, int64_t primary_org);
static int touch_user(struct imp *m, int64_t user, bool fresh, int64_t org, struct str sid,
                      bool primary, bool active);

static int w_user(struct imp *m, const struct row *r)
{
    int64_t orgs[MAX_REFS], primary_org = 0;
    size_t norgs = 0;
    const char *role = NULL;
    char *kept_role = NULL;
    bool ok = true;
    int rc;

    if (m->ver == 11) {
        struct str os = fld(m, r, "orgSourcedIds"), first, rest = os;
        ok = resolve_list(m, r, "orgSourcedIds", RK_ORG, os, orgs, &norgs);
        str_next(&rest, ',', &first);
        role = role_from_11(m, fld(m, r, "role"), str_trim(first));
    } else {
        struct str po = fld(m, r, "primaryOrgSourcedId");
        struct strmap_entry *pr = strmap_get(&m->prole, r->sid);
        if (po.len) {
            primary_org = resolve(m, r, "primaryOrgSourcedId", RK_ORG, po);
            ok = primary_org != 0;
        }
        if (pr && pr->id >= 0) {
            role = roster_spec_role12[pr->id];
        } else if (pr && pr->id == -2) {
            role = (const char *)(intptr_t)pr->aux;
        } else if (pr) {
            role = NULL; /* its roles.csv row is bad and reported there */
            ok = false;
        } else {
            struct strmap_entry *old = strmap_get(&m->map[RK_USER], r->sid);
            if (old && (old->flags & F_EXISTS)) {
                /* a stored user whose roles this set does not carry keeps its role */
                rc = store_roster_user_role(m->db, old->id, &kept_role);
                if (rc < 0)
                    return rc;
                role = kept_role;
            } else {
                if (!m->broken[RK_ROLE])
                    imp_err(m,
                            "%s:%zu:1: sourcedId: user '%.*s' has no primary role in roles.csv "
                            "(OneRoster 1.2 gives every user a role there)",
                            r->file, r->line, STR_FMT(r->sid));
                ok = false;
            }
        }
    }
    if (ok) {
        rc = w_user_write(m, r, role, orgs, norgs, primary_org);
    } else {
        imp_mark_bad(m, RK_USER, r->sid);
        rc = 0;
    }
    /* a stored user's role is read before its row's other checks: freed whichever way it went */
    mem_free(kept_role);
    return rc;
}

static int w_user_write(struct imp *m, const struct row *r, const char *role, const int64_t *orgs,
                        size_t norgs, int64_t primary_org)
{
    struct rval v[USR_NCOLS];
    struct strmap_entry *e;
    struct str email = fld(m, r, "email"), sms = fld(m, r, "sms"), phone = fld(m, r, "phone");
    uint8_t eidx[SEAL_INDEX_LEN], digest[SEAL_INDEX_LEN];
    bool fresh, pe = false, ps = false, pp = false;
    int rc;

    rc = seal_text(m, email, &m->s1, &pe);
    if (rc == 0)
        rc = seal_text(m, sms, &m->s2, &ps);
    if (rc == 0)
        rc = seal_text(m, phone, &m->s3, &pp);
    if (rc < 0)
        return rc;
    if (pe) {
        char low[320];
        size_t n = MIN(email.len, sizeof(low));
        for (size_t i = 0; i < n; i++)
            low[i] =
                (email.p[i] >= 'A' && email.p[i] <= 'Z') ? (char)(email.p[i] + 32) : email.p[i];
        seal_index(m->seal, low, n, eidx);
    }
    buf_reset(&m->js);
    rc = buf_append(&m->js, email.p ? email.p : "", email.len);
    rc |= buf_putc(&m->js, '\n');
    rc |= buf_append(&m->js, sms.p ? sms.p : "", sms.len);
    rc |= buf_putc(&m->js, '\n');
    rc |= buf_append(&m->js, phone.p ? phone.p : "", phone.len);
    if (rc < 0)
        return -ENOMEM;
    seal_index(m->seal, m->js.data, m->js.len, digest);

    v[USR_ENABLED] = rnum(str_eq_cstr(fld(m, r, "enabledUser"), "true"));
    v[USR_ROLE] = role ? rtext(str_from(role)) : (struct rval){0};
    v[USR_USERNAME] = rtext(fld(m, r, "username"));
    v[USR_USER_IDS] = rtext(fld(m, r, "userIds"));
    v[USR_GIVEN] = rtext(fld(m, r, "givenName"));
    v[USR_FAMILY] = rtext(fld(m, r, "familyName"));
    v[USR_MIDDLE] = rtext(fld(m, r, "middleName"));
    v[USR_IDENTIFIER] = rtext(fld(m, r, "identifier"));
    v[USR_EMAIL_SEALED] = rblob(&m->s1, pe);
    v[USR_EMAIL_INDEX] =
        (struct rval){.t = pe ? RVAL_BLOB : RVAL_NULL, .b = eidx, .n = sizeof(eidx)};
    v[USR_SMS_SEALED] = rblob(&m->s2, ps);
    v[USR_PHONE_SEALED] = rblob(&m->s3, pp);
    v[USR_CONTACT_DIGEST] = (struct rval){.t = RVAL_BLOB, .b = digest, .n = sizeof(digest)};
    v[USR_GRADES] = rtext(fld(m, r, "grades"));
    if (m->ver == 12) {
        v[USR_MASTER_ID] = rtext(fld(m, r, "userMasterIdentifier"));
        v[USR_PREF_GIVEN] = rtext(fld(m, r, "preferredGivenName"));
        v[USR_PREF_MIDDLE] = rtext(fld(m, r, "preferredMiddleName"));
        v[USR_PREF_FAMILY] = rtext(fld(m, r, "preferredFamilyName"));
        v[USR_PRIMARY_ORG] = rid(primary_org);
        v[USR_PRONOUNS] = rtext(fld(m, r, "pronouns"));
    } else {
        v[USR_MASTER_ID] = v[USR_PREF_GIVEN] = v[USR_PREF_MIDDLE] = v[USR_PREF_FAMILY] =
            (struct rval){0};
        v[USR_PRIMARY_ORG] = rid(norgs ? orgs[0] : 0);
        v[USR_PRONOUNS] = (struct rval){0};
    }
    rc = upsert(m, RK_USER, r, v, &e, &fresh);
    if (rc < 0 || !e)
        return rc;
    imp_guard_user(m, r, e->id);
    if (m->ver == 11) {
        /* 1.1: each of orgSourcedIds becomes a derived 1.2 role; the user's orgs follow them */
        struct str rest = fld(m, r, "orgSourcedIds"), tok;
        for (size_t i = 0; str_next(&rest, ',', &tok) && i < norgs; i++) {
            struct rval rv[ROL_NCOLS] = {0};
            char sid[512];
            struct row rr = *r;
            struct strmap_entry *re;
            bool rfresh;
            int n =
                snprintf(sid, sizeof(sid), "%.*s@%.*s", STR_FMT(r->sid), STR_FMT(str_trim(tok)));
            if (n < 0 || (size_t)n >= sizeof(sid))
                continue;
            rr.sid = (struct str){sid, (size_t)n};
            rv[ROL_USER] = rid(e->id);
            rv[ROL_TYPE] = rtext(str_from(i == 0 ? "primary" : "secondary"));
            struct str rtxt = str_from(role_from_11(m, fld(m, r, "role"), str_trim(tok)));
            rv[ROL_ROLE] = rtext(rtxt);
            rv[ROL_ORG] = rid(orgs[i]);
            /* derived roles are counted under users.csv, not roles.csv */
            struct roster_file_counts save = m->rep->files[RK_ROLE];
            rc = upsert(m, RK_ROLE, &rr, rv, &re, &rfresh);
            m->rep->files[RK_ROLE] = save;
            if (rc == 0 && re)
                imp_guard_role(m, r, colidx(m, r->fd, "role") + 1, rtxt, r->sid, e->id,
                               str_trim(tok));
            if (rc == 0 && re)
                rc = touch_user(m, e->id, fresh, orgs[i], rr.sid, i == 0,
                                strcmp(r->status, "active") == 0);
            if (rc < 0)
                return rc;
        }
    }
    struct str agents = fld(m, r, "agentSourcedIds");
    return add_pending(m, r, agents, colidx(m, r->fd, "agentSourcedIds"));
}

/* After users.csv: agents (guardians and their children may come in any order). */
int imp_finish_agents(struct imp *m, const struct fdesc *fd)
{
    for (size_t i = 0; i < m->n_pend; i++) {
        struct pending *p = &m->pend[i];
        struct strmap_entry *e = strmap_get(&m->map[RK_USER], p->owner);
        struct row r = {.fd = fd, .file = fd->name, .line = p->line};
        int64_t ids[MAX_REFS];
        size_t n;
        int ch;

        if (!e || !(e->flags & F_EXISTS))
            continue;
        if (!resolve_list(m, &r, "agentSourcedIds", RK_USER, p->refs, ids, &n))
            continue;
        ch = store_roster_set_links(m->db, LINK_USER_AGENTS, m->district_id, e->id, ids, n,
                                    (e->flags & F_CREATED) != 0);
        if (ch < 0)
            return ch;
        if (ch) {
            count_late_change(m, RK_USER, e);
            imp_guard_agents(m, fd->name, p->line, p->col + 1, e);
        }
    }
    m->n_pend = 0;
    return 0;
}

static int w_profile(struct imp *m, const struct row *r)
{
    struct rval v[PRF_NCOLS];
    struct strmap_entry *e;
    bool fresh;
    int64_t user = resolve(m, r, "userSourcedId", RK_USER, fld(m, r, "userSourcedId"));

    if (!user) {
        imp_mark_bad(m, RK_PROFILE, r->sid);
        return 0;
    }
    v[PRF_USER] = rid(user);
    v[PRF_TYPE] = rtext(fld(m, r, "profileType"));
    v[PRF_VENDOR] = rtext(fld(m, r, "vendorId"));
    v[PRF_APP] = rtext(fld(m, r, "applicationId"));
    v[PRF_DESCRIPTION] = rtext(fld(m, r, "description"));
    v[PRF_CREDENTIAL] = rtext(fld(m, r, "credentialType"));
    v[PRF_USERNAME] = rtext(fld(m, r, "username"));
    int rc = upsert(m, RK_PROFILE, r, v, &e, &fresh);
    if (rc == 0 && e)
        imp_guard_profile(m, r, colidx(m, r->fd, "userSourcedId") + 1, fld(m, r, "userSourcedId"),
                          user);
    return rc;
}

static int touch_user(struct imp *m, int64_t user, bool fresh, int64_t org, struct str sid,
                      bool primary, bool active)
{
    struct touched *t;
    if (m->n_touched == m->cap_touched) {
        size_t cap = m->cap_touched ? m->cap_touched * 2 : 256;
        t = mem_realloc(m->touched, cap * sizeof(*t));
        if (!t)
            return -ENOMEM;
        m->touched = t;
        m->cap_touched = cap;
    }
    t = &m->touched[m->n_touched];
    t->sid = fresh ? arena_strview(&m->arena, sid) : "";
    if (!t->sid)
        return -ENOMEM;
    t->user = user;
    t->org = org;
    t->fresh = fresh;
    t->primary = primary;
    t->active = active;
    m->n_touched++;
    return 0;
}

/* by user, then as store_roster_sync_user_orgs orders roles: primary first, then sourcedId */
static int cmp_touched(const void *a, const void *b)
{
    const struct touched *x = a, *y = b;
    if (x->user != y->user)
        return x->user < y->user ? -1 : 1;
    if (x->primary != y->primary)
        return x->primary ? -1 : 1;
    return strcmp(x->sid, y->sid);
}

static int w_role(struct imp *m, const struct row *r)
{
    struct rval v[ROL_NCOLS];
    struct strmap_entry *e;
    struct str ps = fld(m, r, "userProfileSourcedId");
    int64_t user, org;
    bool fresh;
    int rc;

    user = resolve(m, r, "userSourcedId", RK_USER, fld(m, r, "userSourcedId"));
    org = resolve(m, r, "orgSourcedId", RK_ORG, fld(m, r, "orgSourcedId"));
    if (ps.len && !resolve(m, r, "userProfileSourcedId", RK_PROFILE, ps))
        user = 0;
    if (!user || !org) {
        imp_mark_bad(m, RK_ROLE, r->sid);
        return 0;
    }
    v[ROL_USER] = rid(user);
    v[ROL_TYPE] = rtext(fld(m, r, "roleType"));
    v[ROL_ROLE] = rtext(fld(m, r, "role"));
    v[ROL_BEGIN] = rdate(fld(m, r, "beginDate"));
    v[ROL_END] = rdate(fld(m, r, "endDate"));
    v[ROL_ORG] = rid(org);
    v[ROL_PROFILE] = rtext(ps);
    rc = upsert(m, RK_ROLE, r, v, &e, &fresh);
    if (rc < 0 || !e)
        return rc;
    imp_guard_role(m, r, colidx(m, r->fd, "role") + 1, fld(m, r, "role"),
                   fld(m, r, "userSourcedId"), user, fld(m, r, "orgSourcedId"));
    struct strmap_entry *ue = strmap_get(&m->map[RK_USER], fld(m, r, "userSourcedId"));
    return touch_user(m, user, ue && (ue->flags & F_CREATED), org, r->sid,
                      str_eq_cstr(fld(m, r, "roleType"), "primary"),
                      strcmp(r->status, "active") == 0);
}

int imp_finish_roles(struct imp *m)
{
    if (m->n_touched > 1)
        qsort(m->touched, m->n_touched, sizeof(*m->touched), cmp_touched);
    for (size_t i = 0, j; i < m->n_touched; i = j) {
        const struct touched *t = &m->touched[i];
        int64_t orgs[MAX_REFS];
        size_t n = 0;
        int rc;

        for (j = i; j < m->n_touched && m->touched[j].user == t->user; j++) {
            bool dup = false;
            if (!m->touched[j].active)
                continue;
            for (size_t k = 0; k < n; k++)
                dup |= orgs[k] == m->touched[j].org;
            if (!dup && n < MAX_REFS)
                orgs[n++] = m->touched[j].org;
        }
        if (t->fresh)
            /* every role of a new user is in this set: no need to ask the database */
            rc = store_roster_set_links(m->db, LINK_USER_ORGS, m->district_id, t->user, orgs, n,
                                        true);
        else
            rc = store_roster_sync_user_orgs(m->db, m->district_id, t->user, false);
        if (rc < 0)
            return rc;
    }
    m->n_touched = 0;
    return 0;
}

static int w_enrollment(struct imp *m, const struct row *r)
{
    struct rval v[ENR_NCOLS];
    struct strmap_entry *e;
    int64_t cls, school, user;
    bool fresh;

    cls = resolve(m, r, "classSourcedId", RK_CLASS, fld(m, r, "classSourcedId"));
    school = resolve(m, r, "schoolSourcedId", RK_ORG, fld(m, r, "schoolSourcedId"));
    user = resolve(m, r, "userSourcedId", RK_USER, fld(m, r, "userSourcedId"));
    if (!cls || !school || !user) {
        imp_mark_bad(m, RK_ENROLLMENT, r->sid);
        return 0;
    }
    v[ENR_CLASS] = rid(cls);
    v[ENR_SCHOOL] = rid(school);
    v[ENR_USER] = rid(user);
    v[ENR_ROLE] = rtext(fld(m, r, "role"));
    v[ENR_PRIMARY] = rtext(fld(m, r, "primary"));
    v[ENR_BEGIN] = rdate(fld(m, r, "beginDate"));
    v[ENR_END] = rdate(fld(m, r, "endDate"));
    return upsert(m, RK_ENROLLMENT, r, v, &e, &fresh);
}

static int w_demographic(struct imp *m, const struct row *r)
{
    struct rval v[DEM_NCOLS];
    struct strmap_entry *e;
    uint8_t digest[SEAL_INDEX_LEN];
    bool fresh;
    char *text;
    json_t *o;
    int rc;
    /* the demographics sourcedId is the user's (1.1 and 1.2 tables) */
    int64_t user = resolve(m, r, "sourcedId", RK_USER, r->sid);

    if (!user) {
        imp_mark_bad(m, RK_DEMOGRAPHIC, r->sid);
        return 0;
    }
    o = json_object();
    if (!o)
        return -ENOMEM;
    for (size_t i = 0; i < ROSTER_SPEC_N_DEMO; i++) {
        struct str s = fld(m, r, roster_spec_demo_fields[i]);
        if (s.len &&
            json_object_set_new(o, roster_spec_demo_fields[i], json_stringn(s.p, s.len)) < 0) {
            json_decref(o);
            return -ENOMEM;
        }
    }
    text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    if (!text)
        return -ENOMEM;
    rc = seal_encrypt(m->seal, text, strlen(text), &m->s1);
    seal_index(m->seal, text, strlen(text), digest);
    memset(text, 0, strlen(text));
    mem_free(text);
    if (rc < 0)
        return rc;
    v[DEM_USER] = rid(user);
    v[DEM_SEALED] = rblob(&m->s1, true);
    v[DEM_DIGEST] = (struct rval){.t = RVAL_BLOB, .b = digest, .n = sizeof(digest)};
    return upsert(m, RK_DEMOGRAPHIC, r, v, &e, &fresh);
}

int (*const imp_writers[RK_COUNT])(struct imp *, const struct row *) = {
    w_org, w_session, w_course, w_class, w_user, w_profile, w_role, w_enrollment, w_demographic,
};

int imp_prescan_roles(struct imp *m)
{
    const char *data;
    size_t len;
    char emsg[128];
    struct csvr cr;
    int rc;

    if (m->ver != 12 || !m->mode[RK_ROLE] ||
        roster_source_get(m->src, "roles.csv", &data, &len, emsg, sizeof(emsg)) < 0)
        return 0;
    csvr_init(&cr, data, len);
    while ((rc = csvr_next(&cr)) != 0) {
        struct strmap_entry *e;
        bool added;
        if (rc == -ENOMEM)
            break;
        if (rc < 0 || cr.rec_line == 1 || cr.n < 6)
            continue;
        if (!str_eq_cstr(cr.fields[4], "primary"))
            continue;
        if (cr.fields[1].len && !str_eq_cstr(cr.fields[1], "active"))
            continue;
        rc = strmap_put(&m->prole, cr.fields[3], &e, &added);
        if (rc < 0)
            break;
        if (added) {
            e->id = imp_enum_index(roster_spec_role12, cr.fields[5]);
            if (e->id < 0 && str_starts_with(cr.fields[5], "ext:") && cr.fields[5].len > 4) {
                /* an extension role: keep its text */
                char *t = arena_strview(&m->arena, cr.fields[5]);
                if (!t) {
                    rc = -ENOMEM;
                    break;
                }
                e->id = -2;
                e->aux = (int64_t)(intptr_t)t;
            }
        }
    }
    csvr_release(&cr);
    return rc == -ENOMEM ? rc : 0;
}

int imp_bulk_deactivate(struct imp *m)
{
    for (size_t k = 0; k < RK_COUNT; k++) {
        if (!m->mode[k] || strcmp(m->mode[k], "bulk") != 0)
            continue;
        strmap_foreach(&m->map[k], e)
        {
            if ((e->flags & (F_EXISTS | F_SEEN | F_ACTIVE)) != (F_EXISTS | F_ACTIVE))
                continue;
            if (imp_guard_deactivate(m, (enum roster_kind)k, e))
                continue;
            int rc = store_roster_deactivate(m->db, (enum roster_kind)k, e->id, m->now);
            if (rc < 0)
                return rc;
            m->rep->files[k].deactivated++;
        }
    }
    return 0;
}
