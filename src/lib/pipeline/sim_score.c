/*
** A simulated run scored against its truth (prefmon/sim_score.h): the
** exact numbers come from the model (pm_sim_pass_prob), assess's rule
** (pm_assess_rule_for) and pay's rule, never from a copy of them.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "prefmon/binom.h"
#include "prefmon/pay.h"
#include "prefmon/sim_score.h"

const char *pm_sim_group_name(pm_sim_group g)
{
    static const char *const names[] = {"diligent", "between", "shirking",
                                        "spammer",  "longer",  "left"};
    return (unsigned)g < PM_SIM_GROUP_COUNT ? names[g] : NULL;
}

pm_sim_group pm_sim_group_of(const pm_sim_annotator *a, double eta0, double eta1)
{
    if (a->kind != PM_SIM_CAREFUL)
        return (pm_sim_group)(PM_SIM_GROUP_SPAMMER + (int)a->kind - 1);
    return a->eta >= eta1   ? PM_SIM_GROUP_DILIGENT
           : a->eta <= eta0 ? PM_SIM_GROUP_SHIRKING
                            : PM_SIM_GROUP_BETWEEN;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(**(const char *const *const *)a, **(const char *const *const *)b);
}

pm_status pm_sim_match(const pm_sim_truth *t, const pm_assess_row *rows, size_t count, size_t *idx,
                       pm_error *err)
{
    const char *const **byname = malloc((t->n ? t->n : 1) * sizeof *byname);
    if (!byname)
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    for (size_t i = 0; i < t->n; i++)
        byname[i] = &t->names[i];
    qsort(byname, t->n, sizeof *byname, cmp_name);
    /* Both lists are sorted by name: one merge. */
    pm_status st = PM_OK;
    for (size_t i = 0, j = 0; i < count && st == PM_OK; i++) {
        while (j < t->n && strcmp(*byname[j], rows[i].annotator) < 0)
            j++;
        if (j < t->n && strcmp(*byname[j], rows[i].annotator) == 0)
            idx[i] = (size_t)(byname[j] - t->names);
        else
            st = pm_error_set(err, PM_EINVAL,
                              "simulate: assess row '%s' is no annotator of the pool",
                              rows[i].annotator);
    }
    free(byname);
    return st;
}

double pm_sim_fail_prob(const pm_assess_options *opt, long n, double m)
{
    if (n < 1)
        return 0;
    pm_assess_rule rule;
    if (pm_assess_rule_for(opt, opt->delta, opt->q0, n, &rule, NULL) != PM_OK)
        return NAN;
    if (!rule.decidable || rule.k <= 0)
        return 0; /* too-few never fails; k <= 0 passes every count */
    return pm_pbinom((double)rule.k - 1, (double)n, m, 1, 0);
}

int pm_sim_covered(const pm_sim_annotator *a, const pm_assess_row *r)
{
    if (a->kind > PM_SIM_SPAMMER || isnan(r->ci_low))
        return -1;
    return a->eta >= r->ci_low && a->eta <= r->ci_high;
}

/* The exact law of a group's flag count from its members' P(fail). */
static pm_status group_law(const double *p, size_t n, long flagged, pm_sim_law *law, pm_error *err)
{
    double *pmf = malloc((n + 1) * sizeof *pmf);
    if (!pmf)
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    law->mean = 0;
    for (size_t i = 0; i < n; i++)
        law->mean += p[i];
    pm_status st = pm_poisson_binomial(p, n, pmf, err);
    if (st == PM_OK) {
        law->below = law->above = 0;
        for (size_t k = 0; k <= n; k++) {
            law->below += (long)k <= flagged ? pmf[k] : 0;
            law->above += (long)k >= flagged ? pmf[k] : 0;
        }
        law->inside = law->below >= 0.0005 && law->above >= 0.0005;
    }
    free(pmf);
    return st;
}

