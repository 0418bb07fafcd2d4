/*
 * Where a content pack's files come from: a folder walked recursively, a
 * .zip (libzip), or files in memory (the pack built into the program).
 * Everything is read up front into one sorted list, with limits on the
 * number of files, the size of each and the total, so a hostile archive
 * cannot exhaust memory. Only *.json files are read; the names of other
 * files (figures) are kept so an importer can see what is there. Hidden
 * entries (a name starting with '.') and symbolic links are skipped.
 */
#include "base/common.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "app/content_internal.h"
#include "base/mem.h"

#define MAX_DEPTH 8

struct collect {
    struct content_file *v;
    size_t n, cap;
    size_t total;
    char *err;
    size_t errlen;
};

static bool is_json(const char *path)
{
    size_t n = strlen(path);
    return n > 5 && strcmp(path + n - 5, ".json") == 0;
}

static int add(struct collect *c, const char *path, char *data, size_t len)
{
    if (c->n == CONTENT_MAX_FILES) {
        snprintf(c->err, c->errlen, "more than %d files", CONTENT_MAX_FILES);
        mem_free(data);
        return -E2BIG;
    }
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        struct content_file *v = mem_realloc(c->v, cap * sizeof(*v));
        if (!v) {
            mem_free(data);
            return -ENOMEM;
        }
        c->v = v;
        c->cap = cap;
    }
    char *p = mem_strdup(path);
    if (!p) {
        mem_free(data);
        return -ENOMEM;
    }
    c->v[c->n++] = (struct content_file){p, data, len};
    return 0;
}

static int read_fd(struct collect *c, int fd, const char *rel, char **ret, size_t *ret_len)
{
    struct stat st;
    if (fstat(fd, &st) < 0) {
        snprintf(c->err, c->errlen, "%s: %s", rel, strerror(errno));
        return -EIO;
    }
    if ((uint64_t)st.st_size > CONTENT_MAX_FILE) {
        snprintf(c->err, c->errlen, "%s: larger than %u bytes", rel, CONTENT_MAX_FILE);
        return -E2BIG;
    }
    size_t n = (size_t)st.st_size;
    if (c->total + n > CONTENT_MAX_TOTAL) {
        snprintf(c->err, c->errlen, "the files add up to more than %u bytes", CONTENT_MAX_TOTAL);
        return -E2BIG;
    }
    char *buf = mem_alloc(n + 1);
    if (!buf)
        return -ENOMEM;
    size_t got = 0;
    while (got < n) {
        ssize_t k = read(fd, buf + got, n - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            snprintf(c->err, c->errlen, "%s: %s", rel, k < 0 ? strerror(errno) : "short read");
            mem_free(buf);
            return -EIO;
        }
        got += (size_t)k;
    }
    buf[n] = '\0';
    c->total += n;
    *ret = buf;
    *ret_len = n;
    return 0;
}

static int walk(struct collect *c, int fd_dir, const char *rel, int depth)
{
    DIR *d;
    struct dirent *e;
    int r = 0;

    if (depth > MAX_DEPTH) {
        snprintf(c->err, c->errlen, "%s: folders nested more than %d deep", rel, MAX_DEPTH);
        close(fd_dir);
        return -E2BIG;
    }
    d = fdopendir(fd_dir);
    if (!d) {
        close(fd_dir);
        snprintf(c->err, c->errlen, "%s: %s", *rel ? rel : ".", strerror(errno));
        return -EIO;
    }
    while (r == 0 && (e = readdir(d)) != NULL) {
        char path[4096];
        struct stat st;
        if (e->d_name[0] == '.')
            continue;
        if ((size_t)snprintf(path, sizeof(path), "%s%s%s", rel, *rel ? "/" : "", e->d_name) >=
            sizeof(path)) {
            snprintf(c->err, c->errlen, "%s: path too long", rel);
            r = -E2BIG;
            break;
        }
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            int fd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
            if (fd < 0) {
                snprintf(c->err, c->errlen, "%s: %s", path, strerror(errno));
                r = -EIO;
                break;
            }
            r = walk(c, fd, path, depth + 1);
        } else if (S_ISREG(st.st_mode)) {
            char *data = NULL;
            size_t len = 0;
            if (is_json(path)) {
                int fd = openat(dirfd(d), e->d_name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
                if (fd < 0) {
                    snprintf(c->err, c->errlen, "%s: %s", path, strerror(errno));
                    r = -EIO;
                    break;
                }
                r = read_fd(c, fd, path, &data, &len);
                close(fd);
                if (r < 0)
                    break;
            }
            r = add(c, path, data, len);
        }
    }
    closedir(d);
    return r;
}

static int cmp_file(const void *a, const void *b)
{
    return strcmp(((const struct content_file *)a)->path, ((const struct content_file *)b)->path);
}

