/* The weekly report's page (pages.h, pm_page_weekly). Every number comes
 * computed in pm_report_data (pipeline/report_data.c); this file only
 * formats and places it, and every plot's caption names what the plot
 * depends on. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prefmon/pages.h"
#include "report/points.h"
#include "prefmon/pay.h"
#include "prefmon/version.h"
#include "prefmon/weekly.h"

static const char *q0_mode(const pm_report_data *d, char *buf, size_t size)
{
    if (isnan(d->aopt->q0))
        return "per annotator (sum of squared label shares)";
    return pmx_fmt(buf, size, "%g for everyone", d->aopt->q0);
}

/* ---- summary and annotator table ------------------------------------------ */

static pm_status summary(pm_doc *doc, const pm_report_data *d, pm_error *err)
{
    const pm_assess_summary *s = d->sum;
    char v[12][96], q[96];
    const char *names[] = {"annotators",
                           "with duplicate pairs",
                           "with pairs and gold",
                           "decisions",
                           "flags",
                           "label rows",
                           "pairs",
                           "delta",
                           "q0",
                           "test",
                           "interval level",
                           "assessment file"};
    pmx_fmt(v[0], sizeof v[0], "%ld", s->annotators);
    pmx_fmt(v[1], sizeof v[1], "%zu", d->nann);
    pmx_fmt(v[2], sizeof v[2], "%zu", d->ngold);
    pmx_fmt(v[3], sizeof v[3], "pass %ld, fail %ld, too-few %ld, no-pairs %ld",
            s->decisions[PM_DECISION_PASS], s->decisions[PM_DECISION_FAIL],
            s->decisions[PM_DECISION_TOO_FEW], s->decisions[PM_DECISION_NO_PAIRS]);
    size_t used = 0;
    v[4][0] = '\0';
    for (int i = 0; i < PM_FLAG_COUNT; i++)
        used += (size_t)snprintf(v[4] + used, used < sizeof v[4] ? sizeof v[4] - used : 0,
                                 "%s%s %ld", i ? ", " : "", pm_flag_name(i), s->flags[i]);
    pmx_fmt(v[5], sizeof v[5], "%ld read, %ld skipped", s->rows, s->rows_skipped);
    pmx_fmt(v[6], sizeof v[6], "%ld", s->pairs);
    pmx_fmt(v[7], sizeof v[7], "%g (%s)", s->delta, s->delta_estimated ? "estimated" : "given");
    pmx_fmt(v[8], sizeof v[8], "%s", q0_mode(d, q, sizeof q));
    pmx_fmt(v[9], sizeof v[9], "likelihood ratio, eta0 %g vs eta1 %g, max error sum %g",
            d->aopt->eta0, d->aopt->eta1, d->aopt->max_error);
    pmx_fmt(v[10], sizeof v[10], "%g (Clopper-Pearson, exact)", d->aopt->level);
    pmx_fmt(v[11], sizeof v[11], "%.90s", d->assess_path);
    const char *vals[12];
    for (int i = 0; i < 12; i++)
        vals[i] = v[i];
    pm_status st = pm_doc_section(doc, "summary", "Summary", err);
    return st ? st : pm_doc_keyvals(doc, names, vals, 12, err);
}

