/*
 * app/devices_csv: the device inventory file's parser (header in any
 * order, required columns, notes from other columns, every error as
 * file:line:column: field: reason, no row accepted from a bad file), the
 * cost, data cap and date rules, and the 10-year rule for equipment bought
 * with federal funds.
 */
#include "test.h"

#include <stdio.h>

#include "app/devices_csv.h"
#include "app/devices_history_csv.h"
#include "base/mem.h"
#include "base/timeutil.h"

#define HEADER                                                                              \
    "asset_tag,serial,model,type,status,funding_source,purchase_date,purchase_cost,school_" \
    "sourced_id,location\n"

static int parse(const char *text, struct devices_csv *d)
{
    return devices_csv_parse("f.csv", text, strlen(text), d);
}

/* Is msg among d's errors? */
static bool has_error(const struct devices_csv *d, const char *msg)
{
    for (size_t i = 0; i < d->n_errors; i++)
        if (strcmp(d->errors[i].msg, msg) == 0)
            return true;
    for (size_t i = 0; i < d->n_errors; i++)
        fprintf(stderr, "# error: %s\n", d->errors[i].msg);
    return false;
}

static void test_good_file_any_order_with_notes(void **state)
{
    (void)state;
    struct devices_csv d;
    const char *text =
        "Google ID,location,school_sourced_id,purchase_cost,purchase_date,funding_source,status,"
        "type,model,serial,asset_tag,carrier,data_cap_gb,Room\r\n"
        "g-1,Cart A,sch-1,289.99,2021-08-15,ESSER III,in_stock,chromebook,\"Acer, 314\",SN1,A-1,"
        ",,101\r\n"
        ",,,,,,lost,hotspot,,,H-1,T-Mobile,20.5,\r\n";

    assert_int_equal(parse(text, &d), 0);
    assert_int_equal(d.n_errors, 0);
    assert_int_equal(d.n, 2);
    assert_int_equal(d.n_notes, 2);
    assert_string_equal(d.note_names[0], "Google ID");
    assert_string_equal(d.note_names[1], "Room");
    const struct device_row *a = &d.rows[0], *h = &d.rows[1];
    assert_string_equal(a->asset_tag, "A-1");
    assert_string_equal(a->model, "Acer, 314");
    assert_int_equal(a->type, DEVICE_CHROMEBOOK);
    assert_int_equal(a->status, DEVICE_IN_STOCK);
    assert_true(a->has_cost);
    assert_int_equal(a->cost_cents, 28999);
    assert_true(a->has_purchase);
    assert_int_equal(a->purchase_day, time_days_from_civil(2021, 8, 15));
    assert_string_equal(a->notes[0], "g-1");
    assert_string_equal(a->notes[1], "101");
    assert_int_equal(a->line, 2);
    assert_int_equal(h->type, DEVICE_HOTSPOT);
    assert_int_equal(h->status, DEVICE_LOST);
    assert_false(h->has_cost);
    assert_false(h->has_purchase);
    assert_true(h->has_cap);
    assert_int_equal(h->data_cap_mb, 20500);
    assert_string_equal(h->carrier, "T-Mobile");
    assert_int_equal(d.col[DCOL_ASSET_TAG], 11);
    devices_csv_release(&d);
}

static void test_every_bad_row_reported_with_position(void **state)
{
    (void)state;
    struct devices_csv d;
    const char *text = HEADER "A-1,S-1,m,desktop,broken,local,2023-02-30,-5,s,\n"
                              ",S-2,m,laptop,in_stock,local,2024-02-29,5.123,s,\n"
                              "A-1,S-2,m,laptop,in_stock,local,23-1-1,1e5,s,\n"
                              "A-4,,m,laptop,in_stock,local,,,s\n"
                              "A-5,,m,laptop,in_stock,local,,,s,,extra\n"
                              "A-6,,m,laptop,in_stock,local,,,s,x\"y\n"
                              "A-7,,m,laptop,in_stock,,,12.,s,\n"
                              "A-8,,m,laptop,in_stock,,,,s,\n";

    assert_int_equal(parse(text, &d), -EINVAL);
    devices_csv_sort_errors(&d);
    assert_true(has_error(&d, "f.csv:2:4: type: 'desktop' is not one of chromebook, laptop, "
                              "tablet, hotspot, other"));
    assert_true(has_error(&d, "f.csv:2:5: status: 'broken' is not one of in_stock, assigned, "
                              "in_repair, lost, retired"));
    assert_true(has_error(
        &d,
        "f.csv:2:7: purchase_date: '2023-02-30' is not a date (YYYY-MM-DD, a day that exists)"));
    assert_true(has_error(&d, "f.csv:2:8: purchase_cost: '-5': must not be negative"));
    assert_true(has_error(&d, "f.csv:3:1: asset_tag: missing"));
    assert_true(has_error(&d, "f.csv:3:8: purchase_cost: '5.123': at most two decimals"));
    assert_true(has_error(&d, "f.csv:4:1: asset_tag: 'A-1' is also on line 2"));
    assert_true(has_error(&d, "f.csv:4:2: serial: 'S-2' is also on line 3"));
    assert_true(has_error(
        &d, "f.csv:4:7: purchase_date: '23-1-1' is not a date (YYYY-MM-DD, a day that exists)"));
    assert_true(has_error(&d, "f.csv:4:8: purchase_cost: '1e5': not a decimal number (write "
                              "1234.50)"));
    assert_true(has_error(&d, "f.csv:5:9: row: has 9 fields, the header has 10"));
    assert_true(has_error(&d, "f.csv:6:11: row: has 11 fields, the header has 10"));
    assert_int_equal(d.errors[d.n_errors - 2].line, 7); /* the CSV reader's syntax error */
    assert_true(
        has_error(&d, "f.csv:8:8: purchase_cost: '12.': a digit must follow the decimal point"));
    /* line 9 is good, but no row of a bad file is good to write */
    assert_int_equal(d.errors[d.n_errors - 1].line, 8);
    for (size_t i = 1; i < d.n_errors; i++)
        assert_true(d.errors[i - 1].line <= d.errors[i].line);
    devices_csv_release(&d);
}

