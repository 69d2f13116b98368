/*
** The simulate page (prefmon/pages.h): Monte Carlo against exact, laid out
** from pm_sim_score and pm_sim_pay values; every number is the scorer's.
*/
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prefmon/contract.h"
#include "prefmon/pages.h"
#include "prefmon/rng.h"

/* A section id and heading per run: with several runs every run gets its
 * own ("detection-2", "... dup rate 0.1, 40 pairs"). */
static pm_status run_section(pm_doc *d, const char *id, const char *heading, const pm_sim_score *r,
                             size_t index, size_t nruns, pm_error *err)
{
    if (nruns <= 1)
        return pm_doc_section(d, id, heading, err);
    char sid[48], head[200];
    snprintf(sid, sizeof sid, "%s-%zu", id, index + 1);
    snprintf(head, sizeof head, "%s: dup rate %g, %ld pairs", heading, r->dup_rate, r->pairs);
    return pm_doc_section(d, sid, head, err);
}

/* A group whose every annotator had too few pairs for the test to decide
 * was never tested: 0 flagged against an exact 0 is no agreement to report. */
static pm_status undecided_verdict(pm_doc *d, const char *claim, const pm_sim_tally *t,
                                   const pm_sim_score *r, pm_error *err)
{
    char finding[320];
    snprintf(finding, sizeof finding,
             "not decidable: all %ld annotators had too few pairs (%ld) for the test to reach "
             "an error sum of %g, so self-consistency made no decision to compare",
             t->n, r->pairs, r->max_error);
    return pm_doc_verdict_box(d, PM_VERDICT_MIXED, claim, finding, err);
}

static pm_status law_verdict(pm_doc *d, const char *claim, const pm_sim_tally *t, pm_error *err)
{
    const pm_sim_law *l = &t->law;
    char finding[480];
    snprintf(finding, sizeof finding,
             "simulated %ld of %ld flagged; the exact law of that count (each annotator "
             "failed with their own exact probability, independently: Poisson-binomial) "
             "has mean %.4g, P(K <= %ld) = %.3g, P(K >= %ld) = %.3g: %s its central 99.9%%",
             t->self, t->n, l->mean, t->self, l->below, t->self, l->above,
             l->inside ? "inside" : "outside");
    return pm_doc_verdict_box(d, l->inside ? PM_VERDICT_YES : PM_VERDICT_NO, claim, finding, err);
}

static pm_status coverage_verdict(pm_doc *d, const pm_sim_coverage *c, pm_error *err)
{
    char claim[160], finding[400];
    snprintf(claim, sizeof claim,
             "the %g interval for eta covers the true effort (careful and spammers)", c->level);
    snprintf(finding, sizeof finding,
             "simulated %ld of %ld = %.4g, 99.9%% Clopper-Pearson interval [%.4g, %.4g]; level "
             "%.4g: %s",
             c->cov, c->n, (double)c->cov / (double)c->n, c->lo, c->hi, c->level,
             c->ok ? "not below it" : "below it");
    return pm_doc_verdict_box(d, c->ok ? PM_VERDICT_YES : PM_VERDICT_NO, claim, finding, err);
}

static pm_status detection_table(pm_doc *d, const pm_sim_score *r, pm_error *err)
{
    static const char *const heads[] = {"group", "annotators", "too few",      "flagged",
                                        "rate",  "exact rate", "gold flagged", "same-side flagged"};
    static const pm_doc_col kinds[] = {PM_COL_TEXT,   PM_COL_NUMBER, PM_COL_NUMBER, PM_COL_NUMBER,
                                       PM_COL_NUMBER, PM_COL_NUMBER, PM_COL_NUMBER, PM_COL_NUMBER};
    pm_doc_table *tb = pm_doc_table_new(d,
                                        "Flags per group of the simulated pool "
                                        "(self-consistency test: likelihood-"
                                        "ratio rule, general convention, q0 = 1/2)",
                                        8, heads, kinds, 1, err);
    if (!tb)
        return err ? err->code : PM_ENOMEM;
    pm_status st = PM_OK;
    for (int k = 0; st == PM_OK && k < PM_SIM_GROUP_COUNT; k++) {
        const pm_sim_tally *g = &r->group[k];
        if (!g->n)
            continue;
        char c[8][32];
        const char *cells[8];
        snprintf(c[0], 32, "%s", pm_sim_group_name((pm_sim_group)k));
        snprintf(c[1], 32, "%ld", g->n);
        snprintf(c[2], 32, "%ld", g->too_few);
        snprintf(c[3], 32, "%ld", g->self);
        snprintf(c[4], 32, "%.4g", g->self_rate);
        snprintf(c[5], 32, "%.4g", g->self_exact);
        snprintf(c[6], 32, "%ld", g->gold);
        snprintf(c[7], 32, "%ld", g->side);
        for (int i = 0; i < 8; i++)
            cells[i] = c[i];
        st = pm_doc_table_row(tb, cells, err);
    }
    return st;
}