static pm_status annotator_table(pm_doc *doc, const pm_report_data *d, pm_error *err)
{
    static const char *const heads[] = {"annotator",   "labels",   "pairs",    "consistent",
                                        "consistency", "q0",       "eta_hat",  "eta low",
                                        "eta high",    "p-value",  "decision", "gold n",
                                        "gold agree",  "median s", "flags"};
    static const pm_doc_col kinds[] = {PM_COL_TEXT,   PM_COL_NUMBER, PM_COL_NUMBER, PM_COL_NUMBER,
                                       PM_COL_NUMBER, PM_COL_NUMBER, PM_COL_NUMBER, PM_COL_NUMBER,
                                       PM_COL_NUMBER, PM_COL_NUMBER, PM_COL_TEXT,   PM_COL_NUMBER,
                                       PM_COL_NUMBER, PM_COL_NUMBER, PM_COL_TEXT};
    char cap[512];
    pm_status st = pm_doc_section(doc, "annotators", "Annotators", err);
    if (st)
        return st;
    pmx_fmt(cap, sizeof cap,
            "Every annotator of the assessment (%zu), most duplicate pairs first; click a column "
            "header to sort by it. "
            "eta_hat and its interval (level %g) map consistency to effort, "
            "m = q0 + eta(1 - delta - q0) with delta %g; p-value P(X >= consistent | eta0 = %g).",
            d->nrows, d->aopt->level, d->sum->delta, d->aopt->eta0);
    pm_doc_table *t = pm_doc_table_new(doc, cap, 15, heads, kinds, 1, err);
    if (!t)
        return err ? err->code : PM_ENOMEM;
    for (size_t j = 0; j < d->nrows && st == PM_OK; j++) {
        const pm_assess_row *r = d->order[j];
        char c[15][48];
        pmx_fmt(c[1], 48, "%ld", r->labels);
        pmx_fmt(c[2], 48, "%ld", r->dup_pairs);
        pmx_fmt(c[3], 48, "%ld", r->consistent);
        pmx_fmt(c[11], 48, "%ld", r->gold_n);
        const char *cells[15] = {r->annotator,
                                 c[1],
                                 c[2],
                                 c[3],
                                 pmx_cell(c[4], 48, "%.3f", r->consistency),
                                 pmx_cell(c[5], 48, "%.3f", r->q0),
                                 pmx_cell(c[6], 48, "%.3f", r->eta_hat),
                                 pmx_cell(c[7], 48, "%.3f", r->ci_low),
                                 pmx_cell(c[8], 48, "%.3f", r->ci_high),
                                 pmx_cell(c[9], 48, "%.3g", r->p_value),
                                 pm_decision_name(r->decision),
                                 c[11],
                                 pmx_cell(c[12], 48, "%.3f", r->gold_rate),
                                 pmx_cell(c[13], 48, "%.1f", r->median_duration),
                                 d->flags[j]};
        st = pm_doc_table_row(t, cells, err);
    }
    return st;
}

/* ---- consistency plots -------------------------------------------------------- */

/* Consistency with its interval per annotator, one series per decision,
 * and each annotator's q0 and test threshold k/n as marks of their own. */