static int finish(struct collect *c, int r, struct content_source **ret)
{
    struct content_source *s = r == 0 ? mem_calloc(1, sizeof(*s)) : NULL;

    if (s) {
        if (c->n) /* qsort's base may not be NULL, even for no elements */
            qsort(c->v, c->n, sizeof(c->v[0]), cmp_file);
        s->files = c->v;
        s->n = c->n;
        *ret = s;
        return 0;
    }
    if (r == 0)
        r = -ENOMEM;
    for (size_t i = 0; i < c->n; i++) {
        mem_free(c->v[i].path);
        mem_free(c->v[i].data);
    }
    mem_free(c->v);
    if (r == -ENOMEM && c->err[0] == '\0')
        snprintf(c->err, c->errlen, "out of memory");
    return r;
}

static int read_zip(struct collect *c, const char *path)
{
    zip_error_t ze;
    zip_t *z;
    int err = 0, r = 0;
    zip_int64_t n;
    char prefix[512] = "";
    bool common = true;

    z = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &err);
    if (!z) {
        zip_error_init_with_code(&ze, err);
        snprintf(c->err, c->errlen, "'%s': not a readable .zip file (%s)", path,
                 zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return -EINVAL;
    }
    n = zip_get_num_entries(z, 0);
    /* one folder holding everything is not part of the pack's paths */
    for (zip_int64_t i = 0; i < n && common; i++) {
        const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
        const char *slash = name ? strchr(name, '/') : NULL;
        if (!slash) {
            common = false;
        } else if (i == 0) {
            size_t k = (size_t)(slash - name) + 1;
            if (k >= sizeof(prefix))
                common = false;
            else
                memcpy(prefix, name, k), prefix[k] = '\0';
        } else if (strncmp(name, prefix, strlen(prefix)) != 0) {
            common = false;
        }
    }
    if (!common)
        prefix[0] = '\0';
    for (zip_int64_t i = 0; r == 0 && i < n; i++) {
        zip_stat_t zst;
        const char *name;
        if (zip_stat_index(z, (zip_uint64_t)i, 0, &zst) < 0 || !(zst.valid & ZIP_STAT_NAME))
            continue;
        name = zst.name + strlen(prefix);
        size_t nl = strlen(name);
        if (nl == 0 || name[nl - 1] == '/')
            continue; /* a folder entry */
        if (name[0] == '.' || strstr(name, "/.") || strstr(name, "..") || name[0] == '/') {
            continue; /* hidden, or a path that climbs out */
        }
        char *data = NULL;
        size_t len = 0;
        if (is_json(name)) {
            if (!(zst.valid & ZIP_STAT_SIZE) || zst.size > CONTENT_MAX_FILE) {
                snprintf(c->err, c->errlen, "%s: larger than %u bytes", name, CONTENT_MAX_FILE);
                r = -E2BIG;
                break;
            }
            len = (size_t)zst.size;
            if (c->total + len > CONTENT_MAX_TOTAL) {
                snprintf(c->err, c->errlen, "the files add up to more than %u bytes",
                         CONTENT_MAX_TOTAL);
                r = -E2BIG;
                break;
            }
            data = mem_alloc(len + 1);
            if (!data) {
                r = -ENOMEM;
                break;
            }
            zip_file_t *zf = zip_fopen_index(z, (zip_uint64_t)i, 0);
            zip_int64_t got = zf ? zip_fread(zf, data, len) : -1;
            if (zf)
                zip_fclose(zf);
            if (got < 0 || (size_t)got != len) {
                snprintf(c->err, c->errlen, "%s: cannot read it from the .zip", name);
                mem_free(data);
                r = -EINVAL;
                break;
            }
            data[len] = '\0';
            c->total += len;
        }
        r = add(c, name, data, len);
    }
    zip_discard(z);
    return r;
}

int content_source_path(const char *path, struct content_source **ret, char *err, size_t errlen)
{
    struct collect c = {.err = err, .errlen = errlen};
    struct stat st;
    int r;

    err[0] = '\0';
    if (stat(path, &st) < 0) {
        snprintf(err, errlen, "'%s': %s", path, strerror(errno));
        return -ENOENT;
    }
    if (S_ISDIR(st.st_mode)) {
        int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
            snprintf(err, errlen, "'%s': %s", path, strerror(errno));
            return -EIO;
        }
        r = walk(&c, fd, "", 0);
    } else {
        r = read_zip(&c, path);
    }
    return finish(&c, r, ret);
}

int content_source_memory(const struct content_memfile *files, size_t n,
                          struct content_source **ret)
{
    char err[64] = "";
    struct collect c = {.err = err, .errlen = sizeof(err)};
    int r = 0;

    for (size_t i = 0; r == 0 && i < n; i++) {
        char *data = mem_alloc(files[i].len + 1);
        if (!data) {
            r = -ENOMEM;
            break;
        }
        memcpy(data, files[i].data, files[i].len);
        data[files[i].len] = '\0';
        r = add(&c, files[i].path, data, files[i].len);
    }
    return finish(&c, r, ret);
}

const struct content_file *content_source_get(const struct content_source *s, const char *path)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int k = strcmp(s->files[mid].path, path);
        if (k == 0)
            return &s->files[mid];
        if (k < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

void content_source_free(struct content_source *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        mem_free(s->files[i].path);
        mem_free(s->files[i].data);
    }
    mem_free(s->files);
    mem_free(s);
}
