/* assess: pairing order, q0, the decision against a brute-force
 * likelihood-ratio test, the flags, the delta estimate and the assessment
 * file, each against values computed by hand or by enumeration here. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pipeline/assess_internal.h"
#include "prefmon/assess.h"
#include "prefmon/binom.h"

static pm_record rec(const char *ann, const char *item, const char *label)
{
    pm_record r = {.annotator = ann,
                   .item = item,
                   .label = label,
                   .gold = NULL,
                   .shown_left = 0,
                   .timestamp = NAN,
                   .duration = NAN,
                   .file = "t.csv"};
    return r;
}

static void add(pm_assess *a, pm_record r)
{
    pm_error err;
    assert_int_equal(pm_assess_add(a, &r, &err), PM_OK);
}

static int same_num(double x, double y)
{
    return (isnan(x) && isnan(y)) || x == y;
}

/* Rows x and y alike in every count, word and number (NaN equal to NaN). */
static void assert_same_row(const pm_assess_row *x, const pm_assess_row *y)
{
    assert_string_equal(x->annotator, y->annotator);
    assert_int_equal(x->labels, y->labels);
    assert_int_equal(x->dup_pairs, y->dup_pairs);
    assert_int_equal(x->consistent, y->consistent);
    assert_int_equal(x->decision, y->decision);
    assert_int_equal(x->sequential, y->sequential);
    assert_int_equal(x->flags, y->flags);
    assert_int_equal(x->action, y->action);
    assert_int_equal(x->gold_n, y->gold_n);
    assert_int_equal(x->gold_agree, y->gold_agree);
    assert_true(same_num(x->q0, y->q0) && same_num(x->eta_hat, y->eta_hat) &&
                same_num(x->ci_low, y->ci_low) && same_num(x->ci_high, y->ci_high) &&
                same_num(x->p_value, y->p_value) && same_num(x->left_rate, y->left_rate) &&
                same_num(x->gold_rate, y->gold_rate) &&
                same_num(x->median_duration, y->median_duration) &&
                same_num(x->consistency, y->consistency) && same_num(x->e_pass, y->e_pass) &&
                same_num(x->e_fail, y->e_fail));
}

static const pm_assess_row *row_of(const pm_assess *a, const char *name)
{
    size_t n;
    const pm_assess_row *rows = pm_assess_rows(a, &n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].annotator, name) == 0)
            return &rows[i];
    fail_msg("no row for %s", name);
    return NULL;
}

/* Item x labelled A (t=3), B (t=1), A (t=2): input order pairs (A,B),(B,A)
 * agree 0 times; timestamp order B,A,A agrees once. An annotator with one
 * label lacking a timestamp is paired in input order everywhere. */
static void test_pairing_order(void **state)
{
    (void)state;
    pm_assess *a = pm_assess_new(NULL, NULL);
    assert_non_null(a);
    const char *ann[2] = {"timed", "untimed"};
    for (int w = 0; w < 2; w++) {
        double ts[3] = {3, 1, 2};
        const char *lab[3] = {"A", "B", "A"};
        for (int i = 0; i < 3; i++) {
            pm_record r = rec(ann[w], "x", lab[i]);
            r.timestamp = ts[i];
            add(a, r);
        }
        /* A second item in order, m = 4: A A B B -> 2 agreeing of 3. */
        const char *lab2[4] = {"A", "A", "B", "B"};
        for (int i = 0; i < 4; i++) {
            pm_record r = rec(ann[w], "y", lab2[i]);
            r.timestamp = 10 + i;
            if (w == 1 && i == 3)
                r.timestamp = NAN;
            add(a, r);
        }
    }
    /* Interleaved keys of another annotator: A1 B1 A2 B2 on items p, q. */
    add(a, rec("mixed", "p", "A"));
    add(a, rec("mixed", "q", "B"));
    add(a, rec("mixed", "p", "A"));
    add(a, rec("mixed", "q", "A"));
    assert_int_equal(pm_assess_finish(a, NULL), PM_OK);
    const pm_assess_row *t = row_of(a, "timed"), *u = row_of(a, "untimed"), *m = row_of(a, "mixed");
    assert_int_equal(t->dup_pairs, 5);
    assert_int_equal(t->consistent, 1 + 2);
    assert_int_equal(u->dup_pairs, 5);
    assert_int_equal(u->consistent, 0 + 2);
    assert_int_equal(m->dup_pairs, 2);
    assert_int_equal(m->consistent, 1);
    assert_true(fabs(m->consistency - 0.5) < 1e-15);
    assert_int_equal(pm_assess_summary_get(a)->pairs, 12);
    assert_int_equal(pm_assess_summary_get(a)->keys, 6);
    assert_int_equal(pm_assess_summary_get(a)->items, 4);
    pm_assess_free(a);
}

/* q0 = sum pi_k^2 over all labels, ties a category: A A A B tie tie -> (9 +
 * 1 + 4) / 36; a fixed q0 overrides it. */
static void test_q0(void **state)
{
    (void)state;
    const char *lab[6] = {"A", "A", "A", "B", "tie", "tie"};
    for (int fixed = 0; fixed < 2; fixed++) {
        pm_assess_options o;
        pm_assess_options_default(&o);
        if (fixed)
            o.q0 = 0.3;
        pm_assess *a = pm_assess_new(&o, NULL);
        char item[8];
        for (int i = 0; i < 6; i++) {
            snprintf(item, sizeof item, "i%d", i);
            add(a, rec("w", item, lab[i]));
        }
        assert_int_equal(pm_assess_finish(a, NULL), PM_OK);
        const pm_assess_row *r = row_of(a, "w");
        assert_true(fabs(r->q0 - (fixed ? 0.3 : 14.0 / 36)) < 1e-15);
        assert_int_equal(r->decision, PM_DECISION_NO_PAIRS);
        assert_true(isnan(r->consistency) && isnan(r->eta_hat) && isnan(r->p_value));
        pm_assess_free(a);
    }
}

static long double pmf_ld(long x, long n, long double p)
{
    long double c = 1;
    for (long i = 1; i <= x; i++)
        c = c * (n - x + i) / i;
    return c * powl(p, x) * powl(1 - p, n - x);
}

/* The decision for n pairs, x agreeing (x pairs A-A, n - x pairs A-B), so
 * q0 = ((n + x)^2 + (n - x)^2) / (2n)^2, against the LR test enumerated in
 * long double: pass iff P(x | m1) >= P(x | m0), too-few when its error sum
 * exceeds max_error. Also eta_hat and p_value in closed form. */