static pm_status consistency_plot(pm_doc *doc, const pm_report_data *d, pm_error *err)
{
    static const pm_decision order[3] = {PM_DECISION_PASS, PM_DECISION_FAIL, PM_DECISION_TOO_FEW};
    static const int colour[3] = {2, 1, 0};
    char cap[1024], q[96];
    pmx_fmt(cap, sizeof cap,
            "Consistency = consistent / pairs of the %zu annotators with duplicate pairs (of %zu; "
            "the others labelled no item twice), ranked by consistency (hover a point for the "
            "annotator), with the exact "
            "Clopper-Pearson interval at level %g. q0: chance agreement, %s. Threshold: k/n of "
            "the likelihood-ratio test of eta0 = %g against eta1 = %g for the annotator's own n "
            "(m = q0 + eta(1 - delta - q0), delta = %g); pass needs consistency >= threshold and "
            "a test error sum <= %g%s. Source: %.200s.",
            d->nann, d->nrows, d->aopt->level, q0_mode(d, q, sizeof q), d->aopt->eta0,
            d->aopt->eta1, d->sum->delta, d->aopt->max_error,
            d->nno_threshold ? "; annotators flagged one-label have no test and no threshold mark"
                             : "",
            d->assess_path);
    pm_doc_plot_spec spec;
    pm_doc_plot_spec_default(&spec);
    spec.title = "Consistency per annotator";
    spec.xlabel = "annotator (ranked by consistency)";
    spec.ylabel = "consistency";
    spec.caption = cap;
    spec.ymin = 0, spec.ymax = 1;
    spec.xmin = 0, spec.xmax = (double)d->nann + 1;
    pm_doc_plot *p = pm_doc_plot_new(doc, &spec, err);
    if (!p)
        return err ? err->code : PM_ENOMEM;
    pmx_points b, bq, bt;
    pm_status st = PM_OK;
    if (pmx_points_alloc(&b, d->nann) || pmx_points_alloc(&bq, d->nann) ||
        pmx_points_alloc(&bt, d->nann))
        st = pm_error_set(err, PM_ENOMEM, "out of memory");
    /* q0 and thresholds first: the annotators' own points are drawn on top. */
    for (size_t i = 0; i < d->nann && st == PM_OK; i++) {
        const pm_report_ann *a = &d->ann[i];
        char lab[160];
        pmx_fmt(lab, sizeof lab, "%.60s: q0 %.3f", a->row->annotator, a->row->q0);
        pmx_points_add(&bq, (double)(i + 1), a->row->q0, 0, 0, lab);
        pmx_fmt(lab, sizeof lab, "%.60s: threshold %ld of %ld", a->row->annotator, a->k,
                a->row->dup_pairs);
        pmx_points_add(&bt, (double)(i + 1), a->threshold, 0, 0, lab);
    }
    if (st == PM_OK)
        st = pmx_points_plot(p, "q0 (chance agreement)", PM_MARK_SQUARES, 6, &bq, 0, err);
    if (st == PM_OK)
        st = pmx_points_plot(p, "threshold k/n", PM_MARK_SQUARES, 4, &bt, 0, err);
    for (int k = 0; k < 3 && st == PM_OK; k++) {
        b.n = 0;
        for (size_t i = 0; i < d->nann; i++) {
            const pm_report_ann *a = &d->ann[i];
            if (a->row->decision != order[k])
                continue;
            char lab[160];
            pmx_fmt(lab, sizeof lab, "%.60s: %ld of %ld agree, %.3f [%.3f, %.3f], %s",
                    a->row->annotator, a->row->consistent, a->row->dup_pairs, a->row->consistency,
                    a->lo, a->hi, pm_decision_name(a->row->decision));
            pmx_points_add(&b, (double)(i + 1), a->row->consistency, a->lo, a->hi, lab);
        }
        char name[64];
        pmx_fmt(name, sizeof name, "%s (interval at %g)", pm_decision_name(order[k]),
                d->aopt->level);
        if (b.n)
            st = pmx_points_plot(p, name, PM_MARK_POINTS, colour[k], &b, 1, err);
    }
    if (st == PM_OK && !isnan(d->aopt->q0))
        st = pm_doc_plot_rule(p, "q0 (everyone)", d->aopt->q0, 0, err);
    pmx_points_free(&b);
    pmx_points_free(&bq);
    pmx_points_free(&bt);
    return st;
}

static pm_status gold_plot(pm_doc *doc, const pm_report_data *d, pm_error *err)
{
    char cap[1024];
    pmx_fmt(cap, sizeof cap,
            "Each point is an annotator with both duplicate pairs and gold labels: %zu of the %zu "
            "with pairs; %zu with pairs lack gold and are not drawn; %zu with gold but no pairs "
            "have no consistency. Gold agreement = labels equal to the gold label / labels on gold "
            "items; hover a point for its counts (intervals in the plot above). Source: %.200s.",
            d->ngold, d->nann, d->nann - d->ngold, d->gold_no_pairs, d->assess_path);
    pm_doc_plot_spec spec;
    pm_doc_plot_spec_default(&spec);
    spec.title = "Consistency against gold agreement";
    spec.xlabel = "gold agreement";
    spec.ylabel = "consistency";
    spec.caption = cap;
    spec.xmin = spec.ymin = 0, spec.xmax = spec.ymax = 1;
    pm_doc_plot *p = pm_doc_plot_new(doc, &spec, err);
    if (!p)
        return err ? err->code : PM_ENOMEM;
    pmx_points b;
    if (pmx_points_alloc(&b, d->nann))
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    for (size_t i = 0; i < d->nann; i++) {
        const pm_assess_row *r = d->ann[i].row;
        if (r->gold_n < 1)
            continue;
        char lab[160];
        pmx_fmt(lab, sizeof lab, "%.60s: gold %ld of %ld, consistency %ld of %ld", r->annotator,
                r->gold_agree, r->gold_n, r->consistent, r->dup_pairs);
        pmx_points_add(&b, r->gold_rate, r->consistency, d->ann[i].lo, d->ann[i].hi, lab);
    }
    pm_status st = pmx_points_plot(p, "annotator", PM_MARK_POINTS, 0, &b, 0, err);
    pmx_points_free(&b);
    return st;
}

/* ---- the contract ------------------------------------------------------------ */

