/* The weekly page from the history store (pages.h, pm_page_history): what
 * to do this week first, then why (each annotator's evidence batch by
 * batch), drift and pay per week. Every number comes computed in
 * pm_history_report (pipeline/history_report.c); this file only formats
 * and places it. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prefmon/history_report.h"
#include "prefmon/pages.h"
#include "report/points.h"
#include "prefmon/pay.h"
#include "prefmon/version.h"

/* At most this many small multiples of e-value trajectories. */
#define SMALL_MULTIPLES 12

/* The palette index of an action: block vermillion, review orange, hold
 * blue, pay green (the report's palette: 0 blue, 1 vermillion, 2 green, 4
 * orange). */
static int action_colour(pm_action a)
{
    switch (a) {
    case PM_ACTION_BLOCK:
        return 1;
    case PM_ACTION_REVIEW:
        return 4;
    case PM_ACTION_HOLD:
        return 0;
    default:
        return 2;
    }
}

static const char *batch_name(const pm_history_report *r, size_t i)
{
    return i < r->nbatches ? r->batches[i].name : "?";
}

/* ---- this week's actions ---------------------------------------------------- */

static pm_status actions_summary(pm_doc *doc, const pm_history_report *r, pm_error *err)
{
    char t[768];
    pmx_fmt(t, sizeof t,
            "%zu annotators labelled in batch %s: block %ld, review %ld, hold %ld, pay %ld%s. "
            "Block: the evidence says they do not work (or they agree less than chance). Review: "
            "a flag a person must look at. Hold: the evidence does not decide yet; the bonus is "
            "kept until it does. Pay: passed, nothing to review.",
            r->nann, batch_name(r, r->batch), r->count[PM_ACTION_BLOCK], r->count[PM_ACTION_REVIEW],
            r->count[PM_ACTION_HOLD], r->count[PM_ACTION_PAY],
            r->drifting ? " (drift: see below)" : "");
    return pm_doc_para(doc, t, err);
}

static pm_status actions_table(pm_doc *doc, const pm_history_report *r, pm_error *err)
{
    /* decision and flags right after the action: visible without scrolling
     * at 1280 px; the reason, the widest, last */
    static const char *const heads[] = {"annotator", "action",    "decision", "flags",
                                        "pairs",     "all pairs", "agree",    "ln e pass",
                                        "ln e fail", "eta low",   "eta high", "reason"};
    static const pm_doc_col kinds[] = {PM_COL_TEXT,   PM_COL_TEXT,   PM_COL_TEXT,   PM_COL_TEXT,
                                       PM_COL_NUMBER, PM_COL_NUMBER, PM_COL_NUMBER, PM_COL_NUMBER,
                                       PM_COL_NUMBER, PM_COL_NUMBER, PM_COL_NUMBER, PM_COL_TEXT};
    char cap[1024];
    pmx_fmt(cap, sizeof cap,
            "Batch %s, as assess --history stored it; sorted by action, then by evidence (ln e "
            "fail for block, review, hold; ln e pass for pay; strongest first); click a header to "
            "sort. pairs: this batch; all pairs, agree: every batch so far. ln e pass / fail: the "
            "two sequential tests' log e-values (thresholds %.3f and %.3f, valid at every look); "
            "eta low / high: the confidence sequence for effort at level %g.",
            batch_name(r, r->batch), r->threshold_pass, r->threshold_fail, 1 - r->opt.cs_alpha);
    pm_doc_table *t = pm_doc_table_new(doc, cap, 12, heads, kinds, 1, err);
    if (!t)
        return err && err->code ? err->code : PM_ENOMEM;
    pm_status st = PM_OK;
    for (size_t i = 0; i < r->nann && st == PM_OK; i++) {
        const pm_history_report_ann *a = &r->ann[i];
        char c[12][48], action[48];
        pmx_fmt(action, sizeof action, "%s%s", pm_action_name(a->action),
                a->action_stored ? "" : " (replay)");
        pmx_fmt(c[4], 48, "%ld", a->batch_pairs);
        pmx_fmt(c[5], 48, "%ld", a->result.pairs);
        pmx_fmt(c[6], 48, "%ld", a->result.consistent);
        const char *cells[12] = {a->annotator,
                                 action,
                                 a->decision[0] ? a->decision : "-",
                                 a->flags[0] ? a->flags : "-",
                                 c[4],
                                 c[5],
                                 c[6],
                                 pmx_cell(c[7], 48, "%.2f", a->result.seq.log_e_pass),
                                 pmx_cell(c[8], 48, "%.2f", a->result.seq.log_e_fail),
                                 pmx_cell(c[9], 48, "%.3f", a->result.eta_low),
                                 pmx_cell(c[10], 48, "%.3f", a->result.eta_high),
                                 a->reason};
        st = pm_doc_table_row(t, cells, err);
    }
    return st;
}