static void test_decision_brute_force(void **state)
{
    (void)state;
    const double delta = 0.05, eta0 = 0.7, eta1 = 1, max_error = 0.3;
    long checked = 0, overridden = 0;
    for (long n = 1; n <= 40; n += 3) {
        for (long x = 0; x <= n; x++) {
            pm_assess_options o;
            pm_assess_options_default(&o);
            o.delta = delta;
            o.eta0 = eta0;
            o.eta1 = eta1;
            o.max_error = max_error;
            pm_assess *a = pm_assess_new(&o, NULL);
            char item[16];
            for (long i = 0; i < n; i++) {
                snprintf(item, sizeof item, "i%ld", i);
                add(a, rec("w", item, "A"));
                add(a, rec("w", item, i < x ? "A" : "B"));
            }
            assert_int_equal(pm_assess_finish(a, NULL), PM_OK);
            const pm_assess_row *r = row_of(a, "w");
            long double q0 =
                ((long double)(n + x) * (n + x) + (long double)(n - x) * (n - x)) / (4.0L * n * n);
            assert_true(fabsl(r->q0 - q0) < 1e-15);
            long double s = 1 - (long double)delta;
            if (!(s > q0)) {
                assert_int_equal(r->decision, PM_DECISION_TOO_FEW);
                assert_true(r->flags & PM_FLAG_ONE_LABEL);
                pm_assess_free(a);
                continue;
            }
            long double m0 = q0 + eta0 * (s - q0), m1 = q0 + eta1 * (s - q0);
            long k = n + 1;
            for (long j = 0; j <= n; j++)
                if (pmf_ld(j, n, m1) >= pmf_ld(j, n, m0)) {
                    k = j;
                    break;
                }
            long double t1 = 0, t2 = 0;
            for (long j = 0; j <= n; j++)
                *(j >= k ? &t1 : &t2) += j >= k ? pmf_ld(j, n, m0) : pmf_ld(j, n, m1);
            pm_decision want = t1 + t2 > max_error ? PM_DECISION_TOO_FEW
                               : x >= k            ? PM_DECISION_PASS
                                                   : PM_DECISION_FAIL;
            /* The sequential evidence on these pairs, one look: the
             * likelihood ratio against 1/0.05, and below chance when q0
             * lies above x/n outside the Jeffreys-mixture confidence set
             * (log M_n(q0) >= ln 20). It decides where the fixed-n rule
             * is too-few. */
            long double ll = x * logl(m1 / m0) + (n - x) * logl((1 - m1) / (1 - m0));
            long double lm = lgammal(0.5L + x) + lgammal(0.5L + (n - x)) - lgammal(1.0L + n) -
                             (2 * lgammal(0.5L) - lgammal(1.0L)) - x * logl(q0) -
                             (n - x) * logl(1 - q0);
            int below = (long double)x / n < q0 && lm >= logl(20.0L);
            pm_seq_verdict seq = ll >= logl(20.0L)             ? PM_SEQ_PASS
                                 : -ll >= logl(20.0L) || below ? PM_SEQ_FAIL
                                                               : PM_SEQ_CONTINUE;
            assert_int_equal(r->sequential, seq);
            assert_int_equal(r->below_chance, below);
            assert_true(fabsl(logl(r->e_pass) - ll) < 1e-9L * (1 + fabsl(ll)));
            if (want == PM_DECISION_TOO_FEW && seq != PM_SEQ_CONTINUE) {
                want = seq == PM_SEQ_PASS ? PM_DECISION_PASS : PM_DECISION_FAIL;
                overridden++;
            }
            assert_int_equal(r->decision, want);
            assert_int_equal(!!(r->flags & PM_FLAG_LOW_EFFORT), want == PM_DECISION_FAIL);
            long double eta = ((long double)x / n - q0) / (s - q0);
            eta = eta < 0 ? 0 : eta > 1 ? 1 : eta;
            assert_true(fabsl(r->eta_hat - eta) < 1e-12);
            long double p = 0;
            for (long j = x; j <= n; j++)
                p += pmf_ld(j, n, m0);
            assert_true(fabsl(r->p_value - p) <= 1e-10 * p + 1e-300);
            assert_true(r->ci_low <= r->eta_hat && r->eta_hat <= r->ci_high);
            checked++;
            pm_assess_free(a);
        }
    }
    assert_true(checked > 200);
    assert_true(overridden > 0); /* too-few no longer hides what the evidence decides */
}

/* Holm on a hand example: p = (0.01, 0.04, 0.03, 0.005), m = 4:
 * sorted 0.005*4 = 0.02, 0.01*3 = 0.03, 0.03*2 = 0.06, 0.04*1 -> max 0.06. */
static void test_holm(void **state)
{
    (void)state;
    double p[4] = {0.01, 0.04, 0.03, 0.005}, adj[4];
    assert_int_equal(pmx_holm(p, 4, adj), PM_OK);
    assert_true(fabs(adj[3] - 0.02) < 1e-15);
    assert_true(fabs(adj[0] - 0.03) < 1e-15);
    assert_true(fabs(adj[2] - 0.06) < 1e-15);
    assert_true(fabs(adj[1] - 0.06) < 1e-15);
}

/* same-side: "lefty" always picks the left-shown response, 12 times out of
 * 12: p = 2 * 2^-12, Holm over two tested annotators = 4 * 2^-12 < 0.05;
 * "fair" picks left 6 of 12. */
static void add_sided(pm_assess *a, const char *ann, int always_left)
{
    char item[16];
    for (int i = 0; i < 12; i++) {
        snprintf(item, sizeof item, "s%d", i);
        pm_record r = rec(ann, item, i % 2 ? "A" : "B");
        r.shown_left = always_left ? r.label[0] : (i % 4 < 2 ? 'A' : 'B');
        add(a, r);
    }
}

static void test_same_side(void **state)
{
    (void)state;
    pm_assess *a = pm_assess_new(NULL, NULL);
    add_sided(a, "lefty", 1);
    add_sided(a, "fair", 0);
    /* A tie or an unknown side is not counted. */
    pm_record r = rec("fair", "s99", "tie");
    r.shown_left = 'A';
    add(a, r);
    assert_int_equal(pm_assess_finish(a, NULL), PM_OK);
    const pm_assess_row *l = row_of(a, "lefty"), *f = row_of(a, "fair");
    assert_true(l->left_rate == 1);
    assert_true(l->flags & PM_FLAG_SAME_SIDE);
    assert_true(fabs(f->left_rate - 0.5) < 1e-15);
    assert_false(f->flags & PM_FLAG_SAME_SIDE);
    pm_assess_free(a);
}

/* too-fast: medians 10, 11, 12 and 2 (pool median 10.5, 2 < 0.25 * 10.5);
 * with min_duration 10.5 the annotator at 10 is flagged too. Durations of
 * "fast" are 1, 2, 3, 100: the median of an even count is the mean of the
 * middle two, (2 + 3) / 2 = 2.5. */
