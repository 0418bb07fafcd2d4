/*
 * Answer logs: dkt and csv parsers, and grouping by skill (see model_data.h).
 */
#include "base/common.h"

#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>

#include "app/model_data.h"
#include "base/mem.h"
#include "base/str.h"

#define MAX_LABEL 256

/* ---- labels ------------------------------------------------------------------ */

static uint32_t hash_bytes(const char *s, size_t len)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

int kt_names_find(const struct kt_names *t, const char *s, size_t len, uint32_t *ret)
{
    if (t->n_slot == 0)
        return -ENOENT;
    for (uint32_t i = hash_bytes(s, len) & (t->n_slot - 1);; i = (i + 1) & (t->n_slot - 1)) {
        uint32_t x = t->slot[i];
        if (x == 0)
            return -ENOENT;
        const char *name = t->name[x - 1];
        if (strlen(name) == len && memcmp(name, s, len) == 0) {
            *ret = x - 1;
            return 0;
        }
    }
}

static int names_grow(struct kt_names *t)
{
    uint32_t n_slot = t->n_slot ? t->n_slot * 2 : 64;
    uint32_t *slot = mem_calloc(n_slot, sizeof(*slot));
    if (!slot)
        return -ENOMEM;
    for (uint32_t k = 0; k < t->n; k++) {
        uint32_t i = hash_bytes(t->name[k], strlen(t->name[k])) & (n_slot - 1);
        while (slot[i])
            i = (i + 1) & (n_slot - 1);
        slot[i] = k + 1;
    }
    mem_free(t->slot);
    t->slot = slot;
    t->n_slot = n_slot;
    return 0;
}

static int names_intern(struct kt_names *t, const char *s, size_t len, uint32_t *ret)
{
    uint32_t i;

    if (kt_names_find(t, s, len, ret) == 0)
        return 0;
    if ((t->n + 1) * 2 > t->n_slot && names_grow(t) < 0)
        return -ENOMEM;
    if (t->n == t->cap) {
        uint32_t cap = t->cap ? t->cap * 2 : 64;
        char **name = mem_realloc(t->name, (size_t)cap * sizeof(*name));
        if (!name)
            return -ENOMEM;
        t->name = name;
        t->cap = cap;
    }
    t->name[t->n] = mem_strndup(s, len);
    if (!t->name[t->n])
        return -ENOMEM;
    for (i = hash_bytes(s, len) & (t->n_slot - 1); t->slot[i]; i = (i + 1) & (t->n_slot - 1))
        ;
    t->slot[i] = t->n + 1;
    *ret = t->n++;
    return 0;
}

static void names_release(struct kt_names *t)
{
    for (uint32_t i = 0; i < t->n; i++)
        mem_free(t->name[i]);
    mem_free(t->name);
    mem_free(t->slot);
    memset(t, 0, sizeof(*t));
}

/* ---- answers ------------------------------------------------------------------ */

struct parser {
    struct kt_data *d;
    uint32_t cap;
    char *err;
    size_t errsz;
    size_t line;
};

