/*
** prefmon — sequential statistics: decisions that stay valid however often
** the evidence is looked at.
**
** An annotator's duplicate pairs X_1, X_2, ... in {0, 1} (1 = the two labels
** agree) arrive a few per week. A fixed-n test re-run on the pooled pairs
** after every batch errs more with every look (the naive rule below shows by
** how much). Everything here stays valid at every look:
**
**   1. Two one-sided sequential tests from Wald's likelihood ratio
**        ln L_n = sum_i [X_i ln(m1_i/m0_i) + (1-X_i) ln((1-m1_i)/(1-m0_i))]
**      with Ville's inequality as the guarantee (Wald 1945; Ville 1939;
**      Ramdas, Grunwald, Vovk, Shafer, "Game-theoretic statistics and safe
**      anytime-valid inference", Statist. Sci. 38(4), 2023). L_n is an
**      e-process against shirking (m <= m0): for every such m it is a
**      nonnegative supermartingale with L_0 = 1, so P(ever L_n >= 1/a) <= a.
**      1/L_n is one against diligence (m >= m1). So
**        pass  when L_n   >= 1/alpha_pass: a shirker passes w.p. <= alpha_pass,
**        fail  when 1/L_n >= 1/alpha_fail: a diligent one fails w.p. <= alpha_fail,
**      whatever the stopping, however often looked at. Wald's approximate
**      thresholds ((1-beta)/alpha, beta/(1-alpha)) are not used: 1/alpha is a
**      guarantee, the others are approximations.
**      PREDICTABLE PLUG-INS: m0_i and m1_i may change from pair to pair (e.g.
**      a chance agreement q0 estimated from the annotator's labels), but they
**      must be fixed BEFORE pair i is seen. Recomputing past factors with
**      today's q0 or delta voids the guarantee.
**      REOPENING: pm_seq_reopen restarts the e-values from 1 after a drift
**      alarm. Each opening spends its alpha again: for an annotator reopened
**      r times the guarantee is (r + 1) alpha_pass (resp. alpha_fail), not
**      alpha (a union bound over the r + 1 tests).
**   2. Exact operating characteristics of that test with constant m0, m1 at
**      a true pass probability m up to a horizon N, by dynamic programming
**      over (pairs so far, agreements so far) with absorbing boundaries; and
**      the exact error of the naive rule (the fixed-n likelihood-ratio test
**      re-run after every batch on the pooled pairs).
**   3. An anytime-valid confidence sequence for m (and eta) from the
**      beta-binomial mixture martingale (Robbins 1970; Howard, Ramdas,
**      McAuliffe, Sekhon, Ann. Statist. 49(2), 2021).
**   4. Drift: an integer-score Bernoulli CUSUM (Reynolds & Stoumbos,
**      J. Quality Technology 31(1), 1999) with exact average run lengths
**      from its Markov chain, and a design for a stated false-alarm rate.
**
** delta is NOT identifiable from agreement alone (an annotator at eta < 1
** with a small delta agrees as often as one at eta = 1 with a larger delta):
** m0 and m1 come from a delta fixed per study from a stated source.
** With q0 >= 1 - delta (one label for everything) m1 <= m0 and there is no
** test: every function here refuses m1 <= m0 with PM_EINVAL.
**
** Ownership: every struct here is a plain value owned by the caller (no
** handles, nothing allocated that outlives a call); output arrays are
** caller-owned with the stated length. All functions are pure apart from
** the state they are given, and thread-safe on distinct states.
** doc/sequential.md explains the tests, their guarantees and their pitfalls.
*/
#ifndef PREFMON_SEQ_H
#define PREFMON_SEQ_H

#include <stddef.h>

#include "prefmon/export.h"
#include "prefmon/monitor.h"
#include "prefmon/status.h"

PM_BEGIN_DECLS

/* ---- 1. the two sequential tests ---------------------------------------- */

