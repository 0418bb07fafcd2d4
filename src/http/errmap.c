/*
 * errno -> HTTP status. Services return -EINVAL for bad input, -ENOENT for
 * "not found or not yours" (so a record's existence is not revealed),
 * -EACCES for "known but not allowed", -EPERM for "log in first" (on
 * /xapi/ the answer also carries WWW-Authenticate), -EEXIST for conflicts,
 * -ESTALE for a failed precondition (If-Match / If-None-Match), -EBUSY for
 * "retry", -E2BIG for too large, -EAGAIN for throttling, -ENOTSUP for a
 * known but unsupported request, -ENOSYS for a method the resource does
 * not have, -EMEDIUMTYPE for a body of the wrong media type, -ENOKEY for
 * "check your second factor again" (the export tripwire, re-enrolment),
 * -EKEYEXPIRED for a one-use code that was used or has expired (410), and
 * the ERR_* codes of errmap.h.
 */
#include "base/common.h"

#include "http/errmap.h"

static const struct errmap_entry errmap[] = {
    {-EINVAL, 400, "invalid_argument", "Bad request"},
    {-EBADMSG, 400, "invalid_argument", "Bad request"},
    {-ENOTSUP, 400, "not_supported", "Not supported"},
    {-EPERM, 401, "unauthenticated", "Log in required"},
    {ERR_BAD_CREDENTIALS, 401, "invalid_credentials", "Log in required"},
    {ERR_NEED_TOTP, 401, "second_factor_required", "Log in required"},
    {ERR_ACCOUNT_DISABLED, 403, "account_disabled", "Not allowed"},
    {ERR_BUSY, 429, "busy", "Too many requests"},
    {-EACCES, 403, "forbidden", "Not allowed"},
    {-ENOKEY, 403, "second_factor_required", "A fresh second factor is needed"},
    {ERR_CSRF, 403, "csrf", "Not allowed"},
    {-ENOENT, 404, "not_found", "Not found"},
    {-ENOSYS, 405, "method_not_allowed", "Method not allowed"},
    {-EEXIST, 409, "conflict", "Conflict"},
    {-EKEYEXPIRED, 410, "gone", "No longer valid"},
    {-ESTALE, 412, "precondition_failed", "Precondition failed"},
    {-E2BIG, 413, "too_large", "Request too large"},
    {-EMEDIUMTYPE, 415, "unsupported_media_type", "Unsupported media type"},
    {-EAGAIN, 429, "too_many_requests", "Too many requests"},
    {-EBUSY, 503, "try_again", "Busy, try again"},
};

static const struct errmap_entry internal = {-EIO, 500, "internal", "Internal error"};

const struct errmap_entry *errmap_lookup(int err)
{
    for (size_t i = 0; i < ARRAY_SIZE(errmap); i++)
        if (errmap[i].err == err)
            return &errmap[i];
    return &internal;
}
