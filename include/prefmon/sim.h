/*
** prefmon — a synthetic pool of annotators labelling the queues of a plan
** (prefmon/plan.h), producing the label log a platform would export, so
** that the very same readers, assess and pay run on it, and the truth to
** judge them by (arXiv 2502.06387 §2's annotator model, simulated).
**
** Annotator types:
**   careful   effort eta in [0,1]: on each item, with probability eta the
**             annotator labels carefully, otherwise at random (the item is
**             the unit: both copies of a duplicated item are careful or
**             both careless);
**   spammer   eta = 0: every label a fair coin;
**   longer    "consistent heuristic": always the longer response (more
**             bytes; equal lengths: A). Consistent under swapped duplicates,
**             so self-consistency cannot see it; only gold can;
**   left      always the response shown on the left: the swapped repeat
**             always disagrees, and the same-side flag sees it too.
** Label model (careful annotator, item with population preference p =
** P(A)): a careful label is a draw with P(A) = p; the careful repeat of a
** duplicated item disagrees with the first copy with probability delta_r;
** a careless label is a fair coin. A duplicate pair therefore agrees with
** probability
**     m(eta) = 1/2 + eta (1/2 - delta_r),
** which is EXACTLY the monitor module's general convention with q0 = 1/2
** and delta = delta_r, and also its paper convention m = (1 + (1 - delta)
** eta) / 2 with delta = 2 delta_r (pm_sim_repeat_delta gives delta_r for a
** scheme). Gold agreement of a careful annotator on an item is
** 1/2 + eta (p - 1/2) when the gold label is A (p >= 1/2: the gold label
** is the majority side of p, ties going to A).
**
** Determinism: annotator j draws from stream j of the seed (pm_rng_stream:
** the seed's state jumped j times), so a label depends only on the seed,
** the annotator's index, the plan and the pool; the pool's efforts are
** drawn from the seed's long-jumped state (pm_rng_long_jump: 2^192 steps
** away from every annotator stream).
**
** Ownership: every struct is a plain value owned by the caller; requests
** borrow their arrays for the call. Pure and thread-safe.
*/
#ifndef PREFMON_SIM_H
#define PREFMON_SIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "prefmon/assess.h"
#include "prefmon/export.h"
#include "prefmon/monitor.h"
#include "prefmon/plan.h"
#include "prefmon/records.h"
#include "prefmon/records_write.h"
#include "prefmon/rng.h"
#include "prefmon/status.h"

PM_BEGIN_DECLS

typedef enum pm_sim_kind {
    PM_SIM_CAREFUL = 0,
    PM_SIM_SPAMMER = 1,
    PM_SIM_LONGER = 2,
    PM_SIM_LEFT = 3,
    PM_SIM_KIND_COUNT = 4
} pm_sim_kind;

/** "careful", "spammer", "longer", "left"; NULL out of range. */
PM_API const char *pm_sim_kind_name(pm_sim_kind k);

typedef struct pm_sim_annotator {
    pm_sim_kind kind;
    double eta; /* careful: the effort; spammer 0; longer, left: NaN (no effort model) */
} pm_sim_annotator;

/* ---- effort distributions -------------------------------------------- */

typedef enum pm_sim_dist {
    PM_SIM_FIXED = 0,   /* fixed:x */
    PM_SIM_UNIFORM = 1, /* uniform:a,b with 0 <= a <= b <= 1 */
    PM_SIM_BETA = 2,    /* beta:a,b with a, b > 0 */
    PM_SIM_LIST = 3     /* x1,x2,... assigned in turn (cycled) */
} pm_sim_dist;

#define PM_SIM_MAX_LIST 64

typedef struct pm_sim_effort {
    pm_sim_dist dist;
    double a, b;
    double list[PM_SIM_MAX_LIST];
    size_t nlist;
} pm_sim_effort;

/** Parse "fixed:0.9", "uniform:0.5,1", "beta:8,2" or a list "1,0.9,0.5"
 *  (each value in [0,1]). PM_EINVAL with what was wrong. */
PM_API pm_status pm_sim_effort_parse(const char *spec, pm_sim_effort *out, pm_error *err);