static void model_text(const pm_model *m, char *buf, size_t size)
{
    char g[PM_SPEC_MAX], e[PM_SPEC_MAX], mu[PM_SPEC_MAX];
    snprintf(buf, size, "G %.60s, E %.60s, mu %.60s, U0 %g, wages [%g, %g]",
             pm_utility_format(&m->G, g, sizeof g), pm_cost_format(&m->E, e, sizeof e),
             pm_value_format(&m->mu, mu, sizeof mu), m->u0, m->w_min, m->w_max);
}

static void scheme_text(const pm_scheme *sc, char *buf, size_t size)
{
    if (sc->kind == PM_MONITOR_EXPERT)
        snprintf(buf, size, "expert, cbar %g", sc->cbar);
    else
        snprintf(buf, size, "self, %s convention, delta %g, q0 %g",
                 pm_convention_name(sc->convention), sc->delta, sc->q0);
}

static pm_status contract_terms(pm_doc *doc, const pm_report_data *d, pm_error *err)
{
    const pm_contract *c = &d->contract;
    char v[10][320];
    const char *names[10] = {"type and solve", "n (pairs)", "terms",   "effort", "expected pay",
                             "principal",      "gap",       "monitor", "model",  "contract file"};
    pmx_fmt(v[0], sizeof v[0], "%s, %s", pm_contract_type_name(c->terms.type),
            pm_solve_name(c->solve));
    pmx_fmt(v[1], sizeof v[1], "%ld", c->terms.n);
    if (c->terms.type == PM_CONTRACT_BINARY)
        pmx_fmt(v[2], sizeof v[2], "base %.6g + bonus %.6g if at least k = %ld of %ld pairs agree",
                c->terms.base, c->terms.bonus, c->terms.k, c->terms.n);
    else
        pmx_fmt(v[2], sizeof v[2], "base %.6g + slope %.6g x consistent / n", c->terms.base,
                c->terms.slope);
    pmx_fmt(v[3], sizeof v[3], "eta %.4f implemented (first-best %.4f)", c->eta, c->first_best_eta);
    pmx_fmt(v[4], sizeof v[4], "%.6g contract units", c->expected_pay);
    pmx_fmt(v[5], sizeof v[5], "utility %.6g (first-best %.6g)", c->principal_utility,
            c->first_best_utility);
    pmx_fmt(v[6], sizeof v[6], "%.6g, normalized %.4f%s", c->gap, c->normalized_gap,
            c->feasible ? "" : " (infeasible)");
    scheme_text(&d->scheme, v[7], sizeof v[7]);
    model_text(&d->model, v[8], sizeof v[8]);
    pmx_fmt(v[9], sizeof v[9], "%.300s", d->contract_path);
    const char *vals[10];
    for (int i = 0; i < 10; i++)
        vals[i] = v[i];
    return pm_doc_keyvals(doc, names, vals, 10, err);
}

