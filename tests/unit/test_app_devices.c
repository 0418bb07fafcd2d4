/*
 * app/devices: the inventory import against a database (all or nothing,
 * schools by sourcedId, serials of devices already stored, re-importing
 * changes nothing), the export read back to the same inventory, who may
 * import, and the 10-year rule for deleting equipment bought with federal
 * funds.
 *
 * The fixture is app_fixture.h (the clock is 2026-03-02; district d1 has
 * schools s1 and s2).
 */
#include "test.h"

#include "app/devices.h"
#include "app/principal.h"

#include "app_fixture.h"

#define HEADER                                                                              \
    "asset_tag,serial,model,type,status,funding_source,purchase_date,purchase_cost,school_" \
    "sourced_id,location,Room\n"

static struct principal op;

static int import_as(const struct principal *who, const char *text, struct devices_report *rep)
{
    const struct principal *was = F.ctx.who;
    F.ctx.who = who;
    F.ctx.err[0] = 0;
    int r = devices_import(&F.ctx, F.d1, "inv.csv", text, strlen(text), rep);
    F.ctx.who = was;
    ctx_release(&F.ctx);
    return r;
}

static int dimport(const char *text, struct devices_report *rep)
{
    principal_operator(&op, F.d1, "test");
    return import_as(&op, text, rep);
}

static char *export(void)
{
    struct buf b;
    long n = 0;
    principal_operator(&op, F.d1, "test");
    F.ctx.who = &op;
    buf_init(&b, 1 << 20);
    assert_int_equal(devices_export(&F.ctx, F.d1, &b, &n), 0);
    F.ctx.who = NULL;
    ctx_release(&F.ctx);
    return buf_detach(&b, NULL);
}

static int delete (const char *tag)
{
    principal_operator(&op, F.d1, "test");
    F.ctx.who = &op;
    F.ctx.err[0] = 0;
    int r = devices_delete(&F.ctx, F.d1, tag);
    F.ctx.who = NULL;
    ctx_release(&F.ctx);
    return r;
}

static const char inventory[] =
    HEADER "A-1,SN-1,\"Acer, 314\",chromebook,in_stock,ESSER III,2021-08-15,289.99,s1,Cart A,101\n"
           "A-2,SN-2,Dell 3100,laptop,assigned,local,2019-01-10,312,s2,,\n"
           "A-3,,iPad,tablet,in_repair,E-Rate,,,,Office,\n"
           "OLD-1,SN-9,Dell 2100,laptop,retired,ECF,2015-06-01,200,s1,,\n";

static void test_import_reimport_export(void **state)
{
    (void)state;
    struct devices_report rep;

    assert_int_equal(dimport(inventory, &rep), 0);
    assert_int_equal(rep.rows, 4);
    assert_int_equal(rep.created, 4);
    devices_report_release(&rep);

    /* the same file again: nothing changes */
    assert_int_equal(dimport(inventory, &rep), 0);
    assert_int_equal(rep.created, 0);
    assert_int_equal(rep.updated, 0);
    assert_int_equal(rep.unchanged, 4);
    devices_report_release(&rep);

    /* the export reads back to the same inventory, and is itself stable */
    char *out = export();
    assert_non_null(strstr(out, "A-1,SN-1,\"Acer, 314\",chromebook,in_stock,ESSER III,2021-08-15,"
                                "289.99,s1,Cart A,,,,101\n"));
    assert_int_equal(dimport(out, &rep), 0);
    assert_int_equal(rep.unchanged, 4);
    assert_int_equal(rep.created + rep.updated, 0);
    devices_report_release(&rep);
    char *again = export();
    assert_string_equal(out, again);
    free(out);
    free(again);

    /* a changed field updates that device only */
    assert_int_equal(
        dimport(HEADER "A-2,SN-2,Dell 3100,laptop,in_stock,local,2019-01-10,312,s2,,\n", &rep), 0);
    assert_int_equal(rep.updated, 1);
    assert_int_equal(rep.unchanged, 0);
    devices_report_release(&rep);
}

static void test_bad_file_imports_nothing(void **state)
{
    (void)state;
    struct devices_report rep;
    char *before = export();

    /* good rows, and one bad by what only the database knows: nothing is written */
    assert_int_equal(dimport(HEADER "NEW-1,SN-50,m,laptop,in_stock,local,,,s1,,\n"
                                    "NEW-2,SN-1,m,laptop,in_stock,local,,,nowhere,,\n"
                                    "NEW-3,,m,laptop,in_stock,local,,,d1,,\n",
                             &rep),
                     -EINVAL);
    assert_int_equal(rep.n_errors, 3);
    assert_string_equal(rep.errors[0], "inv.csv:3:2: serial: 'SN-1' is the serial of another "
                                       "device already in the inventory");
    assert_string_equal(
        rep.errors[1], "inv.csv:3:9: school_sourced_id: 'nowhere' is not a school of the district");
    assert_string_equal(rep.errors[2],
                        "inv.csv:4:9: school_sourced_id: 'd1' is not a school of the district");
    assert_int_equal(rep.created, 0);
    devices_report_release(&rep);
    char *after = export();
    assert_string_equal(before, after);
    free(before);
    free(after);
}

static void test_only_administrators_import(void **state)
{
    (void)state;
    struct devices_report rep;
    struct principal p;
    static struct principal_grant g[1];

    memset(&p, 0, sizeof(p));
    p.kind = PRINCIPAL_USER;
    p.district_id = F.d1;
    p.mfa_enrolled = true;
    p.user_id = U('t');
    p.roles = ROLE_TEACHER;
    g[0] = (struct principal_grant){ROLE_TEACHER, F.s1};
    p.grants = g;
    p.n_grants = 1;
    assert_true(import_as(&p, inventory, &rep) < 0);
    assert_int_equal(rep.created + rep.updated + rep.unchanged, 0);
    devices_report_release(&rep);
}

static void test_federal_equipment_kept_ten_years(void **state)
{
    (void)state;

    /* ESSER, bought 2021: kept until 2031 */
    assert_int_equal(delete ("A-1"), -EACCES);
    assert_non_null(strstr(F.ctx.err, "kept until 2031-08-15"));
    /* E-Rate with no purchase date: kept */
    assert_int_equal(delete ("A-3"), -EACCES);
    /* local funds: may go */
    assert_int_equal(delete ("A-2"), 0);
    assert_int_equal(delete ("A-2"), -ENOENT);
    /* ECF, bought 2015-06-01: ten years have passed on 2026-03-02 */
    assert_int_equal(delete ("OLD-1"), 0);
    char *out = export();
    assert_non_null(strstr(out, "A-1,"));
    assert_non_null(strstr(out, "A-3,"));
    assert_null(strstr(out, "A-2,"));
    assert_null(strstr(out, "OLD-1,"));
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_import_reimport_export),
        cmocka_unit_test(test_bad_file_imports_nothing),
        cmocka_unit_test(test_only_administrators_import),
        cmocka_unit_test(test_federal_equipment_kept_ten_years),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