/* ---- trajectories ---------------------------------------------------------------- */

/* One annotator's two log e-values batch by batch against their
 * thresholds (x: the batch's number, 1 = the store's first). */
static pm_status evalue_plot(pm_doc *doc, const pm_history_report *r,
                             const pm_history_report_ann *a, pm_error *err)
{
    char title[160], cap[768];
    pmx_fmt(title, sizeof title, "%.60s: %s", a->annotator, pm_action_name(a->action));
    pmx_fmt(cap, sizeof cap,
            "ln e pass (evidence against shirking, m <= m(eta0)) and ln e fail (evidence against "
            "diligence, m >= m(eta1)) over all of %.60s's pairs up to the end of each batch, from "
            "the stored pairs with the m0, m1 each was tested with; the dashed lines are the "
            "thresholds ln(1/alpha) = %.3f (pass) and %.3f (fail). %ld pairs, %ld agree; reason: "
            "%.200s%s",
            a->annotator, r->threshold_pass, r->threshold_fail, a->result.pairs,
            a->result.consistent, a->reason,
            a->drift_batch ? " (drift: the test was reopened and counts again from there)" : "");
    pm_doc_plot_spec spec;
    pm_doc_plot_spec_default(&spec);
    spec.title = title;
    spec.xlabel = "batch (1 = first in the store)";
    spec.ylabel = "ln e-value";
    spec.caption = cap;
    spec.xmin = 0.5;
    spec.xmax = (double)r->nbatches + 0.5;
    pm_doc_plot *p = pm_doc_plot_new(doc, &spec, err);
    if (!p)
        return err && err->code ? err->code : PM_ENOMEM;
    pmx_points bp, bf;
    pm_status st = PM_OK;
    if (pmx_points_alloc(&bp, a->npoints) || pmx_points_alloc(&bf, a->npoints))
        st = pm_error_set(err, PM_ENOMEM, "out of memory");
    for (size_t k = 0; k < a->npoints && st == PM_OK; k++) {
        const pm_history_point *q = &a->points[k];
        char lab[160];
        pmx_fmt(lab, sizeof lab, "%.40s, %.30s: %ld of %ld agree, ln e pass %.2f, %s", a->annotator,
                batch_name(r, q->batch), q->consistent, q->pairs, q->log_e_pass,
                pm_seq_verdict_name(q->verdict));
        pmx_points_add(&bp, (double)(q->batch + 1), q->log_e_pass, 0, 0, lab);
        pmx_fmt(lab, sizeof lab, "%.40s, %.30s: ln e fail %.2f%s", a->annotator,
                batch_name(r, q->batch), q->log_e_fail, q->drift ? ", drift" : "");
        pmx_points_add(&bf, (double)(q->batch + 1), q->log_e_fail, 0, 0, lab);
    }
    if (st == PM_OK)
        st = pmx_points_plot(p, "ln e pass", PM_MARK_LINE_POINTS, 2, &bp, 0, err);
    if (st == PM_OK)
        st = pmx_points_plot(p, "ln e fail", PM_MARK_LINE_POINTS, 1, &bf, 0, err);
    /* alpha_pass = alpha_fail (the default) draws one line for both */
    int one = r->threshold_fail == r->threshold_pass;
    if (st == PM_OK)
        st = pm_doc_plot_rule(p, one ? "threshold ln(1/alpha), pass and fail" : "pass threshold",
                              r->threshold_pass, 0, err);
    if (st == PM_OK && !one)
        st = pm_doc_plot_rule(p, "fail threshold", r->threshold_fail, 0, err);
    pmx_points_free(&bp);
    pmx_points_free(&bf);
    return st;
}