static int fail(struct parser *ps, const char *fmt, ...) PRINTF_FMT(2, 3);
static int fail(struct parser *ps, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(ps->err, ps->errsz, "line %zu: ", ps->line);
    if (n >= 0 && (size_t)n < ps->errsz) {
        va_start(ap, fmt);
        vsnprintf(ps->err + n, ps->errsz - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -EINVAL;
}

static int push_answer(struct parser *ps, uint32_t user, uint32_t skill, uint32_t item,
                       uint8_t correct, bool has_item)
{
    struct kt_data *d = ps->d;
    if (d->n == ps->cap) {
        uint32_t cap = ps->cap ? ps->cap * 2 : 1024;
        void *p;
        if (ps->cap >= KT_MAX_ANSWERS)
            return fail(ps, "more than %u answers", KT_MAX_ANSWERS);
        if (!(p = mem_realloc(d->user, (size_t)cap * sizeof(uint32_t))))
            return -ENOMEM;
        d->user = p;
        if (!(p = mem_realloc(d->skill, (size_t)cap * sizeof(uint32_t))))
            return -ENOMEM;
        d->skill = p;
        if (!(p = mem_realloc(d->correct, cap)))
            return -ENOMEM;
        d->correct = p;
        if (has_item) {
            if (!(p = mem_realloc(d->item, (size_t)cap * sizeof(uint32_t))))
                return -ENOMEM;
            d->item = p;
        }
        ps->cap = cap;
    }
    d->user[d->n] = user;
    d->skill[d->n] = skill;
    if (has_item)
        d->item[d->n] = item;
    d->correct[d->n] = correct;
    d->n++;
    return 0;
}

/* The next line of *rest (without \n or \r\n); false at the end. */
static bool next_line(struct str *rest, struct str *ret)
{
    if (!str_next(rest, '\n', ret))
        return false;
    if (!rest->p && ret->len == 0)
        return false; /* text ended with \n */
    if (ret->len && ret->p[ret->len - 1] == '\r')
        ret->len--;
    return true;
}

static bool blank(struct str s)
{
    return str_trim(s).len == 0;
}

static int parse_correct(struct parser *ps, struct str v, const char *what, size_t col,
                         uint8_t *ret)
{
    v = str_trim(v);
    if (v.len == 1 && (v.p[0] == '0' || v.p[0] == '1')) {
        *ret = (uint8_t)(v.p[0] - '0');
        return 0;
    }
    return fail(ps, "%s %zu: '%.*s' is not 0 or 1", what, col, (int)MIN(v.len, 40), v.p);
}

/* ---- dkt ---------------------------------------------------------------------- */

/* Split a comma list, allowing one trailing comma; returns the count via *ret_n. */
static size_t count_fields(struct str s)
{
    size_t n = 1;
    for (size_t i = 0; i < s.len; i++)
        n += s.p[i] == ',';
    if (s.len && s.p[s.len - 1] == ',')
        n--; /* trailing comma */
    if (str_trim(s).len == 0)
        n = 0;
    return n;
}

static int parse_dkt(struct parser *ps, struct str text)
{
    struct kt_data *d = ps->d;
    struct str rest = text, line;
    size_t line_no = 0;
    uint32_t user = 0;

    d->users_numbered = true;
    while (next_line(&rest, &line)) {
        struct str ids, answers, tok, r1, r2;
        int64_t count;
        size_t count_line;

        line_no++;
        if (blank(line))
            continue;
        ps->line = line_no;
        count_line = line_no;
        if (str_to_int64(str_trim(line), 1, KT_MAX_ANSWERS, &count) < 0)
            return fail(ps, "expected the number of answers of student %u (1 to %u), got '%.*s'",
                        user, KT_MAX_ANSWERS, (int)MIN(line.len, 40), line.p);
        if (!next_line(&rest, &ids)) {
            ps->line = line_no + 1;
            return fail(ps,
                        "expected the skill ids of the student counted on line %zu, got the end",
                        count_line);
        }
        line_no++;
        ps->line = line_no;
        if (count_fields(ids) != (size_t)count)
            return fail(ps, "expected %lld skill ids (the count on line %zu), got %zu",
                        (long long)count, count_line, count_fields(ids));
        if (!next_line(&rest, &answers)) {
            ps->line = line_no + 1;
            return fail(ps, "expected the answers of the student counted on line %zu, got the end",
                        count_line);
        }
        line_no++;
        ps->line = line_no;
        if (count_fields(answers) != (size_t)count)
            return fail(ps, "expected %lld answers (the count on line %zu), got %zu",
                        (long long)count, count_line, count_fields(answers));
        r1 = ids;
        r2 = answers;
        for (int64_t k = 0; k < count; k++) {
            int64_t id;
            uint32_t skill;
            uint8_t c = 0;
            char label[24];
            int n, ret;

            str_next(&r1, ',', &tok);
            ps->line = line_no - 1;
            if (str_to_int64(str_trim(tok), 0, INT32_MAX, &id) < 0)
                return fail(ps, "id %lld: '%.*s' is not a non-negative integer", (long long)k + 1,
                            (int)MIN(tok.len, 40), tok.p);
            n = snprintf(label, sizeof(label), "%lld", (long long)id);
            ret = names_intern(&d->skills, label, (size_t)n, &skill);
            if (ret < 0)
                return ret;
            str_next(&r2, ',', &tok);
            ps->line = line_no;
            ret = parse_correct(ps, tok, "answer", (size_t)k + 1, &c);
            if (ret < 0)
                return ret;
            ret = push_answer(ps, user, skill, 0, c, false);
            if (ret < 0)
                return ret;
        }
        user++;
    }
    d->n_users = user;
    if (d->n == 0) {
        ps->line = line_no;
        return fail(ps, "no answers in the file");
    }
    return 0;
}

/* ---- csv ---------------------------------------------------------------------- */

enum { COL_USER, COL_SKILL, COL_ITEM, COL_CORRECT, COL_ORDER, N_COLS };

static const struct {
    const char *name;
    int col;
} col_names[] = {
    {"user", COL_USER},       {"user_id", COL_USER},   {"student", COL_USER},
    {"student_id", COL_USER}, {"skill", COL_SKILL},    {"skill_id", COL_SKILL},
    {"item", COL_ITEM},       {"item_id", COL_ITEM},   {"correct", COL_CORRECT},
    {"order", COL_ORDER},     {"order_id", COL_ORDER},
};
static const char *const col_label[N_COLS] = {"user", "skill", "item", "correct", "order"};

/*
 * The next field of *rest into buf (unquoted); *more says whether a comma
 * followed. -EINVAL for a bad quote.
 */
static int csv_field(struct parser *ps, struct str *rest, char *buf, size_t bufsz, struct str *ret,
                     bool *more, size_t col)
{
    const char *p = rest->p, *end = rest->p + rest->len;
    size_t n = 0;

    if (p < end && *p == '"') {
        p++;
        for (;;) {
            if (p == end)
                return fail(ps, "field %zu: the quote is not closed (a field cannot span lines)",
                            col);
            if (*p == '"') {
                if (p + 1 < end && p[1] == '"') {
                    p++;
                } else {
                    p++;
                    break;
                }
            }
            if (n + 1 >= bufsz)
                return fail(ps, "field %zu: longer than %zu bytes", col, bufsz - 1);
            buf[n++] = *p++;
        }
        if (p < end && *p != ',')
            return fail(ps, "field %zu: text after the closing quote", col);
    } else {
        while (p < end && *p != ',') {
            if (*p == '"')
                return fail(ps, "field %zu: a quote inside an unquoted field", col);
            if (n + 1 >= bufsz)
                return fail(ps, "field %zu: longer than %zu bytes", col, bufsz - 1);
            buf[n++] = *p++;
        }
    }
    buf[n] = '\0';
    *more = p < end; /* at a comma */
    if (*more)
        p++;
    rest->len = (size_t)(end - p);
    rest->p = p;
    ret->p = buf;
    ret->len = n;
    return 0;
}

struct order_key {
    uint32_t user;
    uint32_t idx;
    double order;
};

static int order_cmp(const void *a, const void *b)
{
    const struct order_key *x = a, *y = b;
    if (x->user != y->user)
        return x->user < y->user ? -1 : 1;
    if (x->order != y->order)
        return x->order < y->order ? -1 : 1;
    return x->idx < y->idx ? -1 : (x->idx > y->idx);
}

/* *order is the order column (grown as the file is read); the caller frees it in any case. */
static int parse_csv(struct parser *ps, struct str text, double **order)
{
    struct kt_data *d = ps->d;
    struct str rest = text, line, f;
    int map[64], cols[N_COLS];
    size_t n_fields = 0, line_no = 1, order_cap = 0;
    char buf[MAX_LABEL + 1];
    bool more = true;
    int ret;

    for (int c = 0; c < N_COLS; c++)
        cols[c] = -1;
    ps->line = 1;
    if (!next_line(&rest, &line) || blank(line))
        return fail(ps, "expected a header naming the columns user, skill, correct and order");
    if (line.len >= 3 && memcmp(line.p, "\xef\xbb\xbf", 3) == 0) {
        line.p += 3; /* a UTF-8 byte order mark */
        line.len -= 3;
    }
    while (more) {
        int col = -1;
        if (n_fields == ARRAY_SIZE(map))
            return fail(ps, "more than %zu columns", ARRAY_SIZE(map));
        ret = csv_field(ps, &line, buf, sizeof(buf), &f, &more, n_fields + 1);
        if (ret < 0)
            return ret;
        f = str_trim(f);
        for (size_t i = 0; i < ARRAY_SIZE(col_names); i++)
            if (str_eq_nocase(f, col_names[i].name))
                col = col_names[i].col;
        if (col >= 0) {
            if (cols[col] >= 0)
                return fail(ps, "column %zu: a second '%s' column", n_fields + 1, col_label[col]);
            cols[col] = (int)n_fields;
        }
        map[n_fields++] = col;
    }
    if (cols[COL_USER] < 0)
        return fail(ps, "no user column (user, user_id or student)");
    if (cols[COL_CORRECT] < 0)
        return fail(ps, "no correct column");
    if (cols[COL_SKILL] < 0 && cols[COL_ITEM] < 0)
        return fail(ps, "no skill column (skill or skill_id) and no item column");

    while (next_line(&rest, &line)) {
        struct str v[N_COLS] = {0};
        char vbuf[N_COLS][MAX_LABEL + 1];
        uint32_t user, skill = 0, item = 0;
        uint8_t c = 0;
        size_t k = 0;
        double ord = 0;

        line_no++;
        ps->line = line_no;
        if (blank(line))
            continue;
        more = true;
        for (k = 0; more; k++) {
            char scratch[MAX_LABEL + 1];
            if (k >= n_fields)
                return fail(ps, "more fields than the %zu columns of the header", n_fields);
            int col = map[k];
            ret = csv_field(ps, &line, col >= 0 ? vbuf[col] : scratch, MAX_LABEL + 1, &f, &more,
                            k + 1);
            if (ret < 0)
                return ret;
            if (col >= 0)
                v[col] = str_trim(f);
        }
        if (k != n_fields)
            return fail(ps, "%zu fields, but the header has %zu columns", k, n_fields);
        for (int col = 0; col < N_COLS; col++) {
            if (cols[col] < 0 || col == COL_CORRECT || col == COL_ORDER)
                continue;
            if (v[col].len == 0)
                return fail(ps, "%s (column %d): empty", col_label[col], cols[col] + 1);
            if (!str_is_clean_text(v[col]))
                return fail(ps, "%s (column %d): not clean UTF-8 text", col_label[col],
                            cols[col] + 1);
        }
        ret = parse_correct(ps, v[COL_CORRECT], "column", (size_t)cols[COL_CORRECT] + 1, &c);
        if (ret < 0)
            return fail(ps, "correct (column %d): '%.*s' is not 0 or 1", cols[COL_CORRECT] + 1,
                        (int)MIN(v[COL_CORRECT].len, 40), v[COL_CORRECT].p);
        if (cols[COL_ORDER] >= 0 && str_to_double(v[COL_ORDER], &ord) < 0)
            return fail(ps, "order (column %d): '%.*s' is not a number", cols[COL_ORDER] + 1,
                        (int)MIN(v[COL_ORDER].len, 40), v[COL_ORDER].p);
        ret = names_intern(&d->users, v[COL_USER].p, v[COL_USER].len, &user);
        if (ret == 0 && cols[COL_SKILL] >= 0)
            ret = names_intern(&d->skills, v[COL_SKILL].p, v[COL_SKILL].len, &skill);
        if (ret == 0 && cols[COL_ITEM] >= 0)
            ret = names_intern(&d->items, v[COL_ITEM].p, v[COL_ITEM].len, &item);
        if (ret == 0 && cols[COL_SKILL] < 0)
            ret = names_intern(&d->skills, v[COL_ITEM].p, v[COL_ITEM].len, &skill);
        if (ret < 0)
            return ret;
        if (d->n == order_cap) {
            size_t cap = order_cap ? order_cap * 2 : 1024;
            double *o = mem_realloc(*order, cap * sizeof(*o));
            if (!o)
                return -ENOMEM;
            *order = o;
            order_cap = cap;
        }
        (*order)[d->n] = ord;
        ret = push_answer(ps, user, skill, item, c, cols[COL_ITEM] >= 0);
        if (ret < 0)
            return ret;
    }
    d->n_users = d->users.n;
    if (d->n == 0) {
        ps->line = line_no;
        return fail(ps, "no answers after the header");
    }
    return 0;
}

static int sort_by_user(struct kt_data *d, const double *order)
{
    struct order_key *k;

    d->by_user = mem_alloc((size_t)d->n * sizeof(uint32_t));
    if (!d->by_user)
        return -ENOMEM;
    if (!order) { /* dkt: already by user, in order */
        for (uint32_t i = 0; i < d->n; i++)
            d->by_user[i] = i;
        return 0;
    }
    k = mem_alloc((size_t)d->n * sizeof(*k));
    if (!k)
        return -ENOMEM;
    for (uint32_t i = 0; i < d->n; i++)
        k[i] = (struct order_key){d->user[i], i, order[i]};
    qsort(k, d->n, sizeof(*k), order_cmp);
    for (uint32_t i = 0; i < d->n; i++)
        d->by_user[i] = k[i].idx;
    mem_free(k);
    return 0;
}

static enum kt_format sniff(struct str text)
{
    struct str line;
    int64_t v;
    while (next_line(&text, &line))
        if (!blank(line))
            return str_to_int64(str_trim(line), 0, INT64_MAX, &v) == 0 ? KT_FORMAT_DKT
                                                                       : KT_FORMAT_CSV;
    return KT_FORMAT_CSV;
}

int kt_parse(const char *text, size_t len, enum kt_format fmt, struct kt_data *ret, char *err,
             size_t errsz)
{
    struct parser ps = {.d = ret, .err = err, .errsz = errsz, .line = 1};
    struct str t = {text, len};
    double *order = NULL;
    int r;

    memset(ret, 0, sizeof(*ret));
    if (errsz)
        err[0] = '\0';
    if (!text || len > KT_MAX_BYTES)
        return fail(&ps, "the input is larger than %u bytes", KT_MAX_BYTES);
    if (memchr(text, '\0', len)) {
        ps.line = 1;
        for (const char *p = text; *p; p++)
            ps.line += *p == '\n';
        return fail(&ps, "a NUL byte (this is not a text file)");
    }
    if (fmt == KT_FORMAT_AUTO)
        fmt = sniff(t);
    r = fmt == KT_FORMAT_DKT ? parse_dkt(&ps, t) : parse_csv(&ps, t, &order);
    if (r == 0)
        r = sort_by_user(ret, order);
    mem_free(order);
    if (r == -ENOMEM)
        snprintf(err, errsz, "out of memory");
    if (r < 0)
        kt_data_release(ret);
    return r;
}

int kt_load_file(const char *path, enum kt_format fmt, struct kt_data *ret, char *err, size_t errsz)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    char *buf = NULL, msg[400];
    size_t n;
    int r;

    memset(ret, 0, sizeof(*ret));
    if (!f) {
        snprintf(err, errsz, "%s: %s", path, strerror(errno));
        return -errno;
    }
    if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errsz, "%s: not a regular file", path);
        fclose(f);
        return -EINVAL;
    }
    if ((uint64_t)st.st_size > KT_MAX_BYTES) {
        snprintf(err, errsz, "%s: larger than %u bytes", path, KT_MAX_BYTES);
        fclose(f);
        return -EFBIG;
    }
    buf = mem_alloc((size_t)st.st_size + 1);
    if (!buf) {
        fclose(f);
        snprintf(err, errsz, "%s: out of memory", path);
        return -ENOMEM;
    }
    n = fread(buf, 1, (size_t)st.st_size, f);
    if (ferror(f)) {
        snprintf(err, errsz, "%s: %s", path, strerror(errno));
        fclose(f);
        mem_free(buf);
        return -EIO;
    }
    fclose(f);
    r = kt_parse(buf, n, fmt, ret, msg, sizeof(msg));
    if (r < 0)
        snprintf(err, errsz, "%s: %s", path, msg);
    mem_free(buf);
    return r;
}

