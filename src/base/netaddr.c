/*
 * IP addresses, ranges and the forwarding headers of proxies: see
 * netaddr.h. Header values are walked through views; nothing is
 * allocated.
 */
#include "base/common.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <strings.h>
#include <sys/socket.h>

#include "base/netaddr.h"

/* ::ffff:a.b.c.d is a.b.c.d */
static void unmap(struct netaddr *a)
{
    static const uint8_t prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (a->family == AF_INET6 && memcmp(a->a, prefix, sizeof(prefix)) == 0) {
        memmove(a->a, a->a + 12, 4);
        memset(a->a + 4, 0, 12);
        a->family = AF_INET;
    }
}

int netaddr_parse(struct str s, struct netaddr *ret)
{
    char text[64];
    struct netaddr a;

    s = str_trim(s);
    if (s.len >= 2 && s.p[0] == '[' && s.p[s.len - 1] == ']') {
        s.p++;
        s.len -= 2;
    }
    if (s.len == 0 || s.len >= sizeof(text) || memchr(s.p, '\0', s.len))
        return -EINVAL;
    memcpy(text, s.p, s.len);
    text[s.len] = '\0';
    memset(&a, 0, sizeof(a));
    if (inet_pton(AF_INET, text, a.a) == 1)
        a.family = AF_INET;
    else if (inet_pton(AF_INET6, text, a.a) == 1)
        a.family = AF_INET6;
    else
        return -EINVAL;
    unmap(&a);
    *ret = a;
    return 0;
}

int netaddr_from_sockaddr(const struct sockaddr *sa, struct netaddr *ret)
{
    struct netaddr a;

    memset(&a, 0, sizeof(a));
    if (!sa)
        return -EAFNOSUPPORT;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
        a.family = AF_INET;
        memcpy(a.a, &in->sin_addr, 4);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
        a.family = AF_INET6;
        memcpy(a.a, &in6->sin6_addr, 16);
        unmap(&a);
    } else {
        return -EAFNOSUPPORT;
    }
    *ret = a;
    return 0;
}

void netaddr_format(const struct netaddr *a, char out[NETADDR_TEXT_MAX])
{
    if (!inet_ntop(a->family == AF_INET ? AF_INET : AF_INET6, a->a, out, NETADDR_TEXT_MAX))
        snprintf(out, NETADDR_TEXT_MAX, "-");
}

bool netaddr_equal(const struct netaddr *a, const struct netaddr *b)
{
    return a->family == b->family && memcmp(a->a, b->a, sizeof(a->a)) == 0;
}

bool netaddr_is_loopback(const struct netaddr *a)
{
    static const uint8_t one[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    if (a->family == AF_INET)
        return a->a[0] == 127;
    return memcmp(a->a, one, 16) == 0;
}

void netaddr_limit_key(const struct netaddr *a, struct netaddr *ret)
{
    *ret = *a;
    if (a->family == AF_INET6)
        memset(ret->a + 8, 0, 8);
}

static void mask(struct netaddr *a, unsigned prefix)
{
    for (unsigned bit = prefix; bit < 128; bit++)
        a->a[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));
}

static bool in_range(const struct netaddr_range *r, const struct netaddr *a)
{
    struct netaddr m;
    if (r->net.family != a->family)
        return false;
    m = *a;
    mask(&m, r->prefix);
    return memcmp(m.a, r->net.a, sizeof(m.a)) == 0;
}

bool netaddr_list_match(const struct netaddr_range *list, size_t n, const struct netaddr *a)
{
    for (size_t i = 0; i < n; i++)
        if (in_range(&list[i], a))
            return true;
    return false;
}

static bool is_sep(char c)
{
    return c == ',' || c == ' ' || c == '\t';
}

int netaddr_list_parse(const char *text, struct netaddr_range *out, size_t max, size_t *ret_n,
                       char *why, size_t whylen)
{
    const char *p = text ? text : "";
    size_t n = 0;

    if (max > NETADDR_LIST_MAX)
        max = NETADDR_LIST_MAX;
    for (;;) {
        struct netaddr_range r;
        struct str tok, addr;
        const char *slash;
        int64_t prefix;

        while (*p && is_sep(*p))
            p++;
        if (!*p)
            break;
        tok.p = p;
        while (*p && !is_sep(*p))
            p++;
        tok.len = (size_t)(p - tok.p);
        slash = memchr(tok.p, '/', tok.len);
        addr = (struct str){tok.p, slash ? (size_t)(slash - tok.p) : tok.len};
        if (netaddr_parse(addr, &r.net) < 0) {
            snprintf(why, whylen, "'%.*s' is not an IP address or ADDRESS/PREFIX", STR_FMT(tok));
            return -EINVAL;
        }
        r.prefix = r.net.family == AF_INET ? 32 : 128;
        if (slash) {
            struct str ps = {slash + 1, tok.len - (size_t)(slash + 1 - tok.p)};
            if (str_to_int64(ps, 0, r.prefix, &prefix) < 0) {
                snprintf(why, whylen, "'%.*s': the prefix must be 0 to %u", STR_FMT(tok), r.prefix);
                return -EINVAL;
            }
            r.prefix = (unsigned)prefix;
        }
        mask(&r.net, r.prefix); /* "192.0.2.7/24" is 192.0.2.0/24 */
        if (n >= max) {
            snprintf(why, whylen, "more than %zu addresses", max);
            return -EINVAL;
        }
        out[n++] = r;
    }
    *ret_n = n;
    return 0;
}

/* ---- proxies ---- */

#define HOPS_MAX 64

