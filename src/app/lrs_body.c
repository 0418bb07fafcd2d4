/*
 * The stored form of a statement (lrs_body.h): its text without the
 * columns the LRS keeps beside it, deflated with a fixed dictionary.
 * Pure: no store, no clock; one deflate state per thread.
 */
#include "base/common.h"

#include <pthread.h>
#include <zlib.h>

#include "app/lrs_body.h"
#include "base/buf.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "store/store_lrs.h"

/* ---- the stored body ----
 *
 * A statement is stored without "stored" (and without "timestamp" when the
 * LRS set it, LRS_FLAG_TS_STORED): both are columns, spliced back in when
 * it is read, so the writer never touches the text. The text is deflated
 * with a preset dictionary of xAPI's common strings when that is smaller
 * (LRS_FLAG_DEFLATED); the dictionary can never change (the stored bodies
 * depend on it), a new one would need a new flag.
 */
static const char pack_dict[] =
    "\"interactionType\":\"choice\"\"correctResponsesPattern\":[\"moreInfo\":\"https://"
    "\"extensions\":{\"http://id.tincanapi.com/\"openid\":\"\"mbox_sha1sum\":\""
    "\"objectType\":\"SubStatement\"\"objectType\":\"StatementRef\"\"objectType\":\"Group\""
    "\"member\":[{\"attachments\":[{\"usageType\":\"\"sha2\":\"\"length\":"
    "\"completion\":true\"success\":false\"response\":\"\"duration\":\"PT"
    "\"score\":{\"scaled\":\"raw\":\"min\":0,\"max\":\"result\":{\"success\":true,"
    "\"http://adlnet.gov/expapi/activities/cmi.interaction\"http://adlnet.gov/expapi/activities/"
    "\"definition\":{\"type\":\"name\":{\"en-US\":\"description\":{\"en-US\":\""
    "\"http://adlnet.gov/expapi/verbs/completed\"http://adlnet.gov/expapi/verbs/attempted"
    "\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/answered\",\"display\":{\"en-US\":\""
    "\"context\":{\"registration\":\"\"platform\":\"\"language\":\"en-US\","
    "\"contextActivities\":{\"parent\":[{\"objectType\":\"Activity\",\"id\":\"https://"
    "\"grouping\":[{\"objectType\":\"Activity\",\"id\":\"\"category\":[{\"id\":\""
    "\"object\":{\"objectType\":\"Activity\",\"id\":\"https://"
    "\"authority\":{\"objectType\":\"Agent\",\"name\":\"\",\"account\":{\"homePage\":\"http"
    "\"version\":\"2.0.0\"\"version\":\"1.0.0\"\"timestamp\":\"20"
    "{\"id\":\"\",\"actor\":{\"objectType\":\"Agent\",\"name\":\"\",\"mbox\":\"mailto:"
    "\"account\":{\"homePage\":\"https://\",\"name\":\"";

/* One deflate state per thread, reset for each statement (setting one up costs more than
 * compressing a statement). */
static pthread_key_t z_key;
static pthread_once_t z_once = PTHREAD_ONCE_INIT;

static void z_free(void *p)
{
    deflateEnd(p);
    mem_free(p);
}

static void z_key_make(void)
{
    pthread_key_create(&z_key, z_free);
}

static z_stream *thread_deflate(void)
{
    z_stream *z;
    pthread_once(&z_once, z_key_make);
    z = pthread_getspecific(z_key);
    if (z)
        return deflateReset(z) == Z_OK ? z : NULL;
    z = mem_calloc(1, sizeof(*z));
    if (!z)
        return NULL;
    /* a 4 KiB window holds the dictionary and a typical statement; memLevel 6 keeps it small */
    if (deflateInit2(z, 6, Z_DEFLATED, -12, 6, Z_DEFAULT_STRATEGY) != Z_OK) {
        mem_free(z);
        return NULL;
    }
    pthread_setspecific(z_key, z);
    return z;
}

/* the dictionary's tail that is used (at most the window of 4 KiB, less room for the text) */
#define LRS_DICT_USED MIN(sizeof(pack_dict) - 1, (size_t)2048)

int lrs_pack(const char *text, size_t len, char **ret, size_t *ret_len, int *flags)
{
    uLong cap = compressBound((uLong)len) + 64;
    char *out = mem_alloc(cap);
    z_stream *z = thread_deflate();
    if (!out || !z) {
        mem_free(out);
        return -ENOMEM;
    }
    deflateSetDictionary(z, (const Bytef *)pack_dict + (sizeof(pack_dict) - 1 - LRS_DICT_USED),
                         LRS_DICT_USED);
    z->next_in = (Bytef *)(uintptr_t)text;
    z->avail_in = (uInt)len;
    z->next_out = (Bytef *)out;
    z->avail_out = (uInt)cap;
    int zr = deflate(z, Z_FINISH);
    size_t n = z->total_out;
    if (zr == Z_STREAM_END && n < len) {
        *ret = out;
        *ret_len = n;
        *flags |= LRS_FLAG_DEFLATED;
        return 0;
    }
    memcpy(out, text, len);
    *ret = out;
    *ret_len = len;
    return 0;
}

int lrs_unpack(int flags, int64_t stored_ms, int64_t timestamp_ms, const void *blob, size_t n,
               struct buf *out)
{
    char t[32];
    int r = 0;
    buf_reset(out);
    if (flags & LRS_FLAG_DEFLATED) {
        z_stream z;
        unsigned char chunk[16384];
        memset(&z, 0, sizeof(z));
        if (inflateInit2(&z, -15) != Z_OK)
            return -ENOMEM;
        inflateSetDictionary(&z, (const Bytef *)pack_dict + (sizeof(pack_dict) - 1 - LRS_DICT_USED),
                             LRS_DICT_USED);
        z.next_in = (Bytef *)(uintptr_t)blob;
        z.avail_in = (uInt)n;
        int zr;
        do {
            z.next_out = chunk;
            z.avail_out = sizeof(chunk);
            zr = inflate(&z, Z_NO_FLUSH);
            if (zr != Z_OK && zr != Z_STREAM_END) {
                r = -EIO;
                break;
            }
            if (buf_append(out, chunk, sizeof(chunk) - z.avail_out) < 0) {
                r = -ENOMEM;
                break;
            }
        } while (zr != Z_STREAM_END);
        inflateEnd(&z);
        if (r < 0)
            return r;
    } else if (buf_append(out, blob, n) < 0) {
        return -ENOMEM;
    }
    /* splice the columns back in before the final '}' */
    if (out->len < 2 || out->data[out->len - 1] != '}')
        return -EIO;
    buf_truncate(out, out->len - 1);
    if (flags & LRS_FLAG_TS_STORED) {
        time_format_iso8601(timestamp_ms, t);
        buf_appendf(out, ",\"timestamp\":\"%s\"", t);
    }
    time_format_iso8601(stored_ms, t);
    if (buf_appendf(out, ",\"stored\":\"%s\"}", t) < 0)
        return -ENOMEM;
    return 0;
}
