/*
** prefmon — a simulated run scored against its truth (prefmon/sim.h): which
** annotator each assess row is, the group each belongs to, the exact
** probability that assess's rule fails them, interval coverage, per-group
** tallies with the exact law of each group's flag count, and per-group pay
** against its exact expectation. prefmon simulate prints these; the page
** builder pm_page_simulation (prefmon/pages.h) lays them out.
**
** The exact numbers come from the one source of each rule: the pass
** probability of a pair from pm_sim_pass_prob (the simulation model), the
** decision rule from pm_assess_rule_for / pm_assess_rule_apply, pay from
** pm_pay_compute and pm_pay_scaled_threshold.
**
** Ownership: every struct is a plain value owned by the caller. A
** pm_sim_score owns its points (freed by pm_sim_score_free) and keeps no
** pointer into the assessment or the truth it was scored from, so the run
** can be freed as soon as it is scored. Truths borrow their arrays.
*/
#ifndef PREFMON_SIM_SCORE_H
#define PREFMON_SIM_SCORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "prefmon/assess.h"
#include "prefmon/contract.h"
#include "prefmon/export.h"
#include "prefmon/plan.h"
#include "prefmon/sim.h"
#include "prefmon/status.h"

PM_BEGIN_DECLS

/* ---- the truth -------------------------------------------------------- */

/** A simulated pool as the scorer reads it: pool[i] is named names[i]. */
typedef struct pm_sim_truth {
    const pm_sim_annotator *pool;
    const char *const *names;
    size_t n;
    double delta_r; /* the careful repeat disagreement simulated */
} pm_sim_truth;

/** A simulated world: the items read, the gold set and pool split from
 *  them with each item's P(A), and the annotators with their names. Every
 *  pointer is owned (pm_sim_world_free); zero it before the first call. */
typedef struct pm_sim_world {
    pm_plan_pool *all, *items, *gold; /* all: every item read; items + gold: the split */
    double *p_all, *p_items, *p_gold; /* P(A) of every item of each pool */
    size_t repeated;                  /* items read again and skipped */
    pm_sim_annotator *pool;
    char **names; /* pool[i] is names[i] */
    size_t n;
    double delta_r; /* the careful repeat disagreement simulated */
    uint64_t seed;  /* labels and efforts */
} pm_sim_world;

/** Read the items from fp (pm_sim_items_read) and split off the first g as
 *  the gold set (pm_sim_items_split). PM_EINVAL when g takes every item;
 *  the reader's errors. */
PM_API pm_status pm_sim_world_items(pm_sim_world *w, FILE *fp, const char *name, size_t g,
                                    pm_error *err);
/** The pool, counts[] careful, spammer, longer, left (pm_sim_pool_counts)
 *  with efforts e drawn from w->seed, and their opaque names from w->seed
 *  (pm_sim_names). pm_sim_pool's errors; PM_ENOMEM. */
PM_API pm_status pm_sim_world_pool(pm_sim_world *w, const size_t counts[4], const pm_sim_effort *e,
                                   pm_error *err);
/** The annotators take the plan's names, in its order (a plan read back
 *  from a manifest). PM_ENOMEM. */
PM_API pm_status pm_sim_world_rename(pm_sim_world *w, const pm_plan *plan, pm_error *err);
PM_API void pm_sim_world_free(pm_sim_world *w);
/** The truth of w (borrowing its arrays). */
PM_API pm_sim_truth pm_sim_world_truth(const pm_sim_world *w);

/** Opaque annotator names for a pool of n: "a" and a number of at least 4
 *  digits (a0001 ...), the numbers a permutation of 1..n drawn from seed,
 *  so that neither a name nor its rank tells the annotator's kind (the
 *  pool is built careful first). *names (n malloc'd strings in a malloc'd
 *  array) is freed with pm_sim_names_free. PM_ENOMEM. */
PM_API pm_status pm_sim_names(size_t n, uint64_t seed, char ***names, pm_error *err);
PM_API void pm_sim_names_free(char **names, size_t n);

/** The truth as CSV: annotator,kind,eta,delta,seed,label_seed, one row per
 *  annotator in pool order; text cells through pm_csv_guard (and quoted
 *  when needed), numbers in pm_fmt_double's shortest form, an annotator
 *  without an effort model an empty eta. PM_EIO on a write error. */
PM_API pm_status pm_sim_write_truth(FILE *fp, const pm_sim_truth *t, uint64_t seed,
                                    uint64_t label_seed, pm_error *err);

/* ---- groups --------------------------------------------------------------- */

typedef enum pm_sim_group {
    PM_SIM_GROUP_DILIGENT = 0, /* careful with eta >= eta1 */
    PM_SIM_GROUP_BETWEEN = 1,  /* careful with eta0 < eta < eta1 */
    PM_SIM_GROUP_SHIRKING = 2, /* careful with eta <= eta0 */
    PM_SIM_GROUP_SPAMMER = 3,
    PM_SIM_GROUP_LONGER = 4,
    PM_SIM_GROUP_LEFT = 5,
    PM_SIM_GROUP_COUNT = 6
} pm_sim_group;

/** "diligent", "between", "shirking", "spammer", "longer", "left"; NULL out
 *  of range. */
PM_API const char *pm_sim_group_name(pm_sim_group g);

/** The group of a against the test's effort levels. */
PM_API pm_sim_group pm_sim_group_of(const pm_sim_annotator *a, double eta0, double eta1);

/* ---- one annotator --------------------------------------------------------- */

/** idx[i] = the pool index of the annotator assess row i names (rows
 *  sorted by name, as pm_assess_rows gives them). PM_EINVAL naming a row
 *  whose annotator is not in the truth; PM_ENOMEM. */
