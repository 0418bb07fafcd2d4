/*
 * Fuzz the SQLite-to-PostgreSQL SQL translation (src/store/pg_sql.c): it
 * must never crash or read past the text, must refuse only with a message,
 * and must number exactly as many placeholders as '$' it wrote outside
 * literals: here, translating the output again must find no '?' left
 * outside literals and comments (nothing is numbered twice or missed).
 */
#include "base/common.h"

#include <stdlib.h>

#include "base/buf.h"
#include "base/mem.h"
#include "fuzz.h"
#include "store/pg_sql.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *sql = mem_strndup((const char *)data, size); /* stops at a NUL, as C strings do */
    struct buf out = BUF_INIT(1 << 24), again = BUF_INIT(1 << 24);
    char err[256] = "";
    int n = -1, n2 = -1, r;

    if (!sql)
        return 0;
    r = pg_sql_translate(sql, &out, &n, err, sizeof(err));
    if (r == -EINVAL && !err[0])
        abort();
    if (r == 0) {
        if (n < 0)
            abort();
        /* '?' inside literals and comments stays; none is left to number */
        r = pg_sql_translate(buf_cstr(&out), &again, &n2, err, sizeof(err));
        if (r == 0 && n2 != 0)
            abort();
    }
    buf_release(&out);
    buf_release(&again);
    mem_free(sql);
    return 0;
}
