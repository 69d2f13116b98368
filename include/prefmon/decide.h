/*
** prefmon — decisions across weeks: one annotator's pairs in order, over
** every batch a history store holds, replayed into the two sequential
** tests, the confidence sequence, the drift chart and one action
** (doc/assess.md, "Across weeks"; the statistics in prefmon/seq.h).
**
** Each pair carries the m0 = m(eta0) and m1 = m(eta1) it was tested with,
** fixed before it was seen (predictable plug-ins: the q0 of the
** annotator's labels in EARLIER batches, or a q0 given for everyone, and
** the study's delta). pm_decide_replay recomputes everything from those
** stored values, so a replay is the incremental update exactly and anyone
** can audit it from the store.
**
**   verdict     pass when L_n >= 1/alpha_pass, fail when 1/L_n >=
**               1/alpha_fail (Ville: valid however many weeks are looked
**               at), else continue, with the expected further pairs to a
**               decision at the current estimate of m.
**   no signal   the current q0 (all the annotator's labels so far) leaves
**               1 - delta <= q0: no decision, action review (one-label).
**   below chance  the confidence sequence for m lies entirely below q0 (an
**               always-left clicker under swapped repeats): fail, model
**               violated, no effort interval.
**   drift       after a pass, a Bernoulli CUSUM of m1 against m0 on the
**               later pairs with h for a stated false-alarm rate per
**               annotator per year of batches; on an alarm the decision is
**               reopened (pm_seq_reopen: each opening spends alpha again,
**               so the guarantee becomes (reopened + 1) alpha).
**   delta_flip  the delta at which the verdict would change (by bisection,
**               replaying the pairs with m0, m1 recomputed at that delta
**               from their stored q0): how much the verdict depends on delta.
**
** Ownership: plain values; arrays borrowed for the call.
*/
#ifndef PREFMON_DECIDE_H
#define PREFMON_DECIDE_H

#include <stddef.h>

#include "prefmon/action.h"
#include "prefmon/export.h"
#include "prefmon/seq.h"
#include "prefmon/status.h"

PM_BEGIN_DECLS

/** A default eta1 below 1 that careful people reach: 0.9. The paper's
 *  eta1 = 1 protects only annotators with m >= 1 - delta exactly. */
#define PM_DECIDE_ETA1 0.9

typedef struct pm_decide_options {
    double alpha_pass, alpha_fail; /* 0.05, 0.05 */
    double eta0, eta1;             /* 0.8, PM_DECIDE_ETA1 */
    double cs_alpha;               /* the confidence sequence's level: 1 - cs_alpha (0.05) */
    double drift_rate;             /* false drift alarms per annotator per year (0.1) */
    double batches_per_year;       /* 52 (weekly batches) */
} pm_decide_options;

PM_API void pm_decide_options_default(pm_decide_options *opt);

/** One pair as stored. */
typedef struct pm_decide_pair {
    int agree;     /* 1 when the two labels agree */
    double q0;     /* the q0 its m0, m1 were made from */
    double m0, m1; /* the pass probabilities it was tested with */
    long batch;    /* 0-based index of its batch (for the drift start) */
} pm_decide_pair;

/** m(eta) = q0 + eta (1 - delta - q0), the general convention. */
PM_API double pm_decide_m(double q0, double delta, double eta);

typedef struct pm_decide_result {
    pm_seq_state seq;         /* the test after every pair (reopened after a drift alarm) */
    pm_seq_verdict verdict;   /* of the current opening; continue when no signal */
    double e_pass, e_fail;    /* exp(log_e_pass), exp(log_e_fail) of the current opening */
    double expected_more;     /* expected further pairs to a decision at the current m
                               * estimate (NaN when decided or no signal) */
    double m_low, m_high;     /* the confidence sequence for m (running intersection) */
    double eta_low, eta_high; /* ... mapped to eta at the current q0; NaN when below chance */
    int cs_flags;             /* PM_SEQ_CS_* */
    int no_signal;            /* 1 - delta <= q0_now */
    int below_chance;         /* the interval for m entirely below q0_now */
    int drift;                /* an alarm after a pass (the latest opening began there) */
    long drift_batch;         /* the batch index where the drifting run began; -1 */
    long drift_pair;          /* the pair (1-based) where it began; 0 */
    long drift_h;             /* the chart's alarm level; 0 when no chart ran */
    double drift_arl;         /* its average run length to a false alarm at m1, pairs */
    long pairs, consistent;   /* all pairs */
    double m1_now;            /* m(eta1) at q0_now (for the reason) */
} pm_decide_result;

/**
 * Replay pairs[0..n) in order. q0_now is the chance agreement from all the
 * annotator's labels so far (for no-signal, below-chance and the eta
 * interval); delta the study's. Pairs whose stored m0 >= m1 (no signal when
 * they were tested) are counted but move no e-value. pairs_per_batch sets
 * the drift chart's false-alarm run length (batches_per_year x
 * pairs_per_batch / drift_rate pairs). PM_EINVAL on bad options or a pair
 * with m0, m1 outside (0, 1).
 */
PM_API pm_status pm_decide_replay(const pm_decide_options *opt, const pm_decide_pair *pairs,
                                  size_t n, double q0_now, double delta, double pairs_per_batch,
                                  pm_decide_result *out, pm_error *err);

/**
 * The nearest delta at which the verdict of a replay with every pair's m0,
 * m1 recomputed from its q0 at that delta differs from the verdict at
 * `delta` (no drift: the test alone): a grid of 400 steps over
 * (0, 1 - max q0) scanned outwards from delta, then bisection to 1e-5 (the
 * verdict is not monotone in delta: near 1 - q0 every verdict becomes
 * continue). NaN when no delta in that range changes it.
 */
PM_API double pm_decide_delta_flip(const pm_decide_options *opt, const pm_decide_pair *pairs,
                                   size_t n, double delta);

/** The action (pm_action_decide) for a replay and this batch's assess
 *  flags (PM_FLAG_*); drift_at names the drift's batch (may be NULL). */
PM_API pm_action pm_decide_action(const pm_decide_result *r, unsigned flags, const char *drift_at,
                                  char *reason, size_t size);

PM_END_DECLS

#endif
