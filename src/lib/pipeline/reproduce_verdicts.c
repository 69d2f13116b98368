/*
** The verdicts on the paper's claims (include/prefmon/reproduce.h states
** each criterion), decided from the numbers pm_repro_self_run and
** pm_repro_dataset_load computed. Every setting is picked by its index in
** the parameter grids (the named PM_REPRO_* indices), never by comparing
** a computed double with a literal.
*/
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "prefmon/reproduce.h"

/* What one claim's decision needs besides the numbers themselves. */
typedef struct ctx {
    const pm_repro_self *s;
    const pm_repro_dataset *ds;
    size_t nds;
    const pm_repro_opts *o;
    long ns[PM_REPRO_MAX_GAP_NS]; /* the Fig. 3 n grid */
    int count;
} ctx;

const char *pm_repro_verdict_name(pm_repro_verdict v)
{
    static const char *const names[] = {"info", "yes", "no", "mixed"};
    return v >= PM_REPRO_INFO && v <= PM_REPRO_MIXED ? names[v] : "?";
}

/* Append to a claim's finding (cut at PM_REPRO_FINDING - 1 bytes). */
static void say(pm_repro_claim *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(pm_repro_claim *v, const char *fmt, ...)
{
    size_t len = strlen(v->finding);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->finding + len, sizeof v->finding - len, fmt, ap);
    va_end(ap);
}

static int in_100_500(long n)
{
    return n >= 100 && n <= 500;
}

/* Fig. 1: the n at which the bound (eta1 = 1) falls to the target, per eta0. */
static void claim_fig1(const ctx *c, pm_repro_claim *v)
{
    v->id = "expert-needs-hundreds";
    v->claim = "Fig. 1: expert monitoring needs 100-500 gold items per annotator for PKU, "
               "HelpSteer and Ultra, far fewer for Skywork";
    int yes = 0, some = 0, decided = 0;
    for (size_t i = 0; i < c->nds; i++) {
        const pm_repro_dataset *d = &c->ds[i];
        say(v, "%s%s (mean p = %.3f): no test reaches error sum %g before n =", i ? "; " : "",
            d->name, d->ex->mean_p, c->o->target);
        int in = 0;
        for (int a = 0; a < PM_REPRO_LB_ETA0S; a++) {
            say(v, "%s %ld (eta0 = %g)", a ? "," : "", d->ex->lb_n[a], pm_repro_lb_eta0[a]);
            in += in_100_500(d->ex->lb_n[a]);
        }
        if (strncasecmp(d->name, "skywork", 7) != 0) {
            decided++;
            yes += in_100_500(d->ex->lb_n[PM_REPRO_LB_ETA0_09]);
            some += in > 0;
        }
    }
    say(v, ", eta1 = 1 (the bound's exact crossing). Criterion: at eta0 = 0.9 the crossing is in "
           "100..500 (yes); at some other eta0 only (mixed).");
    v->verdict = decided == 0     ? PM_REPRO_MIXED
                 : yes == decided ? PM_REPRO_YES
                 : some           ? PM_REPRO_MIXED
                                  : PM_REPRO_NO;
}

/* Fig. 2 tallies over one dataset; returns the count of n where the
 * hardest case (delta 0.3, eta0 0.9, eta1 0.95) has self below the bound. */
static int tally_fig2(const ctx *c, const pm_repro_expert *e, pm_repro_verdicts *out)
{
    const pm_repro_self *s = c->s;
    for (int a = 0; a < PM_REPRO_LRT_ETA0S; a++)
        for (int b = 0; b < PM_REPRO_LRT_ETA1S; b++)
            for (int d = 0; d < PM_REPRO_LRT_DELTAS; d++)
                for (int k = 0; k < PM_REPRO_LB_NS; k++) {
                    int below = s->lrt[d][a][b][k] < e->lrt_lb[a][b][k];
                    out->fig2_points++;
                    out->fig2_below += below;
                    out->fig2_below_delta[d] += below;
                }
    int hardest = 0;
    for (int k = 0; k < PM_REPRO_LB_NS; k++)
        hardest += s->lrt[PM_REPRO_LRT_DELTA_03][PM_REPRO_LRT_ETA0_09][PM_REPRO_LRT_ETA1_095][k] <
                   e->lrt_lb[PM_REPRO_LRT_ETA0_09][PM_REPRO_LRT_ETA1_095][k];
    return hardest;
}