PM_API pm_status pm_sim_match(const pm_sim_truth *t, const pm_assess_row *rows, size_t count,
                              size_t *idx, pm_error *err);

/** The exact probability that assess's rule (pm_assess_rule_for with opt,
 *  opt->delta and opt->q0) fails an annotator with pair pass probability m
 *  on n pairs: P(X < k) = pbinom(k - 1, n, m) when the fixed-n test
 *  decides; else the sum of dbinom(x, n, m) over the counts x that the
 *  sequential evidence fails (pm_assess_rule_apply; 0 without a signal or
 *  without pairs). NaN when the rule cannot be made
 *  (a NaN q0, a delta outside [0, 1)). */
PM_API double pm_sim_fail_prob(const pm_assess_options *opt, long n, double m);

/** 1 when r's interval for eta covers a's true effort, 0 when it does not,
 *  -1 when there is nothing to cover (no effort model: longer and left
 *  clickers; no interval). */
PM_API int pm_sim_covered(const pm_sim_annotator *a, const pm_assess_row *r);

/* ---- a run ------------------------------------------------------------------ */

/** The exact law of a group's self-consistency flag count K: each member
 *  failed with their own exact probability, independently (Poisson-
 *  binomial). */
typedef struct pm_sim_law {
    int decided;         /* 0: every member had too few pairs (nothing to compare) */
    double mean;         /* E K */
    double below, above; /* P(K <= flagged), P(K >= flagged) */
    int inside;          /* both at least 0.0005: inside the central 99.9% */
} pm_sim_law;

typedef struct pm_sim_tally {
    long n;          /* annotators */
    long too_few;    /* decision too-few */
    long self;       /* decision fail (self-consistency) */
    long gold;       /* flag consistent-but-wrong */
    long side;       /* flag same-side */
    long cov, cov_n; /* intervals covering the truth, of those that can */
    double self_rate, self_exact, gold_rate, side_rate; /* per annotator; self_exact the mean
                                                         * exact P(fail) */
    pm_sim_law law;
} pm_sim_tally;

/** Interval coverage over the pool: cov of cov_n, its 99.9% Clopper–Pearson
 *  interval [lo, hi], ok when hi reaches the level. */
typedef struct pm_sim_coverage {
    long cov, n;
    double level, lo, hi;
    int ok;
} pm_sim_coverage;

/** An effort estimate against the truth (careful annotators and spammers). */
typedef struct pm_sim_point {
    double eta, eta_hat, ci_low, ci_high;
} pm_sim_point;

typedef struct pm_sim_score {
    double dup_rate;                          /* as given (NaN: --dup-count) */
    long pairs, gold, length;                 /* per annotator, from the plan */
    long long monitoring_labels, gold_labels; /* pairs and gold items times annotators */
    double max_error, level;                  /* the assessment's */
    pm_sim_tally group[PM_SIM_GROUP_COUNT];
    pm_sim_coverage coverage; /* n 0: no interval to judge */
    pm_sim_point *points;     /* owned; in assess row order */
    size_t npoints;
} pm_sim_score;

/** Score assessment a (made with q0 = 1/2 and delta = t->delta_r, every row
 *  an annotator of t) of a run of plan summary sum at dup_rate. The groups
 *  use a's eta0 and eta1. PM_EINVAL, PM_ELIMIT (a group over
 *  PM_POIBIN_MAX), PM_ENOMEM; on error *out holds nothing to free. */
PM_API pm_status pm_sim_score_run(const pm_sim_truth *t, const pm_assess *a,
                                  const pm_plan_summary *sum, double dup_rate, pm_sim_score *out,
                                  pm_error *err);
PM_API void pm_sim_score_free(pm_sim_score *s);

/* ---- pay ------------------------------------------------------------------- */

/** The exact expected wage of an annotator with pair pass probability m on
 *  n_i pairs under t: the rule pm_pay_compute applies (binary: threshold
 *  scaled by pm_pay_scaled_threshold; no pairs: the base). NaN when the
 *  threshold cannot be scaled. */
PM_API double pm_sim_expected_wage(const pm_contract_terms *t, long n_i, double m);

typedef struct pm_sim_pay {
    long n;
    double mean_wage;     /* pm_pay_compute at unit 1, rounded to cents */
    double mean_expected; /* pm_sim_expected_wage for each member's true m and pairs */
} pm_sim_pay;

/** Per group, the simulated wages under terms for assessment a and their
 *  exact expectation. Errors are pm_pay_compute's, pm_sim_match's. */
PM_API pm_status pm_sim_pay_groups(const pm_sim_truth *t, const pm_assess *a,
                                   const pm_contract_terms *terms,
                                   pm_sim_pay out[PM_SIM_GROUP_COUNT], pm_error *err);

/* ---- the page's input ------------------------------------------------------ */

/** One contract's pay per group, for the page. */
typedef struct pm_sim_contract_pay {
    const char *contract; /* how the page names it (the file) */
    pm_contract_type type;
    pm_sim_pay group[PM_SIM_GROUP_COUNT];
} pm_sim_contract_pay;

/** Everything pm_page_simulation lays out. */
typedef struct pm_sim_page {
    uint64_t seed, label_seed;
    size_t annotators;
    double delta_r;
    const char *items;        /* the item file named */
    const pm_sim_score *runs; /* at least one */
    size_t nruns;
    const pm_sim_contract_pay *pay; /* of runs[0]; npay 0: no pay section */
    size_t npay;
} pm_sim_page;

PM_END_DECLS

#endif