static pm_status detection(pm_doc *d, const pm_sim_score *r, size_t index, size_t nruns,
                           pm_error *err)
{
    pm_status st =
        run_section(d, "detection", "Self-consistency: simulated vs exact", r, index, nruns, err);
    if (st == PM_OK)
        st = pm_doc_para(d,
                         "Each group's rate of failing the self-consistency test, against the "
                         "exact probability prefmon power computes (the mean over the group "
                         "of P(X < k) for the annotator's true pass probability and pairs). "
                         "Agreement means the simulated count lies in the central 99.9% of its "
                         "exact law (each annotator failed with their own probability: a "
                         "Poisson-binomial count).",
                         err);
    if (st == PM_OK)
        st = detection_table(d, r, err);
    for (int k = 0; st == PM_OK && k < PM_SIM_GROUP_COUNT; k++) {
        const pm_sim_tally *g = &r->group[k];
        if (!g->n)
            continue;
        char claim[160];
        snprintf(claim, sizeof claim,
                 "%s (%ld annotators, %ld pairs each): self-consistency flag rate, "
                 "simulated against exact",
                 pm_sim_group_name((pm_sim_group)k), g->n, r->pairs);
        st =
            g->law.decided ? law_verdict(d, claim, g, err) : undecided_verdict(d, claim, g, r, err);
    }
    if (st == PM_OK)
        st = run_section(d, "coverage", "Confidence intervals", r, index, nruns, err);
    if (st == PM_OK && r->coverage.n)
        st = coverage_verdict(d, &r->coverage, err);
    return st;
}

static pm_status plot(pm_doc *d, const pm_sim_score *r, pm_error *err)
{
    size_t n = r->npoints;
    double *v = malloc(4 * (n ? n : 1) * sizeof *v);
    if (!v)
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    double *x = v, *y = v + n, *lo = v + 2 * n, *hi = v + 3 * n;
    for (size_t i = 0; i < n; i++) {
        x[i] = r->points[i].eta;
        y[i] = r->points[i].eta_hat;
        lo[i] = r->points[i].ci_low;
        hi[i] = r->points[i].ci_high;
    }
    pm_doc_plot_spec spec;
    pm_doc_plot_spec_default(&spec);
    char title[120];
    snprintf(title, sizeof title, "Effort: estimate against the truth, %ld pairs", r->pairs);
    spec.title = title;
    spec.xlabel = "true eta";
    spec.ylabel = "eta_hat with its interval";
    spec.caption = "careful annotators and spammers; self-consistency on the plan's duplicates, "
                   "general convention, q0 = 1/2";
    spec.xmin = spec.ymin = 0;
    spec.xmax = spec.ymax = 1;
    pm_doc_plot *pl = pm_doc_plot_new(d, &spec, err);
    pm_doc_series se = {"annotators", PM_MARK_POINTS, 0, x, y, NULL, lo, hi, NULL, n};
    pm_status st = pl ? pm_doc_plot_series(pl, &se, err) : (err ? err->code : PM_ENOMEM);
    if (st == PM_OK)
        st = pm_doc_plot_power_line(pl, "eta_hat = eta", 1, 1, err);
    free(v);
    return st;
}

/* Per contract and group: the mean simulated wage and its exact
 * expectation (no verdict: a group's wages are not one binomial). */