/* Fig. 3 tallies over one dataset: self gap <= expert gap where both are
 * defined; where self loses, the smallest n and the largest gap. */
static void tally_fig3(const ctx *c, const pm_repro_expert *e, pm_repro_verdicts *out, long *lose_n,
                       double *lose_gap)
{
    const pm_repro_gaps *sg = &c->s->gaps, *eg = &e->gaps;
    for (int st = 0; st < PM_REPRO_SETTINGS; st++)
        for (int t = 0; t < PM_REPRO_TYPES; t++)
            for (int so = 0; so < PM_REPRO_SOLVES; so++)
                for (int m = 0; m < PM_REPRO_MODES; m++)
                    for (int j = 0; j < c->count; j++) {
                        double x = sg->g[st][t][so][m][j], y = eg->g[st][t][so][m][j];
                        if (isnan(x) || isnan(y))
                            continue;
                        int ok = x <= y + 1e-9;
                        out->fig3_points++;
                        out->fig3_le += ok;
                        out->fig3_le_mode[m] += ok;
                        out->fig3_points_mode[m]++;
                        if (!ok) {
                            *lose_n = *lose_n < 0 || c->ns[j] < *lose_n ? c->ns[j] : *lose_n;
                            *lose_gap = fmax(*lose_gap, fmax(x, y));
                        }
                    }
}

/* Fig. 2 and Fig. 3 claim 1. */
static void claim_self(const ctx *c, pm_repro_claim *v, pm_repro_verdicts *out)
{
    v->id = "self-beats-expert";
    v->claim = "Self-consistency monitoring beats expert monitoring (Fig. 2; Fig. 3 claim 1)";
    long lose_n = -1;
    double lose_gap = 0;
    for (size_t i = 0; i < c->nds; i++) {
        const pm_repro_expert *e = c->ds[i].ex;
        tally_fig3(c, e, out, &lose_n, &lose_gap);
        int hardest = tally_fig2(c, e, out);
        say(v,
            "%s%s: at delta = %g, eta0 = %g, eta1 = %g the self-consistency test's exact error "
            "sum is below the expert lower bound at %d of %d n in 10..490",
            i ? "; " : "", c->ds[i].name, pm_repro_lrt_delta[PM_REPRO_LRT_DELTA_03],
            pm_repro_lrt_eta0[PM_REPRO_LRT_ETA0_09], pm_repro_lrt_eta1[PM_REPRO_LRT_ETA1_095],
            hardest, PM_REPRO_LB_NS);
    }
    size_t f2 = out->fig2_below, f2n = out->fig2_points, f3 = out->fig3_le, f3n = out->fig3_points;
    const size_t *bd = out->fig2_below_delta;
    say(v,
        ". Fig. 2 over all datasets, delta in {0, 0.1, 0.2, 0.3}, eta0 in {0.8, 0.9}, eta1 in {1, "
        "0.95}, n = 10..490: self below the bound at %zu of %zu points (%.0f%%; by delta 0, 0.1, "
        "0.2, 0.3: %zu, %zu, %zu, %zu of %zu each). Fig. 3 (every setting, contract, "
        "formulation, solver and n with both gaps defined): self gap <= expert gap at %zu of "
        "%zu (%.0f%%; exact solvers %zu of %zu",
        f2, f2n, 100.0 * (double)f2 / (double)f2n, bd[0], bd[1], bd[2], bd[3],
        f2n / PM_REPRO_LRT_DELTAS, f3, f3n, f3n ? 100.0 * (double)f3 / (double)f3n : 0.0,
        out->fig3_le_mode[PM_REPRO_EXACT], out->fig3_points_mode[PM_REPRO_EXACT]);
    if (out->fig3_points_mode[PM_REPRO_GRIDDED])
        say(v, ", authors' grid %zu of %zu", out->fig3_le_mode[PM_REPRO_GRIDDED],
            out->fig3_points_mode[PM_REPRO_GRIDDED]);
    say(v, ")");
    if (lose_n >= 0)
        say(v, "; where self is higher, n >= %ld and both gaps are <= %.3g", lose_n, lose_gap);
    say(v, ".");
    /* the shares compared as counts: 2 f2 >= f2n is p2 >= 0.5 exactly */
    int fig2_ok = f2n && 2 * f2 >= f2n, fig3_ok = f3n && (double)f3 / (double)f3n >= 0.9;
    v->verdict = fig2_ok && fig3_ok   ? PM_REPRO_YES
                 : fig2_ok || fig3_ok ? PM_REPRO_MIXED
                                      : PM_REPRO_NO;
}

