/* The weekly report without the CLI: its numbers (pm_report_data_build)
 * from the report fixtures, checked against closed forms and sums done by
 * hand, and the page (pm_page_weekly) checked for what it shows. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "prefmon/pages.h"
#include "prefmon/weekly.h"

#define FIX PM_SOURCE_DIR "/tests/cli/fixtures/"

typedef struct week {
    pm_assess *assess;
    pm_contract contract;
    pm_model model;
    pm_scheme scheme;
    pm_pay_table pay;
    pm_report_data d;
} week;

static const long gap_n[] = {100, 10};

/* Load the fixtures; contract and payments only when asked. */
static pm_status load(week *w, int contract, const char *payments, pm_error *e)
{
    memset(w, 0, sizeof *w);
    assert_int_equal(pm_assess_load_json(FIX "report/assessment.json", &w->assess, e), PM_OK);
    if (contract)
        assert_int_equal(pm_contract_load(FIX "pay/contract-binary.json", &w->contract, &w->model,
                                          &w->scheme, e),
                         PM_OK);
    if (payments)
        assert_int_equal(pm_pay_read_table(payments, &w->pay, e), PM_OK);
    pm_report_inputs in = {.assess = w->assess,
                           .assess_path = "assessment.json",
                           .contract = contract ? &w->contract : NULL,
                           .model = &w->model,
                           .scheme = &w->scheme,
                           .contract_path = contract ? "contract.json" : NULL,
                           .gap_n = gap_n,
                           .ngap_n = 2,
                           .payments = payments ? &w->pay : NULL};
    return pm_report_data_build(&in, &w->d, e);
}

static void unload(week *w)
{
    pm_report_data_free(&w->d);
    pm_pay_table_free(&w->pay);
    pm_assess_free(w->assess);
}

/* P(X >= x) for X ~ Binomial(n, p), by direct summation. */
static double upper_tail(long x, long n, double p)
{
    double s = 0;
    for (long j = x; j <= n; j++) {
        double c = 1;
        for (long i = 0; i < j; i++)
            c = c * (double)(n - i) / (double)(i + 1);
        s += c * pow(p, (double)j) * pow(1 - p, (double)(n - j));
    }
    return s;
}

static void near(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("%.17g is not within %g of %.17g", got, tol, want);
}

static const pm_report_ann *ann_of(const pm_report_data *d, const char *name)
{
    for (size_t i = 0; i < d->nann; i++)
        if (strcmp(d->ann[i].row->annotator, name) == 0)
            return &d->ann[i];
    fail_msg("no annotator %s", name);
    return NULL;
}

static void test_numbers(void **state)
{
    (void)state;
    week w;
    pm_error e = {0};
    assert_int_equal(load(&w, 1, FIX "report/payments.csv", &e), PM_OK);
    const pm_report_data *d = &w.d;
    /* labels.csv: =1+2 20/20, @sum 25/23, alice 20/19, bob 20/17, carol 13/12,
     * dave 13/11, erin no pairs (one-label); everyone but erin has gold. */
    assert_int_equal(d->nrows, 7);
    assert_int_equal(d->nann, 6);
    assert_int_equal(d->ngold, 6);
    assert_int_equal(d->gold_no_pairs, 0);
    static const char *const by_pairs[] = {"@sum", "=1+2", "alice", "bob", "carol", "dave", "erin"};
    static const char *const by_cons[] = {"dave", "bob", "@sum", "carol", "alice", "=1+2"};
    for (size_t i = 0; i < 7; i++)
        assert_string_equal(d->order[i]->annotator, by_pairs[i]);
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(d->ann[i].row->annotator, by_cons[i]);
    assert_string_equal(d->flags[6], "one-label");
    assert_string_equal(d->flags[0], "");
    /* Clopper-Pearson at 0.95: x = n gives [0.025^(1/n), 1]; otherwise the
     * lower end L solves P(X >= x | L) = 0.025. */
    const pm_report_ann *a = ann_of(d, "=1+2");
    near(a->lo, pow(0.025, 1.0 / 20), 1e-12);
    near(a->hi, 1, 0);
    a = ann_of(d, "alice");
    near(upper_tail(19, 20, a->lo), 0.025, 1e-10);
    /* The likelihood-ratio threshold for alice's 20 pairs, q0 0.50125, delta
     * 0.02, eta0 0.8 vs eta1 1: k = ceil(n A / (A + B)) with
     * A = log((1-m0)/(1-m1)), B = log(m1/m0), m = q0 + eta(1 - delta - q0). */
    double q0 = 0.50125, m0 = q0 + 0.8 * (0.98 - q0), m1 = q0 + (0.98 - q0);
    double A = log((1 - m0) / (1 - m1)), B = log(m1 / m0);
    assert_int_equal(a->k, (long)ceil(20 * A / (A + B)));
    near(a->threshold, (double)a->k / 20, 0);
    /* The gap curve: n 10, 20 (the contract's) and 100 for both types; only
     * binary n = 20 is the chosen contract. */
    assert_int_equal(d->ngap, 6);
    static const long ns[3] = {10, 20, 100};
    size_t chosen = 0;
    for (size_t i = 0; i < d->ngap; i++) {
        assert_int_equal(d->gap[i].n, ns[i % 3]);
        assert_int_equal(d->gap[i].type, i < 3 ? PM_CONTRACT_LINEAR : PM_CONTRACT_BINARY);
        chosen += d->gap[i].chosen;
    }
    assert_int_equal(chosen, 1);
    assert_true(d->gap[4].chosen);
    near(d->gap[4].normalized_gap, w.contract.normalized_gap, 1e-9);
    /* payments.csv by hand: wages 1.86 x 4 and -0.77 x 3 = 5.13; paid
     * 0.50 x 7 = 3.50; bonuses 1.36 x 4 - 1.27 x 3 = 1.63, the positive
     * ones 5.44 to 4 annotators. */
    assert_int_equal(d->pay->wage_total_cents, 513);
    assert_int_equal(d->pay->paid_total_cents, 350);
    assert_int_equal(d->pay->bonus_total_cents, 163);
    assert_int_equal(d->pay->upload_total_cents, 544);
    assert_int_equal(d->pay->payable, 4);
    assert_int_equal(d->paid[0]->wage_cents, 186);
    assert_string_equal(d->paid[0]->annotator, "=1+2"); /* the guard undone */
    assert_int_equal(d->paid[6]->wage_cents, -77);
    /* Wages span 263 cents: the 1-2-5 width with fewer than 8 bins is 50,
     * from -1.00: six bins, 3 in the first and 4 in the last. */
    assert_int_equal(d->nbins, 6);
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(d->bins[i].lo, -100 + 50 * (long long)i);
        assert_int_equal(d->bins[i].hi, -50 + 50 * (long long)i);
        assert_int_equal(d->bins[i].count, i == 0 ? 3 : i == 5 ? 4 : 0);
    }
    unload(&w);
}

