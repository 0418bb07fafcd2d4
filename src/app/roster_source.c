/*
 * Where a OneRoster set comes from: a folder, a .zip (a file or bytes from
 * an upload, read with libzip), or files held in memory (the demo
 * generator). Files are read whole on first use and kept until the source
 * is freed; only the top level of a .zip counts, as the CSV binding says.
 *
 * A .zip member's sizes are the archive's claims: a member that claims more
 * than the source's limit (the upload limit) is refused before anything is
 * allocated, and a member is read into a buffer that grows with what it
 * really unpacks to and stops at the limit, so a lying header or a zip bomb
 * costs at most the limit.
 */
#include "base/common.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "app/roster.h"
#include "base/mem.h"

#define MAX_FILES 16
/* the first read buffer of a .zip member; it doubles as the member unpacks */
#define ZIP_CHUNK ((size_t)64 << 10)

enum src_type { SRC_DIR, SRC_ZIP, SRC_MEM };

struct loaded {
    char *name;
    const char *data;
    size_t len;
    void *map;  /* mmap'ed (folder) */
    char *heap; /* malloc'ed (zip) */
};

struct roster_source {
    enum src_type type;
    char *dir;
    zip_t *zip;
    const struct roster_memfile *mem;
    size_t n_mem;
    struct loaded files[MAX_FILES];
    size_t n_files;
    size_t max; /* the most bytes a .zip member may unpack to */
};

static int new_source(enum src_type t, struct roster_source **ret)
{
    struct roster_source *s = mem_calloc(1, sizeof(*s));
    if (!s)
        return -ENOMEM;
    s->type = t;
    s->max = ROSTER_SOURCE_MAX;
    *ret = s;
    return 0;
}

void roster_source_limit(struct roster_source *s, size_t max)
{
    s->max = MIN(max, SIZE_MAX / 4);
}

int roster_source_dir(const char *path, struct roster_source **ret, char *err, size_t errlen)
{
    struct stat st;
    struct roster_source *s;
    if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "'%s' is not a folder", path);
        return -ENOENT;
    }
    if (new_source(SRC_DIR, &s) < 0)
        return -ENOMEM;
    s->dir = mem_strdup(path);
    if (!s->dir) {
        mem_free(s);
        return -ENOMEM;
    }
    *ret = s;
    return 0;
}

static int open_zip(zip_source_t *zs, struct roster_source **ret, char *err, size_t errlen,
                    const char *what)
{
    zip_error_t ze;
    zip_t *z;
    struct roster_source *s;

    zip_error_init(&ze);
    z = zip_open_from_source(zs, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
    if (!z) {
        snprintf(err, errlen, "%s: not a readable .zip file (%s)", what, zip_error_strerror(&ze));
        zip_error_fini(&ze);
        zip_source_free(zs);
        return -EINVAL;
    }
    zip_error_fini(&ze);
    if (new_source(SRC_ZIP, &s) < 0) {
        zip_discard(z);
        return -ENOMEM;
    }
    s->zip = z;
    *ret = s;
    return 0;
}

int roster_source_zip(const char *path, struct roster_source **ret, char *err, size_t errlen)
{
    zip_error_t ze;
    zip_source_t *zs;

    zip_error_init(&ze);
    zs = zip_source_file_create(path, 0, -1, &ze);
    if (!zs) {
        snprintf(err, errlen, "'%s': %s", path, zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return -ENOENT;
    }
    zip_error_fini(&ze);
    return open_zip(zs, ret, err, errlen, path);
}

int roster_source_zip_buffer(const void *p, size_t n, struct roster_source **ret, char *err,
                             size_t errlen)
{
    zip_error_t ze;
    zip_source_t *zs;

    zip_error_init(&ze);
    zs = zip_source_buffer_create(n ? p : "", n, 0, &ze);
    zip_error_fini(&ze);
    if (!zs)
        return -ENOMEM;
    return open_zip(zs, ret, err, errlen, "body");
}

int roster_source_path(const char *path, struct roster_source **ret, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        snprintf(err, errlen, "'%s': %s", path, strerror(errno));
        return -ENOENT;
    }
    if (S_ISDIR(st.st_mode))
        return roster_source_dir(path, ret, err, errlen);
    return roster_source_zip(path, ret, err, errlen);
}

int roster_source_memory(const struct roster_memfile *files, size_t n, struct roster_source **ret)
{
    struct roster_source *s;
    if (new_source(SRC_MEM, &s) < 0)
        return -ENOMEM;
    s->mem = files;
    s->n_mem = n;
    *ret = s;
    return 0;
}

static int load_dir(struct roster_source *s, const char *name, struct loaded *l, char *err,
                    size_t errlen)
{
    char path[4096];
    struct stat st;
    int fd;

    snprintf(path, sizeof(path), "%s/%s", s->dir, name);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return -ENOENT;
        snprintf(err, errlen, "%s: %s", name, strerror(errno));
        return -EIO;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        snprintf(err, errlen, "%s: not a regular file", name);
        return -EINVAL;
    }
    l->len = (size_t)st.st_size;
    if (l->len > 0) {
        /* mapped, not copied: the kernel pages a large file in and out as the import reads it */
        l->map = mmap(NULL, l->len, PROT_READ, MAP_PRIVATE, fd, 0);
        if (l->map == MAP_FAILED) {
            l->map = NULL;
            close(fd);
            snprintf(err, errlen, "%s: %s", name, strerror(errno));
            return -EIO;
        }
        (void)madvise(l->map, l->len, MADV_SEQUENTIAL);
        l->data = l->map;
    } else {
        l->data = "";
    }
    close(fd);
    return 0;
}