static void claim_dist(const ctx *c, pm_repro_claim *v)
{
    v->id = "expert-depends-on-p";
    v->claim = "Expert monitoring's performance depends on the distribution of p (Fig. 3 claim "
               "2; worst on PKU)";
    long lo = -1, hi = -1;
    for (size_t i = 0; i < c->nds; i++) {
        const pm_repro_dataset *d = &c->ds[i];
        long n = d->ex->ss_test[PM_REPRO_SS_ETA0_08];
        say(v,
            "%s%s: cbar = %.3f, mean p = %.3f, gold items for error sum %g by the agreement "
            "test = %ld (eta0 = %g, eta1 = 1)",
            i ? "; " : "", d->name, d->ex->cbar, d->ex->mean_p, c->o->target, n,
            pm_repro_ss_eta0[PM_REPRO_SS_ETA0_08]);
        lo = lo < 0 || n < lo ? n : lo;
        hi = n > hi ? n : hi;
    }
    say(v,
        ". Duplicate pairs for the same error at delta = %g: %ld, whatever p is. The "
        "sample-size panel shows the gold items growing like 1/cbar^2 as cbar falls.",
        pm_repro_ss_delta[PM_REPRO_SS_DELTA_002],
        c->s->ss_self[PM_REPRO_SS_DELTA_002][PM_REPRO_SS_ETA0_08]);
    if (c->nds < 2) {
        say(v, " One dataset only: the dependence across datasets is not decidable here.");
        v->verdict = PM_REPRO_MIXED;
    } else {
        say(v, " Across these datasets the gold items range %ld..%ld.", lo, hi);
        v->verdict = hi >= 2 * lo ? PM_REPRO_YES : PM_REPRO_NO;
    }
}

static void claim_rate(const ctx *c, pm_repro_claim *v, pm_repro_verdicts *out)
{
    v->id = "linear-faster";
    v->claim = "The linear contract closes the gap faster in n than the binary one (Fig. 3 "
               "claim 3; Thm. 1-2: 1/n against 1/sqrt(n log n))";
    static const char *const sname[] = {"C_n", "C~_n"};
    for (size_t m = 0; m <= c->nds; m++) {
        const pm_repro_gaps *g = m == 0 ? &c->s->gaps : &c->ds[m - 1].ex->gaps;
        for (int so = 0; so < PM_REPRO_SOLVES; so++) {
            double l = g->ll_slope[PM_CONTRACT_LINEAR][so], b = g->ll_slope[PM_CONTRACT_BINARY][so];
            say(v, "%s%s %s: slope linear %.2f, binary %.2f", m || so ? "; " : "",
                m ? c->ds[m - 1].name : "self", sname[so], l, b);
            if (isnan(l) || isnan(b))
                continue;
            out->slope_pairs++;
            out->slope_linear_steeper += l < b;
        }
    }
    say(v, " (least squares of ln gap on ln n, exact solvers, main setting, n = 10..10000%s).",
        c->o->settings & (1u << PM_REPRO_MAIN) ? "" : "; not computed without the main setting");
    int yes = out->slope_linear_steeper, all = out->slope_pairs;
    v->verdict = all == 0     ? PM_REPRO_MIXED
                 : yes == all ? PM_REPRO_YES
                 : yes        ? PM_REPRO_MIXED
                              : PM_REPRO_NO;
}

/* The n from which linear stays below binary (expert, restricted, main
 * setting) in mode m, -1 when it never settles below; *binary_first: at the
 * first n where the two differ (by more than 1e-9 relative: at n = 1 both
 * are the same constant-wage problem), binary is lower. */
