/*
 * Fuzz the OneRoster validator and import: the input is a set of files
 * separated by lines "==> NAME" (manifest.csv, orgs.csv, users.csv ...). A
 * line "==> --" ends a set: the files after it are a second set, imported
 * after the first into the same database (a delta on top of a bulk set, in
 * one input), by an API client with roster/write into the first set's
 * district when that one was imported (as the HTTP route would), else by
 * the operator. The import runs against an in-memory SQLite database; it
 * must never crash or leak, and an import that fails must report at least
 * one error or a reason.
 */
#include "base/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "app/ctx.h"
#include "app/principal.h"
#include "app/roster.h"
#include "base/arena.h"
#include "fuzz.h"
#include "store/store.h"

static struct store *store;
static unsigned runs;
static bool verbose;

static void open_store(void)
{
    char key[64], err[256];
    struct store_options so = {.create = true, .create_key = true, .pool_size = 1};
    snprintf(key, sizeof(key), "/tmp/trellis-fuzz-%d.key", (int)getpid());
    so.key_file = key;
    if (store_open(":memory:", &so, &store, err, sizeof(err)) < 0) {
        fprintf(stderr, "fuzz_oneroster: %s\n", err);
        abort();
    }
}

/*
 * Import one set: the files from "==> NAME" sections up to "==> --" or the
 * end; *p moves on. *district: in, the district to import into as an API
 * client (0: as the operator); out, the district imported into (0 if the
 * import failed). True when a second set follows ("==> --" was met).
 */
static bool import_set(const char **p, const char *end, int64_t *district)
{
    bool more = false;
    struct roster_memfile files[12];
    char names[12][40];
    size_t n = 0;
    struct roster_source *src = NULL;
    struct roster_report rep;
    struct arena arena = ARENA_INIT;
    struct ctx c;
    int r;

    /* split "==> name\n" sections */
    while (*p < end && n < ARRAY_SIZE(files)) {
        const char *nl, *next;
        if (end - *p < 4 || memcmp(*p, "==> ", 4) != 0)
            break;
        nl = memchr(*p, '\n', (size_t)(end - *p));
        if (!nl || nl - *p - 4 >= (long)sizeof(names[0]))
            break;
        snprintf(names[n], sizeof(names[n]), "%.*s", (int)(nl - *p - 4), *p + 4);
        next = nl + 1;
        if (strcmp(names[n], "--") == 0) {
            *p = next;
            more = true;
            break;
        }
        const char *q = next;
        while (q < end &&
               !(q + 4 <= end && memcmp(q, "==> ", 4) == 0 && (q == next || q[-1] == '\n')))
            q++;
        files[n].name = names[n];
        files[n].data = next;
        files[n].len = (size_t)(q - next);
        n++;
        *p = q;
    }
    if (roster_source_memory(files, n, &src) < 0)
        return false;
    ctx_init(&c, store, NULL, &arena, 1700000000000LL, "fuzz");
    struct principal op;
    principal_operator(&op, 0, "fuzz");
    c.who = &op;
    struct roster_import_opts o = {.as_operator = true, .source_label = "fuzz"};
    struct principal client = {.kind = PRINCIPAL_CLIENT,
                               .district_id = *district,
                               .account_id = 1,
                               .name = "fuzz client",
                               .scopes = SCOPE_ROSTER_WRITE};
    if (*district) {
        c.who = &client;
        o.as_operator = false;
        o.district_id = *district;
    }
    r = roster_import(&c, src, &o, &rep);
    if ((r == -EINVAL || r == -EACCES || r == -ENOKEY || r == -E2BIG) && rep.n_errors == 0 &&
        rep.more_errors == 0 && !c.err[0])
        abort();
    *district = r == 0 ? rep.district_id : 0;
    if (verbose) /* FUZZ_VERBOSE=1: what each set of an input did (for writing corpus entries) */
        for (size_t i = 0; i < rep.n_errors; i++)
            fprintf(stderr, "%s: %s\n", c.who == &client ? "client" : "operator", rep.errors[i]);
    ctx_release(&c);
    roster_report_release(&rep);
    roster_source_free(src);
    arena_release(&arena);
    return more;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *end = p + size;

    if (!store)
        verbose = getenv("FUZZ_VERBOSE") != NULL;
    if (!store || ++runs % 500 == 0) {
        store_close(store);
        open_store();
    }
    int64_t district = 0;
    if (import_set(&p, end, &district))
        (void)import_set(&p, end, &district);
    return 0;
}