typedef enum pm_seq_verdict {
    PM_SEQ_CONTINUE = 0, /* neither e-value has reached its threshold */
    PM_SEQ_PASS = 1,     /* L_n >= 1/alpha_pass: evidence against shirking */
    PM_SEQ_FAIL = 2      /* 1/L_n >= 1/alpha_fail: evidence against diligence */
} pm_seq_verdict;

/** "continue", "pass", "fail"; NULL when out of range. */
PM_API const char *pm_seq_verdict_name(pm_seq_verdict v);

/** The state of one annotator's test. Initialise with pm_seq_init; then
 *  read-only for the caller (pm_seq_update and pm_seq_reopen change it). */
typedef struct pm_seq_state {
    double alpha_pass, alpha_fail; /* the error each opening may spend */
    long n;                        /* pairs since the last opening */
    long agreements;               /* agreeing pairs since the last opening */
    long n_total;                  /* pairs over all openings */
    long agreements_total;         /* agreeing pairs over all openings */
    double log_e_pass;             /* ln L_n (e-value against m <= m0), since opening */
    double log_e_fail;             /* -ln L_n (e-value against m >= m1), since opening */
    pm_seq_verdict verdict;        /* sticky until pm_seq_reopen */
    long decided_at;               /* n_total at the deciding pair (1-based); 0: none */
    long opened_at;                /* n_total when the current opening began */
    long reopened;                 /* r: times reopened; guarantee (r + 1) alpha */
} pm_seq_state;

/** Start a test: n = 0, both e-values 1 (logs 0), verdict continue.
 *  PM_EINVAL unless 0 < alpha_pass < 1 and 0 < alpha_fail < 1. */
PM_API pm_status pm_seq_init(pm_seq_state *st, double alpha_pass, double alpha_fail, pm_error *err);

/**
 * Add one pair x (0 or 1) with its predictable plug-ins m0 < m1 (both in
 * (0, 1), fixed before x was seen): ln L += x ln(m1/m0) + (1-x)
 * ln((1-m1)/(1-m0)). While the verdict is continue, it becomes pass when
 * log_e_pass >= ln(1/alpha_pass) or fail when log_e_fail >= ln(1/alpha_fail)
 * (both cannot hold at once), and decided_at records the pair. Once decided
 * it stays decided: later pairs are still counted and still multiply the
 * e-values (so they describe all the evidence of this opening), but the
 * verdict and decided_at do not change until pm_seq_reopen.
 * PM_EINVAL for x not 0/1 or m0, m1 outside 0 < m0 < m1 < 1 (the state is
 * then unchanged).
 */
PM_API pm_status pm_seq_update(pm_seq_state *st, int x, double m0, double m1, pm_error *err);

/** Reopen after a drift alarm: both e-values restart from 1, n and
 *  agreements from 0, the verdict is continue again, decided_at 0,
 *  opened_at = n_total and reopened += 1. Reopening spends alpha again: the
 *  guarantee over the whole history is (reopened + 1) alpha. */
PM_API void pm_seq_reopen(pm_seq_state *st);

/* ---- 2. exact operating characteristics --------------------------------- */

/** Largest horizon N the DP accepts. */
#define PM_SEQ_HORIZON_MAX 1000000L

/** Most DP cells (pairs x agreements inside the continuation band, the
 *  O(N^2) worst case shrunk by the band) one call may visit: 2e8, about a
 *  second of CPU. Past it PM_ELIMIT, with the cost in the message. */
#define PM_SEQ_CELLS_MAX 200000000L

/** Operating characteristics of the test with constant m0, m1 at a true
 *  pass probability m, up to a horizon of N further pairs. */
typedef struct pm_seq_oc {
    double m0, m1, m;              /* the plug-ins and the true pass probability */
    double alpha_pass, alpha_fail; /* the thresholds are 1/alpha_pass and alpha_fail */
    long horizon;                  /* N */
    double p_pass;                 /* P(pass by N) */
    double p_fail;                 /* P(fail by N) */
    double p_undecided;            /* P(no decision by N) = 1 - p_pass - p_fail */
    double expected_pairs;         /* E[min(T, N)], T the pairs to a decision */
    double log_p_pass, log_p_fail; /* natural logs, meaningful below 1e-308 */
    long cells;                    /* DP cells visited (the work done) */
} pm_seq_oc;