static long crossover(const ctx *c, const pm_repro_gaps *g, int m, int *binary_first)
{
    long from = -1;
    int seen = 0;
    *binary_first = 0;
    for (int j = 0; j < c->count; j++) {
        double l = g->g[PM_REPRO_MAIN][PM_CONTRACT_LINEAR][PM_REPRO_RESTRICTED][m][j];
        double b = g->g[PM_REPRO_MAIN][PM_CONTRACT_BINARY][PM_REPRO_RESTRICTED][m][j];
        if (isnan(l) || isnan(b))
            continue;
        double tol = 1e-9 * fmax(fabs(l), fabs(b));
        if (fabs(l - b) <= tol)
            continue;
        if (!seen++)
            *binary_first = b < l;
        if (l < b) {
            if (from < 0)
                from = c->ns[j];
        } else {
            from = -1;
        }
    }
    return from;
}

/* One mode's crossover, said; returns 1 when it matches the paper's
 * description (binary lower first, linear lower from n in 50..200 on). */
static int say_crossover(const ctx *c, pm_repro_claim *v, const pm_repro_gaps *g, int m)
{
    int bf;
    long from = crossover(c, g, m, &bf);
    char at[64] = "never settles below binary";
    if (from >= 0)
        snprintf(at, sizeof at, "below binary from n = %ld on", from);
    say(v, "%s: %s lower at the first n that differs, linear %s",
        m == PM_REPRO_GRIDDED ? "authors' grid" : "exact", bf ? "binary" : "linear", at);
    return bf && from >= 50 && from <= 200;
}

static void claim_pku(const ctx *c, pm_repro_claim *v)
{
    v->id = "pku-crossover";
    v->claim = "PKU, C~_n, expert monitoring: binary has the lower gap at first, linear from n "
               "about 100 on (Fig. 3 claim 3)";
    /* The paper's curves are the grid's; the exact solvers are shown too. */
    int grid = c->o->grid != PM_REPRO_GRID_OFF;
    v->verdict = PM_REPRO_MIXED;
    if (!(c->o->settings & (1u << PM_REPRO_MAIN))) {
        say(v, "Not decidable: the main setting was not computed (--settings).");
        return;
    }
    int have_pku = 0;
    for (size_t i = 0; i < c->nds; i++) {
        const pm_repro_gaps *g = &c->ds[i].ex->gaps;
        say(v, "%s%s, main setting, n = 1..%ld: ", i ? "; " : "", c->ds[i].name,
            c->ns[c->count - 1]);
        int ok = say_crossover(c, v, g, PM_REPRO_EXACT);
        if (grid) {
            say(v, "; ");
            ok = say_crossover(c, v, g, PM_REPRO_GRIDDED);
        }
        if (strncasecmp(c->ds[i].name, "pku", 3) == 0) {
            have_pku = 1;
            v->verdict = ok ? PM_REPRO_YES : PM_REPRO_NO;
        }
    }
    if (have_pku)
        say(v, ". Decided on the %s.", grid ? "authors' grid" : "exact solvers (--grid off)");
    else
        say(v, ". Not decidable: PKU not given (pass --dataset PKU=FILE).");
}

pm_status pm_repro_verdicts_run(const pm_repro_self *self, const pm_repro_dataset *ds, size_t nds,
                                const pm_repro_opts *o, pm_repro_verdicts *out, pm_error *err)
{
    if (!self || !o || !out || (nds && !ds))
        return pm_error_set(err, PM_EINVAL, "reproduce verdicts: missing input");
    for (size_t i = 0; i < nds; i++)
        if (!ds[i].ex || !ds[i].name)
            return pm_error_set(err, PM_EINVAL,
                                "reproduce verdicts: dataset %zu has no name or no expert numbers",
                                i);
    ctx c = {self, ds, nds, o, {0}, 0};
    c.count = pm_repro_gap_ns(o, c.ns);
    if (c.count < 1)
        return pm_error_set(err, PM_EINVAL, "reproduce verdicts: empty Fig. 3 n grid");
    memset(out, 0, sizeof *out);
    claim_fig1(&c, &out->claim[PM_CLAIM_EXPERT_NEEDS_HUNDREDS]);
    claim_self(&c, &out->claim[PM_CLAIM_SELF_BEATS_EXPERT], out);
    claim_dist(&c, &out->claim[PM_CLAIM_EXPERT_DEPENDS_ON_P]);
    claim_rate(&c, &out->claim[PM_CLAIM_LINEAR_FASTER], out);
    claim_pku(&c, &out->claim[PM_CLAIM_PKU_CROSSOVER]);
    return PM_OK;
}