void kt_data_release(struct kt_data *d)
{
    if (!d)
        return;
    mem_free(d->user);
    mem_free(d->skill);
    mem_free(d->item);
    mem_free(d->correct);
    mem_free(d->by_user);
    names_release(&d->users);
    names_release(&d->skills);
    names_release(&d->items);
    memset(d, 0, sizeof(*d));
}

const char *kt_user_label(const struct kt_data *d, uint32_t user, char *buf, size_t bufsz)
{
    if (d->users_numbered || user >= d->users.n) {
        snprintf(buf, bufsz, "%u", user);
        return buf;
    }
    return d->users.name[user];
}

/* ---- grouping ------------------------------------------------------------------ */

static int u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : (x > y);
}

int kt_group(const struct kt_data *d, const uint8_t *keep, struct kt_groups *g)
{
    uint32_t n_sk = d->skills.n, *count = NULL, *pos = NULL, n = 0;
    int r = -ENOMEM;

    memset(g, 0, sizeof(*g));
    count = mem_calloc((size_t)n_sk + 1, sizeof(*count));
    pos = mem_calloc((size_t)n_sk + 1, sizeof(*pos));
    if (!count || !pos)
        goto out;
    for (uint32_t i = 0; i < d->n; i++)
        if (!keep || keep[d->user[i]]) {
            count[d->skill[i]]++;
            n++;
        }
    if (n == 0) {
        r = -EINVAL;
        goto out;
    }
    g->n_answers = n;
    g->by_skill = mem_alloc((size_t)n_sk * sizeof(uint32_t));
    g->skill = mem_calloc(n_sk, sizeof(*g->skill));
    g->correct = mem_alloc(n);
    g->answer = mem_alloc((size_t)n * sizeof(uint32_t));
    if (d->item)
        g->item = mem_alloc((size_t)n * sizeof(uint32_t));
    if (!g->by_skill || !g->skill || !g->correct || !g->answer || (d->item && !g->item))
        goto out;
    for (uint32_t s = 0, off = 0; s < n_sk; s++) {
        pos[s] = off;
        off += count[s];
        g->by_skill[s] = UINT32_MAX;
        if (count[s]) {
            g->by_skill[s] = g->n_skills;
            g->skill[g->n_skills++] =
                (struct kt_skill){.skill = s, .first = pos[s], .count = count[s]};
        }
    }
    for (uint32_t k = 0; k < d->n; k++) {
        uint32_t i = d->by_user[k];
        if (keep && !keep[d->user[i]])
            continue;
        uint32_t at = pos[d->skill[i]]++;
        g->correct[at] = d->correct[i];
        g->answer[at] = i;
        if (g->item)
            g->item[at] = d->item[i]; /* global for now */
    }
    /* sequences: a new one wherever the user changes within a skill */
    for (uint32_t k = 0; k < g->n_skills; k++) {
        struct kt_skill *sk = &g->skill[k];
        sk->first_seq = g->n_seqs;
        for (uint32_t a = sk->first; a < sk->first + sk->count; a++)
            if (a == sk->first || d->user[g->answer[a]] != d->user[g->answer[a - 1]])
                sk->n_seqs++;
        g->n_seqs += sk->n_seqs;
    }
    g->seq_start = mem_alloc(((size_t)g->n_seqs + g->n_skills) * sizeof(uint32_t));
    g->seq_user = mem_alloc((size_t)g->n_seqs * sizeof(uint32_t));
    g->seq_class = mem_alloc((size_t)g->n_seqs + 1);
    if (!g->seq_start || !g->seq_user || !g->seq_class)
        goto out;
    for (uint32_t k = 0, off = 0; k < g->n_skills; k++) {
        struct kt_skill *sk = &g->skill[k];
        uint32_t q = sk->first_seq;
        sk->seq_off = off;
        for (uint32_t a = sk->first; a < sk->first + sk->count; a++)
            if (a == sk->first || d->user[g->answer[a]] != d->user[g->answer[a - 1]]) {
                g->seq_start[off++] = a - sk->first;
                g->seq_user[q] = d->user[g->answer[a]];
                g->seq_class[q] = g->correct[a];
                q++;
            }
        g->seq_start[off++] = sk->count;
    }
    if (g->item) {
        /* each skill's distinct items, sorted; answers then hold the local index */
        uint32_t total = 0;
        g->items = mem_alloc((size_t)n * sizeof(uint32_t));
        if (!g->items)
            goto out;
        for (uint32_t k = 0; k < g->n_skills; k++) {
            struct kt_skill *sk = &g->skill[k];
            uint32_t *it = g->items + total, m = 0;
            memcpy(it, g->item + sk->first, (size_t)sk->count * sizeof(uint32_t));
            qsort(it, sk->count, sizeof(uint32_t), u32_cmp);
            for (uint32_t i = 0; i < sk->count; i++)
                if (i == 0 || it[i] != it[m - 1])
                    it[m++] = it[i];
            sk->item_off = total;
            sk->n_items = m;
            total += m;
            for (uint32_t a = sk->first; a < sk->first + sk->count; a++) {
                uint32_t *hit = bsearch(&g->item[a], it, m, sizeof(uint32_t), u32_cmp);
                g->item[a] = (uint32_t)(hit - it);
            }
        }
    }
    r = 0;
out:
    mem_free(count);
    mem_free(pos);
    if (r < 0)
        kt_groups_release(g);
    return r;
}

void kt_groups_release(struct kt_groups *g)
{
    if (!g)
        return;
    mem_free(g->skill);
    mem_free(g->correct);
    mem_free(g->item);
    mem_free(g->answer);
    mem_free(g->seq_start);
    mem_free(g->seq_user);
    mem_free(g->seq_class);
    mem_free(g->items);
    mem_free(g->by_skill);
    memset(g, 0, sizeof(*g));
}
