/*
 * Answer logs for the learner model: parsing the two file formats and
 * grouping answers by skill into the sequences src/core/bkt.h fits.
 *
 * Formats:
 *   dkt  three lines per student: the number of answers; the skill (or item)
 *        ids, comma-separated non-negative integers; the answers, 0 or 1.
 *        A trailing comma, blank lines between students and CRLF are
 *        accepted. Students are numbered by their position in the file.
 *   csv  a header naming the columns, then one answer per line. Columns:
 *        user (or user_id, student), skill (or skill_id), item (or item_id),
 *        correct (0 or 1) and order (or order_id; a number); others are
 *        ignored. Fields may be double-quoted ("" inside quotes is one ").
 *        A user's answers are taken in order of the order column (ties and
 *        a missing column: file order).
 *
 * Every error names the line (and the column) and what is wrong. Parsing
 * does not touch files; kt_load_file() reads one (capped in size) and
 * parses it. Not thread-safe per object; separate objects are independent.
 */
#ifndef TRELLIS_APP_MODEL_DATA_H
#define TRELLIS_APP_MODEL_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* AUTO: dkt if the first line that is not blank is a number, else csv. */
enum kt_format { KT_FORMAT_AUTO, KT_FORMAT_DKT, KT_FORMAT_CSV };

/* Largest input accepted, in bytes and in answers. */
#define KT_MAX_BYTES   (1024u * 1024u * 1024u)
#define KT_MAX_ANSWERS (200u * 1000u * 1000u)

/* Distinct labels, each with a dense index (the order of first appearance). */
struct kt_names {
    char **name;
    uint32_t n, cap;
    uint32_t *slot; /* open addressing: index + 1, 0 = empty */
    uint32_t n_slot;
};

/* The index of label s (len bytes) or -ENOENT. */
int kt_names_find(const struct kt_names *t, const char *s, size_t len, uint32_t *ret);

struct kt_data {
    uint32_t n; /* answers, in file order */
    uint32_t *user;
    uint32_t *skill; /* dkt: the tag on each answer */
    uint32_t *item;  /* NULL without an item column */
    uint8_t *correct;
    uint32_t *by_user; /* answer indices sorted by (user, order, file position) */
    uint32_t n_users;  /* dkt: users are 0..n_users-1, named by number */
    bool users_numbered;
    struct kt_names users, skills, items;
};

/*
 * Parse text of len bytes (need not be NUL-terminated) into *ret (which is
 * reset first). 0, -EINVAL with err = "line N: reason", or -ENOMEM. On
 * failure *ret holds nothing that needs freeing.
 */
int kt_parse(const char *text, size_t len, enum kt_format fmt, struct kt_data *ret, char *err,
             size_t errsz);
/* Read and parse a file; errors are "PATH: line N: reason" or "PATH: strerror". */
int kt_load_file(const char *path, enum kt_format fmt, struct kt_data *ret, char *err,
                 size_t errsz);
void kt_data_release(struct kt_data *d);
/* The user's label: its name, or its number for dkt files (into buf). */
const char *kt_user_label(const struct kt_data *d, uint32_t user, char *buf, size_t bufsz);

/* The answers of one skill, in sequences by user. */
struct kt_skill {
    uint32_t skill; /* index in kt_data.skills */
    uint32_t first; /* answers [first, first + count) of the grouped arrays */
    uint32_t count;
    uint32_t first_seq; /* sequences [first_seq, first_seq + n_seqs) */
    uint32_t n_seqs;
    uint32_t seq_off;  /* seq_start[seq_off .. seq_off + n_seqs]: offsets within the skill */
    uint32_t item_off; /* items[item_off .. item_off + n_items]: the skill's items (global ids) */
    uint32_t n_items;
};

struct kt_groups {
    uint32_t n_skills; /* skills with at least one answer */
    struct kt_skill *skill;
    uint32_t n_answers, n_seqs;
    uint8_t *correct; /* grouped: by skill, then user, then order */
    uint32_t *item;   /* local item index within the skill (NULL without items) */
    uint32_t *answer; /* grouped position -> index in kt_data */
    uint32_t *seq_start;
    uint32_t *seq_user; /* per sequence */
    uint8_t *seq_class; /* per sequence: its first answer (the two-prior heuristic) */
    uint32_t *items;    /* per skill, the sorted global item ids; local index = position */
    uint32_t *by_skill; /* kt_data skill index -> position in skill[], or UINT32_MAX */
};

/*
 * Group the answers of the users with keep[user] != 0 (keep NULL: all) by
 * skill. 0, -ENOMEM, or -EINVAL if no answer is kept.
 */
int kt_group(const struct kt_data *d, const uint8_t *keep, struct kt_groups *ret);
void kt_groups_release(struct kt_groups *g);

#endif
