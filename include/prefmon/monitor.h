/*
** prefmon — monitoring schemes and their statistics.
**
** A monitoring scheme turns an annotator's effort eta in [0,1] into the pass
** probability of one monitored item, m(eta) = q0 + eta * (s - q0):
**
**   self-consistency, general convention   q0 = chance agreement (1/2 for a
**                                           fair binary coin), s = 1 - delta;
**   self-consistency, paper convention     m = (1 + (1 - delta) eta) / 2,
**                                           i.e. q0 = 1/2, s = 1 - delta/2;
**   expert agreement                       m = (1 + cbar eta) / 2,
**                                           q0 = 1/2, s = (1 + cbar) / 2.
**
** X passes out of n monitored items is Bin(n, m(eta)). Everything here is
** exact: tails are binomial tails, never normal approximations.
**
** Ownership: pm_scheme and the result structs are plain values owned by the
** caller; input arrays are borrowed for the duration of the call. All
** functions are pure and thread-safe.
*/
#ifndef PREFMON_MONITOR_H
#define PREFMON_MONITOR_H

#include <stddef.h>

#include "prefmon/export.h"
#include "prefmon/status.h"

PM_BEGIN_DECLS

typedef enum pm_monitor_kind { PM_MONITOR_SELF = 0, PM_MONITOR_EXPERT = 1 } pm_monitor_kind;

typedef enum pm_convention {
    PM_CONV_GENERAL = 0, /* m = q0 + eta (1 - delta - q0) */
    PM_CONV_PAPER = 1    /* m = (1 + (1 - delta) eta) / 2 */
} pm_convention;

/** A monitoring scheme. Build it with pm_scheme_self / pm_scheme_expert,
 *  which validate; the fields are then read-only. The scheme is its
 *  parameters only: s (the pass probability at eta = 1) is not stored but
 *  derived by pm_scheme_agreement, so no field can disagree with the maths
 *  (an earlier version stored an s that nothing read). */
typedef struct pm_scheme {
    pm_monitor_kind kind;
    pm_convention convention; /* self-consistency only */
    double delta;             /* self: repeat disagreement; expert: unused (0) */
    double cbar;              /* expert: alignment coefficient; self: unused (0) */
    double q0;                /* pass probability at eta = 0 */
} pm_scheme;

/** Self-consistency scheme. delta in [0,1]; q0 in (0,1) (ignored, fixed at
 *  1/2, under the paper convention). PM_EINVAL unless s > q0. */
PM_API pm_status pm_scheme_self(pm_scheme *out, pm_convention conv, double delta, double q0,
                                pm_error *err);

/** Expert-agreement scheme, cbar in (0, 1]. */
PM_API pm_status pm_scheme_expert(pm_scheme *out, double cbar, pm_error *err);

/** Short names: "self"/"expert", "general"/"paper". */
PM_API const char *pm_monitor_name(pm_monitor_kind kind);
PM_API const char *pm_convention_name(pm_convention conv);

/** s = m(1), the pass probability of full effort, in the convention's own
 *  form: 1 - delta (general), 1 - delta/2 (paper), (1 + cbar)/2 (expert).
 *  For reports; the maths uses q0 and the exact slope, since s - q0
 *  computed from a rounded s would lose the low bits of a small cbar. */
PM_API double pm_scheme_agreement(const pm_scheme *sc);

/** Pass probability m(eta). */
PM_API double pm_scheme_pass(const pm_scheme *sc, double eta);

/** dm/deta = s - q0 (constant). */
PM_API double pm_scheme_slope(const pm_scheme *sc);

/** The paper's c in m = (1 + c eta)/2 when q0 = 1/2: c = 2 (s - q0). */
PM_API double pm_scheme_c(const pm_scheme *sc);

/** Fisher information per monitored item, I(eta) = m'^2 / (m (1 - m));
 *  +inf where m(eta) is 0 or 1. */
PM_API double pm_scheme_fisher(const pm_scheme *sc, double eta);

/** Inverse of m, eta = (m - q0) / (s - q0), not clipped. */
PM_API double pm_scheme_eta(const pm_scheme *sc, double m);

/**
 * Alignment coefficient of an expert from preference probabilities:
 * cbar = mean 4 (p - 1/2)(pe - 1/2). With pe == NULL the expert always takes
 * the majority side (pe = 1{p >= 1/2}), i.e. cbar = 2 mean |p - 1/2|.
 * PM_EINVAL when count is 0 or a probability is outside [0,1].
 */
PM_API pm_status pm_cbar(const double *p, const double *pe, size_t count, double *cbar,
                         pm_error *err);

/* ---- hypothesis test H0: eta <= eta0 against H1: eta >= eta1 ---------- */

typedef enum pm_rule {
    PM_RULE_LR = 0,   /* diligent iff P(X | m1) >= P(X | m0) (the paper's test) */
    PM_RULE_LEVEL = 1 /* smallest k with P(X >= k | m0) <= alpha */
} pm_rule;