static void test_header_problems(void **state)
{
    (void)state;
    struct devices_csv d;

    assert_int_equal(parse("asset_tag,serial,asset_tag\nx,y,z\n", &d), -EINVAL);
    assert_true(has_error(&d, "f.csv:1:3: asset_tag: named twice in the header (also column 1)"));
    assert_true(has_error(&d, "f.csv:1:4: model: the header has no such column (it is required)"));
    assert_true(
        has_error(&d, "f.csv:1:4: location: the header has no such column (it is required)"));
    assert_int_equal(d.n, 0);
    devices_csv_release(&d);

    assert_int_equal(parse("", &d), -EINVAL);
    assert_true(has_error(&d, "f.csv:1:1: header: the file is empty: it needs a header row"));
    devices_csv_release(&d);

    assert_int_equal(parse(HEADER, &d), -EINVAL);
    assert_true(has_error(&d, "f.csv:1:1: file: no devices: the file has only a header"));
    devices_csv_release(&d);

    assert_int_equal(parse("asset_tag,serial,model,type,status,funding_source,purchase_date,"
                           "purchase_cost,school_sourced_id,location,Room,Room\n",
                           &d),
                     -EINVAL);
    assert_true(has_error(&d, "f.csv:1:12: header: column 'Room' is named twice"));
    devices_csv_release(&d);
}

static void test_hotspot_fields_only_on_hotspots(void **state)
{
    (void)state;
    struct devices_csv d;
    const char *text =
        "asset_tag,serial,model,type,status,funding_source,purchase_date,purchase_cost,"
        "school_sourced_id,location,carrier,plan,data_cap_gb\n"
        "A-1,,m,laptop,in_stock,,,,,,Verizon,,\n"
        "H-1,,m,hotspot,in_stock,,,,,,Verizon,Edu,2.0005\n";

    assert_int_equal(parse(text, &d), -EINVAL);
    assert_true(has_error(&d, "f.csv:2:11: carrier: only for a hotspot (type is laptop)"));
    assert_true(has_error(&d, "f.csv:3:13: data_cap_gb: '2.0005': at most three decimals"));
    assert_int_equal(d.n_errors, 2);
    devices_csv_release(&d);
}

static void test_costs_and_caps(void **state)
{
    (void)state;
    const char *why = NULL;
    int64_t v = 0;
    char out[24];

    assert_int_equal(device_parse_cost(STR_LIT("0"), &v, &why), 0);
    assert_int_equal(v, 0);
    assert_int_equal(device_parse_cost(STR_LIT("12.5"), &v, &why), 0);
    assert_int_equal(v, 1250);
    assert_int_equal(device_parse_cost(STR_LIT("1000000000.00"), &v, &why), 0);
    assert_int_equal(device_parse_cost(STR_LIT("1000000000.01"), &v, &why), -EINVAL);
    assert_string_equal(why, "too large");
    assert_int_equal(device_parse_cost(STR_LIT("99999999999999999999999"), &v, &why), -EINVAL);
    assert_string_equal(why, "too large");
    assert_int_equal(device_parse_cost(STR_LIT(".5"), &v, &why), -EINVAL);
    assert_int_equal(device_parse_cost(STR_LIT("1,000"), &v, &why), -EINVAL);
    assert_int_equal(device_parse_cost(STR_LIT("$5"), &v, &why), -EINVAL);
    assert_int_equal(device_parse_cost(STR_LIT(" 5"), &v, &why), -EINVAL);
    device_format_cost(28999, out);
    assert_string_equal(out, "289.99");
    device_format_cost(5, out);
    assert_string_equal(out, "0.05");
    device_format_gb(20500, out);
    assert_string_equal(out, "20.5");
    device_format_gb(10000, out);
    assert_string_equal(out, "10");
    device_format_gb(1, out);
    assert_string_equal(out, "0.001");
    device_format_gb(0, out);
    assert_string_equal(out, "0");
    assert_int_equal(device_parse_gb(STR_LIT("0.001"), &v, &why), 0);
    assert_int_equal(v, 1);
}

