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

static const pm_pay_options USD = {.unit = "1", .currency = "USD"};
/* prefmon 0.1's rule, kept as an explicit choice */
static const pm_pay_options SCALED = {
    .unit = "1", .currency = "USD", .threshold = PM_THRESHOLD_SCALED};

static long long pay1(pm_contract_type type, double base, double more, long n, long k, long ni,
                      long x, const char *unit)
{
    pm_contract_terms t = {
        type, n, base, type == PM_CONTRACT_LINEAR ? more : 0, type == PM_CONTRACT_BINARY ? more : 0,
        k};
    pm_pay_options o = {.unit = unit, .currency = "USD"};
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
                    assert_int_equal(pm_pay_compute(&t, &SCALED, &in, 1, &row, NULL, NULL), PM_OK);
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
    assert_int_equal(pm_pay_compute(&t, &SCALED, in, 4, out, &s, &e), PM_OK);
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
    pm_pay_options strict = {.unit = "1", .currency = "USD", .strict_n = 1};
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
    pm_pay_options nounit = {.unit = NULL, .currency = "USD"},
                   badunit = {.unit = "1e3", .currency = "USD"},
                   zero = {.unit = "0.00", .currency = "USD"},
                   badcur = {.unit = "1", .currency = "usd"};
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
    assert_int_equal(pm_pay_rule_text(&t, &SCALED, rule, sizeof rule, &e), PM_OK);
    assert_non_null(strstr(rule, "ceil(k * n_i / n)"));
    /* the terms as money, rounded to cents as the wages are */
    assert_non_null(strstr(rule, "1.20 USD + 0.80 USD"));
    assert_int_equal(pm_pay_rule_text(&t, &USD, rule, sizeof rule, &e), PM_OK);
    assert_non_null(strstr(rule, "threshold rule first-n"));
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
    static const char *in[] = {"abc", "=1+2", "+1", "-2+3", "@SUM(A1)",    "\tx",    "\rx",
                               "a,b", "q\"x", "",   "x=1",  "line\nbreak", "=a,\"b", "'=x"};
    static const char *want[] = {"abc",           "\"'=1+2\"", "\"'+1\"",  "\"'-2+3\"",
                                 "\"'@SUM(A1)\"", "\"'\tx\"",  "\"'\rx\"", "\"a,b\"",
                                 "\"q\"\"x\"",    "",          "x=1",      "\"line\nbreak\"",
                                 "\"'=a,\"\"b\"", "\"''=x\""}; /* '=x != =x */
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

/* Writes with fn into a fresh capture; returns the status, *text the bytes. */
#define CAPTURE(st, text, call)                                                                    \
    do {                                                                                           \
        cap c_;                                                                                    \
        cap_open(&c_);                                                                             \
        FILE *fp = c_.fp;                                                                          \
        st = (call);                                                                               \
        text = cap_close(&c_);                                                                     \
    } while (0)

static void test_upload_files(void **state)
{
    (void)state;
    pm_pay_row rows[4];
    pm_pay_summary s;
    fill_rows(rows, &s);
    /* p2: wage 1.20 < paid 1.50; p3: wage 2.00 = paid 2.00: neither uploaded. */
    pm_status st;
    char *text;
    size_t skipped = 99;
    pm_error e;

    /* The payment table guards the formula-like name and keeps numbers. */
    pm_pay_options po = {.unit = "0.10", .currency = "GBP"};
    CAPTURE(st, text, pm_pay_write_table(fp, rows, 4, &po, NULL));
    assert_int_equal(st, PM_OK);
    assert_non_null(strstr(
        text, "annotator,pairs,consistent,wage,paid,bonus,reason,currency,unit,action,upload\r\n"));
    assert_non_null(strstr(text, "\"'=HYPERLINK(\"\"http://x\"\")\",20,18,"));
    assert_non_null(strstr(text, "p2,20,3,1.20,1.50,-0.30,"));
    assert_non_null(strstr(text, "p3,20,17,2.00,2.00,0.00,passed"));
    assert_non_null(strstr(text, ",GBP,0.10,pay,1.00\r\n"));
    free(text);

    /* Uploads refuse an id the platform does not issue, naming the payment
     * row, and write nothing: an altered id would pay someone else. */
    CAPTURE(st, text, pm_pay_write_prolific(fp, rows, 4, &skipped, &e));
    assert_int_equal(st, PM_EPARSE);
    assert_string_equal(text, "");
    assert_non_null(strstr(e.text, "payment row 1: participant_id '=HYPERLINK"));
    free(text);
    pm_pay_assignment map[3] = {{"p,4", "A4"}, {"=HYPERLINK(\"http://x\")", "A1"}, {"p,4", "A9"}};
    CAPTURE(st, text, pm_pay_write_mturk(fp, rows, 4, map, 3, "Consistency bonus", &skipped, &e));
    assert_int_equal(st, PM_EPARSE);
    assert_string_equal(text, "");
    assert_non_null(strstr(e.text, "payment row 1: WorkerId '=HYPERLINK"));
    free(text);
    CAPTURE(st, text, pm_pay_write_toloka(fp, rows, 4, "Bonus", "thanks", &skipped, &e));
    assert_int_equal(st, PM_EPARSE);
    assert_string_equal(text, "");
    assert_non_null(strstr(e.text, "payment row 1: user_id '=HYPERLINK"));
    free(text);

    /* Prolific: 24 hexadecimal digits, exactly. */
    rows[0].annotator = "5f3a1c9e8b7d6a5f4e3d2c1b";
    rows[3].annotator = "5F3A1C9E8B7D6A5F4E3D2C1B";
    CAPTURE(st, text, pm_pay_write_prolific(fp, rows, 4, &skipped, NULL));
    assert_int_equal(st, PM_OK);
    assert_string_equal(text, "5f3a1c9e8b7d6a5f4e3d2c1b,1.00\n5F3A1C9E8B7D6A5F4E3D2C1B,2.00\n");
    assert_int_equal(skipped, 2);
    free(text);
    static const char *const bad_prolific[] = {"5f3a1c9e8b7d6a5f4e3d2c1",   /* 23 */
                                               "5f3a1c9e8b7d6a5f4e3d2c1b0", /* 25 */
                                               "5f3a1c9e8b7d6a5f4e3d2c1g",  /* not hex */
                                               "5f3a1c9e8b7d6a5f4e3d2c1\n", /* a newline */
                                               "'5f3a1c9e8b7d6a5f4e3d2c1b"};
    for (size_t i = 0; i < sizeof bad_prolific / sizeof *bad_prolific; i++) {
        rows[3].annotator = bad_prolific[i];
        CAPTURE(st, text, pm_pay_write_prolific(fp, rows, 4, &skipped, &e));
        assert_int_equal(st, PM_EPARSE);
        assert_string_equal(text, "");
        assert_non_null(strstr(e.text, "payment row 4: participant_id"));
        free(text);
    }

    /* MTurk: WorkerId ^A[A-Z0-9]+$, AssignmentId ^[A-Z0-9]+$, both at
     * most 64; Reason at most 4096 characters. */
    rows[0].annotator = "A1B2C3";
    rows[3].annotator = "AZ9";
    pm_pay_assignment ok_map[3] = {{"AZ9", "3X4"}, {"A1B2C3", "3X1"}, {"AZ9", "3X9"}};
    CAPTURE(st, text, pm_pay_write_mturk(fp, rows, 4, ok_map, 3, "Consistency bonus", NULL, NULL));
    assert_int_equal(st, PM_OK);
    assert_string_equal(text, "WorkerId,AssignmentId,BonusAmount,Reason\r\n"
                              "A1B2C3,3X1,1.00,Consistency bonus\r\n"
                              "AZ9,3X4,2.00,Consistency bonus\r\n");
    free(text);
    /* A payable worker without an assignment: named, and nothing written. */
    CAPTURE(st, text, pm_pay_write_mturk(fp, rows, 4, ok_map, 1, NULL, &skipped, &e));
    assert_int_equal(st, PM_EINVAL);
    assert_string_equal(text, "");
    assert_non_null(strstr(e.text, "A1B2C3"));
    free(text);
    char id65[66];
    memset(id65, 'B', 65);
    id65[0] = 'A';
    id65[65] = '\0';
    static const char *const bad_worker[] = {"A", "a1B2", "B1234", "A12-4", "A1\n"};
    for (size_t i = 0; i <= sizeof bad_worker / sizeof *bad_worker; i++) {
        const char *w = i < sizeof bad_worker / sizeof *bad_worker ? bad_worker[i] : id65;
        rows[3].annotator = w;
        pm_pay_assignment m1[2] = {{"A1B2C3", "3X1"}, {w, "3X4"}};
        CAPTURE(st, text, pm_pay_write_mturk(fp, rows, 4, m1, 2, NULL, NULL, &e));
        assert_int_equal(st, PM_EPARSE);
        assert_string_equal(text, "");
        assert_non_null(strstr(e.text, "payment row 4: WorkerId"));
        free(text);
    }
    id65[64] = '\0'; /* 64 characters: the longest id */
    rows[3].annotator = id65;
    pm_pay_assignment m64[2] = {{"A1B2C3", "3X1"}, {id65, "3X4"}};
    CAPTURE(st, text, pm_pay_write_mturk(fp, rows, 4, m64, 2, NULL, NULL, NULL));
    assert_int_equal(st, PM_OK);
    free(text);
    rows[3].annotator = "AZ9";
    pm_pay_assignment bad_a[2] = {{"A1B2C3", "3x1"}, {"AZ9", "3X4"}};
    CAPTURE(st, text, pm_pay_write_mturk(fp, rows, 4, bad_a, 2, NULL, NULL, &e));
    assert_int_equal(st, PM_EPARSE);
    assert_non_null(strstr(e.text, "payment row 1: AssignmentId '3x1'"));
    free(text);
    /* Reason: 4096 characters pass, 4097 do not; characters, not bytes
     * (4096 two-byte characters pass). */
    char *reason = malloc(2 * 4097 + 1);
    memset(reason, 'r', 4096);
    reason[4096] = '\0';
    CAPTURE(st, text, pm_pay_write_mturk(fp, rows, 4, ok_map, 3, reason, NULL, NULL));
    assert_int_equal(st, PM_OK);
    free(text);
    strcpy(reason + 4096, "r");
    CAPTURE(st, text, pm_pay_write_mturk(fp, rows, 4, ok_map, 3, reason, NULL, &e));
    assert_int_equal(st, PM_EPARSE);
    assert_string_equal(text, "");
    assert_non_null(strstr(e.text, "Reason has 4097 characters"));
    free(text);
    for (size_t i = 0; i < 4096; i++)
        memcpy(reason + 2 * i, "\xc3\xa9", 2);
    reason[2 * 4096] = '\0';
    CAPTURE(st, text, pm_pay_write_mturk(fp, rows, 4, ok_map, 3, reason, NULL, NULL));
    assert_int_equal(st, PM_OK);
    free(text);
    free(reason);

    /* Toloka: 32 hexadecimal digits; title and message one line each. */
    rows[0].annotator = "fac97860c7929add8048ed2ef63b66fd";
    rows[3].annotator = "21c4f092ebad180cf56b9babe0ef9f19";
    CAPTURE(st, text,
            pm_pay_write_toloka(fp, rows, 4, "Bonus", "-thanks, for your care", &skipped, NULL));
    assert_int_equal(st, PM_OK);
    assert_string_equal(text, "user_id,amount,public_title,public_message\r\n"
                              "fac97860c7929add8048ed2ef63b66fd,1.00,Bonus,\"'-thanks, for your "
                              "care\"\r\n"
                              "21c4f092ebad180cf56b9babe0ef9f19,2.00,Bonus,\"'-thanks, for your "
                              "care\"\r\n");
    free(text);
    CAPTURE(st, text, pm_pay_write_toloka(fp, rows, 4, "Quality\nbonus", "m", NULL, &e));
    assert_int_equal(st, PM_EPARSE);
    assert_string_equal(text, "");
    assert_non_null(strstr(e.text, "public_title"));
    free(text);
    CAPTURE(st, text, pm_pay_write_toloka(fp, rows, 4, "B", "m\x1b[2J", NULL, &e));
    assert_int_equal(st, PM_EPARSE);
    assert_non_null(strstr(e.text, "public_message"));
    free(text);
    rows[3].annotator = "21c4f092ebad180cf56b9babe0ef9f1";
    CAPTURE(st, text, pm_pay_write_toloka(fp, rows, 4, "B", "m", NULL, &e));
    assert_int_equal(st, PM_EPARSE);
    assert_non_null(strstr(e.text, "payment row 4: user_id"));
    free(text);
    /* Over Toloka's 100.00 per award: refused before writing. */
    rows[3].annotator = "21c4f092ebad180cf56b9babe0ef9f19";
    rows[3].bonus_cents = rows[3].upload_cents = 10001;
    CAPTURE(st, text, pm_pay_write_toloka(fp, rows, 4, "B", "m", &skipped, &e));
    assert_int_equal(st, PM_EINVAL);
    assert_string_equal(text, "");
    assert_non_null(strstr(e.text, "100.00"));
    free(text);
}

/* Currencies: exactly ISO 4217's two-decimal currencies (defect 3). */
static void test_currencies(void **state)
{
    (void)state;
    static const char *const ok[] = {"USD", "GBP", "EUR", "CHF", "AUD", "CAD", "INR",
                                     "CNY", "BRL", "ZAR", "AED", "ZWG", "XCD", "SEK"};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        assert_int_equal(pm_pay_check_currency(ok[i], NULL), PM_OK);
    static const struct {
        const char *code, *why;
    } bad[] = {{"JPY", "0 decimals"},
               {"KRW", "0 decimals"},
               {"KWD", "3 decimals"},
               {"BHD", "3 decimals"},
               {"CLF", "4 decimals"},
               {"XAU", "without a minor unit"},
               {"XXX", "without a minor unit"},
               {"XTS", "without a minor unit"},
               {"BTC", "not a current ISO 4217"},
               {"USN", "funds code"},
               {"usd", "three capital letters"},
               {"US", "three capital letters"},
               {"USDT", "three capital letters"},
               {"", "three capital letters"},
               {"PY ", "three capital letters"},
               {"HRK", "not a current ISO 4217"}};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        pm_error e;
        assert_int_equal(pm_pay_check_currency(bad[i].code, &e), PM_EINVAL);
        if (!strstr(e.text, bad[i].why))
            fail_msg("%s: %s", bad[i].code, e.text);
    }
    assert_int_equal(pm_pay_check_currency(NULL, NULL), PM_EINVAL);
    /* pm_pay_compute refuses them too (the CLI is not the only caller). */
    pm_contract_terms t = {PM_CONTRACT_LINEAR, 1, 1, 1, 0, 0};
    pm_pay_options jpy = {.unit = "1", .currency = "JPY"};
    assert_int_equal(pm_pay_compute(&t, &jpy, NULL, 0, NULL, NULL, NULL), PM_EINVAL);
}