static void test_too_fast(void **state)
{
    (void)state;
    for (int with_min = 0; with_min < 2; with_min++) {
        pm_assess_options o;
        pm_assess_options_default(&o);
        if (with_min)
            o.min_duration = 10.5;
        pm_assess *a = pm_assess_new(&o, NULL);
        const char *names[3] = {"a10", "b11", "c12"};
        for (int w = 0; w < 3; w++) {
            pm_record r = rec(names[w], "i", "A");
            r.duration = 10 + w;
            add(a, r);
        }
        double fast[4] = {100, 1, 3, 2};
        char item[8];
        for (int i = 0; i < 4; i++) {
            snprintf(item, sizeof item, "f%d", i);
            pm_record r = rec("fast", item, "A");
            r.duration = fast[i];
            add(a, r);
        }
        assert_int_equal(pm_assess_finish(a, NULL), PM_OK);
        assert_true(fabs(row_of(a, "fast")->median_duration - 2.5) < 1e-15);
        assert_true(row_of(a, "fast")->flags & PM_FLAG_TOO_FAST);
        assert_int_equal(!!(row_of(a, "a10")->flags & PM_FLAG_TOO_FAST), with_min);
        assert_false(row_of(a, "b11")->flags & PM_FLAG_TOO_FAST);
        assert_false(row_of(a, "c12")->flags & PM_FLAG_TOO_FAST);
        pm_assess_free(a);
    }
}

/* consistent-but-wrong: "heur" repeats itself perfectly on 60 items
 * (passes) but agrees with gold on 6 of 60 items (12 of 120 labels); the
 * others on 54 of 60, so against r = 216/240 the one-sided p = P(X <= 12 |
 * 120, 0.9) is tiny. "good" agrees as often as the rest: p large. */
static void add_gold_worker(pm_assess *a, const char *ann, int agree)
{
    char item[16];
    for (int i = 0; i < 60; i++) {
        snprintf(item, sizeof item, "g%d", i);
        const char *lab = i % 2 ? "A" : "B";
        pm_record r = rec(ann, item, lab);
        r.gold = i < agree ? lab : (i % 2 ? "B" : "A");
        add(a, r);
        add(a, r); /* a consistent duplicate */
    }
}

static void test_consistent_but_wrong(void **state)
{
    (void)state;
    pm_assess *a = pm_assess_new(NULL, NULL);
    add_gold_worker(a, "heur", 6);
    add_gold_worker(a, "good", 54);
    add_gold_worker(a, "good2", 54);
    assert_int_equal(pm_assess_finish(a, NULL), PM_OK);
    const pm_assess_row *h = row_of(a, "heur"), *g = row_of(a, "good");
    assert_int_equal(h->decision, PM_DECISION_PASS);
    assert_int_equal(h->gold_n, 120);
    assert_int_equal(h->gold_agree, 12);
    assert_true(fabs(h->gold_rate - 0.1) < 1e-15);
    assert_true(h->flags & PM_FLAG_CONSISTENT_BUT_WRONG);
    assert_false(g->flags & PM_FLAG_CONSISTENT_BUT_WRONG);
    /* The p-value it rests on, for the record. */
    assert_true(pm_pbinom(12, 120, 216.0 / 240, 1, 0) < 1e-20);
    assert_int_equal(g->decision, PM_DECISION_PASS);
    pm_assess_free(a);
}

/* one-label and no-pairs: "mono" only ever says A (q0 = 1): effort fields
 * NaN, decision too-few, flag one-label; "once" labels distinct items. */
static void test_one_label_no_pairs(void **state)
{
    (void)state;
    pm_assess *a = pm_assess_new(NULL, NULL);
    for (int i = 0; i < 3; i++) {
        add(a, rec("mono", "m", "A"));
        add(a, rec("once", i == 0 ? "o1" : i == 1 ? "o2" : "o3", i ? "B" : "A"));
    }
    assert_int_equal(pm_assess_finish(a, NULL), PM_OK);
    const pm_assess_row *m = row_of(a, "mono"), *o = row_of(a, "once");
    assert_int_equal(m->dup_pairs, 2);
    assert_int_equal(m->consistent, 2);
    assert_true(m->q0 == 1);
    assert_true(isnan(m->eta_hat) && isnan(m->ci_low) && isnan(m->p_value));
    assert_int_equal(m->decision, PM_DECISION_TOO_FEW);
    assert_true(m->flags & PM_FLAG_ONE_LABEL);
    assert_int_equal(o->decision, PM_DECISION_NO_PAIRS);
    assert_true(isnan(o->left_rate) && isnan(o->gold_rate) && isnan(o->median_duration));
    const pm_assess_summary *s = pm_assess_summary_get(a);
    assert_int_equal(s->decisions[PM_DECISION_TOO_FEW], 1);
    assert_int_equal(s->decisions[PM_DECISION_NO_PAIRS], 1);
    assert_int_equal(s->flags[4], 1);
    pm_assess_free(a);
}

/* Delta estimate: two annotators agree on 98 of 100 pairs, one on 60 of
 * 100 (its interval's top is far below the others' lower bound): delta =
 * 4 / 200 with the Clopper-Pearson interval of 4 in 200. */
static void add_pairs(pm_assess *a, const char *ann, int n, int agree)
{
    char item[16];
    for (int i = 0; i < n; i++) {
        snprintf(item, sizeof item, "d%d", i);
        const char *lab = i % 2 ? "A" : "B";
        add(a, rec(ann, item, lab));
        add(a, rec(ann, item, i < agree ? lab : (i % 2 ? "B" : "A")));
    }
}

static void test_delta_estimate(void **state)
{
    (void)state;
    pm_assess_options o;
    pm_assess_options_default(&o);
    o.delta_estimate = 1;
    pm_assess *a = pm_assess_new(&o, NULL);
    add_pairs(a, "c1", 100, 98);
    add_pairs(a, "c2", 100, 98);
    add_pairs(a, "sloppy", 100, 60);
    assert_int_equal(pm_assess_finish(a, NULL), PM_OK);
    const pm_assess_summary *s = pm_assess_summary_get(a);
    double lo, hi;
    assert_int_equal(pm_clopper_pearson(4, 200, 0.95, &lo, &hi, NULL), PM_OK);
    assert_true(s->delta_estimated);
    assert_int_equal(s->delta_annotators, 2);
    assert_int_equal(s->delta_pairs, 200);
    assert_int_equal(s->delta_disagree, 4);
    assert_true(fabs(s->delta - 0.02) < 1e-15);
    assert_true(s->delta_low == lo && s->delta_high == hi);
    pm_assess_free(a);
    /* Defect 19: q0 = 0.985 for everyone at the estimate 0.02 leaves
     * 1 - delta = 0.98 <= q0: refused (PM_EMODEL) as pm_assess_new refuses
     * it for a fixed delta, not every row flagged one-label. q0 = 0.975 is
     * below 0.98 and goes through. */
    for (int k = 0; k < 2; k++) {
        o.q0 = k ? 0.975 : 0.985;
        a = pm_assess_new(&o, NULL);
        add_pairs(a, "c1", 100, 98);
        add_pairs(a, "c2", 100, 98);
        pm_error e2;
        assert_int_equal(pm_assess_finish(a, &e2), k ? PM_OK : PM_EMODEL);
        if (!k)
            assert_non_null(strstr(e2.text, "leaves 1 - delta <= q0"));
        pm_assess_free(a);
    }
    o.q0 = NAN;
    /* Nobody eligible (no pairs): an error that says what to do, and the
     * handle refuses a second finish. */
    a = pm_assess_new(&o, NULL);
    add(a, rec("w", "i1", "A"));
    add(a, rec("w", "i2", "B"));
    pm_error err;
    assert_int_equal(pm_assess_finish(a, &err), PM_EINVAL);
    assert_non_null(strstr(err.text, "give delta as a number"));
    assert_int_equal(pm_assess_finish(a, &err), PM_EINVAL);
    assert_null(pm_assess_rows(a, NULL));
    pm_assess_free(a);
}