static pm_status gap_plot(pm_doc *doc, const pm_report_data *d, pm_error *err)
{
    char cap[1024], sch[256], mod[512];
    scheme_text(&d->scheme, sch, sizeof sch);
    model_text(&d->model, mod, sizeof mod);
    pmx_fmt(cap, sizeof cap,
            "Normalized gap (C - C_n)/C between first-best and the %s contract with n monitored "
            "pairs, solved exactly for each n (arXiv 2502.06387 §6-7; theory: linear Theta(1/n), "
            "binary Theta(1/sqrt(n log n))). Monitor: %s. Model: %s. The square marks the chosen "
            "contract. Source: %.200s.",
            pm_solve_name(d->contract.solve), sch, mod, d->contract_path);
    pm_doc_plot_spec spec;
    pm_doc_plot_spec_default(&spec);
    spec.title = "Gap to first-best against n";
    spec.xlabel = "n (monitored pairs)";
    spec.ylabel = "normalized gap";
    spec.caption = cap;
    spec.xscale = spec.yscale = PM_SCALE_LOG10;
    pm_doc_plot *p = pm_doc_plot_new(doc, &spec, err);
    if (!p)
        return err ? err->code : PM_ENOMEM;
    pmx_points b;
    if (pmx_points_alloc(&b, d->ngap + 1))
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    pm_status st = PM_OK;
    for (int ty = 0; ty < 2 && st == PM_OK; ty++) {
        pm_contract_type type = ty ? PM_CONTRACT_BINARY : PM_CONTRACT_LINEAR;
        b.n = 0;
        for (size_t i = 0; i < d->ngap; i++) {
            const pm_report_gap *g = &d->gap[i];
            if (g->type != type)
                continue;
            char lab[160];
            if (g->feasible)
                pmx_fmt(lab, sizeof lab, "%s, n = %ld: normalized gap %.4g",
                        pm_contract_type_name(type), g->n, g->normalized_gap);
            else
                pmx_fmt(lab, sizeof lab, "%s, n = %ld: infeasible", pm_contract_type_name(type),
                        g->n);
            pmx_points_add(&b, (double)g->n, g->normalized_gap, 0, 0, lab);
        }
        st = pmx_points_plot(p, pm_contract_type_name(type), PM_MARK_LINE_POINTS, ty, &b, 0, err);
    }
    if (st == PM_OK) {
        char name[96], lab[160];
        b.n = 0;
        pmx_fmt(name, sizeof name, "chosen: %s, n = %ld",
                pm_contract_type_name(d->contract.terms.type), d->contract.terms.n);
        pmx_fmt(lab, sizeof lab, "%s: normalized gap %.4g", name, d->contract.normalized_gap);
        pmx_points_add(&b, (double)d->contract.terms.n, d->contract.normalized_gap, 0, 0, lab);
        st = pmx_points_plot(p, name, PM_MARK_SQUARES, 6, &b, 0, err);
    }
    pmx_points_free(&b);
    return st;
}

/* A linear gap that does not fall with n puzzles a reader who knows the
 * paper's Theta(1/n): say why, when the data says the curve shows it
 * (gap_flat). With a wage floor
 * the base cannot go below w_min, so the slope that makes effort pay also
 * pays slope * q0 for chance agreement to everyone: a rent that more
 * monitoring does not remove (the rates assume bounds that do not bind). */
static pm_status gap_note(pm_doc *doc, const pm_report_data *d, pm_error *err)
{
    if (!d->gap_flat)
        return PM_OK;
    const pm_report_gap *first = d->gap_first, *last = d->gap_last;
    char text[768];
    pmx_fmt(text, sizeof text,
            "The linear contract's gap does not shrink with n here (%.4g at n = %ld, %.4g at n = "
            "%ld). With wages bounded below by w_min = %g the base cannot be lower, so the slope "
            "that makes effort pay also pays slope x q0 for chance agreement to every annotator: a "
            "rent that more monitoring does not remove. The Theta(1/n) rate of arXiv 2502.06387 §7 "
            "holds where the wage bounds do not bind. A binary contract pays its bonus only above "
            "its threshold, which an annotator at chance agreement reaches less and less often as "
            "n grows.",
            first->normalized_gap, first->n, last->normalized_gap, last->n, d->model.w_min);
    return pm_doc_para(doc, text, err);
}

/* Open a section; when what it shows is absent (have == 0) the section is
 * only the paragraph `absent` saying why. *body gets 1 when the section's
 * content should follow. */
static pm_status open_section(pm_doc *doc, const char *id, const char *title, int have,
                              const char *absent, int *body, pm_error *err)
{
    *body = 0;
    pm_status st = pm_doc_section(doc, id, title, err);
    if (st)
        return st;
    if (!have)
        return pm_doc_para(doc, absent, err);
    *body = 1;
    return PM_OK;
}

static pm_status consistency_section(pm_doc *doc, const pm_report_data *d, pm_error *err)
{
    int body;
    pm_status st = open_section(doc, "consistency", "Consistency", d->nann > 0,
                                "No annotator has duplicate pairs: there is no consistency to "
                                "plot (plan repeats with 'prefmon plan').",
                                &body, err);
    if (st || !body)
        return st;
    st = consistency_plot(doc, d, err);
    return st ? st : gold_plot(doc, d, err);
}