static int load_zip(struct roster_source *s, const char *name, struct loaded *l, char *err,
                    size_t errlen)
{
    zip_stat_t zst;
    zip_file_t *zf;
    zip_int64_t idx = zip_name_locate(s->zip, name, 0);
    size_t cap, len = 0;
    char *heap;
    int r = 0;

    if (idx < 0)
        return -ENOENT;
    if (zip_stat_index(s->zip, (zip_uint64_t)idx, 0, &zst) < 0) {
        snprintf(err, errlen, "%s: cannot read its entry in the .zip", name);
        return -EINVAL;
    }
    /* what the archive claims only serves to refuse early; nothing is allocated by it */
    if ((zst.valid & ZIP_STAT_SIZE) && zst.size > s->max) {
        snprintf(err, errlen,
                 "%s: the .zip says it unpacks to %llu bytes, more than the upload limit of %zu "
                 "bytes",
                 name, (unsigned long long)zst.size, s->max);
        return -E2BIG;
    }
    zf = zip_fopen_index(s->zip, (zip_uint64_t)idx, 0);
    if (!zf) {
        snprintf(err, errlen, "%s: %s", name, zip_strerror(s->zip));
        return -EINVAL;
    }
    cap = MIN(ZIP_CHUNK, s->max + 1);
    heap = mem_alloc(cap + 1);
    if (!heap) {
        zip_fclose(zf);
        return -ENOMEM;
    }
    for (;;) {
        if (len == cap) {
            /* read one byte past the limit to know that it is past it */
            size_t grown = cap > (s->max + 1) / 2 ? s->max + 1 : cap * 2;
            char *p = mem_realloc(heap, grown + 1);
            if (!p) {
                r = -ENOMEM;
                break;
            }
            heap = p;
            cap = grown;
        }
        zip_int64_t got = zip_fread(zf, heap + len, cap - len);
        if (got < 0) {
            snprintf(err, errlen, "%s: damaged in the .zip (%s)", name, zip_file_strerror(zf));
            r = -EINVAL;
            break;
        }
        if (got == 0)
            break;
        len += (size_t)got;
        if (len > s->max) {
            snprintf(err, errlen, "%s: unpacks to more than the upload limit of %zu bytes", name,
                     s->max);
            r = -E2BIG;
            break;
        }
    }
    zip_fclose(zf);
    if (r < 0) {
        mem_free(heap);
        return r;
    }
    heap[len] = '\0';
    l->heap = heap;
    l->data = heap;
    l->len = len;
    return 0;
}