static void test_bad_input(void **state)
{
    (void)state;
    pm_error err;
    pm_assess_options o;
    pm_assess_options_default(&o);
    o.q0 = 0.99;
    assert_null(pm_assess_new(&o, &err));
    assert_non_null(strstr(err.text, "1 - delta <= q0"));
    pm_assess *a = pm_assess_new(NULL, NULL);
    pm_record r = rec("w", "", "A");
    r.line = 7;
    assert_int_equal(pm_assess_add(a, &r, &err), PM_EINVAL);
    assert_string_equal(err.text, "t.csv:7: empty item");
    r = rec("w", "i", "A");
    r.shown_left = 'L';
    assert_int_equal(pm_assess_add(a, &r, &err), PM_EINVAL);
    assert_int_equal(pm_assess_summary_get(a)->rows, 0);
    assert_int_equal(pm_assess_finish(a, NULL), PM_OK);
    size_t n = 7;
    assert_non_null(pm_assess_rows(a, &n));
    assert_int_equal(n, 0);
    r = rec("w", "i", "A");
    assert_int_equal(pm_assess_add(a, &r, &err), PM_EINVAL);
    pm_assess_free(a);
}

/* max_bytes: distinct keys past a 4 MB budget stop with PM_ELIMIT naming
 * the limit, checked before every row (it was every 65536 rows): the row
 * refused is the first whose need (what is held plus the key table's next
 * doubling) passes the limit, and the handle then held at most the limit. */
static void test_memory_limit(void **state)
{
    (void)state;
    pm_assess_options o;
    pm_assess_options_default(&o);
    o.max_bytes = (size_t)4 << 20;
    pm_assess *a = pm_assess_new(&o, NULL);
    char item[32];
    pm_error err;
    pm_status st = PM_OK;
    long i;
    for (i = 0; i < 2000000 && st == PM_OK; i++) {
        snprintf(item, sizeof item, "item-%ld", i);
        pm_record r = rec("w", item, "A");
        r.line = i + 1;
        st = pm_assess_add(a, &r, &err);
    }
    assert_int_equal(st, PM_ELIMIT);
    assert_true(i < 2000000);
    assert_non_null(strstr(err.text, "memory limit of 4194304 bytes"));
    const char *need = strstr(err.text, "keys; ");
    assert_non_null(need);
    assert_true(strtod(need + 6, NULL) > 4194304);
    /* The refused row is not added: rows counts those before it. */
    assert_int_equal(pm_assess_summary_get(a)->rows, i - 1);
    pm_assess_free(a);
    /* 1000 keys fit in 4 MB: no refusal, and finish checks its own need. */
    a = pm_assess_new(&o, NULL);
    for (i = 0; i < 1000; i++) {
        snprintf(item, sizeof item, "item-%ld", i);
        add(a, rec("w", item, "A"));
    }
    assert_int_equal(pm_assess_finish(a, &err), PM_OK);
    assert_true(pm_assess_summary_get(a)->bytes <= o.max_bytes);
    pm_assess_free(a);
    /* Defect 7: finish's own rows count. 20000 annotators held in B bytes
     * are added under B + 1 MiB, but their rows (about 200 bytes each, 4 MB)
     * do not fit: refused before computing, the handle left as it was. */
    char ann[32];
    a = pm_assess_new(NULL, NULL);
    for (i = 0; i < 20000; i++) {
        snprintf(ann, sizeof ann, "w%ld", i);
        add(a, rec(ann, "x", "A"));
    }
    assert_int_equal(pm_assess_finish(a, NULL), PM_OK);
    o.max_bytes = pm_assess_summary_get(a)->bytes + ((size_t)1 << 20);
    pm_assess_free(a);
    a = pm_assess_new(&o, NULL);
    for (i = 0; i < 20000; i++) {
        snprintf(ann, sizeof ann, "w%ld", i);
        add(a, rec(ann, "x", "A"));
    }
    assert_int_equal(pm_assess_finish(a, &err), PM_ELIMIT);
    assert_non_null(strstr(err.text, "computing the rows of 20000 annotators needs"));
    assert_null(pm_assess_rows(a, NULL));
    pm_assess_free(a);
}

/* The interning table: ids in order of first appearance, exact matching of
 * strings around the inline limit (22..25 bytes, prefixes of each other),
 * and every id still found after many growths. */
static void test_strtab(void **state)
{
    (void)state;
    pmx_arena ar;
    pmx_strtab t;
    pmx_arena_init(&ar);
    assert_int_equal(pmx_strtab_init(&t, &ar), PM_OK);
    const char *base = "abcdefghijklmnopqrstuvwxyz";
    char s[32];
    uint32_t id;
    int is_new;
    for (int len = 0; len <= 26; len++) {
        memcpy(s, base, (size_t)len);
        s[len] = '\0';
        assert_int_equal(pmx_strtab_intern(&t, s, &id, &is_new), PM_OK);
        assert_int_equal(id, len);
        assert_true(is_new);
    }
    for (int i = 0; i < 50000; i++) {
        snprintf(s, sizeof s, i % 2 ? "k%d" : "a-rather-long-key-%09d", i);
        assert_int_equal(pmx_strtab_intern(&t, s, &id, &is_new), PM_OK);
        assert_int_equal(id, 27 + i);
    }
    for (int len = 26; len >= 0; len--) {
        memcpy(s, base, (size_t)len);
        s[len] = '\0';
        assert_int_equal(pmx_strtab_intern(&t, s, &id, &is_new), PM_OK);
        assert_int_equal(id, len);
        assert_false(is_new);
        assert_int_equal(pmx_strtab_find(&t, s), len);
        assert_string_equal(pmx_strtab_str(&t, id), s);
    }
    assert_int_equal(pmx_strtab_find(&t, "a-rather-long-key-000000002"), 29);
    assert_int_equal(pmx_strtab_find(&t, "a-rather-long-key-00000000"), UINT32_MAX);
    assert_int_equal(pmx_strtab_find(&t, "k3"), 30);
    pmx_strtab_free(&t);
    pmx_arena_free(&ar);
}