/* Everyone's effort interval at this batch, in the table's order. */
static pm_status interval_plot(pm_doc *doc, const pm_history_report *r, pm_error *err)
{
    char cap[768];
    pmx_fmt(cap, sizeof cap,
            "The anytime-valid confidence sequence for effort eta of each annotator of batch %s "
            "(level %g, the running intersection over batch ends, eta = (m - q0)/(1 - delta - q0) "
            "with the annotator's q0), in the table's order, coloured by action; hover for the "
            "numbers. Annotators agreeing less than chance, or with one label for everything, have "
            "no interval and are not drawn.",
            batch_name(r, r->batch), 1 - r->opt.cs_alpha);
    pm_doc_plot_spec spec;
    pm_doc_plot_spec_default(&spec);
    spec.title = "Effort interval this week";
    spec.xlabel = "annotator (table order)";
    spec.ylabel = "eta";
    spec.caption = cap;
    spec.ymin = 0, spec.ymax = 1;
    spec.xmin = 0, spec.xmax = (double)r->nann + 1;
    pm_doc_plot *p = pm_doc_plot_new(doc, &spec, err);
    if (!p)
        return err && err->code ? err->code : PM_ENOMEM;
    pmx_points b;
    if (pmx_points_alloc(&b, r->nann))
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    pm_status st = PM_OK;
    static const pm_action order[PM_ACTION_COUNT] = {PM_ACTION_BLOCK, PM_ACTION_REVIEW,
                                                     PM_ACTION_HOLD, PM_ACTION_PAY};
    for (int k = 0; k < PM_ACTION_COUNT && st == PM_OK; k++) {
        b.n = 0;
        for (size_t i = 0; i < r->nann; i++) {
            const pm_history_report_ann *a = &r->ann[i];
            if (a->action != order[k] || isnan(a->result.eta_low))
                continue;
            char lab[160];
            pmx_fmt(lab, sizeof lab, "%.60s: eta [%.3f, %.3f], %ld of %ld agree", a->annotator,
                    a->result.eta_low, a->result.eta_high, a->result.consistent, a->result.pairs);
            pmx_points_add(&b, (double)(i + 1), (a->result.eta_low + a->result.eta_high) / 2,
                           a->result.eta_low, a->result.eta_high, lab);
        }
        if (b.n)
            st = pmx_points_plot(p, pm_action_name(order[k]), PM_MARK_POINTS,
                                 action_colour(order[k]), &b, 1, err);
    }
    if (st == PM_OK)
        st = pm_doc_plot_rule(p, "eta0", r->opt.eta0, 0, err);
    if (st == PM_OK)
        st = pm_doc_plot_rule(p, "eta1", r->opt.eta1, 0, err);
    pmx_points_free(&b);
    return st;
}

static pm_status trajectory_table(pm_doc *doc, const pm_history_report *r, pm_error *err)
{
    static const char *const heads[] = {"annotator", "batch",     "pairs",     "all pairs",
                                        "agree",     "ln e pass", "ln e fail", "eta low",
                                        "eta high",  "verdict",   "drift"};
    static const pm_doc_col kinds[] = {PM_COL_TEXT,   PM_COL_TEXT,   PM_COL_NUMBER, PM_COL_NUMBER,
                                       PM_COL_NUMBER, PM_COL_NUMBER, PM_COL_NUMBER, PM_COL_NUMBER,
                                       PM_COL_NUMBER, PM_COL_TEXT,   PM_COL_TEXT};
    pm_doc_table *t = pm_doc_table_new(
        doc,
        "Every annotator of this week, batch by batch (the batches they labelled in): the "
        "sequential tests and the confidence sequence replayed from their stored pairs up to "
        "the end of that batch. An annotator's decision is sticky within an opening; a drift "
        "alarm reopens it.",
        11, heads, kinds, 1, err);
    if (!t)
        return err && err->code ? err->code : PM_ENOMEM;
    pm_status st = PM_OK;
    for (size_t i = 0; i < r->nann && st == PM_OK; i++) {
        const pm_history_report_ann *a = &r->ann[i];
        for (size_t k = 0; k < a->npoints && st == PM_OK; k++) {
            const pm_history_point *q = &a->points[k];
            char c[11][48];
            pmx_fmt(c[2], 48, "%ld", q->batch_pairs);
            pmx_fmt(c[3], 48, "%ld", q->pairs);
            pmx_fmt(c[4], 48, "%ld", q->consistent);
            const char *cells[11] = {a->annotator,
                                     batch_name(r, q->batch),
                                     c[2],
                                     c[3],
                                     c[4],
                                     pmx_cell(c[5], 48, "%.2f", q->log_e_pass),
                                     pmx_cell(c[6], 48, "%.2f", q->log_e_fail),
                                     pmx_cell(c[7], 48, "%.3f", q->eta_low),
                                     pmx_cell(c[8], 48, "%.3f", q->eta_high),
                                     pm_seq_verdict_name(q->verdict),
                                     q->drift ? "drift" : ""};
            st = pm_doc_table_row(t, cells, err);
        }
    }
    return st;
}

