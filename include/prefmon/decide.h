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
#include "prefmon/assess.h"
#include "prefmon/export.h"
#include "prefmon/records.h"
#include "prefmon/seq.h"
#include "prefmon/status.h"
#include "prefmon/writer.h"

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

/* ---- importing a batch into a history store ---------------------------- */

/** pm_import_run's options. */
typedef struct pm_import_options {
    const char *batch;        /* the batch's name, e.g. "2026-W49" */
    double delta;             /* the study's delta, > 0 (fixed per study) */
    const char *delta_source; /* where delta came from, recorded (NULL: "default") */
    int new_delta;            /* accept a delta other than the first batch's (recorded) */
    double q0;                /* NaN: each annotator's q0 from their labels in EARLIER
                               * batches (0.5 when there are none); else this for everyone */
    pm_decide_options decide;
    pm_assess_options assess; /* flags' options; delta, q0, eta0, eta1, keep_pairs are set
                               * from the fields above */
    int replace;              /* replace a batch of this name or a file imported before */
    int dry_run;              /* do everything, then roll back: nothing written */
} pm_import_options;

/** Defaults: delta 0.02 ("default"), q0 NaN, pm_decide_options_default,
 *  pm_assess_options_default, batch NULL (required), flags 0. */
PM_API void pm_import_options_default(pm_import_options *opt);

/** One annotator of the batch, with their record across batches. */
typedef struct pm_import_row {
    const char *annotator;
    long labels;                        /* this batch's labels */
    long batch_pairs, batch_consistent; /* this batch's pairs (cross-week ones included) */
    long cross_pairs;                   /* ... of them with the store's last label */
    double q0_used;                     /* the predictable q0 of this batch's pairs */
    double q0_now;                      /* from all the annotator's labels so far */
    pm_decide_result res;               /* over all pairs across batches */
    double delta_flip;                  /* pm_decide_delta_flip; NaN: none */
    unsigned flags;                     /* this batch's assess flags (PM_FLAG_*) */
    pm_action action;
    char reason[200];
    char drift_at[64]; /* the batch where a drift began; "" */
} pm_import_row;

typedef struct pm_import_result {
    pm_import_row *rows; /* by annotator name, bytewise */
    size_t n;
    long batches_before;  /* batches in the store before this one */
    long records_read;    /* label events read */
    long records_skipped; /* ... already in the store (cumulative export) */
    long cross_pairs;     /* pairs across weeks, all annotators */
    double delta;
    int delta_changed;  /* new_delta took effect */
    int nobody_reaches; /* no annotator's interval for m reaches 1 - delta */
    int dry_run;
    char replaced[512];   /* what --replace replaced; "" */
    char first_delta[64]; /* the first batch's delta, as recorded; "" */
} pm_import_result;

/**
 * Import the label logs paths[0..n) as one batch into the store at uri
 * (created when missing) in one transaction, and decide every annotator
 * of the batch over all their pairs (doc/assess.md, "Across weeks"):
 *  - records with a timestamp already in the store (annotator + item +
 *    timestamp) are skipped and counted (cumulative exports);
 *  - a record without timestamp whose (annotator, item, label) an earlier
 *    batch holds is refused (PM_EPARSE): without a key a re-export cannot
 *    be told from a repeat;
 *  - each (annotator, item)'s first label of the batch forms a pair with
 *    the store's last label of the key (a cross-week pair);
 *  - every pair is stored with the q0, delta, m0, m1 it is tested with,
 *    fixed before it was seen.
 * A batch whose delta differs from the first batch's is refused
 * (PM_EINVAL) unless new_delta. gold: a gold file for the reader (NULL).
 * Errors of the store (history.h) and the reader pass through, naming
 * file and line. *out is the caller's (pm_import_result_free).
 */
PM_API pm_status pm_import_run(const char *uri, const char *const *paths, size_t n,
                               const pm_records_options *ropt, const char *gold,
                               const pm_import_options *opt, pm_import_result **out, pm_error *err);

PM_API void pm_import_result_free(pm_import_result *r);

/* ---- exports ------------------------------------------------------------- */

typedef enum pm_block_format {
    /* Prolific's "custom blocklist" screener takes Prolific participant IDs:
     * one ID per line, nothing else (researcher-help.prolific.com, "How to
     * prevent certain participants from accessing your study"). */
    PM_BLOCK_PROLIFIC = 0,
    /* MTurk: "WorkerId,Reason" and one row per worker, the two parameters
     * of CreateWorkerBlock (the Reason is kept by the requester; the worker
     * does not see it), e.g. for `aws mturk create-worker-block`. CSV cells
     * guarded (pm_csv_write_cell_to). */
    PM_BLOCK_MTURK = 1
} pm_block_format;

/** The annotators whose action is block, in the rows' order. PM_EIO. */
PM_API pm_status pm_import_write_blocks(const pm_import_result *r, pm_block_format format,
                                        const pm_writer *w, pm_error *err);

/** The review list: CSV "annotator,action,reason,flags" for every row whose
 *  action is review (flags joined by ';', with drift and below-chance).
 *  PM_EIO. */
PM_API pm_status pm_import_write_review(const pm_import_result *r, const pm_writer *w,
                                        pm_error *err);

PM_END_DECLS

#endif