/* A set numbers the same strings the same way as a table that keeps them,
 * through its growth, though it keeps short strings only in their slots:
 * the source buffer is overwritten after each call. */
static void test_strtab_set(void **state)
{
    (void)state;
    pmx_arena ar;
    pmx_strtab t;
    pmx_arena_init(&ar);
    assert_int_equal(pmx_strtab_init_set(&t, &ar), PM_OK);
    char s[40];
    uint32_t id;
    int is_new;
    size_t copied = 0; /* arena bytes for the long strings: len + NUL rounded to 8 */
    for (int i = 0; i < 20000; i += 3)
        copied += ((size_t)snprintf(s, sizeof s, "a-long-item-key-longer-than-23-%d", i) + 8) & ~7u;
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 20000; i++) {
            snprintf(s, sizeof s, i % 3 ? "i%d" : "a-long-item-key-longer-than-23-%d", i);
            assert_int_equal(pmx_strtab_intern(&t, s, &id, &is_new), PM_OK);
            assert_int_equal(id, i);
            assert_int_equal(is_new, round == 0);
            assert_true(pmx_strtab_hash(&t, id) == pmx_hash_bytes(s, strlen(s)));
            memset(s, 'x', sizeof s - 1);
        }
    assert_int_equal(pmx_strtab_find(&t, "i7"), 7);
    assert_int_equal(pmx_strtab_find(&t, "a-long-item-key-longer-than-23-9"), 9);
    assert_int_equal(pmx_strtab_find(&t, "i3"), UINT32_MAX);
    /* Only the long strings (a third) were copied, into one arena chunk. */
    assert_int_equal(ar.used, copied);
    pmx_strtab_free(&t);
    pmx_arena_free(&ar);
}

/* pm_assess_add_batch gives the rows pm_assess_add gives (40 records in
 * batches of 16, runs of annotators broken), and stops at an invalid record
 * with its index, having added the ones before it. */
static void test_batch(void **state)
{
    (void)state;
    pm_record recs[40];
    char ann[40][8], item[40][8];
    const char *labs[3] = {"A", "B", "tie"};
    for (int i = 0; i < 40; i++) {
        snprintf(ann[i], sizeof ann[i], "w%d", (i * 7) % 3);
        snprintf(item[i], sizeof item[i], "i%d", (i * 5) % 11);
        recs[i] = rec(ann[i], item[i], labs[(i * i) % 3]);
        recs[i].timestamp = (i * 13) % 17;
    }
    pm_assess *a = pm_assess_new(NULL, NULL), *b = pm_assess_new(NULL, NULL);
    for (int i = 0; i < 40; i++)
        add(a, recs[i]);
    size_t done;
    assert_int_equal(pm_assess_add_batch(b, recs, 40, &done, NULL), PM_OK);
    assert_int_equal(done, 40);
    assert_int_equal(pm_assess_finish(a, NULL), PM_OK);
    assert_int_equal(pm_assess_finish(b, NULL), PM_OK);
    size_t na, nb;
    const pm_assess_row *ra = pm_assess_rows(a, &na), *rb = pm_assess_rows(b, &nb);
    assert_int_equal(na, 3);
    assert_int_equal(nb, 3);
    long pairs = 0;
    for (size_t i = 0; i < na; i++) {
        assert_same_row(&ra[i], &rb[i]);
        pairs += ra[i].dup_pairs;
    }
    long keys = 0; /* distinct (annotator, item), by enumeration */
    for (int i = 0; i < 40; i++) {
        int seen = 0;
        for (int j = 0; j < i && !seen; j++)
            seen = !strcmp(ann[i], ann[j]) && !strcmp(item[i], item[j]);
        keys += !seen;
    }
    assert_int_equal(pairs, 40 - keys);
    assert_true(pairs > 0);
    pm_assess_free(a);
    pm_assess_free(b);
    b = pm_assess_new(NULL, NULL);
    recs[21].label = "";
    pm_error err;
    assert_int_equal(pm_assess_add_batch(b, recs, 40, &done, &err), PM_EINVAL);
    assert_int_equal(done, 21);
    assert_int_equal(pm_assess_summary_get(b)->rows, 21);
    assert_string_equal(err.text, "t.csv: empty label");
    pm_assess_free(b);
}

/* 12,000 annotators interleaved row by row (more than the 8,192 entries
 * of the annotator cache, 4,096 sets of two: sets of one to six names, so
 * that hits in either way and evictions all happen; names both shorter and
 * longer than 8 bytes): each
 * labels item x three times in three rounds, annotator j with B in round 1
 * when j % 3 == 0, else A every time. By hand: every row has 3 labels and 2
 * pairs; j % 3 == 0 (A, B, A) agrees 0 times, the others 2 times. */
static void test_interleaved_annotators(void **state)
{
    (void)state;
    enum { N = 12000 };
    static char name[N][16];
    for (int j = 0; j < N; j++)
        snprintf(name[j], sizeof name[j], j % 2 ? "annotator-%05d" : "w%d", j);
    pm_assess *a = pm_assess_new(NULL, NULL);
    assert_non_null(a);
    for (int r = 0; r < 3; r++)
        for (int j = 0; j < N; j++)
            add(a, rec(name[j], "x", r == 1 && j % 3 == 0 ? "B" : "A"));
    assert_int_equal(pm_assess_finish(a, NULL), PM_OK);
    size_t n;
    const pm_assess_row *rows = pm_assess_rows(a, &n);
    assert_int_equal(n, N);
    static unsigned char seen[N];
    for (size_t k = 0; k < n; k++) {
        const char *s = rows[k].annotator;
        int j = atoi(s[0] == 'w' ? s + 1 : s + 10);
        assert_true(j >= 0 && j < N);
        assert_string_equal(s, name[j]);
        assert_false(seen[j]);
        seen[j] = 1;
        assert_int_equal(rows[k].labels, 3);
        assert_int_equal(rows[k].dup_pairs, 2);
        assert_int_equal(rows[k].consistent, j % 3 == 0 ? 0 : 2);
    }
    pm_assess_free(a);
}

/* Names the annotator caches' short keys cannot tell apart: 1,000 of 19
 * bytes sharing their length, first 8 and last 8 bytes (they differ only
 * in the middle 3), interleaved with short names of 1 to 7 bytes (whose
 * keys hold them whole). Each must keep its own counts: annotator j labels
 * item x twice, A then (j % 2 ? A : B), so it has 1 pair, consistent when
 * j is odd. */
