/*
** The reproduce page (include/prefmon/pages.h): the paper's claims, the
** data and Figures 1-3 laid out through the pm_doc API. Every number comes
** from the pm_repro_report the CLI's tables print; this file only formats.
*/
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prefmon/pages.h"
#include "prefmon/rng.h"
#include "prefmon/version.h"

/* The document and the first error: every helper is a no-op after one. */
typedef struct html {
    pm_doc *d;
    pm_status st;
    pm_error err;
    const pm_repro_report *r;
    long gap_ns[PM_REPRO_MAX_GAP_NS]; /* the Fig. 3 n grid of r->opts */
    int gap_count;
} html;

static void para(html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void para(html *h, const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (h->st == PM_OK)
        h->st = pm_doc_para(h->d, buf, &h->err);
}

static void section(html *h, const char *id, const char *heading)
{
    if (h->st == PM_OK)
        h->st = pm_doc_section(h->d, id, heading, &h->err);
}

/* A plot with title, axis labels and caption (printf-style). */
static pm_doc_plot *plot(html *h, const char *title, const char *xl, const char *yl,
                         pm_doc_scale xs, pm_doc_scale ys, double ymin, double ymax, double xmax,
                         const char *caption)
{
    if (h->st != PM_OK)
        return NULL;
    pm_doc_plot_spec sp;
    pm_doc_plot_spec_default(&sp);
    sp.title = title;
    sp.xlabel = xl;
    sp.ylabel = yl;
    sp.caption = caption;
    sp.xscale = xs;
    sp.yscale = ys;
    sp.ymin = ymin;
    sp.ymax = ymax;
    sp.xmax = xmax;
    pm_doc_plot *p = pm_doc_plot_new(h->d, &sp, &h->err);
    if (!p)
        h->st = h->err.code ? (pm_status)h->err.code : PM_ENOMEM;
    return p;
}

static void series(html *h, pm_doc_plot *p, const char *name, pm_doc_mark mark, int color,
                   const double *x, const double *y, size_t count)
{
    if (h->st != PM_OK || !p)
        return;
    pm_doc_series s = {name, mark, color, x, y, NULL, NULL, NULL, NULL, count};
    h->st = pm_doc_plot_series(p, &s, &h->err);
}

static void rule(html *h, pm_doc_plot *p, const char *name, double at, int vertical)
{
    if (h->st == PM_OK && p)
        h->st = pm_doc_plot_rule(p, name, at, vertical, &h->err);
}

/* ---- sections -------------------------------------------------------------- */

static pm_doc_verdict doc_verdict(pm_repro_verdict v)
{
    switch (v) {
    case PM_REPRO_YES:
        return PM_VERDICT_YES;
    case PM_REPRO_NO:
        return PM_VERDICT_NO;
    case PM_REPRO_MIXED:
        return PM_VERDICT_MIXED;
    case PM_REPRO_INFO:
        break;
    }
    return PM_VERDICT_INFO;
}

static void verdicts(html *h)
{
    section(h, "verdicts", "The paper's claims on this data");
    para(h, "Each box states a claim of arXiv 2502.06387 and what the data given here shows, "
            "with the numbers it rests on. Green: reproduced; red: not reproduced; amber: "
            "partly, or not decidable on this data.");
    for (int i = 0; i < PM_REPRO_CLAIMS && h->st == PM_OK; i++) {
        const pm_repro_claim *c = &h->r->verdicts->claim[i];
        h->st = pm_doc_verdict_box(h->d, doc_verdict(c->verdict), c->claim, c->finding, &h->err);
    }
}

static void reliability_plot(html *h, const pm_repro_dataset *d)
{
    char cap[512];
    snprintf(cap, sizeof cap,
             "%s, eval half (%zu items): oriented P(y1 > y2) against the frequency of y1 being "
             "the chosen response, %d equal-width bins; histogram binning with %d bins fitted "
             "on the train half (%zu items), seed %llu.",
             d->name, d->cal.n_eval, d->cal.rel_bins, h->r->copts.bins, d->cal.n_train,
             (unsigned long long)h->r->copts.seed);
    char title[128];
    snprintf(title, sizeof title, "%s: reliability before and after calibration", d->name);
    pm_doc_plot *p = plot(h, title, "mean predicted P(y1 > y2)", "observed frequency of y1 chosen",
                          PM_SCALE_LINEAR, PM_SCALE_LINEAR, 0, 1, NAN, cap);
    const pm_reliability_bin *b[2] = {d->cal.before, d->cal.after};
    static const char *const names[2] = {"before (raw sigmoid of the score gap)",
                                         "after (histogram binning)"};
    for (int k = 0; k < 2; k++) {
        double x[PM_CALIB_RELIABILITY_BINS], y[PM_CALIB_RELIABILITY_BINS];
        size_t n = 0;
        for (int i = 0; i < d->cal.rel_bins && i < PM_CALIB_RELIABILITY_BINS; i++)
            if (b[k][i].count) {
                x[n] = b[k][i].mean_pred;
                y[n++] = b[k][i].freq;
            }
        series(h, p, names[k], PM_MARK_LINE_POINTS, k, x, y, n);
    }
    static const double diag[2] = {0, 1};
    series(h, p, "perfect calibration", PM_MARK_DASHED, 6, diag, diag, 2);
}

static void data_section(html *h)
{
    const pm_repro_report *r = h->r;
    section(h, "data", "Data and preference probabilities");
    para(h,
         "p = sigmoid(chosen score - rejected score) per row (the paper's Bradley-Terry link). "
         "Each dataset is shuffled with seed %llu and split: the first half (eval) feeds every "
         "figure, the second (train) fits the calibration. Each item's responses are swapped "
         "with probability 1/2 (the label says whether y1 is the chosen one). The shuffle and "
         "the swaps use prefmon's generator (%s), not numpy's, so the split is not the "
         "authors' one; the procedure is (arXiv 2502.06387, appendix 'Dataset and Preference "
         "Probability').",
         (unsigned long long)r->copts.seed, PM_RNG_NAME);
    static const char *const hd[] = {"dataset",    "file",   "rows", "eval items",
                                     "calibrated", "mean p", "cbar"};
    static const pm_doc_col kd[] = {PM_COL_TEXT, PM_COL_TEXT,   PM_COL_NUMBER, PM_COL_NUMBER,
                                    PM_COL_TEXT, PM_COL_NUMBER, PM_COL_NUMBER};
    pm_doc_table *t = h->st == PM_OK ? pm_doc_table_new(h->d,
                                                        "Datasets given (eval half; p folded to "
                                                        ">= 1/2; cbar = 2 mean |p - 1/2|)",
                                                        7, hd, kd, 1, &h->err)
                                     : NULL;
    if (!t && h->st == PM_OK)
        h->st = PM_ENOMEM;
    for (size_t i = 0; i < r->nds && h->st == PM_OK; i++) {
        const pm_repro_dataset *d = &r->ds[i];
        char rows[32], ev[32], mp[32], cb[32];
        snprintf(rows, sizeof rows, "%zu", d->rows);
        snprintf(ev, sizeof ev, "%zu", d->cal.n_eval);
        snprintf(mp, sizeof mp, "%.4f", d->ex->mean_p);
        snprintf(cb, sizeof cb, "%.4f", d->ex->cbar);
        const char *cells[] = {
            d->name, d->path, rows, ev, d->calibrate ? "yes (histogram binning)" : "no", mp, cb};
        h->st = pm_doc_table_row(t, cells, &h->err);
    }
    para(h, "Calibration: by default the datasets named PKU* and Skywork* are calibrated (the "
            "authors calibrated PKU-SafeRLHF and Skywork, whose p come from reward models, and "
            "used HelpSteer's and UltraFeedback's rating gaps as they are); --calibrate "
            "overrides it.");
    for (size_t i = 0; i < r->nds; i++)
        if (r->ds[i].calibrate)
            reliability_plot(h, &r->ds[i]);
}

static void fig1(html *h, const pm_repro_dataset *d)
{
    const pm_repro_expert *e = d->ex;
    char title[160], cap[768];
    double x[PM_REPRO_HIST_BINS], x2[PM_REPRO_HIST_BINS], y[PM_REPRO_HIST_BINS];
    for (int b = 0; b < PM_REPRO_HIST_BINS; b++) {
        x[b] = e->hist_lo[b];
        x2[b] = e->hist_hi[b];
        y[b] = (double)e->hist_count[b] / (double)e->count;
    }
    snprintf(title, sizeof title, "Fig. 1 (top), %s: folded preference probability", d->name);
    snprintf(cap, sizeof cap,
             "%s, eval half, %zu items, %s; 15 equal bins on [1/2, 1]; the vertical line is the "
             "mean p = %.3f.",
             d->name, e->count, d->calibrate ? "calibrated" : "not calibrated", e->mean_p);
    pm_doc_plot *p = plot(h, title, "max(p, 1 - p)", "fraction of items", PM_SCALE_LINEAR,
                          PM_SCALE_LINEAR, 0, NAN, NAN, cap);
    if (p && h->st == PM_OK) {
        pm_doc_series s = {"items", PM_MARK_BARS, 0,    x,    y,
                           x2,      NULL,         NULL, NULL, PM_REPRO_HIST_BINS};
        h->st = pm_doc_plot_series(p, &s, &h->err);
    }
    char mean[64];
    snprintf(mean, sizeof mean, "mean p = %.3f", e->mean_p);
    rule(h, p, mean, e->mean_p, 1);

    double n[PM_REPRO_LB_NS];
    for (int k = 0; k < PM_REPRO_LB_NS; k++)
        n[k] = (double)pm_repro_lb_n(k);
    for (int b = 0; b < PM_REPRO_LB_ETA1S; b++) {
        snprintf(title, sizeof title, "Fig. 1 (bottom), %s: expert lower bound, eta1 = %g", d->name,
                 pm_repro_lb_eta1[b]);
        snprintf(cap, sizeof cap,
                 "%s, eval half: lower bound on type I + type II error of ANY test from n expert "
                 "labels, max(0, 1 - sqrt(n KL/2), 1 - sqrt(1 - exp(-n KL))) (Pinsker and "
                 "Bretagnolle-Huber, as the authors plot it; Prop. 1's exp(-n KL)/2 is looser), "
                 "KL = mean per-item KL between the label laws at eta0 and eta1 = %g, "
                 "probabilities clipped to [1e-4, 1 - 1e-4]; n = 10..490.",
                 d->name, pm_repro_lb_eta1[b]);
        p = plot(h, title, "n (gold items per annotator)", "lower bound on error sum",
                 PM_SCALE_LINEAR, PM_SCALE_LINEAR, 0, 1, NAN, cap);
        for (int a = 0; a < PM_REPRO_LB_ETA0S; a++) {
            char nm[64];
            snprintf(nm, sizeof nm, "eta0 = %g", pm_repro_lb_eta0[a]);
            series(h, p, nm, PM_MARK_LINE, a, n, e->lb[a][b], PM_REPRO_LB_NS);
        }
    }
}

static void fig2(html *h, const pm_repro_dataset *d)
{
    const pm_repro_self *s = h->r->self;
    double n[PM_REPRO_LB_NS];
    for (int k = 0; k < PM_REPRO_LB_NS; k++)
        n[k] = (double)pm_repro_lb_n(k);
    for (int b = 0; b < PM_REPRO_LRT_ETA1S; b++)
        for (int a = 0; a < PM_REPRO_LRT_ETA0S; a++) {
            char title[160], cap[768];
            snprintf(title, sizeof title, "Fig. 2, %s: eta0 = %g, eta1 = %g", d->name,
                     pm_repro_lrt_eta0[a], pm_repro_lrt_eta1[b]);
            snprintf(cap, sizeof cap,
                     "Solid: exact type I + type II error of the likelihood-ratio test on n "
                     "duplicate pairs (H0 eta <= %g vs H1 eta >= %g; pass probability m = (1 + "
                     "(1 - delta) eta)/2, the paper convention; ties to H1; exact binomial tails, "
                     "no simulation); it does not depend on the data. Dashed: the expert lower "
                     "bound on %s (eval half), which no expert test can beat.",
                     pm_repro_lrt_eta0[a], pm_repro_lrt_eta1[b], d->name);
            pm_doc_plot *p = plot(h, title, "n (items monitored)", "error sum (type I + type II)",
                                  PM_SCALE_LINEAR, PM_SCALE_LINEAR, 0, 1, NAN, cap);
            for (int k = 0; k < PM_REPRO_LRT_DELTAS; k++) {
                char nm[64];
                snprintf(nm, sizeof nm, "self-consistency, delta = %g", pm_repro_lrt_delta[k]);
                series(h, p, nm, PM_MARK_LINE, k == 0 ? 0 : k + 1, n, s->lrt[k][a][b],
                       PM_REPRO_LB_NS);
            }
            series(h, p, "expert lower bound", PM_MARK_DASHED, 1, n, d->ex->lrt_lb[a][b],
                   PM_REPRO_LB_NS);
        }
}

/* One Fig. 3 panel: one monitor, one setting, one mode. */
static void fig3_panel(html *h, const char *who, const char *monitor, const pm_repro_gaps *g,
                       int st, int mode)
{
    const pm_repro_report *r = h->r;
    pm_repro_setting set;
    pm_repro_setting_get(st, &set);
    double x[PM_REPRO_MAX_GAP_NS], y[PM_REPRO_MAX_GAP_NS];
    char title[200], cap[900];
    snprintf(title, sizeof title, "Fig. 3%s, %s, %s (%s)", st ? " variant" : "", who, set.name,
             mode ? "authors' grid" : "exact solvers");
    snprintf(
        cap, sizeof cap,
        "%s; %s. Normalized gap (FB - x)/FB to first-best, x = second-best C_n (blue) or "
        "restricted C\u0303_n (red); solid linear, dashed binary contracts. %s Paper convention "
        "for self-consistency; the expert is the majority-side one (m = (1 + cbar eta)/2). "
        "Log y axis: a gap of 0 (the grid's second-best reaching its first-best) is not "
        "drawn and is counted below.",
        monitor, set.label,
        mode ? "The authors' grid search (effort step 0.01, base and slope/bonus step 0.05, "
               "threshold step 0.02, best-response tolerance 0.01; doc/grid.md)."
             : "Exact solvers (continuous contracts, pm_contract_solve).");
    /* The frame ends at the last n solved, not at the next nice tick
     * (201 would otherwise draw an empty band to 250). */
    pm_doc_plot *p =
        plot(h, title, "n (items monitored)", "normalized gap (FB - x)/FB", PM_SCALE_LINEAR,
             PM_SCALE_LOG10, NAN, NAN, (double)h->gap_ns[h->gap_count - 1], cap);
    static const char *const sn[2] = {"C_n", "C\u0303_n"};
    for (int t = 0; t < PM_REPRO_TYPES; t++)
        for (int so = 0; so < PM_REPRO_SOLVES; so++) {
            size_t c = 0;
            for (int j = 0; j < h->gap_count; j++)
                if (mode == PM_REPRO_EXACT || pm_repro_grid_at(&r->opts, j)) {
                    double v = g->g[st][t][so][mode][j];
                    x[c] = (double)h->gap_ns[j];
                    y[c++] = v > 1 ? 1 : v; /* the paper clips to [0, 1] */
                }
            char nm[64];
            snprintf(nm, sizeof nm, "%s %s", pm_contract_type_name((pm_contract_type)t), sn[so]);
            series(h, p, nm, t ? PM_MARK_DASHED : PM_MARK_LINE_POINTS, so, x, y, c);
        }
}

static void fig3(html *h)
{
    const pm_repro_report *r = h->r;
    section(h, "fig3", "Figure 3: the gap to first-best against n");
    para(h,
         "Principal's utility shortfall from first-best, normalized, for n = 1, 11, .., %ld "
         "(the authors' n grid) in the paper's main setting and its three appendix variants. "
         "Self-consistency does not depend on the data; the expert side depends on it "
         "through cbar. The grid mode is %s.",
         h->gap_ns[h->gap_count - 1],
         r->opts.grid == PM_REPRO_GRID_OFF      ? "off (--grid off)"
         : r->opts.grid == PM_REPRO_GRID_COARSE ? "computed at n = 1, 51, 101, .. only (--grid "
                                                  "coarse, the default: the full lattice costs "
                                                  "0.1-0.3 s per solve; --grid full for every n)"
                                                : "computed at every n (--grid full)");
    int modes = r->opts.grid == PM_REPRO_GRID_OFF ? 1 : 2;
    for (int st = 0; st < PM_REPRO_SETTINGS; st++)
        for (int m = 0; m < modes && (r->opts.settings & (1u << st)); m++) {
            char mon[160];
            pm_repro_setting set;
            pm_repro_setting_get(st, &set);
            snprintf(mon, sizeof mon, "Self-consistency, delta = %g", set.delta);
            fig3_panel(h, "self-consistency", mon, &r->self->gaps, st, m);
            for (size_t i = 0; i < r->nds; i++) {
                char who[96];
                snprintf(who, sizeof who, "expert on %s", r->ds[i].name);
                snprintf(mon, sizeof mon, "Expert monitoring on %s (eval half), cbar = %.4f",
                         r->ds[i].name, r->ds[i].ex->cbar);
                fig3_panel(h, who, mon, &r->ds[i].ex->gaps, st, m);
            }
        }
}

/* The log-log panel of one monitor with the two reference rates. */
static void loglog_panel(html *h, const char *who, const pm_repro_gaps *g)
{
    double x[PM_REPRO_LOGLOG_NS];
    for (int i = 0; i < PM_REPRO_LOGLOG_NS; i++)
        x[i] = (double)pm_repro_loglog_n[i];
    char title[160], cap[700];
    snprintf(title, sizeof title, "Beyond the paper: gap against n on log-log axes, %s", who);
    snprintf(cap, sizeof cap,
             "%s; main setting (U0 = 0, mu = 0.5 eta^0.8, G = 1 - e^-w, E = 0.18 eta^2), exact "
             "solvers, gap = FB - x in principal utility. Slopes: least squares of ln gap on ln "
             "n over n = 10..10000. Grey references through the restricted curves at n = 10: "
             "Theta(1/n) (linear, Thm. 2) and Theta(1/sqrt(n ln n)) (binary, Thm. 1).",
             who);
    pm_doc_plot *p = plot(h, title, "n (items monitored)", "gap FB - x", PM_SCALE_LOG10,
                          PM_SCALE_LOG10, NAN, NAN, NAN, cap);
    static const char *const sn[2] = {"C_n", "C\u0303_n"};
    for (int t = 0; t < PM_REPRO_TYPES; t++)
        for (int so = 0; so < PM_REPRO_SOLVES; so++) {
            char nm[96];
            snprintf(nm, sizeof nm, "%s %s, slope %.2f", pm_contract_type_name((pm_contract_type)t),
                     sn[so], g->ll_slope[t][so]);
            series(h, p, nm, t ? PM_MARK_SQUARES : PM_MARK_POINTS, so, x, g->ll_gap[t][so],
                   PM_REPRO_LOGLOG_NS);
        }
    double a = g->ll_gap[PM_CONTRACT_LINEAR][PM_REPRO_RESTRICTED][0] * x[0];
    if (h->st == PM_OK && p && isfinite(a) && a > 0)
        h->st = pm_doc_plot_power_line(p, "Theta(1/n)", a, -1, &h->err);
    double ref[PM_REPRO_LOGLOG_NS],
        c = g->ll_gap[PM_CONTRACT_BINARY][PM_REPRO_RESTRICTED][0] * sqrt(x[0] * log(x[0]));
    for (int i = 0; i < PM_REPRO_LOGLOG_NS; i++)
        ref[i] = c / sqrt(x[i] * log(x[i]));
    if (isfinite(c) && c > 0)
        series(h, p, "Theta(1/sqrt(n ln n))", PM_MARK_DASHED, 6, x, ref, PM_REPRO_LOGLOG_NS);
}

static void samplesize_panel(html *h)
{
    const pm_repro_report *r = h->r;
    const pm_repro_self *s = r->self;
    double x[PM_REPRO_CBARS], y[PM_REPRO_CBARS];
    char cap[700];
    snprintf(cap, sizeof cap,
             "Smallest n whose likelihood-ratio test has type I + type II error <= %g (exact "
             "binomial tails), H1 eta >= 1. Lines: gold items for the expert agreement test "
             "(m = (1 + cbar eta)/2, a majority-side expert) against cbar. Horizontal: "
             "duplicate pairs for self-consistency (paper convention) at eta0 = 0.8, which do "
             "not depend on cbar. Vertical: each dataset's cbar.",
             r->opts.target);
    pm_doc_plot *p = plot(h, "Beyond the paper: items needed for a target error sum",
                          "cbar (expert alignment coefficient)", "items monitored (n)",
                          PM_SCALE_LINEAR, PM_SCALE_LOG10, NAN, NAN, NAN, cap);
    for (int a = 0; a < PM_REPRO_SS_ETA0S; a++) {
        size_t c = 0;
        for (int k = 0; k < PM_REPRO_CBARS; k++)
            if (s->ss_expert[k][a] > 0) {
                x[c] = s->ss_cbar[k];
                y[c++] = (double)s->ss_expert[k][a];
            }
        char nm[64];
        snprintf(nm, sizeof nm, "gold items, expert test, eta0 = %g", pm_repro_ss_eta0[a]);
        series(h, p, nm, PM_MARK_LINE_POINTS, a, x, y, c);
    }
    for (int d = 0; d < PM_REPRO_SS_DELTAS; d++) {
        char nm[64];
        snprintf(nm, sizeof nm, "duplicate pairs, delta = %g: %ld", pm_repro_ss_delta[d],
                 s->ss_self[d][PM_REPRO_SS_ETA0_08]);
        if (s->ss_self[d][PM_REPRO_SS_ETA0_08] > 0)
            rule(h, p, nm, (double)s->ss_self[d][PM_REPRO_SS_ETA0_08], 0);
    }
    for (size_t i = 0; i < r->nds; i++) {
        char nm[96];
        snprintf(nm, sizeof nm, "%s: cbar = %.3f", r->ds[i].name, r->ds[i].ex->cbar);
        rule(h, p, nm, r->ds[i].ex->cbar, 1);
    }
}

static void beyond(html *h)
{
    const pm_repro_report *r = h->r;
    section(h, "beyond", "Beyond the paper: rates and sample sizes");
    loglog_panel(h, "self-consistency (delta = 0.02)", &r->self->gaps);
    for (size_t i = 0; i < r->nds; i++) {
        char who[96];
        snprintf(who, sizeof who, "expert on %s (cbar = %.3f)", r->ds[i].name, r->ds[i].ex->cbar);
        loglog_panel(h, who, &r->ds[i].ex->gaps);
    }
    samplesize_panel(h);
}

static void figures12(html *h)
{
    const pm_repro_report *r = h->r;
    section(h, "fig1", "Figure 1: how far p is from 1/2, and what that costs an expert");
    for (size_t i = 0; i < r->nds; i++)
        fig1(h, &r->ds[i]);
    section(h, "fig2", "Figure 2: self-consistency against the expert lower bound");
    para(h, "The paper shows PKU and HelpSteer; here every dataset given is shown. The "
            "self-consistency curves are the same in every panel of one (eta0, eta1): only the "
            "expert bound depends on the data.");
    for (size_t i = 0; i < r->nds; i++)
        fig2(h, &r->ds[i]);
}

static void closing(html *h)
{
    section(h, "tables", "The numbers");
    para(h, "Every plotted number is in the tables: prefmon reproduce --tables-out DIR writes "
            "datasets, calibration, fig1-hist, fig1-bound, fig2-self, fig2-bound, fig3, loglog, "
            "loglog-fit, samplesize and verdicts as CSV (or JSON with --format json); --table "
            "NAME prints one on stdout. doc/reproduce.md explains each column.");
}

pm_status pm_page_paper(const pm_repro_report *r, pm_doc **out, pm_error *err)
{
    if (out)
        *out = NULL;
    if (!r || !out || !r->self || !r->verdicts || (r->nds && !r->ds))
        return pm_error_set(err, PM_EINVAL, "paper page: missing results");
    for (size_t i = 0; i < r->nds; i++)
        if (!r->ds[i].ex || !r->ds[i].name)
            return pm_error_set(err, PM_EINVAL, "paper page: dataset %zu was not computed", i);
    html h = {NULL, PM_OK, {0}, r, {0}, 0};
    h.gap_count = pm_repro_gap_ns(&r->opts, h.gap_ns);
    if (h.gap_count < 1)
        return pm_error_set(err, PM_EINVAL, "paper page: empty Fig. 3 n grid");
    char title[512] = "arXiv 2502.06387 reproduced on ";
    for (size_t i = 0; i < r->nds; i++) {
        size_t len = strlen(title);
        snprintf(title + len, sizeof title - len, "%s%s", i ? ", " : "", r->ds[i].name);
    }
    h.d = pm_doc_new(title, &h.err);
    if (!h.d)
        h.st = h.err.code ? h.err.code : pm_error_set(&h.err, PM_ENOMEM, "out of memory");
    char sub[1400];
    snprintf(sub, sizeof sub, "%s (prefmon %s); split seed %llu; Figure 3 grid mode %s",
             r->command ? r->command : "", PM_VERSION_STRING, (unsigned long long)r->copts.seed,
             r->opts.grid == PM_REPRO_GRID_OFF      ? "off"
             : r->opts.grid == PM_REPRO_GRID_COARSE ? "coarse"
                                                    : "full");
    if (h.st == PM_OK)
        h.st = pm_doc_subtitle(h.d, sub, &h.err);
    verdicts(&h);
    data_section(&h);
    figures12(&h);
    fig3(&h);
    beyond(&h);
    closing(&h);
    if (h.st != PM_OK) {
        pm_doc_free(h.d);
        if (err)
            *err = h.err;
        return h.st;
    }
    *out = h.d;
    return PM_OK;
}
