/* The numbers of one assessment row, and the pooled estimate of delta.
 * Everything statistical comes from the monitor module (general convention
 * with the annotator's own q0, arXiv 2502.06387 §3-4); nothing is
 * re-derived here. */
#include <math.h>
#include <stdlib.h>

#include "pipeline/assess_internal.h"
#include "prefmon/binom.h"
#include "prefmon/monitor.h"

double pmx_q0(const long *counts, size_t ncounts, long total)
{
    if (total <= 0)
        return NAN;
    long double sum = 0;
    for (size_t k = 0; k < ncounts; k++) {
        long double pi = (long double)counts[k] / (long double)total;
        sum += pi * pi;
    }
    return (double)sum;
}

/* Put the k-th smallest of v[0..n) at v[k], smaller ones before it
 * (Hoare's selection with a median-of-three pivot): O(n) expected, where a
 * sort would cost n log n per annotator at finish. */
static void select_kth(double *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    while (hi > lo) {
        size_t mid = lo + (hi - lo) / 2;
        double a = v[lo], b = v[mid], c = v[hi];
        double pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        size_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                double t = v[i];
                v[i] = v[j];
                v[j] = t;
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return;
    }
}

double pmx_median(double *v, size_t n)
{
    if (n == 0)
        return NAN;
    select_kth(v, n, n / 2);
    double upper = v[n / 2];
    if (n % 2)
        return upper;
    double lower = v[0];
    for (size_t i = 1; i < n / 2; i++)
        if (v[i] > lower)
            lower = v[i];
    /* (lower + upper) / 2 is the correctly rounded midpoint (one rounding,
     * the halving exact) unless the sum overflows: then halve first (exact
     * for values that large), so 1.7e308 twice has median 1.7e308, not inf. */
    double sum = lower + upper;
    return isfinite(sum) ? sum / 2 : lower / 2 + upper / 2;
}

pm_status pm_assess_rule_for(const pm_assess_options *opt, double delta, double q0, long n,
                             pm_assess_rule *out, pm_error *err)
{
    if (!opt || !out || n < 1 || !(delta >= 0 && delta < 1) || !(q0 > 0 && q0 < 1))
        return pm_error_set(err, PM_EINVAL,
                            "assess rule: needs n >= 1, delta in [0, 1) and q0 in (0, 1)");
    *out = (pm_assess_rule){.n = n,
                            .error_sum = NAN,
                            .m0 = NAN,
                            .m1 = NAN,
                            .q0 = q0,
                            .alpha_pass = opt->alpha_pass,
                            .alpha_fail = opt->alpha_fail};
    if (!(1 - delta > q0)) {
        /* m(eta1) <= m(eta0): every threshold test errs with total >= 1. */
        out->no_signal = 1;
        return PM_OK;
    }
    pm_scheme sc = {0}; /* filled below; the request only keeps its address */
    pm_test t;
    pm_test_request tr = pm_test_request_lr(&sc, opt->eta0, opt->eta1);
    pm_status st = pm_scheme_self(&sc, PM_CONV_GENERAL, delta, q0, err);
    if (st == PM_OK)
        st = pm_test_design(&tr, n, &t, err);
    if (st != PM_OK)
        return st;
    out->k = t.k;
    out->error_sum = t.error_sum;
    out->m0 = t.m0;
    out->m1 = t.m1;
    out->decidable = !(t.error_sum > opt->max_error);
    return PM_OK;
}

/* The sequential verdict on n pairs with x agreeing, looked at once
 * (Ville's bound holds at any single look): pass when ln L >= ln(1/ap),
 * fail when -ln L >= ln(1/af) or below chance (the 95% Jeffreys-mixture
 * confidence set for m entirely below q0), else continue; continue also
 * without a test (no signal, or m1 = 1). *ll gets ln L (NaN without a
 * test), *below the below-chance bit. The one rule under
 * pm_assess_rule_apply and the row's e-values. */
static pm_seq_verdict seq_verdict(long n, long x, double q0, double m0, double m1, double ap,
                                  double af, double *ll, int *below)
{
    *ll = NAN;
    *below = 0;
    double lo, hi;
    if (n < 1)
        return PM_SEQ_CONTINUE;
    if (pm_seq_cs_bounds(n, x, 0.05, PM_SEQ_CS_PRIOR, PM_SEQ_CS_PRIOR, &lo, &hi, NULL) == PM_OK)
        *below = hi < q0;
    if (!(m0 > 0 && m0 < m1 && m1 < 1))
        return PM_SEQ_CONTINUE;
    *ll = (double)x * log(m1 / m0) + (double)(n - x) * log((1 - m1) / (1 - m0));
    if (*ll >= log(1 / ap))
        return PM_SEQ_PASS;
    if (-*ll >= log(1 / af) || *below)
        return PM_SEQ_FAIL;
    return PM_SEQ_CONTINUE;
}