/* The unit: at most 6 decimal places, trailing zeros not counted (defect
 * 14: a finer unit was blamed on the contract). */
static void test_units(void **state)
{
    (void)state;
    static const char *const ok[] = {"1", "0.10", "10", "0.000001", "0.0000010000", "12.5", "7."};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        if (pm_pay_check_unit(ok[i], NULL) != PM_OK)
            fail_msg("%s refused", ok[i]);
    static const char *const bad[] = {
        "0.0000001", "0.0000000000000000000001", "0", "0.000", "-1", "1e-3", "", ".", "0.1.0"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        pm_error e;
        if (pm_pay_check_unit(bad[i], &e) != PM_EINVAL)
            fail_msg("%s accepted", bad[i]);
        assert_non_null(strstr(e.text, "unit"));
    }
    pm_error e;
    assert_int_equal(pm_pay_check_unit("0.0000000000000000000001", &e), PM_EINVAL);
    assert_non_null(strstr(e.text, "22 decimal places"));
    /* A 6-decimal unit with 17-digit terms is still exact: 0.07697304155204321
     * * 0.000001 * 100 cents rounds to 0, and the rows are paid. */
    pm_contract_terms t = {PM_CONTRACT_BINARY,  20, -0.07697304155204321, 0,
                           0.26279746103541624, 18};
    pm_pay_options po = {.unit = "0.000001", .currency = "USD"};
    pm_pay_input in[1] = {{"a", 20, 20, 0}};
    pm_pay_row out[1];
    assert_int_equal(pm_pay_compute(&t, &po, in, 1, out, NULL, NULL), PM_OK);
    assert_int_equal(out[0].wage_cents, 0);
}