/**
 * The exact operating characteristics from a fresh start (L_0 = 1) by
 * dynamic programming over (pairs so far j, agreements so far a) with
 * absorbing pass / fail boundaries: only the cells between the two
 * boundaries are kept, a band whose width in a is about
 * ln(1/(alpha_pass alpha_fail)) / ln(m1 (1-m0) / (m0 (1-m1))) + 1, so the
 * work is O(N * band) <= O(N^2) and the memory O(band) <= O(N). Each row is
 * rescaled by its largest entry (the scale kept as a logarithm), so nothing
 * underflows with N; the decision probabilities are accumulated in log
 * space. Accuracy: rounding only, down to entries 1e-300 below the largest
 * undecided entry of their row.
 * pass_by, fail_by: NULL, or room for N + 1 doubles; pass_by[j] = P(pass
 * at or before pair j), fail_by[j] likewise (j = 0..N; [0] = 0).
 * The boundary test is the one of pm_seq_update with ln L(j, a) =
 * a ln(m1/m0) + (j - a) ln((1-m1)/(1-m0)).
 * PM_EINVAL unless 0 < m0 < m1 < 1, 0 <= m <= 1, alphas in (0, 1),
 * 0 <= N; PM_ELIMIT when N > PM_SEQ_HORIZON_MAX or the band has more than
 * PM_SEQ_CELLS_MAX cells.
 */
PM_API pm_status pm_seq_operating(double m0, double m1, double alpha_pass, double alpha_fail,
                                  double m, long horizon, pm_seq_oc *out, double *pass_by,
                                  double *fail_by, pm_error *err);

/**
 * The same from the state of a test still open (verdict continue): the
 * DP starts at its current ln L, with constant m0, m1 from now on, and
 * counts N further pairs. expected_pairs is then the expected number of
 * further pairs to a decision, truncated at N (E[min(T, N)]). Call it at
 * m = m0, m = m1 and an estimated m (e.g. agreements / n, or a confidence
 * sequence's end) for the three outlooks. A decided state gives
 * p_pass or p_fail = 1 and expected_pairs = 0. Errors as pm_seq_operating.
 */
PM_API pm_status pm_seq_remaining(const pm_seq_state *st, double m0, double m1, double m,
                                  long horizon, pm_seq_oc *out, pm_error *err);

/**
 * The naive rule, exactly: after each look l = 1..looks (per_look new pairs
 * each, pooled n_l = l per_look) the fixed-n likelihood-ratio test is
 * designed afresh, pm_test_design(sc, eta0, eta1, n_l, PM_RULE_LR) (the rule
 * of pm_assess_rule_for in assess.h), and the annotator is failed when the
 * design's error sum is <= max_error and X_l < k_l (no decision, "too-few",
 * otherwise); a pass is not final (next week's re-run may still fail). With
 * a true pass probability m:
 *   fail_by[l-1] = P(failed at some look <= l),  l = 1..looks,
 * by a DP over the pooled agreements that kills the paths failed at an
 * earlier look. At m = m1 this is the false-fail rate a diligent annotator
 * meets when the fixed test is re-run every week (for one look it is the
 * design's type II error). fail_by has room for `looks` doubles.
 * PM_EINVAL for a bad scheme, etas, m outside [0, 1], per_look < 1 or
 * looks < 1; PM_ELIMIT when looks * per_look > PM_SEQ_HORIZON_MAX or the DP
 * would visit more than PM_SEQ_CELLS_MAX cells.
 */
PM_API pm_status pm_seq_naive_fail(const pm_scheme *sc, double eta0, double eta1, double max_error,
                                   double m, long per_look, long looks, double *fail_by,
                                   pm_error *err);

/* ---- the sequential test against the naive weekly test, per effort ----- */

