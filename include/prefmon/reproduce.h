/*
** prefmon — the numbers behind the paper's three findings (arXiv 2502.06387,
** Figures 1-3, §3.4, §4.5, §11) and two panels the paper lacks, computed
** from one dataset's preference probabilities (include/prefmon/calib.h
** builds them as the authors did).
**
** The self-consistency side does not depend on the data (the paper's
** A_i ~ Bernoulli((1 + (1 - delta) eta)/2), paper convention), so it is
** computed once (pm_repro_self); the expert side depends on the data only
** through p (Fig. 1-2: the per-item KL) and c̄ = 2 mean|p - 1/2| (Fig. 3:
** the majority-side expert, the most favourable one, as the authors'
** solver) and is computed per dataset (pm_repro_expert).
**
**   Fig. 1  histogram of folded p (15 bins on [1/2, 1]) and the expert
**           lower bound pm_expert_lower_bound(KL, n) = max(0, 1 - sqrt(n KL
**           / 2), 1 - sqrt(1 - e^{-n KL})) (what the authors plot; tighter
**           than Prop. 1's e^{-n KL}/2), n = 10..490 step 10.
**   Fig. 2  exact error sum of the likelihood-ratio test on the
**           self-consistency count (pm_test_design, PM_RULE_LR, ties to H1,
**           paper convention), n = 10..490 step 10, against that bound.
**   Fig. 3  normalized gap (FB - x)/FB to first-best, x = second-best C_n or
**           restricted C~_n, for linear and binary contracts, with the exact
**           solvers (pm_contract_solve) and the authors' grid
**           (pm_grid_solve on pm_grid_spec_paper), on the n grid 1, 11, ..,
**           n_max, for four settings (PM_REPRO_SETTINGS).
**   Beyond  the exact solvers' gap on a log-spaced n grid with the fitted
**           slope of ln gap on ln n; and the monitored items needed for an
**           error sum <= target (exact LR test, pm_samplesize) as a function
**           of c̄ (expert agreement test) against duplicate pairs (self).
**
** Ownership: results are plain values (fixed-size arrays) owned by the
** caller; inputs are borrowed for the call. Pure, no global state; the grid
** solves spawn opts->threads worker threads each.
*/
#ifndef PREFMON_REPRODUCE_H
#define PREFMON_REPRODUCE_H

#include <stddef.h>

#include "prefmon/export.h"
#include "prefmon/contract.h"
#include "prefmon/model.h"
#include "prefmon/status.h"

PM_BEGIN_DECLS

/* ---- the paper's parameter grids ------------------------------------- */

#define PM_REPRO_HIST_BINS 15
#define PM_REPRO_LB_NS 49 /* n = 10, 20, .., 490 */
#define PM_REPRO_LB_ETA0S 4
#define PM_REPRO_LB_ETA1S 3
PM_API extern const double pm_repro_lb_eta0[PM_REPRO_LB_ETA0S]; /* 0.95 0.9 0.8 0.6 */
PM_API extern const double pm_repro_lb_eta1[PM_REPRO_LB_ETA1S]; /* 1 0.98 0.96 */

#define PM_REPRO_LRT_DELTAS 4
#define PM_REPRO_LRT_ETA0S 2
#define PM_REPRO_LRT_ETA1S 2
PM_API extern const double pm_repro_lrt_delta[PM_REPRO_LRT_DELTAS]; /* 0 0.1 0.2 0.3 */
PM_API extern const double pm_repro_lrt_eta0[PM_REPRO_LRT_ETA0S];   /* 0.8 0.9 */
PM_API extern const double pm_repro_lrt_eta1[PM_REPRO_LRT_ETA1S];   /* 1 0.95 */

/** n of point i of the Fig. 1-2 grid: 10 (i + 1). */
PM_API long pm_repro_lb_n(int i);

/* Fig. 3 settings: the paper's main one and its three appendix variants. */
#define PM_REPRO_SETTINGS 4
typedef struct pm_repro_setting {
    const char *name;  /* "main", "delta0", "mu-low", "G-tilde" */
    const char *label; /* what differs from the main setting, for captions */
    pm_model model;
    double delta; /* self-consistency repeat disagreement */
} pm_repro_setting;

/** Setting i (0 main: U0 = 0, delta = 0.02, mu = 0.5 eta^0.8, G = 1 -
 *  e^{-w}, E = 0.18 eta^2; 1 delta = 0; 2 mu = 0.3 eta^0.8 (the authors'
 *  code; the text says 1/3); 3 G = 1/2 - 1/2 e^{-w/2}). */
PM_API void pm_repro_setting_get(int i, pm_repro_setting *out);

#define PM_REPRO_MONITORS 2 /* 0 self, 1 expert */
#define PM_REPRO_TYPES 2    /* pm_contract_type: 0 linear, 1 binary */
#define PM_REPRO_SOLVES 2   /* 0 second-best C_n, 1 restricted C~_n */
#define PM_REPRO_MODES 2    /* 0 exact solvers, 1 the authors' grid */
#define PM_REPRO_MAX_GAP_NS 101
#define PM_REPRO_LOGLOG_NS 10
PM_API extern const long pm_repro_loglog_n[PM_REPRO_LOGLOG_NS]; /* 10 .. 10000 */
#define PM_REPRO_CBARS 20                                       /* cbar = 0.05, 0.10, .., 1 */
#define PM_REPRO_SS_DELTAS 3
PM_API extern const double pm_repro_ss_delta[PM_REPRO_SS_DELTAS]; /* 0.02 0.1 0.2 */
#define PM_REPRO_SS_ETA0S 2                                       /* 0.8 0.9, eta1 = 1 */
PM_API extern const double pm_repro_ss_eta0[PM_REPRO_SS_ETA0S];