/* The assessment -> pay inputs conversion (one for pay and simulate). */
static void test_inputs_from_assessment(void **state)
{
    (void)state;
    pm_assess_row rows[3];
    memset(rows, 0, sizeof rows);
    rows[0].annotator = "=x";
    rows[0].dup_pairs = 20;
    rows[0].consistent = 18;
    rows[1].annotator = "'=x";
    rows[1].dup_pairs = 13;
    rows[1].consistent = 12;
    rows[2].annotator = "erin";
    pm_pay_input *in = NULL;
    assert_int_equal(pm_pay_inputs_from_assessment(rows, 3, 50, &in, NULL), PM_OK);
    for (size_t i = 0; i < 3; i++) {
        assert_ptr_equal(in[i].annotator, rows[i].annotator); /* borrowed */
        assert_int_equal(in[i].pairs, rows[i].dup_pairs);
        assert_int_equal(in[i].consistent, rows[i].consistent);
        assert_int_equal(in[i].paid_cents, 50);
    }
    free(in);
    in = NULL;
    assert_int_equal(pm_pay_inputs_from_assessment(NULL, 0, 0, &in, NULL), PM_OK);
    assert_non_null(in);
    free(in);
    assert_int_equal(pm_pay_inputs_from_assessment(rows, 3, -1, &in, NULL), PM_EINVAL);
    assert_int_equal(pm_pay_inputs_from_assessment(NULL, 3, 0, &in, NULL), PM_EINVAL);
    assert_int_equal(pm_pay_inputs_from_assessment(rows, 3, 0, NULL, NULL), PM_EINVAL);
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
        cmocka_unit_test(test_currencies),
        cmocka_unit_test(test_units),
        cmocka_unit_test(test_inputs_from_assessment),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