pm_decision pm_assess_rule_apply(const pm_assess_rule *rule, long consistent)
{
    if (rule->n < 1)
        return PM_DECISION_NO_PAIRS;
    if (rule->decidable)
        return consistent >= rule->k ? PM_DECISION_PASS : PM_DECISION_FAIL;
    if (rule->no_signal)
        return PM_DECISION_TOO_FEW;
    double ll;
    int below;
    pm_seq_verdict v = seq_verdict(rule->n, consistent, rule->q0, rule->m0, rule->m1,
                                   rule->alpha_pass, rule->alpha_fail, &ll, &below);
    return v == PM_SEQ_PASS   ? PM_DECISION_PASS
           : v == PM_SEQ_FAIL ? PM_DECISION_FAIL
                              : PM_DECISION_TOO_FEW;
}

pm_status pmx_assess_effort(pm_assess_row *r, double delta, const pm_assess_options *opt,
                            pm_error *err)
{
    r->eta_hat = r->ci_low = r->ci_high = r->p_value = NAN;
    r->e_pass = r->e_fail = NAN;
    r->sequential = PM_SEQ_CONTINUE;
    double ll;
    /* below chance even without a test (no signal) */
    seq_verdict(r->dup_pairs, r->consistent, r->q0, NAN, NAN, 1, 1, &ll, &r->below_chance);
    r->consistency = r->dup_pairs > 0 ? (double)r->consistent / (double)r->dup_pairs : NAN;
    int no_signal = !(1 - delta > r->q0);
    if (no_signal)
        r->flags |= PM_FLAG_ONE_LABEL;
    if (r->dup_pairs == 0) {
        r->decision = PM_DECISION_NO_PAIRS;
        return PM_OK;
    }
    if (no_signal) {
        r->decision = PM_DECISION_TOO_FEW;
        return PM_OK;
    }
    pm_scheme sc;
    pm_estimate e;
    pm_assess_rule rule;
    pm_status st = pm_scheme_self(&sc, PM_CONV_GENERAL, delta, r->q0, NULL);
    if (st == PM_OK)
        st = pm_estimate_effort(&sc, r->dup_pairs, r->consistent, opt->level, opt->eta0, &e, NULL);
    if (st == PM_OK)
        st = pm_assess_rule_for(opt, delta, r->q0, r->dup_pairs, &rule, NULL);
    if (st != PM_OK)
        return pm_error_set(err, st,
                            "annotator '%s': no test for %ld pairs with q0 = %.17g, delta = %.17g",
                            r->annotator, r->dup_pairs, r->q0, delta);
    r->eta_hat = e.eta_hat;
    r->ci_low = e.eta_low;
    r->ci_high = e.eta_high;
    r->p_value = e.p_value;
    /* The fixed-n rule, or where it is too-few the sequential evidence:
     * too-few must not hide overwhelming evidence (0 of 22 agreeing). */
    r->decision = pm_assess_rule_apply(&rule, r->consistent);
    r->sequential = seq_verdict(r->dup_pairs, r->consistent, r->q0, rule.m0, rule.m1,
                                opt->alpha_pass, opt->alpha_fail, &ll, &r->below_chance);
    if (!isnan(ll)) {
        r->e_pass = exp(ll);
        r->e_fail = exp(-ll);
    }
    if (r->decision == PM_DECISION_FAIL)
        r->flags |= PM_FLAG_LOW_EFFORT;
    return PM_OK;
}

pm_status pmx_delta_estimate(const pm_assess_row *rows, const unsigned char *eligible, size_t n,
                             double level, pm_assess_summary *s, pm_error *err)
{
    double *lo = malloc((n ? n : 1) * sizeof *lo), *hi = malloc((n ? n : 1) * sizeof *hi);
    if (!lo || !hi) {
        free(lo);
        free(hi);
        return pm_error_set(err, PM_ENOMEM, "assess: out of memory estimating delta");
    }
    /* The most consistent annotators: every eligible one whose interval for
     * its pass probability reaches the best lower bound, i.e. is not
     * significantly less consistent than the most convincingly consistent. */
    double best = -1;
    for (size_t i = 0; i < n; i++) {
        if (!eligible[i])
            continue;
        pm_clopper_pearson(rows[i].consistent, rows[i].dup_pairs, level, &lo[i], &hi[i], NULL);
        if (lo[i] > best)
            best = lo[i];
    }
    long pairs = 0, dis = 0, who = 0;
    for (size_t i = 0; i < n; i++) {
        if (eligible[i] && hi[i] >= best) {
            pairs += rows[i].dup_pairs;
            dis += rows[i].dup_pairs - rows[i].consistent;
            who++;
        }
    }
    free(lo);
    free(hi);
    if (pairs == 0)
        return pm_error_set(err, PM_EINVAL,
                            "delta estimate: no annotator has duplicate pairs and two or more "
                            "distinct labels; give delta as a number");
    s->delta_estimated = 1;
    s->delta_annotators = who;
    s->delta_pairs = pairs;
    s->delta_disagree = dis;
    s->delta = (double)dis / (double)pairs;
    return pm_clopper_pearson(dis, pairs, level, &s->delta_low, &s->delta_high, err);
}
