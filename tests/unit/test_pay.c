/* pay: wages in exact cents against hand-computed amounts and an
 * independent integer computation; threshold scaling by brute force; the
 * upload files (skips, CSV injection, missing assignments). */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "prefmon/pay.h"

static const pm_pay_options USD = {"1", "USD", 0};

static long long pay1(pm_contract_type type, double base, double more, long n, long k, long ni,
                      long x, const char *unit)
{
    pm_contract_terms t = {
        type, n, base, type == PM_CONTRACT_LINEAR ? more : 0, type == PM_CONTRACT_BINARY ? more : 0,
        k};
    pm_pay_options o = {unit, "USD", 0};
    pm_pay_input in = {"a", ni, x, 0};
    pm_pay_row row;
    pm_error e;
    pm_status st = pm_pay_compute(&t, &o, &in, 1, &row, NULL, &e);
    if (st != PM_OK)
        fail_msg("pay failed: %s", e.text);
    return row.wage_cents;
}

/* Amounts worked out by hand; each is a case where printing or rounding the
 * binary double would give a different cent. */
static void test_hand_cents(void **state)
{
    (void)state;
    /* 1.005 is 1.00499999999999989... in binary: exact decimal gives 1.01. */
    assert_int_equal(pay1(PM_CONTRACT_BINARY, 1.005, 0, 10, 5, 10, 0, "1"), 101);
    /* 0.1 + 0.2 = 0.30000000000000004 in doubles: exactly 0.30. */
    assert_int_equal(pay1(PM_CONTRACT_BINARY, 0.1, 0.2, 10, 5, 10, 5, "1"), 30);
    /* linear 1 * 1/8 = 0.125 -> 0.13 (half away from zero), 3/8 -> 0.38. */
    assert_int_equal(pay1(PM_CONTRACT_LINEAR, 0, 1, 8, 0, 8, 1, "1"), 13);
    assert_int_equal(pay1(PM_CONTRACT_LINEAR, 0, 1, 8, 0, 8, 3, "1"), 38);
    /* 0.01 * 1/2 = 0.005 -> 0.01; 0.01 * 1/3 = 0.00333 -> 0.00. */
    assert_int_equal(pay1(PM_CONTRACT_LINEAR, 0, 0.01, 2, 0, 2, 1, "1"), 1);
    assert_int_equal(pay1(PM_CONTRACT_LINEAR, 0, 0.01, 3, 0, 3, 1, "1"), 0);
    /* unit 0.10: 2.675 units = 0.2675 -> 0.27; 2.665 units -> 0.2665 -> 0.27. */
    assert_int_equal(pay1(PM_CONTRACT_BINARY, 2.675, 0, 4, 1, 4, 0, "0.10"), 27);
    assert_int_equal(pay1(PM_CONTRACT_BINARY, 2.665, 0, 4, 1, 4, 0, "0.10"), 27);
    /* 2.675 as a double is 2.67499999999999982236431605997495353221893310546875. */
    assert_int_equal(pay1(PM_CONTRACT_BINARY, 2.675, 0, 4, 1, 4, 0, "1"), 268);
    /* Negative: -0.005 -> -0.01 (away from zero). */
    assert_int_equal(pay1(PM_CONTRACT_BINARY, -0.005, 0, 4, 1, 4, 0, "1"), -1);
    /* linear 1.5 + 0.75 * 7/10 = 2.025 units * 0.3 = 0.6075 -> 0.61. */
    assert_int_equal(pay1(PM_CONTRACT_LINEAR, 1.5, 0.75, 10, 0, 10, 7, "0.3"), 61);
    /* Binary below / at the threshold. */
    assert_int_equal(pay1(PM_CONTRACT_BINARY, 1.2, 0.8, 20, 17, 20, 16, "2.50"), 300);
    assert_int_equal(pay1(PM_CONTRACT_BINARY, 1.2, 0.8, 20, 17, 20, 17, "2.50"), 500);
    /* Large but exact: 123456.785 units * 1000 = 123456785.00. */
    assert_int_equal(pay1(PM_CONTRACT_BINARY, 123456.785, 0, 4, 1, 4, 0, "1000"), 12345678500LL);
    /* A solver-style 17-digit term still works exactly. */
    assert_int_equal(
        pay1(PM_CONTRACT_LINEAR, 0.87341234567890123, 1.2345678901234567, 997, 0, 997, 513, "0.01"),
        2); /* (0.8734... + 1.2345...*513/997) * 0.01 = 0.01508... -> 0.02 */
}

/* Independent check: terms with at most 3 decimals (milli-units, exact in a
 * long long) and units with at most 2 decimals; cents = round(100 * U/100 *
 * (B*n + S*x) / (1000 n)) in plain long long arithmetic. */