/** pm_solve of solve index s (PM_SOLVE_SECOND_BEST, PM_SOLVE_RESTRICTED). */
PM_API pm_solve pm_repro_solve(int s);

typedef enum pm_repro_grid {
    PM_REPRO_GRID_OFF = 0,    /* exact solvers only */
    PM_REPRO_GRID_COARSE = 1, /* the full authors' lattice at n = 1, 51, 101, .. only */
    PM_REPRO_GRID_FULL = 2    /* the full lattice at every n of the gap grid */
} pm_repro_grid;

typedef struct pm_repro_opts {
    long gap_n_max;     /* Fig. 3 n grid 1, 11, .., <= gap_n_max (default 201) */
    pm_repro_grid grid; /* default COARSE */
    int threads;        /* grid worker threads (0: one per CPU) */
    double target;      /* error-sum target for the sample-size panel (0.1) */
    int loglog;         /* compute the log-log panel (default 1) */
    unsigned settings;  /* Fig. 3 settings computed, bit i = setting i (default all) */
    int gaps;           /* compute Fig. 3 at all (default 1; 0 leaves every gap NaN) */
} pm_repro_opts;

PM_API void pm_repro_opts_default(pm_repro_opts *o);

/** The Fig. 3 n grid of o: 1, 11, .., at most PM_REPRO_MAX_GAP_NS values;
 *  returns the count. */
PM_API int pm_repro_gap_ns(const pm_repro_opts *o, long *ns);

/** Setting index of a name ("main", "delta0", "mu-low", "G-tilde"), -1 if none. */
PM_API int pm_repro_setting_index(const char *name);

/** Whether Fig. 3 point j of the gap grid is solved in grid mode. */
PM_API int pm_repro_grid_at(const pm_repro_opts *o, int j);

/** Gaps of one monitor: [setting][type][solve][mode][n], NaN where not
 *  computed or infeasible. Unclipped (plots clip to [0, 1]). */
typedef struct pm_repro_gaps {
    double g[PM_REPRO_SETTINGS][PM_REPRO_TYPES][PM_REPRO_SOLVES][PM_REPRO_MODES]
            [PM_REPRO_MAX_GAP_NS];
    /* log-log panel, main setting, exact: gap (absolute, FB - x) and the fit */
    double ll_gap[PM_REPRO_TYPES][PM_REPRO_SOLVES][PM_REPRO_LOGLOG_NS];
    double ll_slope[PM_REPRO_TYPES][PM_REPRO_SOLVES]; /* NaN: no fit */
} pm_repro_gaps;

/** The dataset-independent (self-consistency) numbers. */
typedef struct pm_repro_self {
    double lrt[PM_REPRO_LRT_DELTAS][PM_REPRO_LRT_ETA0S][PM_REPRO_LRT_ETA1S][PM_REPRO_LB_NS];
    pm_repro_gaps gaps;
    /* duplicate pairs for error sum <= target, [delta][eta0], eta1 = 1 */
    long ss_self[PM_REPRO_SS_DELTAS][PM_REPRO_SS_ETA0S];
    /* gold items for the expert agreement test, [cbar][eta0] (-1: > max) */
    double ss_cbar[PM_REPRO_CBARS];
    long ss_expert[PM_REPRO_CBARS][PM_REPRO_SS_ETA0S];
} pm_repro_self;

/** One dataset's numbers. */
typedef struct pm_repro_expert {
    size_t count;
    double mean_p, cbar;
    double hist_lo[PM_REPRO_HIST_BINS], hist_hi[PM_REPRO_HIST_BINS];
    size_t hist_count[PM_REPRO_HIST_BINS];
    double kl[PM_REPRO_LB_ETA0S][PM_REPRO_LB_ETA1S];
    double lb[PM_REPRO_LB_ETA0S][PM_REPRO_LB_ETA1S][PM_REPRO_LB_NS];
    /* Fig. 2's bound: [eta0][eta1] of the LRT grid */
    double lrt_kl[PM_REPRO_LRT_ETA0S][PM_REPRO_LRT_ETA1S];
    double lrt_lb[PM_REPRO_LRT_ETA0S][PM_REPRO_LRT_ETA1S][PM_REPRO_LB_NS];
    pm_repro_gaps gaps;
    /* at this cbar, eta1 = 1: gold items for the agreement test and the
     * fewest items below which no test reaches the target (the bound);
     * -1 when over the search limit */
    long ss_test[PM_REPRO_SS_ETA0S], ss_bound[PM_REPRO_SS_ETA0S];
} pm_repro_expert;

/** Self-consistency numbers. PM_EINVAL on bad options; errors of the
 *  solvers other than infeasibility are passed on. */
PM_API pm_status pm_repro_self_run(const pm_repro_opts *o, pm_repro_self *out, pm_error *err);

/** Expert numbers from folded probabilities p[0..count) (>= 1/2). */
PM_API pm_status pm_repro_expert_run(const double *p, size_t count, const pm_repro_opts *o,
                                     pm_repro_expert *out, pm_error *err);

/** Search limit of the sample-size panel. */
#define PM_REPRO_SS_MAX_N 10000000L

PM_END_DECLS

#endif