/** The looks at which pm_seq_power_at compares the two: 4, 12, 52 (a month,
 *  a quarter, a year of weekly looks). */
#define PM_SEQ_NLOOKS 3

/** One effort level's row of `prefmon power --sequential`. */
typedef struct pm_seq_power_row {
    double eta, m;                    /* the effort and its pass probability m(eta) */
    pm_seq_oc oc;                     /* the sequential test up to the horizon */
    pm_seq_verdict ville;             /* which error Ville's inequality bounds at this m:
                                       * PM_SEQ_PASS: p_pass <= alpha_pass (m <= m0);
                                       * PM_SEQ_FAIL: p_fail <= alpha_fail (m >= m1);
                                       * PM_SEQ_CONTINUE: neither (m0 < m < m1) */
    double ville_bound;               /* that alpha; NaN for neither */
    long per_look;                    /* pairs per look (b) */
    long looks[PM_SEQ_NLOOKS];        /* 4, 12, 52 */
    double seq_fail[PM_SEQ_NLOOKS];   /* the sequential test: P(fail by looks[i] b pairs) */
    double naive_fail[PM_SEQ_NLOOKS]; /* the naive rule: P(failed at a look <= looks[i]) */
} pm_seq_power_row;

/**
 * The row for effort eta: m0 = m(eta0), m1 = m(eta1), m = m(eta) from the
 * scheme; the sequential test's operating characteristics to `horizon`
 * (pm_seq_operating; its DP runs to max(horizon, 52 per_look) for the
 * looks) and the naive rule's false-fail rate (pm_seq_naive_fail with
 * max_error, as assess uses it) after 4, 12 and 52 looks of per_look
 * pairs. Errors as those two functions (PM_EINVAL also when m1 = 1, i.e.
 * eta1 = 1 with s = 1: one disagreement would then fail anyone).
 */
PM_API pm_status pm_seq_power_at(const pm_scheme *sc, double eta0, double eta1, double alpha_pass,
                                 double alpha_fail, long horizon, long per_look, double max_error,
                                 double eta, pm_seq_power_row *out, pm_error *err);

/** Most efforts pm_seq_effort_grid writes. */
#define PM_SEQ_GRID_MAX 13

/** The efforts `power --sequential` shows: 0, 0.1, ..., 1 with eta0 and
 *  eta1 added, ascending, without repeats (eta0 = 0.8 is already there).
 *  Writes at most PM_SEQ_GRID_MAX values; returns how many. */
PM_API size_t pm_seq_effort_grid(double eta0, double eta1, double *etas);

/* ---- 3. anytime-valid confidence sequence for m (and eta) --------------- */

/** Default Beta(a, b) mixing prior: a = b = 1/2 (Jeffreys; the
 *  Krichevsky-Trofimov mixture), whose regret against the best fixed p is
 *  (1/2) ln n + O(1) uniformly in p, including near the edges where
 *  diligent annotators' m = 1 - delta lies; a uniform prior (a = b = 1)
 *  loses up to (1/2) ln n more there. See doc/sequential.md. */
#define PM_SEQ_CS_PRIOR 0.5

/**
 * The confidence set at one n alone (no intersection): with S agreements in
 * n pairs, log M_n(p) = lbeta(a + S, b + n - S) - lbeta(a, b) - S ln p -
 * (n - S) ln(1 - p); CS_n = {p : M_n(p) < 1/alpha}, an interval since log
 * M_n is convex in p with its minimum (<= 0) at S/n. The endpoints, by
 * Newton's method safeguarded by bisection in lgamma arithmetic, are where
 * log M_n = ln(1/alpha), each within a few ulps on the outer side (the
 * interval is never too narrow); low = 0 when S = 0, high = 1 when S = n,
 * [0, 1] when n = 0.
 * PM_EINVAL unless 0 <= S <= n, 0 < alpha < 1, a > 0, b > 0.
 */
PM_API pm_status pm_seq_cs_bounds(long n, long s, double alpha, double a, double b, double *low,
                                  double *high, pm_error *err);