static void test_brute_cents(void **state)
{
    (void)state;
    static const long long mil[] = {0, 1, 5, 125, 333, 1005, 2675, 9999, 12345};
    static const char *units[] = {"1", "0.5", "0.01", "0.25", "3", "0.07"};
    static const long long ucent[] = {100, 50, 1, 25, 300, 7};
    for (size_t a = 0; a < sizeof mil / sizeof mil[0]; a++)
        for (size_t b = 0; b < sizeof mil / sizeof mil[0]; b++)
            for (size_t u = 0; u < sizeof units / sizeof units[0]; u++)
                for (long n = 1; n <= 9; n += 4)
                    for (long x = 0; x <= n; x++) {
                        double base = (double)mil[a] / 1000, slope = (double)mil[b] / 1000;
                        /* cents * 1000 n, exactly */
                        long long num = ucent[u] * (mil[a] * n + mil[b] * x);
                        long long den = 1000 * n;
                        long long q = num / den, r = num % den;
                        if (2 * r >= den)
                            q++;
                        long long got = pay1(PM_CONTRACT_LINEAR, base, slope, n, 0, n, x, units[u]);
                        if (got != q)
                            fail_msg("base %g slope %g unit %s x %ld n %ld: got %lld want %lld",
                                     base, slope, units[u], x, n, got, q);
                    }
}

/* ceil(k n_i / n) against the smallest j with j n >= k n_i, and the pass
 * decision against the exact fraction comparison x/n_i >= k/n. */
static void test_scaled_threshold_brute(void **state)
{
    (void)state;
    for (long n = 1; n <= 30; n++)
        for (long k = 0; k <= n + 1; k++)
            for (long ni = 0; ni <= 45; ni++) {
                long want = 0;
                while (want * n < k * ni)
                    want++;
                long got = -1;
                assert_int_equal(pm_pay_scaled_threshold(k, n, ni, &got, NULL), PM_OK);
                assert_int_equal(got, want);
                if (ni == 0 || ni > 12 || n > 12)
                    continue;
                for (long x = 0; x <= ni; x++) {
                    pm_contract_terms t = {PM_CONTRACT_BINARY, n, 1, 0, 1, k};
                    pm_pay_input in = {"w", ni, x, 0};
                    pm_pay_row row;
                    assert_int_equal(pm_pay_compute(&t, &USD, &in, 1, &row, NULL, NULL), PM_OK);
                    assert_int_equal(row.passed, x * n >= k * ni);
                    assert_int_equal(row.wage_cents, x * n >= k * ni ? 200 : 100);
                }
            }
    pm_error e;
    long ki;
    assert_int_equal(pm_pay_scaled_threshold(LONG_MAX / 2, 7, 3, &ki, &e), PM_ERANGE);
    assert_int_equal(pm_pay_scaled_threshold(1, 0, 3, &ki, &e), PM_EINVAL);
}

