/* pay_read: the payment table read back is what pm_pay_write_table wrote
 * (hostile names included: `=x` and `'=x` stay two names), and a table that
 * contradicts itself is refused at the row and field where it does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "prefmon/pay.h"

/* A temporary file holding text (NULL: empty, for the caller to fill). */
static char *temp_file(const char *text)
{
    char *path = strdup("/tmp/test_pay_read_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    assert_non_null(fp);
    if (text)
        fputs(text, fp);
    fclose(fp);
    return path;
}

static void test_round_trip(void **state)
{
    (void)state;
    static const char *const names[] = {"=x",        "'=x", "''=x", "a,b",   "\"q\"",
                                        "new\nline", "+1",  "-3",   "@sum",  "\tTab",
                                        "\rCR",      "'",   "''",   "plain", "é ü"};
    enum { N = sizeof names / sizeof *names };
    pm_pay_row rows[N];
    long long wage = 0, paid = 0, bonus = 0, upload = 0;
    size_t payable = 0;
    for (size_t i = 0; i < N; i++) {
        memset(&rows[i], 0, sizeof rows[i]);
        rows[i].annotator = names[i];
        rows[i].pairs = (long)(3 * i + 1);
        rows[i].consistent = (long)(2 * i);
        rows[i].wage_cents = 137 * (long long)i - 500; /* negatives too */
        rows[i].paid_cents = 50 * (long long)(i % 4);
        rows[i].bonus_cents = rows[i].wage_cents - rows[i].paid_cents;
        snprintf(rows[i].reason, sizeof rows[i].reason, "%s reason, \"%zu\"", i % 2 ? "=cmd" : "-",
                 i);
        wage += rows[i].wage_cents, paid += rows[i].paid_cents, bonus += rows[i].bonus_cents;
        upload += rows[i].bonus_cents > 0 ? rows[i].bonus_cents : 0;
        payable += rows[i].bonus_cents > 0;
    }
    char *path = temp_file(NULL);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    pm_pay_options opt = {.unit = "0.10", .currency = "USD"};
    pm_error e = {0};
    assert_int_equal(pm_pay_write_table(fp, rows, N, &opt, &e), PM_OK);
    fclose(fp);
    pm_pay_table t;
    pm_status st = pm_pay_read_table(path, &t, &e);
    if (st != PM_OK)
        fail_msg("read: %s", e.text);
    assert_int_equal(t.count, N);
    for (size_t i = 0; i < N; i++) {
        assert_string_equal(t.rows[i].annotator, names[i]);
        assert_string_equal(t.rows[i].reason, rows[i].reason);
        assert_int_equal(t.rows[i].pairs, rows[i].pairs);
        assert_int_equal(t.rows[i].consistent, rows[i].consistent);
        assert_int_equal(t.rows[i].wage_cents, rows[i].wage_cents);
        assert_int_equal(t.rows[i].paid_cents, rows[i].paid_cents);
        assert_int_equal(t.rows[i].bonus_cents, rows[i].bonus_cents);
    }
    assert_int_equal(t.rows[0].line, 2);
    /* "new\nline" is one quoted cell over two lines: the next row starts on 9 */
    assert_int_equal(t.rows[6].line, 9);
    assert_string_equal(t.currency, "USD");
    assert_string_equal(t.unit, "0.10");
    assert_int_equal(t.wage_total_cents, wage);
    assert_int_equal(t.paid_total_cents, paid);
    assert_int_equal(t.bonus_total_cents, bonus);
    assert_int_equal(t.upload_total_cents, upload);
    assert_int_equal(t.payable, payable);
    pm_pay_table_free(&t);
    assert_null(t.rows);
    unlink(path);
    free(path);
}

/* text refused with PM_EPARSE and a message holding want ("file:" prefix
 * stripped). */
static void refused(const char *text, const char *want)
{
    char *path = temp_file(text);
    pm_pay_table t;
    pm_error e = {0};
    pm_status st = pm_pay_read_table(path, &t, &e);
    if (st != PM_EPARSE || strncmp(e.text, path, strlen(path)) != 0 ||
        strcmp(e.text + strlen(path), want) != 0)
        fail_msg("status %d, message '%s'; wanted '%s%s'", st, e.text, path, want);
    assert_null(t.rows);
    unlink(path);
    free(path);
}

#define HEAD "annotator,pairs,consistent,wage,paid,bonus,reason,currency,unit\n"

static void test_contradictions(void **state)
{
    (void)state;
    refused(HEAD "a,20,19,1.86,0.50,1.36,r,USD,10\nb,20,17,1.00,0.50,0.50,r,USD,10\n"
                 "a,20,19,1.86,0.50,1.36,r,USD,10\n",
            ":4: field 'annotator': 'a' is paid again (first on line 2)");
    refused(HEAD "a,20,21,1.86,0.50,1.36,r,USD,10\n",
            ":2:6: field 'consistent': 21 is more than the 20 pairs");
    refused(HEAD "a,20,19,1.86,0.50,2.36,r,USD,10\n",
            ":2:19: field 'bonus': '2.36' is not wage - paid = 1.36");
    refused(HEAD "a,20,19,1.86,-0.50,2.36,r,USD,10\n",
            ":2:14: field 'paid': '-0.50' is negative (pay takes paid >= 0)");
    refused(HEAD "a,20,19,1.86,0.50,1.36,r,USD,10\nb,20,19,1.86,0.50,1.36,r,USD,1\n",
            ":3:30: field 'unit': '1' differs from '10' on the first row");
    refused(HEAD "a,20,19,1.86,0.50,1.36,r,USD,10\nb,20,19,1.86,0.50,1.36,r,EUR,10\n",
            ":3:26: field 'currency': 'EUR' differs from 'USD' on the first row");
    refused(HEAD ",20,19,1.86,0.50,1.36,r,USD,10\n",
            ":2:1: field 'annotator': empty (pay names every row)");
    refused(HEAD "a,20,19,1.86,0.50\n", ":2: field 'bonus': missing (the row has 5 fields)");
    refused("annotator,pairs,consistent,wage,paid,reason,currency,unit\n",
            ":1: the header has no 'bonus' column (pay --out writes annotator, pairs, "
            "consistent, wage, paid, bonus, reason, currency, unit)");
    refused("", ":1: empty file (the CSV that 'prefmon pay --out' writes is expected)");
}

/* 10^13 currency units (10^15 cents, the most pay writes) on each row: the
 * 9224th row takes the wage total past INT64_MAX = 9223372036854775807
 * cents (9223 rows are 9.223e18, 9224 are 9.224e18). */
static void test_total_overflow(void **state)
{
    (void)state;
    char *path = temp_file(NULL);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(HEAD, fp);
    for (int i = 0; i < 9300; i++)
        fprintf(fp, "a%d,1,1,10000000000000.00,0,10000000000000.00,r,USD,1\n", i);
    fclose(fp);
    pm_pay_table t;
    pm_error e = {0};
    assert_int_equal(pm_pay_read_table(path, &t, &e), PM_EPARSE);
    char want[256];
    snprintf(want, sizeof want,
             "%s:9225:11: field 'wage': the total of this column passes %lld cents "
             "(1000000000000000 here)",
             path, (long long)INT64_MAX);
    assert_string_equal(e.text, want);
    unlink(path);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_contradictions),
        cmocka_unit_test(test_total_overflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