static char *page_html(const pm_report_data *d)
{
    pm_doc *doc = NULL;
    pm_error e = {0};
    pm_status st = pm_page_weekly(d, &doc, &e);
    if (st != PM_OK)
        fail_msg("page: %s", e.text);
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    assert_non_null(fp);
    assert_int_equal(pm_doc_write_html(doc, fp, &e), PM_OK);
    fclose(fp);
    pm_doc_free(doc);
    return buf;
}

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, what)) != NULL; p++)
        n++;
    return n;
}

static void test_page(void **state)
{
    (void)state;
    week w;
    pm_error e = {0};
    assert_int_equal(load(&w, 1, FIX "report/payments.csv", &e), PM_OK);
    char *html = page_html(&w.d);
    /* Four plots: consistency, gold, gap, wages. */
    assert_int_equal(count(html, "<svg"), 4);
    assert_int_equal(count(html, "<td>=1+2</td>"), 2); /* annotator and payment tables */
    assert_int_equal(count(html, "<td>@sum</td>"), 2);
    assert_non_null(strstr(html, "5.13 USD (one contract unit = 10 USD)"));
    assert_non_null(strstr(html, "5.44 USD to 4 annotators"));
    assert_non_null(strstr(html, "3 in [-1.00, -0.50), 4 in [1.50, 2.00)"));
    assert_non_null(strstr(html, "<td>one-label</td>"));
    free(html);
    unload(&w);

    assert_int_equal(load(&w, 0, NULL, &e), PM_OK);
    html = page_html(&w.d);
    assert_non_null(strstr(html, "No contract was given"));
    assert_non_null(strstr(html, "No payments were given"));
    assert_int_equal(count(html, "<svg"), 2);
    free(html);
    unload(&w);
}

/* Payments that contradict the assessment are refused at their row. */
static void test_other_assessment(void **state)
{
    (void)state;
    week w;
    pm_error e = {0};
    assert_int_equal(load(&w, 0, FIX "report/pay_other_assessment.csv", &e), PM_EPARSE);
    assert_string_equal(e.text, FIX "report/pay_other_assessment.csv:4: field 'consistent': "
                                    "'alice' has 18 of 20 pairs consistent here but 19 of 20 in "
                                    "the assessment assessment.json (payments of another "
                                    "assessment?)");
    assert_null(w.d.order);
    unload(&w);
    assert_int_equal(load(&w, 0, FIX "report/pay_not_assessed.csv", &e), PM_EPARSE);
    assert_non_null(strstr(e.text, "pay_not_assessed.csv:9: field 'annotator': 'zed' is not"));
    unload(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_page),
        cmocka_unit_test(test_other_assessment),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