/* Tally every row into its group; pfail gets each member's exact P(fail),
 * group k's from first[k] on (the law needs them together). */
static void tally_rows(const pm_sim_truth *t, const pm_assess_options *opt,
                       const pm_assess_row *rows, size_t count, const size_t *idx,
                       pm_sim_score *out, double *pfail, size_t *first)
{
    pm_sim_tally *g = out->group;
    for (size_t i = 0; i < count; i++)
        g[pm_sim_group_of(&t->pool[idx[i]], opt->eta0, opt->eta1)].n++;
    first[0] = 0;
    for (int k = 1; k < PM_SIM_GROUP_COUNT; k++)
        first[k] = first[k - 1] + (size_t)g[k - 1].n;
    for (int k = 0; k < PM_SIM_GROUP_COUNT; k++)
        g[k].n = 0;
    for (size_t i = 0; i < count; i++) {
        const pm_sim_annotator *a = &t->pool[idx[i]];
        pm_sim_group k = pm_sim_group_of(a, opt->eta0, opt->eta1);
        pm_sim_tally *s = &g[k];
        double pf = pm_sim_fail_prob(opt, rows[i].dup_pairs, pm_sim_pass_prob(a, t->delta_r));
        pfail[first[k] + (size_t)s->n] = pf;
        s->n++;
        s->self += rows[i].decision == PM_DECISION_FAIL;
        s->too_few += rows[i].decision == PM_DECISION_TOO_FEW;
        s->self_exact += pf;
        s->gold += !!(rows[i].flags & PM_FLAG_CONSISTENT_BUT_WRONG);
        s->side += !!(rows[i].flags & PM_FLAG_SAME_SIDE);
        int c = pm_sim_covered(a, &rows[i]);
        s->cov += c == 1;
        s->cov_n += c >= 0;
        if (a->kind <= PM_SIM_SPAMMER)
            out->points[out->npoints++] =
                (pm_sim_point){a->eta, rows[i].eta_hat, rows[i].ci_low, rows[i].ci_high};
    }
}

/* Rates, laws and the coverage from the tallies. */
static pm_status summarize(pm_sim_score *out, const double *pfail, const size_t *first,
                           pm_error *err)
{
    pm_status st = PM_OK;
    long cov = 0, cov_n = 0;
    for (int k = 0; k < PM_SIM_GROUP_COUNT && st == PM_OK; k++) {
        pm_sim_tally *s = &out->group[k];
        cov += s->cov;
        cov_n += s->cov_n;
        if (!s->n)
            continue;
        double n = (double)s->n;
        s->self_rate = (double)s->self / n;
        s->gold_rate = (double)s->gold / n;
        s->side_rate = (double)s->side / n;
        s->law.decided = s->too_few != s->n;
        if (s->law.decided)
            st = group_law(pfail + first[k], (size_t)s->n, s->self, &s->law, err);
        s->self_exact /= n;
    }
    out->coverage = (pm_sim_coverage){cov, cov_n, out->level, 0, 1, 0};
    if (st == PM_OK && cov_n) {
        st = pm_clopper_pearson(cov, cov_n, 0.999, &out->coverage.lo, &out->coverage.hi, err);
        out->coverage.ok = out->coverage.hi >= out->level;
    }
    return st;
}