int roster_source_list(struct roster_source *s, int (*cb)(void *arg, const char *name), void *arg)
{
    int r = 0;

    if (s->type == SRC_MEM) {
        for (size_t i = 0; r == 0 && i < s->n_mem; i++)
            if (s->mem[i].name[0] != '.' && !strchr(s->mem[i].name, '/'))
                r = cb(arg, s->mem[i].name);
        return r;
    }
    if (s->type == SRC_ZIP) {
        zip_int64_t n = zip_get_num_entries(s->zip, 0);
        for (zip_int64_t i = 0; r == 0 && i < n; i++) {
            const char *name = zip_get_name(s->zip, (zip_uint64_t)i, 0);
            /* members in folders (and the folders themselves) are not part of the set */
            if (name && name[0] && name[0] != '.' && !strchr(name, '/'))
                r = cb(arg, name);
        }
        return r;
    }
    DIR *d = opendir(s->dir);
    struct dirent *e;
    if (!d)
        return -errno;
    while (r == 0 && (e = readdir(d))) {
        struct stat st;
        if (e->d_name[0] == '.' || fstatat(dirfd(d), e->d_name, &st, 0) < 0 || !S_ISREG(st.st_mode))
            continue;
        r = cb(arg, e->d_name);
    }
    closedir(d);
    return r;
}

int roster_source_get(struct roster_source *s, const char *name, const char **ret_data,
                      size_t *ret_len, char *err, size_t errlen)
{
    struct loaded l = {0};
    int r;

    for (size_t i = 0; i < s->n_files; i++) {
        if (strcmp(s->files[i].name, name) == 0) {
            *ret_data = s->files[i].data;
            *ret_len = s->files[i].len;
            return 0;
        }
    }
    if (s->type == SRC_MEM) {
        for (size_t i = 0; i < s->n_mem; i++) {
            if (strcmp(s->mem[i].name, name) == 0) {
                *ret_data = s->mem[i].data;
                *ret_len = s->mem[i].len;
                return 0;
            }
        }
        return -ENOENT;
    }
    if (s->n_files >= MAX_FILES)
        return -E2BIG;
    r = s->type == SRC_DIR ? load_dir(s, name, &l, err, errlen)
                           : load_zip(s, name, &l, err, errlen);
    if (r < 0) {
        mem_free(l.heap);
        if (l.map)
            munmap(l.map, l.len);
        return r;
    }
    l.name = mem_strdup(name);
    if (!l.name) {
        mem_free(l.heap);
        if (l.map)
            munmap(l.map, l.len);
        return -ENOMEM;
    }
    s->files[s->n_files++] = l;
    *ret_data = l.data;
    *ret_len = l.len;
    return 0;
}

void roster_source_done_before(struct roster_source *s, const char *name, const char *upto)
{
    long page = sysconf(_SC_PAGESIZE);
    for (size_t i = 0; i < s->n_files; i++) {
        struct loaded *l = &s->files[i];
        if (!l->map || strcmp(l->name, name) != 0)
            continue;
        if (upto < l->data || upto > l->data + l->len || page <= 0)
            return;
        size_t n = (size_t)(upto - l->data) / (size_t)page * (size_t)page;
        if (n > 0)
            (void)madvise(l->map, n, MADV_DONTNEED);
        return;
    }
}

void roster_source_drop(struct roster_source *s, const char *name)
{
    for (size_t i = 0; i < s->n_files; i++) {
        struct loaded *l = &s->files[i];
        if (strcmp(l->name, name) != 0)
            continue;
        mem_free(l->name);
        mem_free(l->heap);
        if (l->map)
            munmap(l->map, l->len);
        s->files[i] = s->files[--s->n_files];
        return;
    }
}

void roster_source_free(struct roster_source *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_files; i++) {
        mem_free(s->files[i].name);
        mem_free(s->files[i].heap);
        if (s->files[i].map)
            munmap(s->files[i].map, s->files[i].len);
    }
    if (s->zip)
        zip_discard(s->zip);
    mem_free(s->dir);
    mem_free(s);
}