static pm_status contract_section(pm_doc *doc, const pm_report_data *d, pm_error *err)
{
    int body;
    pm_status st = open_section(doc, "contract", "Contract", d->have_contract,
                                "No contract was given (--contract FILE, the JSON that 'prefmon "
                                "contract --out' writes): no terms and no gap curve to show.",
                                &body, err);
    if (st || !body)
        return st;
    st = contract_terms(doc, d, err);
    if (st == PM_OK)
        st = gap_plot(doc, d, err);
    return st ? st : gap_note(doc, d, err);
}

/* ---- the payments ------------------------------------------------------------- */

static pm_status pay_totals(pm_doc *doc, const pm_report_data *d, pm_error *err)
{
    char v[6][160], a[32];
    const char *names[6] = {"annotators",  "total wage",        "already paid",
                            "total bonus", "bonuses to upload", "payment file"};
    pmx_fmt(v[0], sizeof v[0], "%zu", d->pay->count);
    pm_money_format(d->pay->wage_total_cents, a, sizeof a);
    pmx_fmt(v[1], sizeof v[1], "%s %s (one contract unit = %s %s)", a, d->pay->currency,
            d->pay->unit, d->pay->currency);
    pm_money_format(d->pay->paid_total_cents, a, sizeof a);
    pmx_fmt(v[2], sizeof v[2], "%s %s", a, d->pay->currency);
    pm_money_format(d->pay->bonus_total_cents, a, sizeof a);
    pmx_fmt(v[3], sizeof v[3], "%s %s (wage - paid, negative ones never deducted)", a,
            d->pay->currency);
    pm_money_format(d->pay->upload_total_cents, a, sizeof a);
    pmx_fmt(v[4], sizeof v[4], "%s %s to %zu annotators", a, d->pay->currency, d->pay->payable);
    pmx_fmt(v[5], sizeof v[5], "%.150s", d->pay_path);
    const char *vals[6] = {v[0], v[1], v[2], v[3], v[4], v[5]};
    return pm_doc_keyvals(doc, names, vals, 6, err);
}

static pm_status pay_hist(pm_doc *doc, const pm_report_data *d, pm_error *err)
{
    char cap[1024], xl[96];
    /* The counts in words too: a bin of 16 beside one of 809 is a hairline. */
    char counts[384] = "";
    size_t used = 0, shown = 0;
    for (size_t i = 0; i < d->nbins && shown < 12; i++) {
        if (d->bins[i].count == 0)
            continue;
        char a[32], b[32];
        pm_money_format(d->bins[i].lo, a, sizeof a);
        pm_money_format(d->bins[i].hi, b, sizeof b);
        used += (size_t)snprintf(counts + used, used < sizeof counts ? sizeof counts - used : 0,
                                 "%s%ld in [%s, %s)", shown ? ", " : "", d->bins[i].count, a, b);
        shown++;
    }
    pmx_fmt(cap, sizeof cap,
            "Number of annotators per wage bin [from, to): %s; %zu annotators, wages in %s "
            "(contract units times %s). Source: %.200s.",
            counts, d->pay->count, d->pay->currency, d->pay->unit, d->pay_path);
    pmx_fmt(xl, sizeof xl, "wage (%s per annotator)", d->pay->currency);
    pm_doc_plot_spec spec;
    pm_doc_plot_spec_default(&spec);
    spec.title = "Wages";
    spec.xlabel = xl;
    spec.ylabel = "annotators";
    spec.caption = cap;
    pm_doc_plot *p = pm_doc_plot_new(doc, &spec, err);
    if (!p)
        return err ? err->code : PM_ENOMEM;
    size_t n = d->nbins ? d->nbins : 1;
    double *x = malloc(n * sizeof *x), *x2 = malloc(n * sizeof *x2), *y = malloc(n * sizeof *y);
    char(*text)[96] = malloc(n * sizeof *text);
    const char **labels = malloc(n * sizeof *labels);
    pm_status st = PM_OK;
    if (!x || !x2 || !y || !text || !labels)
        st = pm_error_set(err, PM_ENOMEM, "out of memory");
    for (size_t i = 0; st == PM_OK && i < d->nbins; i++) {
        char a[32], b[32];
        pm_money_format(d->bins[i].lo, a, sizeof a);
        pm_money_format(d->bins[i].hi, b, sizeof b);
        x[i] = (double)d->bins[i].lo / 100, x2[i] = (double)d->bins[i].hi / 100;
        y[i] = (double)d->bins[i].count;
        pmx_fmt(text[i], sizeof text[i], "%ld annotators with wage in [%s, %s) %s",
                d->bins[i].count, a, b, d->pay->currency);
        labels[i] = text[i];
    }
    if (st == PM_OK) {
        pm_doc_series s = {.name = "annotators",
                           .mark = PM_MARK_BARS,
                           .color = 0,
                           .x = x,
                           .x2 = x2,
                           .y = y,
                           .labels = labels,
                           .count = d->nbins};
        st = pm_doc_plot_series(p, &s, err);
    }
    free(x), free(x2), free(y), free(text), free(labels);
    return st;
}