static pm_status trajectories(pm_doc *doc, const pm_history_report *r, pm_error *err)
{
    pm_status st = pm_doc_section(doc, "trajectories", "Evidence week by week", err);
    if (st)
        return st;
    /* the annotators who matter first: block, review, hold, in the table's
     * order, those with pairs (without any, an e-value is 1 throughout:
     * nothing to plot); the paid ones only when nobody else has pairs */
    size_t matter = 0, paid = 0;
    for (size_t i = 0; i < r->nann; i++) {
        if (r->ann[i].result.pairs == 0)
            continue;
        if (r->ann[i].action == PM_ACTION_PAY)
            paid++;
        else
            matter++;
    }
    size_t pool = matter ? matter : paid, show = pool;
    if (show > SMALL_MULTIPLES)
        show = SMALL_MULTIPLES;
    char t[512];
    if (pool == 0)
        pmx_fmt(t, sizeof t,
                "Nobody in this batch has repeated items yet: there is no evidence to plot.");
    else
        pmx_fmt(t, sizeof t,
                "Each plot is one annotator's two e-values at the end of every batch they labelled "
                "in: %zu of the %zu with pairs %s, in the table's order (every annotator's numbers "
                "are in the table below).",
                show, pool, matter ? "to block, review or hold" : "(all of them paid)");
    if ((st = pm_doc_para(doc, t, err)))
        return st;
    for (size_t i = 0, shown = 0; i < r->nann && shown < show && st == PM_OK; i++) {
        const pm_history_report_ann *a = &r->ann[i];
        if (a->result.pairs == 0 || (matter && a->action == PM_ACTION_PAY))
            continue;
        st = evalue_plot(doc, r, a, err);
        shown++;
    }
    if (st == PM_OK && r->nann)
        st = interval_plot(doc, r, err);
    if (st == PM_OK && r->nann)
        st = trajectory_table(doc, r, err);
    return st;
}

/* ---- drift ------------------------------------------------------------------------- */

static pm_status drift(pm_doc *doc, const pm_history_report *r, pm_error *err)
{
    pm_status st = pm_doc_section(doc, "drift", "Drift", err);
    if (st)
        return st;
    char t[768];
    pmx_fmt(t, sizeof t,
            "After a pass, a Bernoulli CUSUM (integer scores, exact run lengths) watches each "
            "annotator's later pairs for a fall from m(eta1) to m(eta0); its alarm level is set "
            "for %g false alarms per working annotator per year of %g batches (over a pool of N "
            "annotators, about %g N a year). An alarm flags drift from the batch where the run "
            "began and reopens the decision, which spends alpha again. %ld of this week's %zu "
            "annotators %s.",
            r->opt.drift_rate, r->opt.batches_per_year, r->opt.drift_rate, r->drifting, r->nann,
            r->drifting == 1 ? "drifts" : "drift");
    if ((st = pm_doc_para(doc, t, err)) || r->drifting == 0)
        return st;
    static const char *const heads[] = {"annotator", "action",    "began in", "at pair",
                                        "chart h",   "ARL at m1", "reopened", "verdict now"};
    static const pm_doc_col kinds[] = {PM_COL_TEXT,   PM_COL_TEXT,   PM_COL_TEXT,   PM_COL_NUMBER,
                                       PM_COL_NUMBER, PM_COL_NUMBER, PM_COL_NUMBER, PM_COL_TEXT};
    pm_doc_table *tb = pm_doc_table_new(
        doc,
        "Annotators whose drift chart alarmed after a pass: the batch and pair where the "
        "falling run began, the chart's alarm level and its average run length to a false "
        "alarm at m(eta1) in pairs, and how often the decision was reopened (the guarantee is "
        "(reopened + 1) alpha).",
        8, heads, kinds, 1, err);
    if (!tb)
        return err && err->code ? err->code : PM_ENOMEM;
    for (size_t i = 0; i < r->nann && st == PM_OK; i++) {
        const pm_history_report_ann *a = &r->ann[i];
        if (!a->result.drift)
            continue;
        char c[8][48];
        pmx_fmt(c[3], 48, "%ld", a->result.drift_pair);
        pmx_fmt(c[4], 48, "%ld", a->result.drift_h);
        pmx_fmt(c[6], 48, "%ld", a->result.seq.reopened);
        const char *cells[8] = {a->annotator,
                                pm_action_name(a->action),
                                a->drift_batch ? a->drift_batch : "-",
                                c[3],
                                c[4],
                                pmx_cell(c[5], 48, "%.0f", a->result.drift_arl),
                                c[6],
                                pm_seq_verdict_name(a->result.verdict)};
        st = pm_doc_table_row(tb, cells, err);
    }
    return st;
}