/** A running confidence sequence: the intersection of CS_n over every n at
 *  which it was updated. Covers the true m at every n simultaneously with
 *  probability >= 1 - alpha (Ville). Plain value; initialise with
 *  pm_seq_cs_init. */
typedef struct pm_seq_cs {
    double alpha, a, b; /* level and mixing prior */
    long n, s;          /* pairs and agreements so far */
    double low, high;   /* running intersection for m; low > high: empty */
    int empty;          /* 1 when the intersection became empty (itself
                         * evidence, at level alpha, that m was not constant) */
} pm_seq_cs;

/** PM_EINVAL unless 0 < alpha < 1, a > 0, b > 0. Starts at [0, 1]. */
PM_API pm_status pm_seq_cs_init(pm_seq_cs *cs, double alpha, double a, double b, pm_error *err);

/** Add `pairs` pairs of which `agreements` agree (pairs = 1 for one pair)
 *  and intersect with CS_n at the new n. Adding a batch intersects at its
 *  end only (still valid: any set of looks is). PM_EINVAL unless
 *  0 <= agreements <= pairs. */
PM_API pm_status pm_seq_cs_update(pm_seq_cs *cs, long pairs, long agreements, pm_error *err);

/** Flags of the effort interval. */
enum {
    PM_SEQ_CS_BELOW_CHANCE = 1, /* the whole interval for m lies below q0 (e.g. an
                                 * always-left clicker under swapped repeats):
                                 * outside the model; no eta interval (NaN) */
    PM_SEQ_CS_ABOVE_MODEL = 2,  /* the whole interval lies above s = m(1): more
                                 * consistent than delta allows (delta too large
                                 * for this annotator); eta interval [1, 1] */
    PM_SEQ_CS_EMPTY = 4         /* the running intersection is empty */
};

/** The confidence sequence mapped to effort: eta = (m - q0)/(s - q0)
 *  clipped to [0, 1] (pm_scheme_eta). *flags gets the PM_SEQ_CS_* bits;
 *  eta_low = eta_high = NaN when below chance or empty.
 *  PM_EINVAL on a NULL argument. */
PM_API pm_status pm_seq_cs_eta(const pm_seq_cs *cs, const pm_scheme *sc, double *eta_low,
                               double *eta_high, int *flags, pm_error *err);

/* ---- 4. drift: integer Bernoulli CUSUM ---------------------------------- */

/** Default magnitude of an agreement's integer score (see pm_cusum_scores). */
#define PM_CUSUM_AGREE_STEPS 4

/** Largest alarm level h (Markov chain states 0..h-1) accepted. */
#define PM_CUSUM_H_MAX 1000000L

/** An integer-score CUSUM chart for a fall of the pass probability from m1
 *  (working) to m0 (shirking). */
typedef struct pm_cusum {
    double m0, m1; /* shirking and working pass probabilities */
    double scale;  /* integer score = lround(scale x log-likelihood ratio) */
    long up;       /* score of a disagreement, >= 1 */
    long down;     /* minus the score of an agreement, >= 1 */
    long h;        /* alarm when C_t >= h, h >= 1 */
} pm_cusum;

/**
 * The scores: scale = agree_steps / ln(m1/m0), down = agree_steps
 * (an agreement adds -agree_steps, i.e. the LLR ln(m0/m1) scaled), up =
 * lround(scale ln((1-m0)/(1-m1))) (nearest integer, halves away from 0),
 * at least 1. The chart run is this integer chart exactly, so the
 * rounding changes which chart is run (by a relative score error of at
 * most 1/(2 up)), never the exactness of its run lengths. h is set to 0:
 * give it, or use pm_cusum_design. PM_EINVAL unless 0 < m0 < m1 < 1 and
 * 1 <= agree_steps <= 1000.
 */
PM_API pm_status pm_cusum_scores(double m0, double m1, long agree_steps, pm_cusum *out,
                                 pm_error *err);