/** A threshold test "diligent iff X >= k" with its exact error rates. */
typedef struct pm_test {
    long n; /* monitored items */
    long k; /* threshold, 0..n+1 (n+1: never declares diligent) */
    double eta0, eta1;
    double m0, m1; /* pass probabilities under H0 and H1 */
    double type1;  /* P(X >= k | m0): a low-effort annotator passes */
    double type2;  /* P(X <  k | m1): a diligent annotator fails */
    double error_sum;
    double log_type1, log_type2; /* natural logs, exact below 1e-308 */
} pm_test;

/** What a test decides between and how: the request of pm_test_design,
 *  pm_samplesize and pm_plan_summarize. Start from pm_test_request_default. */
typedef struct pm_test_request {
    const pm_scheme *scheme; /* required */
    double eta0, eta1;       /* H0 and H1 effort levels, 0 <= eta0 < eta1 <= 1 (0.8, 1) */
    pm_rule rule;            /* PM_RULE_LR */
    double alpha;            /* PM_RULE_LEVEL only, in (0, 1) (0.05) */
} pm_test_request;

/** The defaults above (scheme NULL: set it). */
PM_API void pm_test_request_default(pm_test_request *req);

/** The defaults with scheme, eta0 and eta1 set: the likelihood-ratio test
 *  of m(eta0) against m(eta1) that assess, simulate and the sequential
 *  module's naive rule design. */
PM_API pm_test_request pm_test_request_lr(const pm_scheme *sc, double eta0, double eta1);

/** Design the test for n items by req->rule (alpha used by PM_RULE_LEVEL
 *  only) and compute its errors. PM_EINVAL unless req and its scheme are
 *  given, 0 <= eta0 < eta1 <= 1, n >= 1, 0 < alpha < 1 (level rule). Ties
 *  of the likelihood ratio go to H1. */
PM_API pm_status pm_test_design(const pm_test_request *req, long n, pm_test *out, pm_error *err);

/** Errors of the test with a given threshold k (0 <= k <= n+1). */
PM_API pm_status pm_test_errors(const pm_scheme *sc, double eta0, double eta1, long n, long k,
                                pm_test *out, pm_error *err);

/** Most steps of pm_samplesize's exact scan (level rule) above the
 *  randomised envelope's answer; each step costs two or three binomial
 *  tails. The scan is typically O(sqrt n) steps (the saw-tooth's depth),
 *  e.g. 1242 evaluations in all for n = 6.1e8 (test_monitor.c). */
#define PM_SAMPLESIZE_SCAN_MAX (1L << 20)

/**
 * Smallest n in [1, max_n] whose test meets the target: error_sum <= target
 * (PM_RULE_LR) or type2 <= target at level alpha (PM_RULE_LEVEL). Exact: the
 * answer is checked against every smaller n that could qualify (see
 * monitor.c for why a bisection on a monotone envelope is exact).
 * Work: O(log max_n) tests for the LR rule; for the level rule a bisection
 * plus a scan of at most PM_SAMPLESIZE_SCAN_MAX values of n, past which it
 * returns PM_ELIMIT (the answer would be exact but too costly) instead.
 * PM_ERANGE when no n <= max_n qualifies; *out then holds the test at max_n.
 */
PM_API pm_status pm_samplesize(const pm_test_request *req, double target, long max_n, pm_test *out,
                               pm_error *err);

/** Effort estimate from x passes out of n. */
typedef struct pm_estimate {
    long n, x;
    double level;
    double m_hat, m_low, m_high;       /* x/n and its Clopper–Pearson interval */
    double eta_hat, eta_low, eta_high; /* mapped through m^-1, clipped to [0,1] */
    double eta0, p_value;              /* P(X >= x | m(eta0)), exact */
} pm_estimate;

PM_API pm_status pm_estimate_effort(const pm_scheme *sc, long n, long x, double level, double eta0,
                                    pm_estimate *out, pm_error *err);

/* ---- expert monitoring: information-theoretic lower bound -------------- */

/**
 * Mean per-item KL divergence between the label laws under eta0 and eta1,
 * KL = mean_i kl(1/2 + eta0 (p_i - 1/2) || 1/2 + eta1 (p_i - 1/2)), each
 * probability clipped to [1e-4, 1 - 1e-4] as in the authors' code.
 */
PM_API pm_status pm_expert_kl(const double *p, size_t count, double eta0, double eta1, double *kl,
                              pm_error *err);

/** Lower bound on type I + type II error of ANY test from n items:
 *  max(0, 1 - sqrt(n KL / 2), 1 - sqrt(1 - exp(-n KL))) (Pinsker and
 *  Bretagnolle–Huber on 1 - TV). */
PM_API double pm_expert_lower_bound(double kl, double n);

/** The paper's looser Proposition 1 bound, exp(-n KL) / 2. */
PM_API double pm_expert_lower_bound_paper(double kl, double n);

/** Smallest n >= 1 with pm_expert_lower_bound(kl, n) <= target: below it no
 *  test can reach the target. PM_ERANGE if none up to max_n. */
PM_API pm_status pm_expert_bound_samplesize(double kl, double target, long max_n, long *n,
                                            pm_error *err);

PM_END_DECLS

#endif