/* ---- pay per week ------------------------------------------------------------------ */

static pm_status pay(pm_doc *doc, const pm_history_report *r, pm_error *err)
{
    pm_status st = pm_doc_section(doc, "pay", "Pay per week", err);
    if (st)
        return st;
    if (r->npay == 0)
        return pm_doc_para(doc,
                           "The ledger is empty up to this batch: nothing was paid or held "
                           "through the store yet (prefmon pay --history records it).",
                           err);
    static const char *const heads[] = {"batch",    "currency",      "paid",         "held",
                                        "released", "paid (people)", "held (people)"};
    static const pm_doc_col kinds[] = {PM_COL_TEXT,   PM_COL_TEXT,   PM_COL_NUMBER, PM_COL_NUMBER,
                                       PM_COL_NUMBER, PM_COL_NUMBER, PM_COL_NUMBER};
    pm_doc_table *t = pm_doc_table_new(
        doc,
        "The ledger of the store per batch and currency, up to this batch: money paid, held "
        "back until the evidence decides, and holds released (paid later); annotators with a "
        "paid or held entry. A batch no longer in the store (replaced) keeps its entries: "
        "money paid is a fact.",
        7, heads, kinds, 0, err);
    if (!t)
        return err && err->code ? err->code : PM_ENOMEM;
    for (size_t i = 0; i < r->npay && st == PM_OK; i++) {
        const pm_history_pay_week *w = &r->pay[i];
        char c[7][48];
        pm_money_format(w->paid_cents, c[2], 48);
        pm_money_format(w->held_cents, c[3], 48);
        pm_money_format(w->released_cents, c[4], 48);
        pmx_fmt(c[5], 48, "%ld", w->annotators_paid);
        pmx_fmt(c[6], 48, "%ld", w->annotators_held);
        const char *cells[7] = {w->batch, w->currency, c[2], c[3], c[4], c[5], c[6]};
        st = pm_doc_table_row(t, cells, err);
    }
    if (st)
        return st;
    /* paid per week as bars, in the first currency of the ledger */
    const char *cur = r->pay[0].currency;
    char title[96], cap[512];
    pmx_fmt(title, sizeof title, "Paid per week (%.20s)", cur);
    pmx_fmt(cap, sizeof cap,
            "Money paid (bars) per ledger batch in %.20s, in the order the ledger first recorded "
            "each batch; held amounts are in the table. Other currencies are in the table only.",
            cur);
    pm_doc_plot_spec spec;
    pm_doc_plot_spec_default(&spec);
    spec.title = title;
    spec.xlabel = "ledger batch (in order)";
    spec.ylabel = cur;
    spec.caption = cap;
    spec.ymin = 0;
    pm_doc_plot *p = pm_doc_plot_new(doc, &spec, err);
    if (!p)
        return err && err->code ? err->code : PM_ENOMEM;
    pmx_points b;
    double *x2 = malloc(r->npay * sizeof *x2);
    if (!x2 || pmx_points_alloc(&b, r->npay)) {
        free(x2);
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < r->npay; i++) {
        if (strcmp(r->pay[i].currency, cur))
            continue;
        char money[48], lab[160];
        pm_money_format(r->pay[i].paid_cents, money, sizeof money);
        pmx_fmt(lab, sizeof lab, "%.60s: paid %s %.20s", r->pay[i].batch, money, cur);
        x2[b.n] = (double)b.n + 1.8;
        pmx_points_add(&b, (double)b.n + 1.2, (double)r->pay[i].paid_cents / 100.0, 0, 0, lab);
    }
    pm_doc_series s = {.name = "paid",
                       .mark = PM_MARK_BARS,
                       .color = 2,
                       .x = b.x,
                       .x2 = x2,
                       .y = b.y,
                       .labels = b.labels,
                       .count = b.n};
    st = pm_doc_plot_series(p, &s, err);
    pmx_points_free(&b);
    free(x2);
    return st;
}

