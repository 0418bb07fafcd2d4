/*
 * The one place where errors become HTTP statuses.
 */
#ifndef TRELLIS_HTTP_ERRMAP_H
#define TRELLIS_HTTP_ERRMAP_H

struct errmap_entry {
    int err;
    unsigned status;
    const char *code;
    const char *title;
};

/* The entry for a negative errno; anything unknown is 500 "internal". */
const struct errmap_entry *errmap_lookup(int err);

#endif
