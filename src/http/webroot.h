/*
 * The web pages: every file under web_root read into memory at start, with
 * its MIME type, a strong ETag and a gzip copy for slow connections. Served
 * read-only; changing a file needs a restart. Thread-safe after load.
 */
#ifndef TRELLIS_HTTP_WEBROOT_H
#define TRELLIS_HTTP_WEBROOT_H

#include <stddef.h>

#include "base/common.h"

struct webfile {
    char *path; /* "/index.html" */
    unsigned char *data;
    size_t len;
    unsigned char *gz; /* NULL when compression does not pay */
    size_t gzlen;
    const char *mime;
    char etag[24]; /* "\"<16 hex>\"" */
};

struct webroot;

/* Load every regular file under dir (at most 4096 files, 8 MB each). */
int webroot_load(const char *dir, struct webroot **ret, char *err, size_t errlen);
void webroot_free(struct webroot *w);
/*
 * Serve file (read now, at most max_len bytes) at url_path too, replacing a
 * file of the web root there: the district's logo. 0, or negative errno with
 * a message naming the file in err.
 */
int webroot_add_file(struct webroot *w, const char *url_path, const char *file, size_t max_len,
                     char *err, size_t errlen);
/* The file for a URL path ("/" -> "/index.html", "/x" -> "/x.html"), or NULL. */
const struct webfile *webroot_find(const struct webroot *w, const char *path);
size_t webroot_count(const struct webroot *w);
/*
 * in (n bytes) gzip-compressed at level (1-9) into a new buffer: 0 with *ret
 * and *ret_len when the result is shorter than below bytes; else -EINVAL
 * (it would not pay) or -ENOMEM. For the static files and JSON answers.
 */
int http_gzip(const void *in, size_t n, int level, size_t below, void **ret, size_t *ret_len);

#endif