static void test_rules_and_refusals(void **state)
{
    (void)state;
    pm_contract_terms t = {PM_CONTRACT_BINARY, 20, 1.2, 0, 0.8, 17};
    pm_pay_input in[4] = {
        {"alice", 20, 18, 100}, {"bob", 10, 8, 100}, {"carol", 0, 0, 100}, {"dave", 20, 3, 150}};
    pm_pay_row out[4];
    pm_pay_summary s;
    pm_error e;
    assert_int_equal(pm_pay_compute(&t, &USD, in, 4, out, &s, &e), PM_OK);
    assert_int_equal(out[0].wage_cents, 200);
    assert_int_equal(out[0].bonus_cents, 100);
    /* bob: k scaled to ceil(17*10/20) = 9 > 8: fails. */
    assert_int_equal(out[1].k_used, 9);
    assert_int_equal(out[1].wage_cents, 120);
    assert_non_null(strstr(out[1].reason, "scaled"));
    assert_string_equal(out[2].reason, "no pairs");
    assert_int_equal(out[2].wage_cents, 120);
    /* dave: 1.20 - 1.50 = -0.30, reported with its reason. */
    assert_int_equal(out[3].bonus_cents, -30);
    assert_non_null(strstr(out[3].reason, "not deducted"));
    assert_int_equal(s.rows, 4);
    assert_int_equal(s.payable, 3);
    assert_int_equal(s.negative, 1);
    assert_int_equal(s.no_pairs, 1);
    assert_int_equal(s.scaled, 1);
    assert_int_equal(s.bonus_total_cents, 100 + 20 + 20);
    assert_int_equal(s.wage_total_cents, 200 + 120 + 120 + 120);
    /* Strict mode refuses bob by name; carol (no pairs) would be paid base. */
    pm_pay_options strict = {"1", "USD", 1};
    assert_int_equal(pm_pay_compute(&t, &strict, in, 4, out, &s, &e), PM_EINVAL);
    assert_non_null(strstr(e.text, "'bob'"));
    /* Paying someone twice is refused. */
    pm_pay_input twice[2] = {{"x", 20, 18, 0}, {"x", 20, 18, 0}};
    assert_int_equal(pm_pay_compute(&t, &USD, twice, 2, out, &s, &e), PM_EINVAL);
    assert_non_null(strstr(e.text, "'x' appears twice"));
    /* Bad rows, options and terms. */
    pm_pay_input bad = {"y", 5, 6, 0};
    assert_int_equal(pm_pay_compute(&t, &USD, &bad, 1, out, &s, &e), PM_EINVAL);
    assert_non_null(strstr(e.text, "'y'"));
    pm_pay_options nounit = {NULL, "USD", 0}, badunit = {"1e3", "USD", 0},
                   zero = {"0.00", "USD", 0}, badcur = {"1", "usd", 0};
    assert_int_equal(pm_pay_compute(&t, &nounit, in, 1, out, &s, &e), PM_EINVAL);
    assert_int_equal(pm_pay_compute(&t, &badunit, in, 1, out, &s, &e), PM_EINVAL);
    assert_int_equal(pm_pay_compute(&t, &zero, in, 1, out, &s, &e), PM_EINVAL);
    assert_int_equal(pm_pay_compute(&t, &badcur, in, 1, out, &s, &e), PM_EINVAL);
    pm_contract_terms badk = {PM_CONTRACT_BINARY, 20, 1, 0, 1, 22};
    assert_int_equal(pm_pay_compute(&badk, &USD, in, 1, out, &s, &e), PM_EINVAL);
    /* A term too large for exact cents is an error, not a wrong amount. */
    pm_contract_terms huge = {PM_CONTRACT_BINARY, 20, 1e300, 0, 0, 1};
    assert_int_equal(pm_pay_compute(&huge, &USD, in, 1, out, &s, &e), PM_ERANGE);
    /* The rule text states the scaling in advance. */
    char rule[512];
    assert_int_equal(pm_pay_rule_text(&t, &USD, rule, sizeof rule, &e), PM_OK);
    assert_non_null(strstr(rule, "ceil(k * n_i / n)"));
    assert_non_null(strstr(rule, "1.2 + 0.8"));
    assert_int_equal(pm_pay_rule_text(&t, &strict, rule, sizeof rule, &e), PM_OK);
    assert_non_null(strstr(rule, "refused"));
}

static void test_money_text(void **state)
{
    (void)state;
    long long c;
    assert_int_equal(pm_money_parse("1.50", &c, NULL), PM_OK);
    assert_int_equal(c, 150);
    assert_int_equal(pm_money_parse("0.5", &c, NULL), PM_OK);
    assert_int_equal(c, 50);
    assert_int_equal(pm_money_parse("3", &c, NULL), PM_OK);
    assert_int_equal(c, 300);
    assert_int_equal(pm_money_parse("2.1000", &c, NULL), PM_OK);
    assert_int_equal(c, 210);
    assert_int_equal(pm_money_parse("2.105", &c, NULL), PM_EINVAL);
    assert_int_equal(pm_money_parse("-1", &c, NULL), PM_EINVAL);
    assert_int_equal(pm_money_parse("", &c, NULL), PM_EINVAL);
    assert_int_equal(pm_money_parse("1e2", &c, NULL), PM_EINVAL);
    char b[32];
    pm_money_format(-5, b, sizeof b);
    assert_string_equal(b, "-0.05");
    pm_money_format(1230, b, sizeof b);
    assert_string_equal(b, "12.30");
    pm_money_format(LLONG_MIN, b, sizeof b);
    assert_string_equal(b, "-92233720368547758.08");
}

/* Everything a FILE* received, as a string (caller frees). */
typedef struct cap {
    char *buf;
    size_t len;
    FILE *fp;
} cap;

static void cap_open(cap *c)
{
    c->fp = open_memstream(&c->buf, &c->len);
    assert_non_null(c->fp);
}

static char *cap_close(cap *c)
{
    fclose(c->fp);
    return c->buf;
}

static void test_csv_cells(void **state)
{
    (void)state;
    static const char *in[] = {"abc", "=1+2", "+1", "-2+3", "@SUM(A1)",    "\tx",   "\rx",
                               "a,b", "q\"x", "",   "x=1",  "line\nbreak", "=a,\"b"};
    static const char *want[] = {"abc",           "\"'=1+2\"", "\"'+1\"",  "\"'-2+3\"",
                                 "\"'@SUM(A1)\"", "\"'\tx\"",  "\"'\rx\"", "\"a,b\"",
                                 "\"q\"\"x\"",    "",          "x=1",      "\"line\nbreak\"",
                                 "\"'=a,\"\"b\""};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        cap c;
        cap_open(&c);
        assert_int_equal(pm_csv_write_cell(c.fp, in[i], NULL), PM_OK);
        char *s = cap_close(&c);
        assert_string_equal(s, want[i]);
        free(s);
    }
}