/** A Beta(a, b) draw from r: Marsaglia–Tsang gamma draws (ACM TOMS 26(3),
 *  2000) over normals from the polar method, X / (X + Y). */
PM_API double pm_sim_beta(pm_rng *r, double a, double b);

/** The pool: n_careful careful annotators with efforts from e (in order:
 *  the list cycled, or draws), then n_spam spammers, n_longer longer-
 *  response and n_left left clickers, in that order. out has room for the
 *  sum. Draws come from the seed's long-jumped state. */
PM_API pm_status pm_sim_pool(const pm_sim_effort *e, size_t n_careful, size_t n_spam,
                             size_t n_longer, size_t n_left, uint64_t seed, pm_sim_annotator *out,
                             pm_error *err);

/** How many of n annotators are of each kind: round(share x n) spammers,
 *  longer and left clickers (shares[0..2], halves up), the rest careful;
 *  counts[] = careful, spammer, longer, left as pm_sim_pool takes them.
 *  PM_EINVAL when the rounded shares exceed n. */
PM_API pm_status pm_sim_pool_counts(size_t n, const double shares[3], size_t counts[4],
                                    pm_error *err);

/* ---- items ------------------------------------------------------------ */

/**
 * Read a preference dataset (JSONL: chosen, rejected, and scores
 * score_chosen/score_rejected or chosen_score/rejected_score, top level or
 * inside "metadata") into pool (response A = chosen, B = rejected, content
 * keys) and *p (malloc'd, caller frees; one per pool item, in pool order):
 * p = P(A) = sigmoid(score_chosen - score_rejected), the paper's
 * Bradley–Terry link as in prefmon/prefs.h, not folded. An item already in
 * the pool is skipped and counted in *repeated (may be NULL). Errors
 * PM_EPARSE "name:line:col: what", PM_ELIMIT (a line over
 * PM_PLAN_MAX_LINE), PM_EIO, PM_ENOMEM; on error *p is NULL and the pool
 *  holds the items read before the bad line (free it).
 */
PM_API pm_status pm_sim_items_read(pm_plan_pool *pool, FILE *fp, const char *name, double **p,
                                   size_t *repeated, pm_error *err);

/** The gold set of a simulation, its first g items (their keys are the
 *  gold list of pm_plan_pool_split, plan --gold's rule), and every pool's
 *  P(A) from p_all (one per item of all): *p_items and *p_gold are
 *  malloc'd, one per item of items and gold, the caller frees them (NULL
 *  on error). PM_EINVAL when g leaves no item for the queues; PM_ENOMEM. */
PM_API pm_status pm_sim_items_split(const pm_plan_pool *all, const double *p_all, size_t g,
                                    pm_plan_pool *items, pm_plan_pool *gold, double **p_items,
                                    double **p_gold, pm_error *err);

/* ---- labels ----------------------------------------------------------- */

typedef struct pm_sim_request {
    const pm_plan *plan;                /* the queues */
    const pm_plan_pool *items, *gold;   /* the pools the plan was made from (gold may be NULL) */
    const double *p_items, *p_gold;     /* P(A) of every item of each pool */
    const pm_sim_annotator *annotators; /* one per plan annotator */
    double delta_r;                     /* careful repeat disagreement, [0, 1] */
    uint64_t seed;
} pm_sim_request;

/** Defaults: no plan, pools, probabilities or annotators (all required but
 *  gold and p_gold), delta_r 0.02, seed 0. */
PM_API void pm_sim_request_default(pm_sim_request *req);

/** delta_r realising the scheme exactly: delta (general convention, which
 *  needs q0 = 1/2: PM_EINVAL otherwise) or delta / 2 (paper convention);
 *  PM_EINVAL for an expert scheme. */
PM_API pm_status pm_sim_repeat_delta(const pm_scheme *sc, double *delta_r, pm_error *err);

/** The probability that a duplicate pair of a agrees under the label model
 *  above: 1/2 + eta (1/2 - delta_r) for careful annotators and spammers
 *  (eta 0), 1 for longer-response clickers (the same side of the same
 *  item), 0 for left clickers (the swapped repeat always disagrees). The
 *  one closed form of the model: simulate's exact rates read it. */
PM_API double pm_sim_pass_prob(const pm_sim_annotator *a, double delta_r);