/* ---- the page ------------------------------------------------------------------------ */

static pm_status settings(pm_doc *doc, const pm_history_report *r, pm_error *err)
{
    pm_status st = pm_doc_section(doc, "settings", "What the page depends on", err);
    if (st)
        return st;
    char v[6][512];
    const char *names[6] = {"store",       "batches",         "tests", "confidence sequence",
                            "drift chart", "batch parameters"};
    pmx_fmt(v[0], sizeof v[0], "%.300s (%s)", r->store, r->backend);
    pmx_fmt(v[1], sizeof v[1], "%zu up to %.60s (first %.60s, imported %.30s)", r->nbatches,
            batch_name(r, r->batch), batch_name(r, 0), r->batches[r->batch].imported_at);
    pmx_fmt(v[2], sizeof v[2],
            "two one-sided sequential likelihood-ratio tests, eta0 %g against eta1 %g, alpha_pass "
            "%g, alpha_fail %g (Ville's inequality: valid however many weeks are looked at); m0, "
            "m1 as stored with each pair",
            r->opt.eta0, r->opt.eta1, r->opt.alpha_pass, r->opt.alpha_fail);
    pmx_fmt(v[3], sizeof v[3], "beta-binomial mixture, level %g, intersected at each batch's end",
            1 - r->opt.cs_alpha);
    pmx_fmt(v[4], sizeof v[4], "%g false alarms per annotator per year of %g batches",
            r->opt.drift_rate, r->opt.batches_per_year);
    pmx_fmt(v[5], sizeof v[5], "%.500s", r->parameters);
    const char *vals[6] = {v[0], v[1], v[2], v[3], v[4], v[5]};
    return pm_doc_keyvals(doc, names, vals, 6, err);
}

static pm_status build(pm_doc *doc, const pm_history_report *r, pm_error *err)
{
    char sub[768];
    pmx_fmt(sub, sizeof sub,
            "prefmon %s, batch %.60s of the history store %.300s (%s, %zu batches)",
            PM_VERSION_STRING, batch_name(r, r->batch), r->store, r->backend, r->nbatches);
    pm_status st = pm_doc_subtitle(doc, sub, err);
    if (!st)
        st = pm_doc_section(doc, "actions", "This week's actions", err);
    if (!st)
        st = actions_summary(doc, r, err);
    if (!st)
        st = actions_table(doc, r, err);
    if (!st)
        st = trajectories(doc, r, err);
    if (!st)
        st = drift(doc, r, err);
    if (!st)
        st = pay(doc, r, err);
    if (!st)
        st = settings(doc, r, err);
    return st;
}

pm_status pm_page_history(const pm_history_report *r, pm_doc **out, pm_error *err)
{
    if (!out)
        return pm_error_set(err, PM_EINVAL, "pm_page_history: no out");
    *out = NULL;
    if (!r || r->nbatches == 0 || r->batch >= r->nbatches)
        return pm_error_set(err, PM_EINVAL,
                            "pm_page_history: no report (build it with "
                            "pm_history_report_build)");
    char title[160];
    pmx_fmt(title, sizeof title, "prefmon weekly page: %.60s", batch_name(r, r->batch));
    pm_doc *doc = pm_doc_new(title, err);
    if (!doc)
        return err && err->code ? err->code : PM_ENOMEM;
    pm_status st = build(doc, r, err);
    if (st != PM_OK) {
        pm_doc_free(doc);
        return st;
    }
    *out = doc;
    return PM_OK;
}
