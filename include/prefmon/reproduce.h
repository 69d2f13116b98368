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
**   Claims  pm_repro_verdicts_run decides the paper's claims from these
**           numbers (pm_repro_verdicts: a verdict, a finding and the tallies
**           behind it per claim); pm_page_paper (prefmon/pages.h) lays it
**           all out as the report.
**
** Ownership: results are plain values (fixed-size arrays) owned by the
** caller; inputs are borrowed for the call. The one exception is
** pm_repro_dataset, whose arrays pm_repro_dataset_load allocates and
** pm_repro_dataset_free frees (pm_repro_items' array: free()). Pure, no
** global state besides reading the dataset's file; the grid solves spawn
** opts->threads worker threads each.
*/
#ifndef PREFMON_REPRODUCE_H
#define PREFMON_REPRODUCE_H

#include <stddef.h>

#include "prefmon/calib.h"
#include "prefmon/export.h"
#include "prefmon/contract.h"
#include "prefmon/model.h"
#include "prefmon/monitor.h"
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
    /* the tests behind lrt (lrt is their error_sum): threshold, m0, m1, errors */
    pm_test lrt_test[PM_REPRO_LRT_DELTAS][PM_REPRO_LRT_ETA0S][PM_REPRO_LRT_ETA1S][PM_REPRO_LB_NS];
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
    /* Fig. 1 at eta1 = 1, per eta0 of the Fig. 1 grid: the fewest items
     * below which no test reaches the target (the bound's exact crossing);
     * -1 when over the search limit */
    long lb_n[PM_REPRO_LB_ETA0S];
} pm_repro_expert;

/** Self-consistency numbers. PM_EINVAL on bad options; errors of the
 *  solvers other than infeasibility are passed on. */
PM_API pm_status pm_repro_self_run(const pm_repro_opts *o, pm_repro_self *out, pm_error *err);

/** Expert numbers from folded probabilities p[0..count) (>= 1/2). */
PM_API pm_status pm_repro_expert_run(const double *p, size_t count, const pm_repro_opts *o,
                                     pm_repro_expert *out, pm_error *err);

/** Search limit of the sample-size panel. */
#define PM_REPRO_SS_MAX_N 10000000L

/* ---- named indices into the arrays above ------------------------------
 * Settings are picked by index, never by comparing computed doubles. */

enum { PM_REPRO_MAIN = 0 };                                 /* setting index of the main setting */
enum { PM_REPRO_SELF = 0, PM_REPRO_EXPERT = 1 };            /* monitor */
enum { PM_REPRO_SECOND_BEST = 0, PM_REPRO_RESTRICTED = 1 }; /* solve (pm_repro_solve) */
enum { PM_REPRO_EXACT = 0, PM_REPRO_GRIDDED = 1 }; /* mode: exact solvers, the authors' grid */
enum {
    PM_REPRO_LB_ETA0_095 = 0,
    PM_REPRO_LB_ETA0_09 = 1,
    PM_REPRO_LB_ETA0_08 = 2,
    PM_REPRO_LB_ETA0_06 = 3
};                                  /* pm_repro_lb_eta0 */
enum { PM_REPRO_LB_ETA1_1 = 0 };    /* pm_repro_lb_eta1 */
enum { PM_REPRO_LRT_DELTA_03 = 3 }; /* pm_repro_lrt_delta */
enum { PM_REPRO_LRT_ETA0_09 = 1 };  /* pm_repro_lrt_eta0 */
enum { PM_REPRO_LRT_ETA1_095 = 1 }; /* pm_repro_lrt_eta1 */
enum { PM_REPRO_SS_ETA0_08 = 0 };   /* pm_repro_ss_eta0 */
enum { PM_REPRO_SS_DELTA_002 = 0 }; /* pm_repro_ss_delta */

/* ---- one dataset, read and computed ---------------------------------- */

/** A dataset as reproduce uses it. The caller sets name, path and
 *  calibrate (borrowed: they must outlive the struct);
 *  pm_repro_dataset_load fills the rest, which it owns and
 *  pm_repro_dataset_free frees. */
typedef struct pm_repro_dataset {
    const char *name; /* e.g. "PKU"; the claims recognise PKU* and Skywork* */
    const char *path; /* the preference file (pm_prefs_read_file) */
    int calibrate;    /* histogram-binning calibration on the train half */
    size_t rows;      /* preference rows read */
    double *raw;      /* their unfolded p, input order */
    pm_calib_result cal;
    pm_repro_expert *ex;
} pm_repro_dataset;

/** Read d->path, split, orient and (when d->calibrate) calibrate it with
 *  co (its calibrate field is ignored), and compute its expert numbers
 *  with o. Data that cannot answer the question fails with PM_EPARSE and a
 *  message naming the file: fewer than 2 rows (nothing to split) or every
 *  probability of the eval half 1/2 (cbar = 0: no expert signal). Errors
 *  of reading are passed on as they are; others get "NAME: " in front. On
 *  failure d holds nothing more to free than after success. */
PM_API pm_status pm_repro_dataset_load(pm_repro_dataset *d, const pm_calib_opts *co,
                                       const pm_repro_opts *o, pm_error *err);

/** Free what pm_repro_dataset_load allocated (name and path stay). */
PM_API void pm_repro_dataset_free(pm_repro_dataset *d);

/** Whether a dataset is calibrated by default: names starting PKU or
 *  Skywork (case-insensitive), whose p come from reward models, as the
 *  authors did; HelpSteer's and UltraFeedback's rating gaps are used as
 *  they are. */