static void test_annotators_alike_in_cache(void **state)
{
    (void)state;
    enum { N = 1000, S = 7 };
    static char name[N][24];
    static const char *const shorts[S] = {"a", "ab", "abc", "abcd", "abcde", "bbcde", "abcdf"};
    for (int j = 0; j < N; j++)
        snprintf(name[j], sizeof name[j], "aaaaaaaa%03dbbbbbbbb", j);
    pm_assess *a = pm_assess_new(NULL, NULL);
    assert_non_null(a);
    for (int r = 0; r < 2; r++)
        for (int j = 0; j < N; j++) {
            add(a, rec(name[j], "x", r == 1 && j % 2 == 0 ? "B" : "A"));
            add(a, rec(shorts[j % S], "y", "A"));
        }
    assert_int_equal(pm_assess_finish(a, NULL), PM_OK);
    size_t n;
    const pm_assess_row *rows = pm_assess_rows(a, &n);
    assert_int_equal(n, N + S);
    for (size_t k = 0; k < n; k++) {
        const char *s = rows[k].annotator;
        if (strlen(s) < 8) { /* short name m: 2 rows for each j with j % S == m */
            int m = 0;
            while (m < S && strcmp(shorts[m], s) != 0)
                m++;
            assert_true(m < S);
            long labels = 2 * (N / S + (m < N % S));
            assert_int_equal(rows[k].labels, labels);
            assert_int_equal(rows[k].dup_pairs, labels - 1);
            assert_int_equal(rows[k].consistent, labels - 1);
            continue;
        }
        int j = atoi(s + 8);
        assert_string_equal(s, name[j]);
        assert_int_equal(rows[k].labels, 2);
        assert_int_equal(rows[k].dup_pairs, 1);
        assert_int_equal(rows[k].consistent, j % 2 ? 1 : 0);
    }
    pm_assess_free(a);
}

/* 10,000 annotators (enough for pm_assess_finish to cut its per-row loops
 * into ranges run by several threads) with gold, sides, durations and
 * varied agreement, added to a handle of one thread and to one of three:
 * every row and the summary must be the same, field by field. */
static void test_finish_threads_same_rows(void **state)
{
    (void)state;
    enum { N = 10000 };
    pm_assess *h[2];
    for (int v = 0; v < 2; v++) {
        pm_assess_options o;
        pm_assess_options_default(&o);
        o.threads = v ? 3 : 1;
        assert_non_null(h[v] = pm_assess_new(&o, NULL));
        uint64_t x = 12345;
        for (int r = 0; r < 4; r++)
            for (int j = 0; j < N; j++) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                char name[16], item[16];
                snprintf(name, sizeof name, "w%05d", j);
                snprintf(item, sizeof item, "i%d", (int)(x % 3));
                pm_record e = rec(name, item, x % 5 < (uint64_t)(2 + j % 3) ? "A" : "B");
                e.gold = x % 7 == 0 ? "A" : NULL;
                e.shown_left = x % 11 < 5 ? 'A' : 'B';
                e.duration = (double)(x % 997) / 10;
                add(h[v], e);
            }
        assert_int_equal(pm_assess_finish(h[v], NULL), PM_OK);
    }
    size_t n0, n1;
    const pm_assess_row *a = pm_assess_rows(h[0], &n0), *b = pm_assess_rows(h[1], &n1);
    assert_int_equal(n0, N);
    assert_int_equal(n1, N);
    for (size_t i = 0; i < n0; i++) {
        assert_same_row(&a[i], &b[i]);
        assert_int_equal(a[i].below_chance, b[i].below_chance);
    }
    const pm_assess_summary *s0 = pm_assess_summary_get(h[0]), *s1 = pm_assess_summary_get(h[1]);
    assert_int_equal(s0->pairs, s1->pairs);
    for (int d = 0; d < PM_DECISION_COUNT; d++)
        assert_int_equal(s0->decisions[d], s1->decisions[d]);
    for (int f = 0; f < PM_FLAG_COUNT; f++)
        assert_int_equal(s0->flags[f], s1->flags[f]);
    /* the rows are not all alike: the loops' ranges met different rows,
     * with and without tests, agreeing and not */
    long tested = 0, agreeing = 0, disagreeing = 0;
    for (size_t i = 0; i < n0; i++) {
        tested += !isnan(a[i].p_value);
        agreeing += a[i].dup_pairs > 0 && a[i].consistent == a[i].dup_pairs;
        disagreeing += a[i].dup_pairs > 0 && a[i].consistent == 0;
    }
    assert_true(tested > N / 10 && tested < N);
    assert_true(agreeing > N / 10 && disagreeing > N / 100);
    pm_assess_free(h[0]);
    pm_assess_free(h[1]);
}

/* Save, load, compare every field; then a file with one bad field. */
static void test_json_round_trip(void **state)
{
    (void)state;
    pm_assess *a = pm_assess_new(NULL, NULL);
    add_gold_worker(a, "heur", 6);
    add_gold_worker(a, "good", 54);
    add_sided(a, "lefty", 1);
    add(a, rec("mono", "m", "A"));
    add(a, rec("mono", "m", "A"));
    pm_assess_set_rows_skipped(a, 3);
    assert_int_equal(pm_assess_finish(a, NULL), PM_OK);
    char path[] = "/tmp/test_assess_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    assert_int_equal(pm_assess_save_json(a, fp, path, NULL), PM_OK);
    fclose(fp);
    pm_assess *b = NULL;
    pm_error err;
    assert_int_equal(pm_assess_load_json(path, &b, &err), PM_OK);
    size_t na, nb;
    const pm_assess_row *ra = pm_assess_rows(a, &na), *rb = pm_assess_rows(b, &nb);
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++)
        assert_same_row(&ra[i], &rb[i]);
    assert_int_equal(pm_assess_summary_get(b)->rows_skipped, 3);
    /* The repeats block round-trips ("mono" labels m A twice: an identical line). */
    const pm_assess_summary *sa = pm_assess_summary_get(a), *sb = pm_assess_summary_get(b);
    assert_true(sa->pairs_identical >= 1);
    assert_int_equal(sb->pairs_untimed, sa->pairs_untimed);
    assert_int_equal(sb->pairs_identical, sa->pairs_identical);
    assert_int_equal(sb->pairs_timestamped, sa->pairs_timestamped);
    assert_int_equal(sb->untimed_disagree, sa->untimed_disagree);
    assert_int_equal(sb->repeats_flagged, sa->repeats_flagged);
    assert_true(same_num(sb->repeats_p, sa->repeats_p));
    assert_int_equal(pm_assess_summary_get(b)->rows, pm_assess_summary_get(a)->rows);
    pm_assess_free(b);

    /* Corrupt annotators[2].consistent (rows are sorted: good, heur, lefty,
     * mono; lefty has no pairs) and expect a pinpointed error. */
    fp = fopen(path, "r");
    char buf[1 << 16];
    size_t len = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    buf[len] = '\0';
    char *p = strstr(buf, "\"lefty\"");
    assert_non_null(p);
    p = strstr(p, "\"consistent\": 0");
    assert_non_null(p);
    p[strlen("\"consistent\": ")] = '5';
    fp = fopen(path, "w");
    fputs(buf, fp);
    fclose(fp);
    assert_int_equal(pm_assess_load_json(path, &b, &err), PM_EPARSE);
    assert_null(b);
    char want[256];
    snprintf(want, sizeof want, "%s: annotators[2].consistent: must be an integer in [0, 0]", path);
    assert_string_equal(err.text, want);
    unlink(path);
    assert_int_equal(pm_assess_load_json(path, &b, &err), PM_EIO);
    pm_assess_free(a);
}

