/* The weekly report's numbers (weekly.h): intervals and thresholds per
 * annotator, the gap curve, the payments checked against the assessment and
 * their histogram. The page (report/page_weekly.c) only lays them out. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "prefmon/binom.h"
#include "prefmon/weekly.h"

void pm_report_data_free(pm_report_data *d)
{
    if (!d)
        return;
    free(d->order);
    free(d->flags);
    free(d->ann);
    free(d->gap);
    free(d->paid);
    free(d->bins);
    memset(d, 0, sizeof *d);
}

/* ---- the assessment ---------------------------------------------------------- */

static int by_pairs(const void *a, const void *b)
{
    const pm_assess_row *x = *(const pm_assess_row *const *)a;
    const pm_assess_row *y = *(const pm_assess_row *const *)b;
    if (x->dup_pairs != y->dup_pairs)
        return x->dup_pairs > y->dup_pairs ? -1 : 1;
    return strcmp(x->annotator, y->annotator);
}

static int by_consistency(const void *a, const void *b)
{
    const pm_report_ann *x = a, *y = b;
    if (x->row->consistency != y->row->consistency)
        return x->row->consistency < y->row->consistency ? -1 : 1;
    return strcmp(x->row->annotator, y->row->annotator);
}

/* The interval and the threshold of one annotator with pairs: the rule
 * assess decided with, for the annotator's own q0 and number of pairs. */
static pm_status annotator_numbers(const pm_report_data *d, pm_report_ann *a, pm_error *err)
{
    const pm_assess_row *r = a->row;
    pm_status st =
        pm_clopper_pearson(r->consistent, r->dup_pairs, d->aopt->level, &a->lo, &a->hi, err);
    if (st != PM_OK) {
        pm_error_prefix(err, "%s", d->assess_path ? d->assess_path : "assessment");
        return st;
    }
    a->k = -1;
    a->threshold = NAN;
    pm_assess_rule rule;
    if (r->flags & PM_FLAG_ONE_LABEL)
        return PM_OK; /* no effort signal: no test (the caption counts it) */
    if (pm_assess_rule_for(d->aopt, d->sum->delta, r->q0, r->dup_pairs, &rule, NULL) == PM_OK &&
        !rule.no_signal) {
        a->k = rule.k;
        a->threshold = (double)rule.k / (double)r->dup_pairs;
    }
    return PM_OK;
}

static pm_status load_assess(pm_report_data *d, const pm_assess *as, pm_error *err)
{
    d->rows = pm_assess_rows(as, &d->nrows);
    d->aopt = pm_assess_options_get(as);
    d->sum = pm_assess_summary_get(as);
    d->ann = calloc(d->nrows + 1, sizeof *d->ann);
    d->order = malloc((d->nrows + 1) * sizeof *d->order);
    d->flags = malloc((d->nrows + 1) * sizeof *d->flags);
    if (!d->ann || !d->order || !d->flags)
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    for (size_t i = 0; i < d->nrows; i++) {
        const pm_assess_row *r = &d->rows[i];
        d->gold_no_pairs += r->gold_n >= 1 && r->dup_pairs < 1;
        if (r->dup_pairs < 1)
            continue;
        pm_report_ann *a = &d->ann[d->nann++];
        a->row = r;
        pm_status st = annotator_numbers(d, a, err);
        if (st != PM_OK)
            return st;
        d->ngold += r->gold_n >= 1;
        d->nno_threshold += a->k < 0;
    }
    qsort(d->ann, d->nann, sizeof *d->ann, by_consistency);
    for (size_t i = 0; i < d->nrows; i++)
        d->order[i] = &d->rows[i];
    qsort(d->order, d->nrows, sizeof *d->order, by_pairs);
    for (size_t i = 0; i < d->nrows; i++)
        pm_flags_format(d->order[i]->flags, " ", "", d->flags[i], sizeof d->flags[i]);
    return PM_OK;
}

