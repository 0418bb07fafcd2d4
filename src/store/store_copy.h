/*
 * Copy a whole Trellis database from SQLite to another database (PostgreSQL,
 * or SQLite), for `trellis migrate`: every table in foreign-key order, rows
 * in primary-key order and in multi-row batches, sealed fields as they are
 * (the target uses the same key file), all in one target transaction; then
 * each table is read back from the target and compared with the source by
 * row count and a BLAKE2b checksum over its rows in primary-key order.
 */
#ifndef TRELLIS_STORE_COPY_H
#define TRELLIS_STORE_COPY_H

#include <stdint.h>

#include "base/common.h"

struct store_copy_report {
    const char *table;
    int64_t rows;        /* rows in the source */
    int64_t target_rows; /* rows read back from the target */
    char checksum[33];   /* hex of the source rows' digest */
    bool match;          /* counts and checksums agree */
};

/*
 * Copy from (a SQLite path or sqlite:PATH) to to (an empty database: a
 * postgresql:// URL is created if missing). key_file is the sealing key of
 * the source, which the target keeps using. report(arg, r) is called once
 * per table after verification. 0 when every table matches; -EEXIST (the
 * target holds rows), -EINVAL, -ENOENT, -EIO, or -EBADMSG when a table does
 * not match; err says what failed.
 */
int store_copy(const char *from, const char *to, const char *key_file,
               void (*report)(void *arg, const struct store_copy_report *r), void *arg, char *err,
               size_t errlen);

#endif