/* Save a small assessment, apply one textual edit, load: the error names
 * the field. */
static void load_edited(const char *from, const char *to, const char *want)
{
    pm_assess *a = pm_assess_new(NULL, NULL);
    add_gold_worker(a, "heur", 6);
    add_sided(a, "lefty", 1);
    assert_int_equal(pm_assess_finish(a, NULL), PM_OK);
    char path[] = "/tmp/test_assess_XXXXXX";
    int fd = mkstemp(path);
    FILE *fp = fdopen(fd, "w+");
    assert_int_equal(pm_assess_save_json(a, fp, path, NULL), PM_OK);
    pm_assess_free(a);
    rewind(fp);
    static char buf[1 << 16], out[1 << 16];
    size_t len = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    buf[len] = '\0';
    char *p = strstr(buf, from);
    assert_non_null(p);
    snprintf(out, sizeof out, "%.*s%s%s", (int)(p - buf), buf, to, p + strlen(from));
    fp = fopen(path, "w");
    fputs(out, fp);
    fclose(fp);
    pm_assess *b = NULL;
    pm_error err;
    assert_int_equal(pm_assess_load_json(path, &b, &err), PM_EPARSE);
    assert_null(b);
    unlink(path);
    if (!strstr(err.text, want))
        fail_msg("error '%s' does not contain '%s'", err.text, want);
}

static void test_json_errors(void **state)
{
    (void)state;
    load_edited("\"format_version\": 1", "\"format_version\": 2", "format_version: this prefmon");
    load_edited("\"flags\": []", "\"flags\": [\"lazy\"]", "annotators[0].flags: [0]: not a flag");
    load_edited("\"annotator\": \"lefty\"", "\"annotator\": \"heur\"",
                "annotators[1].annotator: 'heur' appears twice");
    load_edited("\"gold_n\": 120", "\"gold_n\": 120, \"bonus\": 1",
                "annotators[0].bonus: unknown field");
    load_edited("\"decision\": \"pass\"", "\"decision\": \"no-pairs\"",
                "annotators[0].decision: must be no-pairs exactly when dup_pairs is 0");
    load_edited("\"q0\": \"per-annotator\"", "\"q0\": 2", "parameters.q0: must be a number");
    load_edited("\"annotators\": 2", "\"annotators\": 3", "2 rows but summary.annotators = 3");
    load_edited("\"p_value\": null", "\"p_value\": \"x\"",
                "annotators[1].p_value: must be a number in [0, 1] or null");
}

static int cmp_d(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* The selection-based median against sorting, on sizes 1..200 with many
 * repeated values (ties stress the partition). */
static void test_median(void **state)
{
    (void)state;
    double v[200], w[200];
    unsigned long long s = 12345;
    for (size_t n = 1; n <= 200; n++) {
        for (size_t i = 0; i < n; i++) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            v[i] = w[i] = (double)((s >> 33) % (n % 3 ? 7 : 1000));
        }
        qsort(w, n, sizeof *w, cmp_d);
        double want = n % 2 ? w[n / 2] : (w[n / 2 - 1] + w[n / 2]) / 2;
        assert_true(pmx_median(v, n) == want);
    }
    assert_true(isnan(pmx_median(v, 0)));
}

/* Defect 9: the midpoint of two durations near DBL_MAX overflowed to inf
 * (and the assessment file then failed "out of memory"); the midpoint of
 * 19.6 and 20.0 is the double nearest 19.8, and the file prints it as 19.8
 * (shortest round trip), not 19.800000000000001. */
static void test_median_extremes(void **state)
{
    (void)state;
    double v[2] = {1.7e308, 1.7e308};
    assert_true(pmx_median(v, 2) == 1.7e308);
    double w[2] = {1.7e308, 1.6e308}; /* exact: both halves are exact */
    assert_true(pmx_median(w, 2) == 1.7e308 / 2 + 1.6e308 / 2);
    double x[2] = {20.0, 19.6};
    assert_true(pmx_median(x, 2) == 19.8);

    pm_assess *a = pm_assess_new(NULL, NULL);
    pm_record r = rec("w", "i1", "A");
    r.duration = 19.6;
    add(a, r);
    r = rec("w", "i2", "B");
    r.duration = 20.0;
    add(a, r);
    r = rec("big", "i1", "A");
    r.duration = 1.7e308;
    add(a, r);
    r = rec("big", "i2", "A");
    r.duration = 1.7e308;
    add(a, r);
    assert_int_equal(pm_assess_finish(a, NULL), PM_OK);
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    pm_error err;
    assert_int_equal(pm_assess_save_json(a, fp, "mem", &err), PM_OK);
    fclose(fp);
    assert_non_null(strstr(text, "\"median_duration\": 19.8,"));
    assert_non_null(strstr(text, "\"median_duration\": 1.7e+308,"));
    assert_non_null(strstr(text, "\"eta1\": 1.0,")); /* a real stays a real */
    free(text);
    pm_assess_free(a);
}

static void add_ts(pm_assess *a, const char *ann, const char *item, const char *label, double ts,
                   double dur)
{
    pm_record r = rec(ann, item, label);
    r.timestamp = ts;
    r.duration = dur;
    add(a, r);
}

/* Defect 1, repeats: an exact duplicate record (same label and timestamp
 * as any earlier record of the key) is dropped, never paired; without
 * timestamps a line identical to the key's previous one (label, side,
 * duration) is paired and counted, or dropped with drop_identical. */
