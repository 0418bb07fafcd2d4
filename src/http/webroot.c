/*
 * Web root loader: see webroot.h.
 */
#include "base/common.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "base/buf.h"
#include "base/mem.h"
#include "http/webroot.h"

#define MAX_FILES     4096
#define MAX_FILE_SIZE (8u * 1024 * 1024)

struct webroot {
    struct webfile *files; /* sorted by path */
    size_t n;
};

static const struct {
    const char *ext, *mime;
} mimes[] = {
    {".html", "text/html; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".json", "application/json"},
    {".webmanifest", "application/manifest+json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".webp", "image/webp"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
};

static const char *mime_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (dot)
        for (size_t i = 0; i < ARRAY_SIZE(mimes); i++)
            if (strcmp(dot, mimes[i].ext) == 0)
                return mimes[i].mime;
    return "application/octet-stream";
}

static uint64_t fnv1a(const unsigned char *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

int http_gzip(const void *in, size_t n, int level, size_t below, void **ret, size_t *ret_len)
{
    z_stream z;
    uLong bound;
    void *out;
    int r = -EINVAL;

    memset(&z, 0, sizeof(z));
    if (n > UINT_MAX || deflateInit2(&z, level, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        return -EINVAL;
    bound = deflateBound(&z, (uLong)n);
    out = mem_alloc(bound);
    if (!out) {
        deflateEnd(&z);
        return -ENOMEM;
    }
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)bound;
    if (deflate(&z, Z_FINISH) == Z_STREAM_END && z.total_out < below) {
        *ret = out;
        *ret_len = z.total_out;
        out = NULL;
        r = 0;
    }
    mem_free(out);
    deflateEnd(&z);
    return r;
}

static void compress_file(struct webfile *f)
{
    void *gz;
    size_t gzlen;

    if (f->len < 512 || strncmp(f->mime, "image/png", 9) == 0 || strncmp(f->mime, "font/", 5) == 0)
        return;
    /* kept only when it saves a tenth */
    if (http_gzip(f->data, f->len, 9, f->len * 9 / 10, &gz, &gzlen) == 0) {
        f->gz = gz;
        f->gzlen = gzlen;
    }
}

static int read_file(const char *full, unsigned char **ret, size_t *ret_len)
{
    struct stat st;
    int fd = open(full, O_RDONLY | O_CLOEXEC);
    unsigned char *d;
    size_t got = 0;

    if (fd < 0)
        return -errno;
    if (fstat(fd, &st) < 0 || (size_t)st.st_size > MAX_FILE_SIZE) {
        close(fd);
        return -E2BIG;
    }
    d = mem_alloc((size_t)st.st_size + 1);
    if (!d) {
        close(fd);
        return -ENOMEM;
    }
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, d + got, (size_t)st.st_size - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    *ret = d;
    *ret_len = got;
    return 0;
}

static int walk(struct webroot *w, const char *root, const char *rel, char *err, size_t errlen)
{
    char dirpath[4096];
    DIR *d;
    struct dirent *e;
    int r = 0;

    snprintf(dirpath, sizeof(dirpath), "%s%s", root, rel);
    d = opendir(dirpath);
    if (!d) {
        snprintf(err, errlen, "web_root: cannot open '%s': %s", dirpath, strerror(errno));
        return -ENOENT;
    }
    while (r == 0 && (e = readdir(d))) {
        char relp[2048], full[4096];
        struct stat st;
        if (e->d_name[0] == '.')
            continue;
        snprintf(relp, sizeof(relp), "%s/%s", rel, e->d_name);
        snprintf(full, sizeof(full), "%s%s", root, relp);
        if (stat(full, &st) < 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            r = walk(w, root, relp, err, errlen);
            continue;
        }
        if (!S_ISREG(st.st_mode))
            continue;
        if (w->n >= MAX_FILES) {
            snprintf(err, errlen, "web_root: more than %d files", MAX_FILES);
            r = -E2BIG;
            break;
        }
        struct webfile *f = &w->files[w->n];
        memset(f, 0, sizeof(*f));
        f->path = mem_strdup(relp);
        if (!f->path) {
            r = -ENOMEM;
            break;
        }
        r = read_file(full, &f->data, &f->len);
        if (r < 0) {
            snprintf(err, errlen, "web_root: cannot read '%s': %s", full, strerror(-r));
            mem_free(f->path);
            break;
        }
        f->mime = mime_of(relp);
        snprintf(f->etag, sizeof(f->etag), "\"%016llx\"",
                 (unsigned long long)fnv1a(f->data, f->len));
        compress_file(f);
        w->n++;
    }
    closedir(d);
    return r;
}

static const struct webfile *lookup(const struct webroot *w, const char *path);

static int cmp_files(const void *a, const void *b)
{
    return strcmp(((const struct webfile *)a)->path, ((const struct webfile *)b)->path);
}

int webroot_load(const char *dir, struct webroot **ret, char *err, size_t errlen)
{
    struct webroot *w = mem_calloc(1, sizeof(*w));
    int r;

    if (!w)
        return -ENOMEM;
    w->files = mem_calloc(MAX_FILES, sizeof(*w->files));
    if (!w->files) {
        mem_free(w);
        return -ENOMEM;
    }
    r = walk(w, dir, "", err, errlen);
    if (r < 0) {
        webroot_free(w);
        return r;
    }
    qsort(w->files, w->n, sizeof(*w->files), cmp_files);
    *ret = w;
    return 0;
}

int webroot_add_file(struct webroot *w, const char *url_path, const char *file, size_t max_len,
                     char *err, size_t errlen)
{
    struct webfile f = {0};
    struct stat st;
    int r;

    if (stat(file, &st) < 0) {
        snprintf(err, errlen, "cannot read '%s': %s", file, strerror(errno));
        return -ENOENT;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "'%s' is not a file", file);
        return -EINVAL;
    }
    if ((size_t)st.st_size > max_len) {
        snprintf(err, errlen, "'%s' is larger than %zu bytes", file, max_len);
        return -E2BIG;
    }
    r = read_file(file, &f.data, &f.len);
    if (r < 0) {
        snprintf(err, errlen, "cannot read '%s': %s", file, strerror(-r));
        return r;
    }
    f.path = mem_strdup(url_path);
    if (!f.path) {
        mem_free(f.data);
        return -ENOMEM;
    }
    f.mime = mime_of(url_path);
    snprintf(f.etag, sizeof(f.etag), "\"%016llx\"", (unsigned long long)fnv1a(f.data, f.len));
    compress_file(&f);
    struct webfile *old = (struct webfile *)lookup(w, url_path);
    if (old) {
        mem_free(old->path);
        mem_free(old->data);
        mem_free(old->gz);
        *old = f;
        return 0;
    }
    if (w->n >= MAX_FILES) {
        snprintf(err, errlen, "web_root: more than %d files", MAX_FILES);
        mem_free(f.path);
        mem_free(f.data);
        mem_free(f.gz);
        return -E2BIG;
    }
    w->files[w->n++] = f;
    qsort(w->files, w->n, sizeof(*w->files), cmp_files);
    return 0;
}

void webroot_free(struct webroot *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->n; i++) {
        mem_free(w->files[i].path);
        mem_free(w->files[i].data);
        mem_free(w->files[i].gz);
    }
    mem_free(w->files);
    mem_free(w);
}

size_t webroot_count(const struct webroot *w)
{
    return w->n;
}

static const struct webfile *lookup(const struct webroot *w, const char *path)
{
    struct webfile key = {.path = (char *)path};
    return bsearch(&key, w->files, w->n, sizeof(*w->files), cmp_files);
}

const struct webfile *webroot_find(const struct webroot *w, const char *path)
{
    char alt[1024];
    const struct webfile *f;
    size_t n = strlen(path);

    if (n == 0 || path[0] != '/' || n > 900 || strstr(path, "/.") || strstr(path, "//"))
        return NULL;
    if (path[n - 1] == '/') {
        snprintf(alt, sizeof(alt), "%sindex.html", path);
        return lookup(w, alt);
    }
    f = lookup(w, path);
    if (f)
        return f;
    snprintf(alt, sizeof(alt), "%s.html", path);
    return lookup(w, alt);
}