static pm_status pay_table(pm_doc *doc, const pm_report_data *d, pm_error *err)
{
    static const char *const heads[] = {"annotator", "pairs", "consistent", "wage",
                                        "paid",      "bonus", "reason"};
    static const pm_doc_col kinds[] = {PM_COL_TEXT,   PM_COL_NUMBER, PM_COL_NUMBER, PM_COL_NUMBER,
                                       PM_COL_NUMBER, PM_COL_NUMBER, PM_COL_TEXT};
    char cap[256];
    pmx_fmt(cap, sizeof cap,
            "Payments as written by prefmon pay, highest wage first, amounts in %s; click a "
            "column header to sort by it.",
            d->pay->currency);
    pm_doc_table *t = pm_doc_table_new(doc, cap, 7, heads, kinds, 1, err);
    if (!t)
        return err ? err->code : PM_ENOMEM;
    pm_status st = PM_OK;
    for (size_t i = 0; i < d->pay->count && st == PM_OK; i++) {
        const pm_pay_entry *p = d->paid[i];
        char c[6][32];
        pmx_fmt(c[0], 32, "%ld", p->pairs);
        pmx_fmt(c[1], 32, "%ld", p->consistent);
        pm_money_format(p->wage_cents, c[2], 32);
        pm_money_format(p->paid_cents, c[3], 32);
        pm_money_format(p->bonus_cents, c[4], 32);
        const char *cells[7] = {p->annotator, c[0], c[1], c[2], c[3], c[4], p->reason};
        st = pm_doc_table_row(t, cells, err);
    }
    return st;
}

static pm_status pay_section(pm_doc *doc, const pm_report_data *d, pm_error *err)
{
    int body;
    pm_status st =
        open_section(doc, "payments", "Payments", d->have_pay,
                     "No payments were given (--payments FILE, the CSV that 'prefmon "
                     "pay --out' writes): no totals, histogram or payment table to show.",
                     &body, err);
    if (st || !body)
        return st;
    if ((st = pay_totals(doc, d, err)) || (st = pay_hist(doc, d, err)))
        return st;
    return pay_table(doc, d, err);
}

/* ---- the page ------------------------------------------------------------------ */

static pm_status build(pm_doc *doc, const pm_report_data *d, pm_error *err)
{
    char sub[1024];
    pmx_fmt(sub, sizeof sub, "prefmon %s report of %.300s%s%.300s%s%.300s", PM_VERSION_STRING,
            d->assess_path, d->contract_path ? ", " : " (no contract)",
            d->contract_path ? d->contract_path : "", d->pay_path ? ", " : " (no payments)",
            d->pay_path ? d->pay_path : "");
    pm_status st = pm_doc_subtitle(doc, sub, err);
    if (!st)
        st = summary(doc, d, err);
    if (!st)
        st = annotator_table(doc, d, err);
    if (!st)
        st = consistency_section(doc, d, err);
    if (!st)
        st = contract_section(doc, d, err);
    if (!st)
        st = pay_section(doc, d, err);
    return st;
}

pm_status pm_page_weekly(const pm_report_data *d, pm_doc **out, pm_error *err)
{
    if (!d || !out || !d->sum)
        return pm_error_set(err, PM_EINVAL, "pm_page_weekly: no report data or no out");
    *out = NULL;
    pm_doc *doc = pm_doc_new("prefmon weekly report", err);
    if (!doc)
        return err && err->code ? err->code : PM_ENOMEM;
    pm_status st = build(doc, d, err);
    if (st != PM_OK) {
        pm_doc_free(doc);
        return st;
    }
    *out = doc;
    return PM_OK;
}