static void test_repeat_kinds(void **state)
{
    (void)state;
    for (int drop = 0; drop < 2; drop++) {
        pm_assess_options o;
        pm_assess_options_default(&o);
        o.drop_identical = drop;
        pm_assess *a = pm_assess_new(&o, NULL);
        /* w: i A@1, i B@2, then the export again: A@1, B@2 (not adjacent). */
        add_ts(a, "w", "i", "A", 1, NAN);
        add_ts(a, "w", "i", "B", 2, NAN);
        add_ts(a, "w", "i", "A", 1, NAN);
        add_ts(a, "w", "i", "B", 2, NAN);
        add_ts(a, "w", "i", "B", 3, NAN); /* a re-label at another time */
        /* u (no timestamps): j A, j A (identical), j A 5 s (differs in
         * duration: a re-label), j B (differs in label). */
        add_ts(a, "u", "j", "A", NAN, NAN);
        add_ts(a, "u", "j", "A", NAN, NAN);
        add_ts(a, "u", "j", "A", NAN, 5);
        add_ts(a, "u", "j", "B", NAN, NAN);
        assert_int_equal(pm_assess_finish(a, NULL), PM_OK);
        const pm_assess_summary *s = pm_assess_summary_get(a);
        const pm_assess_row *w = row_of(a, "w"), *u = row_of(a, "u");
        assert_int_equal(s->rows, 9);
        assert_int_equal(s->dup_dropped, 2);
        assert_int_equal(w->labels, 3);
        assert_int_equal(w->dup_pairs, 2); /* A@1 B@2, B@2 B@3 */
        assert_int_equal(w->consistent, 1);
        assert_int_equal(s->pairs_timestamped, 2);
        assert_int_equal(s->identical_dropped, drop ? 1 : 0);
        assert_int_equal(u->labels, drop ? 3 : 4);
        assert_int_equal(u->dup_pairs, drop ? 2 : 3);
        assert_int_equal(u->consistent, drop ? 1 : 2);
        assert_int_equal(s->pairs_untimed, drop ? 2 : 3);
        assert_int_equal(s->pairs_identical, drop ? 0 : 1);
        assert_int_equal(s->untimed_disagree, 1);
        pm_assess_free(a);
    }
}

/* Defect 1, the repeat test: "dup" repeats 200 items as identical lines
 * (0 of 200 disagree), "real" re-labels 200 with 4 disagreements. Exact
 * bounds (Python fractions): P(X <= 0 | Bin(200, 0.02)) = 0.98^200 =
 * 0.017587946605721563, P(X <= 4 | Bin(200, 0.02)) = 0.6288435801288168,
 * pooled P(X <= 4 | Bin(400, 0.02)) = 0.09733374643891378. Holm over the
 * two: 2 x 0.0176 = 0.035 <= 0.05 flags "dup" only; the pooled bound is
 * above 0.05. */
static void test_repeat_test(void **state)
{
    (void)state;
    pm_assess *a = pm_assess_new(NULL, NULL);
    char item[16];
    for (int i = 0; i < 200; i++) {
        snprintf(item, sizeof item, "d%d", i);
        add(a, rec("dup", item, i % 2 ? "A" : "B"));
        add(a, rec("dup", item, i % 2 ? "A" : "B"));
        snprintf(item, sizeof item, "r%d", i);
        add(a, rec("real", item, "A"));
        add(a, rec("real", item, i < 4 ? "B" : "A"));
    }
    assert_int_equal(pm_assess_finish(a, NULL), PM_OK);
    const pm_assess_summary *s = pm_assess_summary_get(a);
    assert_int_equal(s->pairs_untimed, 400);
    assert_int_equal(s->pairs_identical, 200 + 196);
    assert_int_equal(s->untimed_disagree, 4);
    assert_true(fabs(s->repeats_p - 0.09733374643891378) < 1e-12);
    assert_int_equal(s->repeats_flagged, 1);
    pm_assess_free(a);
    /* "dup" alone: the pooled bound is 0.98^200 < 0.05. */
    a = pm_assess_new(NULL, NULL);
    for (int i = 0; i < 200; i++) {
        snprintf(item, sizeof item, "d%d", i);
        add(a, rec("dup", item, "A"));
        add(a, rec("dup", item, "A"));
    }
    assert_int_equal(pm_assess_finish(a, NULL), PM_OK);
    s = pm_assess_summary_get(a);
    assert_true(fabs(s->repeats_p - 0.017587946605721563) < 1e-14);
    assert_int_equal(s->repeats_flagged, 1);
    pm_assess_free(a);
}

/* Rows come sorted by name in strcmp's order (bytes as unsigned), whatever
 * the names: sharing their first 8 or 16 bytes or more, shorter and longer
 * than 16, with bytes past 0x7f; and each annotator's counts stay its own,
 * through names interleaved row by row (the last-name and cache paths). */
static void test_rows_sorted_by_name(void **state)
{
    (void)state;
    enum { N = 3000 };
    static char names[N][40];
    uint64_t x = 99;
    pm_assess *a = pm_assess_new(NULL, NULL);
    assert_non_null(a);
    for (int i = 0; i < N; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        static const char *const pre[] = {"", "worker-0", "worker-000000000", "w\xc3\xa9"};
        int len = snprintf(names[i], sizeof names[i], "%s%d", pre[x % 4], i);
        if (x % 7 == 0 && len < 38) /* a high byte at the end */
            names[i][len] = (char)0xe9, names[i][len + 1] = '\0';
    }
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < N; i++) {
            char item[16];
            snprintf(item, sizeof item, "i%d", round % 2);
            add(a, rec(names[(i * 7919) % N], item, i % 3 ? "A" : "B"));
        }
    assert_int_equal(pm_assess_finish(a, NULL), PM_OK);
    size_t n = 0;
    const pm_assess_row *rows = pm_assess_rows(a, &n);
    assert_int_equal(n, N);
    for (size_t i = 1; i < n; i++)
        assert_true(strcmp(rows[i - 1].annotator, rows[i].annotator) < 0);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(rows[i].labels, 3);
        assert_int_equal(rows[i].dup_pairs, 1); /* i0 twice, i1 once */
    }
    pm_assess_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pairing_order),
        cmocka_unit_test(test_q0),
        cmocka_unit_test(test_decision_brute_force),
        cmocka_unit_test(test_holm),
        cmocka_unit_test(test_median),
        cmocka_unit_test(test_median_extremes),
        cmocka_unit_test(test_repeat_kinds),
        cmocka_unit_test(test_repeat_test),
        cmocka_unit_test(test_same_side),
        cmocka_unit_test(test_too_fast),
        cmocka_unit_test(test_consistent_but_wrong),
        cmocka_unit_test(test_one_label_no_pairs),
        cmocka_unit_test(test_delta_estimate),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_json_round_trip),
        cmocka_unit_test(test_json_errors),
        cmocka_unit_test(test_memory_limit),
        cmocka_unit_test(test_strtab),
        cmocka_unit_test(test_strtab_set),
        cmocka_unit_test(test_batch),
        cmocka_unit_test(test_interleaved_annotators),
        cmocka_unit_test(test_annotators_alike_in_cache),
        cmocka_unit_test(test_finish_threads_same_rows),
        cmocka_unit_test(test_rows_sorted_by_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