pm_status pm_sim_score_run(const pm_sim_truth *t, const pm_assess *a, const pm_plan_summary *sum,
                           double dup_rate, pm_sim_score *out, pm_error *err)
{
    memset(out, 0, sizeof *out);
    const pm_assess_options *opt = pm_assess_options_get(a);
    size_t count, first[PM_SIM_GROUP_COUNT];
    const pm_assess_row *rows = pm_assess_rows(a, &count);
    out->dup_rate = dup_rate;
    out->pairs = sum->duplicates;
    out->gold = sum->gold;
    out->length = sum->length;
    out->monitoring_labels = sum->duplicates * (long long)sum->annotators;
    out->gold_labels = sum->gold * (long long)sum->annotators;
    out->max_error = opt->max_error;
    out->level = opt->level;
    size_t *idx = malloc((count ? count : 1) * sizeof *idx);
    double *pfail = malloc((count ? count : 1) * sizeof *pfail);
    out->points = malloc((count ? count : 1) * sizeof *out->points);
    pm_status st =
        idx && pfail && out->points ? PM_OK : pm_error_set(err, PM_ENOMEM, "out of memory");
    if (st == PM_OK)
        st = pm_sim_match(t, rows, count, idx, err);
    if (st == PM_OK) {
        tally_rows(t, opt, rows, count, idx, out, pfail, first);
        st = summarize(out, pfail, first, err);
    }
    free(idx);
    free(pfail);
    if (st != PM_OK)
        pm_sim_score_free(out);
    return st;
}

void pm_sim_score_free(pm_sim_score *s)
{
    if (!s)
        return;
    free(s->points);
    s->points = NULL;
    s->npoints = 0;
}

double pm_sim_expected_wage(const pm_contract_terms *t, long n_i, double m)
{
    if (n_i == 0)
        return t->base;
    if (t->type == PM_CONTRACT_LINEAR)
        return t->base + t->slope * m;
    long k_i = 0;
    if (pm_pay_scaled_threshold(t->k, t->n, n_i, &k_i, NULL) != PM_OK)
        return NAN;
    return t->base + t->bonus * pm_binom_sf((double)k_i, (double)n_i, m, 0);
}

pm_status pm_sim_pay_groups(const pm_sim_truth *t, const pm_assess *a,
                            const pm_contract_terms *terms, pm_sim_pay out[PM_SIM_GROUP_COUNT],
                            pm_error *err)
{
    size_t count;
    const pm_assess_row *rows = pm_assess_rows(a, &count);
    const pm_assess_options *opt = pm_assess_options_get(a);
    size_t *idx = malloc((count ? count : 1) * sizeof *idx);
    pm_pay_input *in = malloc((count ? count : 1) * sizeof *in);
    pm_pay_row *pay = malloc((count ? count : 1) * sizeof *pay);
    /* simulate prices the scaled threshold (pm_sim_expected_wage): the same rule here */
    pm_pay_options po = {.unit = "1", .currency = "USD", .threshold = PM_THRESHOLD_SCALED};
    pm_status st = idx && in && pay ? PM_OK : pm_error_set(err, PM_ENOMEM, "out of memory");
    if (st == PM_OK)
        st = pm_sim_match(t, rows, count, idx, err);
    for (size_t i = 0; st == PM_OK && i < count; i++)
        in[i] = (pm_pay_input){rows[i].annotator, rows[i].dup_pairs, rows[i].consistent, 0};
    if (st == PM_OK)
        st = pm_pay_compute(terms, &po, in, count, pay, NULL, err);
    double wage[PM_SIM_GROUP_COUNT] = {0}, expected[PM_SIM_GROUP_COUNT] = {0};
    memset(out, 0, PM_SIM_GROUP_COUNT * sizeof *out);
    for (size_t i = 0; st == PM_OK && i < count; i++) {
        const pm_sim_annotator *an = &t->pool[idx[i]];
        pm_sim_group k = pm_sim_group_of(an, opt->eta0, opt->eta1);
        out[k].n++;
        wage[k] += (double)pay[i].wage_cents / 100;
        expected[k] +=
            pm_sim_expected_wage(terms, rows[i].dup_pairs, pm_sim_pass_prob(an, t->delta_r));
    }
    for (int k = 0; k < PM_SIM_GROUP_COUNT; k++)
        if (out[k].n) {
            out[k].mean_wage = wage[k] / (double)out[k].n;
            out[k].mean_expected = expected[k] / (double)out[k].n;
        }
    free(idx);
    free(in);
    free(pay);
    return st;
}
