/*
 * IP addresses as values: parsing ("192.0.2.1", "2001:db8::1", "[::1]"),
 * address ranges ("10.0.0.0/8"), lists of ranges (the `trusted_proxies`
 * setting), and the client behind trusted proxies as X-Forwarded-For,
 * X-Forwarded-Proto and Forwarded (RFC 7239) tell it.
 *
 * An IPv4-mapped IPv6 address (::ffff:192.0.2.1, what a dual-stack socket
 * reports) is the IPv4 address. Pure and reentrant (inet_pton and
 * inet_ntop only).
 */
#ifndef TRELLIS_NETADDR_H
#define TRELLIS_NETADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/str.h"

struct sockaddr;

struct netaddr {
    int family;    /* AF_INET or AF_INET6 */
    uint8_t a[16]; /* network order; IPv4 uses a[0..3], the rest is zero */
};

struct netaddr_range {
    struct netaddr net; /* the bits past prefix are zero */
    unsigned prefix;    /* 0-32 for IPv4, 0-128 for IPv6 */
};

/* Longest text netaddr_format() writes, with the NUL. */
#define NETADDR_TEXT_MAX 46
/* Most ranges a list may hold. */
#define NETADDR_LIST_MAX 32

/* An address from text (IPv6 may be in brackets). 0, or -EINVAL. */
int netaddr_parse(struct str s, struct netaddr *ret);
/* The address of an AF_INET or AF_INET6 socket address. 0, or -EAFNOSUPPORT. */
int netaddr_from_sockaddr(const struct sockaddr *sa, struct netaddr *ret);
/* The canonical text of a (inet_ntop) into out (NETADDR_TEXT_MAX bytes). */
void netaddr_format(const struct netaddr *a, char out[NETADDR_TEXT_MAX]);
bool netaddr_equal(const struct netaddr *a, const struct netaddr *b);
/* 127.0.0.0/8 or ::1. */
bool netaddr_is_loopback(const struct netaddr *a);
/*
 * The key that per-address limits count by: the address itself for IPv4,
 * its /64 for IPv6 (one subscriber usually holds a whole /64).
 */
void netaddr_limit_key(const struct netaddr *a, struct netaddr *ret);

/*
 * A list of addresses and ranges separated by commas or spaces
 * ("127.0.0.1, 10.0.0.0/8 ::1"); empty text is an empty list. At most max
 * (<= NETADDR_LIST_MAX) entries. 0 with *ret_n, or -EINVAL with the reason
 * (naming the entry) in why.
 */
int netaddr_list_parse(const char *text, struct netaddr_range *out, size_t max, size_t *ret_n,
                       char *why, size_t whylen);
/* Is a inside one of the n ranges? */
bool netaddr_list_match(const struct netaddr_range *list, size_t n, const struct netaddr *a);

/*
 * What the proxies in front of us say about the client. peer is the
 * address the connection came from; call this only when peer is trusted.
 * xff is the X-Forwarded-For header, xfp X-Forwarded-Proto and fwd
 * Forwarded (each may be NULL). The X-Forwarded-* pair is used when
 * X-Forwarded-For is present, else Forwarded (a proxy must set the one it
 * uses and drop the other).
 *
 * The client is the right-most address of the chain that is not a trusted
 * proxy (each proxy appends the address it saw); when every hop is trusted
 * it is the left-most; when that entry is not an address (garbage,
 * "unknown", an obfuscated name) it is peer. *ret_https tells whether the
 * scheme the client used was https: the proto value at the client's
 * position when the proto list is as long as the address list, else the
 * right-most one (what our own proxy set).
 */
void netaddr_forwarded(const struct netaddr *peer, const char *xff, const char *xfp,
                       const char *fwd, const struct netaddr_range *trusted, size_t n,
                       struct netaddr *ret_client, bool *ret_https);

#endif