static pm_status pay(pm_doc *d, const pm_sim_page *in, pm_error *err)
{
    static const char *const heads[] = {"contract",
                                        "type",
                                        "group",
                                        "annotators",
                                        "mean wage (simulated)",
                                        "expected wage (exact)"};
    static const pm_doc_col kinds[] = {PM_COL_TEXT,   PM_COL_TEXT,   PM_COL_TEXT,
                                       PM_COL_NUMBER, PM_COL_NUMBER, PM_COL_NUMBER};
    /* With several runs the heading names the one paid (the first). */
    pm_status st =
        run_section(d, "pay", "Pay: simulated against expected", &in->runs[0], 0, in->nruns, err);
    pm_doc_table *tb =
        st != PM_OK ? NULL
                    : pm_doc_table_new(d,
                                       "Wages in contract units from pay's rule on the simulated "
                                       "outcomes; the exact expectation for each annotator's "
                                       "true pass probability and pairs, averaged over the group",
                                       6, heads, kinds, 1, err);
    if (st == PM_OK && !tb)
        st = err ? err->code : PM_ENOMEM;
    for (size_t c = 0; st == PM_OK && c < in->npay; c++)
        for (int k = 0; st == PM_OK && k < PM_SIM_GROUP_COUNT; k++) {
            const pm_sim_pay *g = &in->pay[c].group[k];
            if (!g->n)
                continue;
            char c3[32], c4[32], c5[32];
            snprintf(c3, sizeof c3, "%ld", g->n);
            snprintf(c4, sizeof c4, "%.4f", g->mean_wage);
            snprintf(c5, sizeof c5, "%.4f", g->mean_expected);
            const char *cells[6] = {in->pay[c].contract,
                                    pm_contract_type_name(in->pay[c].type),
                                    pm_sim_group_name((pm_sim_group)k),
                                    c3,
                                    c4,
                                    c5};
            st = pm_doc_table_row(tb, cells, err);
        }
    return st;
}

static pm_status parameters(pm_doc *d, const pm_sim_page *in, pm_error *err)
{
    const pm_sim_score *r = &in->runs[0];
    char sub[400], seed[32], sseed[32], ann[32], len[32], dups[200], gold[32], delta[32];
    snprintf(sub, sizeof sub, "prefmon simulate, seed %" PRIu64 "; %s", in->seed, PM_RNG_NAME);
    snprintf(seed, sizeof seed, "%" PRIu64, in->seed);
    snprintf(sseed, sizeof sseed, "%" PRIu64, in->label_seed);
    snprintf(ann, sizeof ann, "%zu", in->annotators);
    snprintf(len, sizeof len, "%ld", r->length);
    int used = 0;
    dups[0] = '\0';
    for (size_t i = 0; i < in->nruns && used < (int)sizeof dups - 24; i++)
        used += snprintf(dups + used, sizeof dups - (size_t)used, "%s%ld", i ? ", " : "",
                         in->runs[i].pairs);
    snprintf(gold, sizeof gold, "%ld", r->gold);
    snprintf(delta, sizeof delta, "%g", in->delta_r);
    const char *names[] = {"seed (plan)",
                           "seed (labels)",
                           "annotators",
                           "queue length",
                           "duplicates",
                           "gold items",
                           "careful repeat disagreement",
                           "items"};
    const char *vals[] = {seed, sseed, ann, len, dups, gold, delta, in->items ? in->items : ""};
    pm_status st = pm_doc_subtitle(d, sub, err);
    if (st == PM_OK)
        st = pm_doc_section(d, "parameters", "What was simulated", err);
    if (st == PM_OK)
        st = pm_doc_para(d,
                         "With probability eta an annotator labels an item carefully (P(A) = "
                         "the item's p), else by a fair coin; a careful repeat disagrees with "
                         "probability delta, so a duplicate pair agrees with probability "
                         "1/2 + eta (1/2 - delta): the general convention with q0 = 1/2. "
                         "Longer-response clickers are consistent and only gold sees them.",
                         err);
    if (st == PM_OK)
        st = pm_doc_keyvals(d, names, vals, sizeof names / sizeof *names, err);
    return st;
}

pm_status pm_page_simulation(const pm_sim_page *in, pm_doc **out, pm_error *err)
{
    *out = NULL;
    if (!in || !in->runs || in->nruns < 1)
        return pm_error_set(err, PM_EINVAL, "simulation page: no run to show");
    pm_doc *d = pm_doc_new("Simulation: monitoring against the truth", err);
    if (!d)
        return err ? err->code : PM_ENOMEM;
    pm_status st = parameters(d, in, err);
    for (size_t i = 0; i < in->nruns && st == PM_OK; i++) {
        st = detection(d, &in->runs[i], i, in->nruns, err);
        if (st == PM_OK)
            st = plot(d, &in->runs[i], err);
    }
    if (st == PM_OK && in->npay)
        st = pay(d, in, err);
    if (st != PM_OK) {
        pm_doc_free(d);
        return st;
    }
    *out = d;
    return PM_OK;
}