/**
 * The exact average run length (pairs to the first alarm, chart started at
 * C_0 = 0) when every pair agrees with probability m, from the Markov
 * chain on the states 0..h-1: solve (I - Q) x = 1, a banded system
 * (bandwidth up + down) eliminated subtraction-free as in the
 * Grassmann-Taksar-Heyman algorithm (diagonals from row sums), so x_0 is
 * accurate to a few ulps per state even for ARLs of 1e30, where ordinary
 * elimination cancels; ARL = x_0. +inf when the chart can never alarm
 * (m = 1). PM_EINVAL for a bad chart or m outside [0, 1]; PM_ELIMIT past
 * PM_CUSUM_H_MAX or when the band, h (up + down + 1) doubles, exceeds 1e7
 * (80 MB).
 */
PM_API pm_status pm_cusum_arl(const pm_cusum *c, double m, double *arl, pm_error *err);

/**
 * The exact probability of at least one alarm within `pairs` pairs from
 * C_0 = 0 at pass probability m (forward propagation of the chain, O(pairs
 * h)). At m = m1 and pairs = one year of pairs it is the chance that a
 * working annotator is falsely alarmed in a year. PM_ELIMIT when
 * pairs x h > PM_SEQ_CELLS_MAX.
 */
PM_API pm_status pm_cusum_alarm_prob(const pm_cusum *c, double m, long pairs, double *p,
                                     pm_error *err);

/**
 * Design: c = pm_cusum_scores(m0, m1, agree_steps) with the smallest h such
 * that the ARL at m1 (false alarm) is >= arl_target pairs; e.g. one false
 * alarm per annotator-year at b pairs a week is arl_target = 52 b. The
 * ARLs at m1 and at m0 (detection delay from a fresh start) are returned
 * in *arl1 and *arl0 (either may be NULL). The chart restarts at 0 after
 * an alarm, so in the long run false alarms come at rate 1/ARL(m1) per
 * pair (renewal theorem): pool x pairs_per_year / ARL(m1) a year over a
 * pool (pm_cusum_false_alarms). PM_ERANGE when no h <= h_max reaches it.
 */
PM_API pm_status pm_cusum_design(double m0, double m1, long agree_steps, double arl_target,
                                 long h_max, pm_cusum *out, double *arl1, double *arl0,
                                 pm_error *err);

/** Expected false alarms per year over a pool of `annotators` working
 *  annotators with pairs_per_year pairs each: annotators x pairs_per_year /
 *  arl1 (long-run, charts restarted after each alarm). NaN for arl1 <= 0. */
PM_API double pm_cusum_false_alarms(double arl1, double pairs_per_year, double annotators);

/** One chart's running state; zero-initialise (or pm_cusum_reset). */
typedef struct pm_cusum_state {
    long c;         /* C_t, an integer in 0..h-1 while no alarm */
    long t;         /* pairs seen */
    long run_start; /* index (1-based) of the first pair of the current run
                     * above 0; 0 while C_t = 0 */
    long alarm_at;  /* t at the alarm; 0: none */
    long change_at; /* run_start at the alarm: the estimated change point */
} pm_cusum_state;

/** Back to C = 0, t kept (a restart after an alarm; alarm_at, change_at
 *  cleared). */
PM_API void pm_cusum_reset(pm_cusum_state *s);

/**
 * One pair: C_t = max(0, C_{t-1} + score(x)), score = +up for a
 * disagreement (x = 0), -down for an agreement (x = 1). When C_t >= h the
 * chart alarms: *alarm = 1 (alarm may be NULL), alarm_at = t and change_at
 * = run_start (the pair where the run above 0 began, the CUSUM's estimate
 * of the change point); C stays at its value until pm_cusum_reset, and
 * further updates keep reporting the alarm. PM_EINVAL for x not 0/1 or a
 * chart with h < 1.
 */
PM_API pm_status pm_cusum_update(const pm_cusum *c, pm_cusum_state *s, int x, int *alarm,
                                 pm_error *err);

PM_END_DECLS

#endif