static void fill_rows(pm_pay_row *out, pm_pay_summary *s)
{
    static pm_pay_input in[4] = {{"=HYPERLINK(\"http://x\")", 20, 18, 100},
                                 {"p2", 20, 3, 150},
                                 {"p3", 20, 17, 200},
                                 {"p,4", 20, 19, 0}};
    pm_contract_terms t = {PM_CONTRACT_BINARY, 20, 1.2, 0, 0.8, 17};
    assert_int_equal(pm_pay_compute(&t, &USD, in, 4, out, s, NULL), PM_OK);
}

static void test_upload_files(void **state)
{
    (void)state;
    pm_pay_row rows[4];
    pm_pay_summary s;
    fill_rows(rows, &s);
    /* p2: wage 1.20 < paid 1.50; p3: wage 2.00 = paid 2.00: neither uploaded. */
    cap c;
    size_t skipped = 99;
    cap_open(&c);
    assert_int_equal(pm_pay_write_prolific(c.fp, rows, 4, &skipped, NULL), PM_OK);
    char *text = cap_close(&c);
    assert_string_equal(text, "\"'=HYPERLINK(\"\"http://x\"\")\",1.00\n\"p,4\",2.00\n");
    assert_int_equal(skipped, 2);
    free(text);

    cap_open(&c);
    pm_pay_options po = {.unit = "0.10", .currency = "GBP"};
    assert_int_equal(pm_pay_write_table(c.fp, rows, 4, &po, NULL), PM_OK);
    text = cap_close(&c);
    assert_non_null(
        strstr(text, "annotator,pairs,consistent,wage,paid,bonus,reason,currency,unit\r\n"));
    assert_non_null(strstr(text, "p2,20,3,1.20,1.50,-0.30,"));
    assert_non_null(strstr(text, "p3,20,17,2.00,2.00,0.00,passed"));
    assert_non_null(strstr(text, ",GBP,0.10\r\n"));
    free(text);

    pm_pay_assignment map[3] = {{"p,4", "A4"}, {"=HYPERLINK(\"http://x\")", "A1"}, {"p,4", "A9"}};
    cap_open(&c);
    assert_int_equal(pm_pay_write_mturk(c.fp, rows, 4, map, 3, "Consistency bonus", &skipped, NULL),
                     PM_OK);
    text = cap_close(&c);
    assert_string_equal(text, "WorkerId,AssignmentId,BonusAmount,Reason\r\n"
                              "\"'=HYPERLINK(\"\"http://x\"\")\",A1,1.00,Consistency bonus\r\n"
                              "\"p,4\",A4,2.00,Consistency bonus\r\n");
    free(text);
    /* A payable worker without an assignment: named, and nothing written. */
    pm_error e;
    cap_open(&c);
    assert_int_equal(pm_pay_write_mturk(c.fp, rows, 4, map, 1, NULL, &skipped, &e), PM_EINVAL);
    text = cap_close(&c);
    assert_string_equal(text, "");
    assert_non_null(strstr(e.text, "HYPERLINK"));
    free(text);

    cap_open(&c);
    assert_int_equal(
        pm_pay_write_toloka(c.fp, rows, 4, "Bonus", "-thanks, for your care", &skipped, NULL),
        PM_OK);
    text = cap_close(&c);
    assert_string_equal(text, "user_id,amount,public_title,public_message\r\n"
                              "\"'=HYPERLINK(\"\"http://x\"\")\",1.00,Bonus,\"'-thanks, for your "
                              "care\"\r\n"
                              "\"p,4\",2.00,Bonus,\"'-thanks, for your care\"\r\n");
    free(text);
    /* Over Toloka's 100.00 per award: refused before writing. */
    rows[3].bonus_cents = 10001;
    cap_open(&c);
    assert_int_equal(pm_pay_write_toloka(c.fp, rows, 4, "B", "m", &skipped, &e), PM_EINVAL);
    text = cap_close(&c);
    assert_string_equal(text, "");
    assert_non_null(strstr(e.text, "100.00"));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_cents),
        cmocka_unit_test(test_brute_cents),
        cmocka_unit_test(test_scaled_threshold_brute),
        cmocka_unit_test(test_rules_and_refusals),
        cmocka_unit_test(test_money_text),
        cmocka_unit_test(test_csv_cells),
        cmocka_unit_test(test_upload_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
