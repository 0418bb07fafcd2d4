/*
 * The vocabulary of the access gate, shared by the gate (src/app/access.c)
 * and the store functions that return student data.
 *
 * A grant is the gate's permission for one action on one resource, made by
 * access_check() inside the read (or write) transaction that the guarded
 * read runs in. Every store function that returns student data takes a
 * grant and refuses (-EACCES) one that does not cover what it is asked
 * for, or that belongs to another connection or transaction. Outside the
 * gate and the store a grant is opaque: its definition (grant_impl.h) is
 * included only by src/app/access*.c and src/store/ (scripts/lint.sh checks
 * it), so only the gate can make one.
 *
 * The store also tells the grant which students it returned (their
 * users.id): the gate writes exactly those into the audit entry.
 */
#ifndef TRELLIS_STORE_GRANT_H
#define TRELLIS_STORE_GRANT_H

#include <stdint.h>

/* What a caller wants to do. Bits, so a grant can hold several. */
enum access_action {
    ACT_READ = 1u << 0,        /* read one record */
    ACT_LIST = 1u << 1,        /* list records (counts toward the bulk-export tripwire) */
    ACT_WRITE = 1u << 2,       /* change a record */
    ACT_EXPORT = 1u << 3,      /* take records out of Trellis (file export, forwarding) */
    ACT_ADMIN = 1u << 4,       /* administer: import rosters, manage clients, delete data */
    ACT_CREDENTIALS = 1u << 5, /* issue or revoke other people's login credentials (QR cards,
                                  passwords, second factors, unlocking, turning accounts off) */
    ACT_READ_SEALED = 1u << 6, /* read a person's sealed fields (contact data): not teachers */
};
#define ACT_ALL 0x7fu

/* What the action is on. */
enum access_kind {
    RES_PERSON = 1, /* a person's roster record: id = users.id */
    RES_CLASS,      /* a class and its roster: id = classes.id */
    RES_SCHOOL,     /* id = orgs.id of a school */
    RES_DISTRICT,   /* id = districts.id */
    RES_STATEMENTS, /* learning records (xAPI); id = users.id of the learner, 0 = the district's */
    RES_MASTERY,    /* what the learner model derived from a learner's statements: id = users.id */
    RES_STATE,      /* xAPI State documents; id = users.id of the learner, 0 = not linked */
    RES_PROFILES,   /* xAPI Activity and Agent Profile documents */
    RES_DOC_META,   /* the Activities and Agents resources (definitions, person objects) */
    RES_AUDIT,      /* the record of access to a student's records: id = users.id; id 0: the
                       district's whole audit log (reading it by actor, denials, verifying) */
    RES_CLIENTS,    /* the district's API clients (adding, listing, revoking): id = districts.id */
    RES_SETTINGS,   /* the server's effective settings (never secrets): id = districts.id */
    /*
     * a class's learning records and what the learner model derived from
     * them, student by student (the teacher views): id = classes.id
     */
    RES_CLASS_LEARNING,
    /* a class's assignments and its students' progress on them: id = classes.id */
    RES_ASSIGNMENTS,
    RES_SCHOOL_STATS,   /* a school's aggregates, small cells suppressed: id = orgs.id */
    RES_DISTRICT_STATS, /* the district's aggregates, small cells suppressed: id = districts.id */
    /*
     * a student's home connectivity: survey answers (sealed), referrals to
     * low-cost internet programmes, survey codes: id = users.id
     */
    RES_CONNECTIVITY,
    /*
     * a school's home-connectivity work: its students' answers and
     * referrals listed, survey codes issued, digital-literacy sessions and
     * their attendance: id = orgs.id
     */
    RES_SCHOOL_CONNECTIVITY,
    /*
     * the equity figures (home connectivity by school and grade, and the
     * learning of students with and without an adequate connection), small
     * cells suppressed: id = orgs.id of a school, or districts.id
     */
    RES_SCHOOL_EQUITY,
    RES_DISTRICT_EQUITY,
    /* a person's micro-credentials (awarding, revoking, listing): id = users.id of the holder */
    RES_CREDENTIALS,
    /*
     * devices and hotspots with their loans (who holds what, each device's
     * history): id = orgs.id of a school (its devices), 0 = the district's
     * (every device, and those of no school)
     */
    RES_DEVICES,
    /* the devices a person was lent and what happened to them: id = users.id */
    RES_DEVICE_HISTORY,
    RES_KIND_MAX
};

struct access_resource {
    enum access_kind kind;
    int64_t district_id; /* 0: the district of the record (the gate finds it) */
    int64_t id;
};

struct grant;

#endif