/* The last HOPS_MAX items of a list; older ones fall off the front. */
struct hops {
    struct str item[HOPS_MAX];
    struct str proto[HOPS_MAX]; /* Forwarded: proto= of the same element */
    size_t n;
    size_t dropped;
};

static void hops_add(struct hops *h, struct str item, struct str proto)
{
    if (h->n == HOPS_MAX) {
        memmove(h->item, h->item + 1, (HOPS_MAX - 1) * sizeof(h->item[0]));
        memmove(h->proto, h->proto + 1, (HOPS_MAX - 1) * sizeof(h->proto[0]));
        h->n--;
        h->dropped++;
    }
    h->item[h->n] = item;
    h->proto[h->n] = proto;
    h->n++;
}

/* A comma-separated header (X-Forwarded-For, X-Forwarded-Proto): its trimmed items. */
static void split_list(const char *v, struct hops *h)
{
    struct str rest = str_from(v), tok;
    h->n = h->dropped = 0;
    if (!v)
        return;
    while (str_next(&rest, ',', &tok))
        hops_add(h, str_trim(tok), STR_NULL);
}

/* Next token or quoted string of a Forwarded value at *p; quotes are kept in the view. */
static struct str fwd_value(const char **p)
{
    const char *s = *p, *q = s;
    if (*q == '"') {
        for (q++; *q && *q != '"'; q++)
            if (*q == '\\' && q[1])
                q++;
        if (*q == '"')
            q++;
    } else {
        while (*q && *q != ';' && *q != ',' && *q != ' ' && *q != '\t')
            q++;
    }
    *p = q;
    return (struct str){s, (size_t)(q - s)};
}

/* Forwarded (RFC 7239 section 4): for= and proto= of each element, in order. */
static void split_forwarded(const char *v, struct hops *h)
{
    const char *p = v;
    struct str forv = STR_NULL, proto = STR_NULL;
    bool any = false;

    h->n = h->dropped = 0;
    if (!v)
        return;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == ';')
            p++;
        if (!*p || *p == ',') {
            if (any)
                hops_add(h, forv, proto);
            forv = proto = STR_NULL;
            any = false;
            if (!*p)
                break;
            p++;
            continue;
        }
        const char *k = p;
        while (*p && *p != '=' && *p != ';' && *p != ',')
            p++;
        struct str key = str_trim((struct str){k, (size_t)(p - k)});
        struct str val = STR_NULL;
        if (*p == '=') {
            p++;
            val = fwd_value(&p);
        }
        any = true;
        if (str_eq_nocase(key, "for"))
            forv = val;
        else if (str_eq_nocase(key, "proto"))
            proto = val;
        while (*p && *p != ';' && *p != ',')
            p++; /* junk after a value */
    }
}

/*
 * One hop's address: X-Forwarded-For items and Forwarded for= values may
 * be quoted and carry a port ("192.0.2.1:4711", "[2001:db8::1]:4711").
 */
static int hop_addr(struct str s, struct netaddr *ret)
{
    s = str_trim(s);
    if (s.len >= 2 && s.p[0] == '"' && s.p[s.len - 1] == '"') {
        s.p++;
        s.len -= 2;
    }
    if (s.len > 0 && s.p[0] == '[') {
        const char *rb = memchr(s.p, ']', s.len);
        if (!rb)
            return -EINVAL;
        s.len = (size_t)(rb + 1 - s.p); /* drop ":port" after the bracket */
    } else {
        const char *colon = memchr(s.p, ':', s.len);
        /* one colon: IPv4 with a port; more: a bare IPv6 address */
        if (colon && !memchr(colon + 1, ':', s.len - (size_t)(colon + 1 - s.p)))
            s.len = (size_t)(colon - s.p);
    }
    return netaddr_parse(s, ret);
}

static bool is_https(struct str proto)
{
    proto = str_trim(proto);
    if (proto.len >= 2 && proto.p[0] == '"' && proto.p[proto.len - 1] == '"') {
        proto.p++;
        proto.len -= 2;
    }
    return str_eq_nocase(proto, "https");
}

void netaddr_forwarded(const struct netaddr *peer, const char *xff, const char *xfp,
                       const char *fwd, const struct netaddr_range *trusted, size_t n,
                       struct netaddr *ret_client, bool *ret_https)
{
    struct hops addrs, protos = {.n = 0};
    const struct str *proto;
    size_t nproto;
    long chosen = -1;

    if (xff) {
        split_list(xff, &addrs);
        split_list(xfp, &protos);
        proto = protos.item;
        nproto = protos.n;
    } else {
        split_forwarded(fwd, &addrs);
        proto = addrs.proto; /* each element's own proto=, empty where it has none */
        nproto = addrs.n;
    }
    *ret_client = *peer;
    for (long i = (long)addrs.n - 1; i >= 0; i--) {
        struct netaddr a;
        if (hop_addr(addrs.item[i], &a) < 0) {
            /* what a trusted proxy says it saw is unreadable: we know only the proxy */
            *ret_client = *peer;
            chosen = -1;
            break;
        }
        *ret_client = a;
        chosen = i;
        if (!netaddr_list_match(trusted, n, &a))
            break;
    }

    /* the scheme the client used: its own position when the lists line up, else the last */
    *ret_https = false;
    if (chosen >= 0 && nproto == addrs.n && (!xff || protos.dropped == addrs.dropped) &&
        proto[chosen].len > 0) {
        *ret_https = is_https(proto[chosen]);
        return;
    }
    for (long i = (long)nproto - 1; i >= 0; i--) {
        if (proto[i].len > 0) {
            *ret_https = is_https(proto[i]);
            return;
        }
    }
}