/* ---- the contract and its gap curve ------------------------------------------ */

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* A linear gap that does not fall with n over a decade of n, with a finite
 * wage floor: the page explains it (the floor's rent on chance agreement). */
static void gap_flatness(pm_report_data *d)
{
    const pm_report_gap *first = NULL, *last = NULL;
    for (size_t i = 0; i < d->ngap; i++) {
        const pm_report_gap *g = &d->gap[i];
        if (g->type != PM_CONTRACT_LINEAR || !g->feasible || !(g->normalized_gap > 0))
            continue;
        if (!first || g->n < first->n)
            first = g;
        if (!last || g->n > last->n)
            last = g;
    }
    d->gap_first = first, d->gap_last = last;
    d->gap_flat = first && last->n >= 10 * first->n &&
                  last->normalized_gap >= 0.5 * first->normalized_gap && isfinite(d->model.w_min);
}

static pm_status gap_curve(pm_report_data *d, const pm_report_inputs *in, pm_error *err)
{
    static const long default_n[] = {1, 2, 3, 5, 10, 20, 30, 50, 100, 200, 300, 500, 1000};
    size_t nn = in->gap_n ? in->ngap_n : sizeof default_n / sizeof *default_n;
    long *ns = malloc((nn + 1) * sizeof *ns);
    d->gap = calloc(2 * (nn + 1), sizeof *d->gap);
    if (!ns || !d->gap) {
        free(ns);
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    }
    memcpy(ns, in->gap_n ? in->gap_n : default_n, nn * sizeof *ns);
    ns[nn++] = d->contract.terms.n;
    qsort(ns, nn, sizeof *ns, cmp_long);
    pm_status st = PM_OK;
    for (int ty = 0; ty < 2 && st == PM_OK; ty++) {
        pm_contract_type type = ty ? PM_CONTRACT_BINARY : PM_CONTRACT_LINEAR;
        for (size_t i = 0; i < nn && st == PM_OK; i++) {
            if (i > 0 && ns[i] == ns[i - 1])
                continue;
            pm_contract c;
            st = pm_contract_solve(&d->model, &d->scheme, ns[i], type, d->contract.solve, &c, err);
            int ok = st == PM_OK && c.feasible;
            if (st == PM_EINFEASIBLE)
                st = PM_OK; /* a point of the curve, drawn as infeasible */
            else if (st != PM_OK)
                break;
            d->gap[d->ngap++] =
                (pm_report_gap){type, ns[i], ok ? c.normalized_gap : NAN, ok,
                                type == d->contract.terms.type && ns[i] == d->contract.terms.n};
        }
    }
    free(ns);
    if (st != PM_OK) {
        pm_error_prefix(err, "gap curve");
        return st;
    }
    gap_flatness(d);
    return PM_OK;
}

/* ---- the payments --------------------------------------------------------------- */

static int by_name(const void *a, const void *b)
{
    const pm_assess_row *x = *(const pm_assess_row *const *)a;
    const pm_assess_row *y = *(const pm_assess_row *const *)b;
    return strcmp(x->annotator, y->annotator);
}

/* Each paid name must be an annotator of this assessment with the counts it
 * has there: otherwise the payments belong to another assessment (or were
 * edited) and the page's totals would mix two weeks. */
static pm_status check_against_assessment(const pm_report_data *d, pm_error *err)
{
    const pm_pay_table *t = d->pay;
    const pm_assess_row **v = malloc((d->nrows + 1) * sizeof *v);
    if (!v)
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    for (size_t i = 0; i < d->nrows; i++)
        v[i] = &d->rows[i];
    qsort(v, d->nrows, sizeof *v, by_name);
    pm_status st = PM_OK;
    for (size_t i = 0; i < t->count && st == PM_OK; i++) {
        const pm_pay_entry *p = &t->rows[i];
        pm_assess_row key = {.annotator = p->annotator};
        const pm_assess_row *kp = &key;
        const pm_assess_row **hit = bsearch(&kp, v, d->nrows, sizeof *v, by_name);
        if (!hit)
            st = pm_error_at(err, PM_EPARSE, t->path, p->line, 0,
                             "field 'annotator': '%s' is not an annotator of the assessment %s "
                             "(payments of another assessment?)",
                             p->annotator, d->assess_path ? d->assess_path : "");
        else if ((*hit)->dup_pairs != p->pairs || (*hit)->consistent != p->consistent)
            st = pm_error_at(err, PM_EPARSE, t->path, p->line, 0,
                             "field '%s': '%s' has %ld of %ld pairs consistent here but %ld of %ld "
                             "in the assessment %s (payments of another assessment?)",
                             (*hit)->dup_pairs != p->pairs ? "pairs" : "consistent", p->annotator,
                             p->consistent, p->pairs, (*hit)->consistent, (*hit)->dup_pairs,
                             d->assess_path ? d->assess_path : "");
    }
    free(v);
    return st;
}

static int by_wage(const void *a, const void *b)
{
    const pm_pay_entry *x = *(const pm_pay_entry *const *)a;
    const pm_pay_entry *y = *(const pm_pay_entry *const *)b;
    if (x->wage_cents != y->wage_cents)
        return x->wage_cents > y->wage_cents ? -1 : 1;
    return strcmp(x->annotator, y->annotator);
}

/* Histogram of the wages: bins of a 1-2-5 width in cents, about 8 of them,
 * from the lowest wage's bin to past the highest. */
static pm_status wage_bins(pm_report_data *d, pm_error *err)
{
    const pm_pay_table *t = d->pay;
    long long lo = 0, hi = 0;
    for (size_t i = 0; i < t->count; i++) {
        lo = i == 0 || t->rows[i].wage_cents < lo ? t->rows[i].wage_cents : lo;
        hi = i == 0 || t->rows[i].wage_cents > hi ? t->rows[i].wage_cents : hi;
    }
    static const long long mult[3] = {1, 2, 5};
    long long w = 100; /* one currency unit when every wage is the same */
    for (long long base = 1; hi > lo && base < 1000000000000LL; base *= 10) {
        int i = 0;
        while (i < 3 && (hi - lo) / (mult[i] * base) >= 8)
            i++;
        if (i < 3) {
            w = mult[i] * base;
            break;
        }
    }
    long long first = lo >= 0 ? lo / w * w : -((-lo + w - 1) / w) * w;
    size_t nb = (size_t)((hi - first) / w) + 1;
    d->bins = calloc(nb, sizeof *d->bins);
    if (!d->bins)
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    d->nbins = nb;
    for (size_t b = 0; b < nb; b++)
        d->bins[b] = (pm_report_bin){first + (long long)b * w, first + (long long)(b + 1) * w, 0};
    for (size_t i = 0; i < t->count; i++)
        d->bins[(size_t)((t->rows[i].wage_cents - first) / w)].count++;
    return PM_OK;
}

static pm_status payments(pm_report_data *d, pm_error *err)
{
    pm_status st = check_against_assessment(d, err);
    if (st != PM_OK)
        return st;
    const pm_pay_table *t = d->pay;
    d->paid = malloc((t->count + 1) * sizeof *d->paid);
    if (!d->paid)
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    for (size_t i = 0; i < t->count; i++)
        d->paid[i] = &t->rows[i];
    qsort(d->paid, t->count, sizeof *d->paid, by_wage);
    return wage_bins(d, err);
}

pm_status pm_report_data_build(const pm_report_inputs *in, pm_report_data *out, pm_error *err)
{
    if (!out || !in || !in->assess || (in->contract && (!in->model || !in->scheme)))
        return pm_error_set(err, PM_EINVAL,
                            "report data: needs an assessment (and a contract's model and scheme)");
    pm_report_data d = {.assess_path = in->assess_path,
                        .contract_path = in->contract_path,
                        .pay_path = in->payments ? in->payments->path : NULL};
    pm_status st = load_assess(&d, in->assess, err);
    if (st == PM_OK && in->contract) {
        d.have_contract = 1;
        d.contract = *in->contract, d.model = *in->model, d.scheme = *in->scheme;
        st = gap_curve(&d, in, err);
    }
    if (st == PM_OK && in->payments) {
        d.have_pay = 1;
        d.pay = in->payments;
        st = payments(&d, err);
    }
    if (st != PM_OK) {
        pm_report_data_free(&d);
        memset(out, 0, sizeof *out);
        return st;
    }
    *out = d;
    return PM_OK;
}