/** Label every row of the plan: labels[i] = 'A' or 'B' for row i of
 *  pm_plan_rows (room for that many). PM_EINVAL for bad inputs (a p
 *  outside [0,1], a longer clicker with a key-only pool), PM_ENOMEM. */
PM_API pm_status pm_sim_labels(const pm_sim_request *req, char *labels, pm_error *err);

/** The label event of plan row i: annotator name, item key, label ("A" or
 *  "B" from labels[i]), shown_left; for a gold row, when p_gold is not
 *  NULL, its gold label (pm_sim_gold_label); no timestamp or duration. The
 *  strings are the plan's or static (valid while the plan lives). A
 *  platform's export carries no gold: pass NULL when writing a log. */
PM_API void pm_sim_record(const pm_plan *plan, const char *labels, const double *p_gold, size_t i,
                          pm_record *out);

/** Write every row's record (pm_sim_record with no gold) to w, in plan
 *  order. The item keys are first copied into one contiguous table, so that
 *  the loop reads 33 bytes per key instead of the pool's scattered entries
 *  (a cache miss per row: most of the writing time on a large pool).
 *  Errors are the writer's; PM_ENOMEM. */
PM_API pm_status pm_sim_write_log(const pm_plan *plan, const char *labels,
                                  const pm_plan_pool *items, const pm_plan_pool *gold,
                                  pm_records_writer *w, pm_error *err);

/** The options of the in-memory assessment of a simulation: assess's
 *  defaults told what was simulated (general convention, q0 = 1/2, delta =
 *  delta_r) with the test eta0 against eta1 and the intervals' level. */
PM_API void pm_sim_assess_options(double delta_r, double level, double eta0, double eta1,
                                  pm_assess_options *out);

/** Assess a simulated run in memory: every row's record (pm_sim_record,
 *  with its gold label from p_gold when not NULL) into a new assessment
 *  with options opt, finished. *out is the caller's (pm_assess_free); NULL
 *  on error. Errors are pm_assess's. */
PM_API pm_status pm_sim_assess(const pm_plan *plan, const char *labels, const double *p_gold,
                               const pm_assess_options *opt, pm_assess **out, pm_error *err);

/** One simulated run: a plan, its labels, their counts and, when asked,
 *  the in-memory assessment of the log. */
typedef struct pm_sim_run {
    pm_plan *plan;       /* owned */
    char *labels;        /* owned: one per plan row, as pm_sim_labels writes them */
    size_t rows;         /* plan rows */
    pm_plan_summary sum; /* pm_plan_summarize without a scheme */
    pm_assess *assess;   /* owned; NULL when no assessment was asked */
} pm_sim_run;

/** Label plan with req (its plan field is ignored) and, when opt is not
 *  NULL, assess the labels (pm_sim_assess, gold from req->p_gold). The run
 *  owns plan from the call on, also on error (pm_sim_run_free frees it).
 *  Errors are pm_sim_labels's and pm_sim_assess's; PM_ENOMEM. */
PM_API pm_status pm_sim_run_make(pm_plan *plan, const pm_sim_request *req,
                                 const pm_assess_options *opt, pm_sim_run *out, pm_error *err);
PM_API void pm_sim_run_free(pm_sim_run *r);

/** The run's label log as a platform exports it: a records writer of
 *  format f on fp (name for messages) with shown_left, pm_sim_write_log,
 *  closed. items and gold are the pools the plan was made from. Errors
 *  are the writer's. */
PM_API pm_status pm_sim_run_write_log(const pm_sim_run *r, const pm_plan_pool *items,
                                      const pm_plan_pool *gold, FILE *fp, const char *name,
                                      pm_records_format f, pm_error *err);

/** The gold labels of a gold pool, "key TAB label" per line as assess
 *  --gold reads them (pm_sim_gold_label of p_gold[i]). PM_EIO. */
PM_API pm_status pm_sim_write_gold(FILE *fp, const pm_plan_pool *gold, const double *p_gold,
                                   pm_error *err);

/** The gold label of gold-pool item i: "A" when p >= 1/2, else "B". */
PM_API const char *pm_sim_gold_label(double p);

PM_END_DECLS

#endif