PM_API int pm_repro_calibrated_by_default(const char *name);

/** One item of a loaded dataset as the split and orientation saw it. */
typedef struct pm_repro_item {
    size_t row;          /* input row, 0-based */
    int eval;            /* in the eval half (split positions 0..n/2-1) */
    int label;           /* 1 when y1 is the dataset's chosen response */
    double p_raw, score; /* unfolded p; oriented P(y1 > y2) */
    double p;            /* the folded (calibrated) p every figure uses; NaN in train */
} pm_repro_item;

/** Every item of d (loaded) in split order, redone with seed (the seed it
 *  was loaded with): what a reference implementation needs to repeat the
 *  procedure on the same split. *out is malloc'd (d->rows items; free()). */
PM_API pm_status pm_repro_items(const pm_repro_dataset *d, uint64_t seed, pm_repro_item **out,
                                pm_error *err);

/* ---- the verdicts on the paper's claims ------------------------------ */

/** How a claim fared (the report layer maps it onto pm_doc_verdict). */
typedef enum pm_repro_verdict {
    PM_REPRO_INFO = 0, /* a neutral statement */
    PM_REPRO_YES = 1,  /* reproduced */
    PM_REPRO_NO = 2,   /* not reproduced */
    PM_REPRO_MIXED = 3 /* partly, or not decidable on this data */
} pm_repro_verdict;

/** "info", "yes", "no", "mixed"; "?" outside the enum. */
PM_API const char *pm_repro_verdict_name(pm_repro_verdict v);

typedef enum pm_repro_claim_id {
    PM_CLAIM_EXPERT_NEEDS_HUNDREDS = 0, /* Fig. 1 */
    PM_CLAIM_SELF_BEATS_EXPERT = 1,     /* Fig. 2; Fig. 3 claim 1 */
    PM_CLAIM_EXPERT_DEPENDS_ON_P = 2,   /* Fig. 3 claim 2 */
    PM_CLAIM_LINEAR_FASTER = 3,         /* Fig. 3 claim 3, Thm. 1-2 */
    PM_CLAIM_PKU_CROSSOVER = 4,         /* Fig. 3 claim 3 on PKU */
    PM_REPRO_CLAIMS = 5
} pm_repro_claim_id;

#define PM_REPRO_FINDING 1536

/** One claim: its verdict and the finding, with the numbers it rests on. */
typedef struct pm_repro_claim {
    const char *id;    /* short name, e.g. "self-beats-expert" (static) */
    const char *claim; /* the claim in words (static) */
    pm_repro_verdict verdict;
    char finding[PM_REPRO_FINDING];
} pm_repro_claim;

/** The verdicts and the tallies they are decided on. Criteria:
 *  - expert-needs-hundreds: per dataset not named Skywork*, lb_n at eta0 =
 *    0.9 in 100..500 (yes when all are; mixed when some eta0 of some
 *    dataset is, or only Skywork* is given; no otherwise);
 *  - self-beats-expert: fig2_below / fig2_points >= 1/2 and fig3_le /
 *    fig3_points >= 0.9 (yes), one of the two (mixed), neither (no);
 *  - expert-depends-on-p: with two datasets or more, the most gold items
 *    (ss_test at eta0 = 0.8) at least twice the fewest (yes, else no);
 *    mixed with one dataset;
 *  - linear-faster: the log-log slope of linear below binary for every
 *    monitor and solve with both fitted (yes), some (mixed), none (no);
 *  - pku-crossover: on the dataset named PKU*, restricted contracts, main
 *    setting, expert gaps: binary lower at the first n where the two differ
 *    (relative 1e-9) and linear below from some n in 50..200 on, on the
 *    authors' grid (the exact solvers with the grid off); mixed without
 *    PKU* or the main setting. */
typedef struct pm_repro_verdicts {
    pm_repro_claim claim[PM_REPRO_CLAIMS]; /* indexed by pm_repro_claim_id */
    /* self-beats-expert, over every dataset: Fig. 2 points where the self
     * error sum is below the expert bound (all, and per delta), Fig. 3
     * points with both gaps defined where self <= expert + 1e-9 (all, and
     * per mode) */
    size_t fig2_below, fig2_points, fig2_below_delta[PM_REPRO_LRT_DELTAS];
    size_t fig3_le, fig3_points, fig3_le_mode[PM_REPRO_MODES], fig3_points_mode[PM_REPRO_MODES];
    /* linear-faster: (monitor, solve) pairs with both slopes, and with
     * linear's the steeper */
    int slope_pairs, slope_linear_steeper;
} pm_repro_verdicts;

/** The verdicts from the self numbers, the datasets (loaded) and the
 *  options they were computed with. PM_EINVAL on bad options or a dataset
 *  without expert numbers. */
PM_API pm_status pm_repro_verdicts_run(const pm_repro_self *self, const pm_repro_dataset *ds,
                                       size_t nds, const pm_repro_opts *o, pm_repro_verdicts *out,
                                       pm_error *err);

/* ---- everything the paper page shows ---------------------------------- */

/** What pm_page_paper (include/prefmon/pages.h) lays out; all borrowed. */
typedef struct pm_repro_report {
    const pm_repro_dataset *ds;
    size_t nds;
    const pm_repro_self *self;
    const pm_repro_verdicts *verdicts;
    pm_repro_opts opts;  /* as computed */
    pm_calib_opts copts; /* seed and bins of the split and calibration */
    const char *command; /* what produced it, for the subtitle ("" if NULL) */
} pm_repro_report;

PM_END_DECLS

#endif