static void test_federal_funds_kept_ten_years(void **state)
{
    (void)state;
    int64_t bought = time_days_from_civil(2016, 9, 1);
    int64_t leap = time_days_from_civil(2016, 2, 29);

    assert_true(device_funding_federal(STR_LIT("E-Rate")));
    assert_true(device_funding_federal(STR_LIT("erate")));
    assert_true(device_funding_federal(STR_LIT("ESSER III")));
    assert_true(device_funding_federal(STR_LIT("ARP ESSER")));
    assert_true(device_funding_federal(STR_LIT("ECF")));
    assert_true(device_funding_federal(STR_LIT("Title IV-A")));
    assert_false(device_funding_federal(STR_LIT("local")));
    assert_false(device_funding_federal(STR_LIT("State grant")));
    assert_false(device_funding_federal(STR_LIT("")));

    assert_false(device_deletable(STR_LIT("ECF"), true, bought, time_days_from_civil(2026, 8, 31)));
    assert_true(device_deletable(STR_LIT("ECF"), true, bought, time_days_from_civil(2026, 9, 1)));
    assert_false(device_deletable(STR_LIT("ECF"), false, 0, time_days_from_civil(2099, 1, 1)));
    assert_true(device_deletable(STR_LIT("local"), true, bought, bought));
    assert_true(device_deletable(STR_LIT("local"), false, 0, bought));
    assert_int_equal(device_keep_until(leap), time_days_from_civil(2026, 3, 1));
}

static void test_out_of_memory_fails_cleanly(void **state)
{
    (void)state;
    const char *text = HEADER "A-1,S-1,m,laptop,in_stock,local,2023-02-01,5,s,x\n"
                              "A-2,S-2,m,laptop,in_stock,local,2023-02-01,5,s,x\n";
    for (long n = 0;; n++) {
        struct devices_csv d;
        mem_fail_after(n);
        int r = parse(text, &d);
        mem_fail_after(-1);
        devices_csv_release(&d);
        if (r == 0)
            break;
        assert_int_equal(r, -ENOMEM);
        assert_true(n < 1000);
    }
}

static bool has_herror(const struct devices_history *h, const char *msg)
{
    return has_error(&h->errs, msg);
}

static void test_history_file(void **state)
{
    (void)state;
    struct devices_history h;
    const char *good = "user_sourced_id,at,event,asset_tag,cost,due_date\n"
                       "s1,2024-08-20,check_out,A-1,,2025-06-01\n"
                       ",2024-12-02T15:30:00-05:00,damage,A-1,45.5,\n";

    assert_int_equal(devices_history_parse("h.csv", good, strlen(good), &h), 0);
    assert_int_equal(h.n, 2);
    assert_string_equal(h.rows[0].event, "check_out");
    assert_int_equal(h.rows[0].at_ms, time_days_from_civil(2024, 8, 20) * 86400000LL);
    assert_true(h.rows[0].has_due);
    assert_int_equal(h.rows[1].at_ms,
                     time_days_from_civil(2024, 12, 2) * 86400000LL + 20 * 3600000LL + 1800000LL);
    assert_int_equal(h.rows[1].cost_cents, 4550);
    devices_history_release(&h);

    const char *bad = "asset_tag,event,at,user_sourced_id,Room\n";
    assert_int_equal(devices_history_parse("h.csv", bad, strlen(bad), &h), -EINVAL);
    assert_true(has_herror(&h, "h.csv:1:5: header: unknown column 'Room' (an event has no notes)"));
    devices_history_release(&h);

    const char *rows = "asset_tag,event,at,user_sourced_id,due_date,cost\n"
                       ",lend,2024-13-01,,,\n"
                       "A-1,check_out,2024-01-01,,,\n"
                       "A-1,damage,2024-01-01,,2024-02-01,-3\n";
    assert_int_equal(devices_history_parse("h.csv", rows, strlen(rows), &h), -EINVAL);
    devices_csv_sort_errors(&h.errs);
    assert_true(has_herror(&h, "h.csv:2:1: asset_tag: missing"));
    assert_true(has_herror(&h, "h.csv:2:2: event: 'lend' is not one of check_out, check_in, "
                               "damage, loss, repaired, found"));
    assert_true(has_herror(
        &h, "h.csv:2:3: at: '2024-13-01' is not a date (YYYY-MM-DD) or a date-time with its zone"));
    assert_true(has_herror(&h, "h.csv:3:4: user_sourced_id: required for a check_out"));
    assert_true(has_herror(&h, "h.csv:4:5: due_date: only for a check_out"));
    assert_true(has_herror(&h, "h.csv:4:6: cost: '-3': must not be negative"));
    assert_int_equal(h.errs.n_errors, 6);
    devices_history_release(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_file_any_order_with_notes),
        cmocka_unit_test(test_every_bad_row_reported_with_position),
        cmocka_unit_test(test_header_problems),
        cmocka_unit_test(test_hotspot_fields_only_on_hotspots),
        cmocka_unit_test(test_costs_and_caps),
        cmocka_unit_test(test_federal_funds_kept_ten_years),
        cmocka_unit_test(test_out_of_memory_fails_cleanly),
        cmocka_unit_test(test_history_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
