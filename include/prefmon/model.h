/*
** prefmon — principal–agent model primitives (paper §5).
**
** Agent utility  G(w) - E(eta)   G increasing concave (risk-averse),
**                                E increasing convex effort cost;
** Principal      mu(eta) - w     mu increasing concave value of effort;
** outside option U0 and wage bounds [w_min, w_max].
**
** Families and their short specs (pm_*_parse):
**   G   cara:a                 a - a e^{-a w}           (a > 0)
**       sumexp:a1,b1,a2,b2,..  sum a_i (1 - e^{-b_i w}) (a_i, b_i > 0)
**       linear                 w                        (risk neutral)
**   E   poly:c0,c1,c2,..       sum c_i eta^i
**   mu  power:K,R              K eta^R
**       exp:K,R                K (1 - e^{-R eta})
**       log:K,R                K ln(1 + R eta)
**
** Ownership: every type here is a plain value owned by the caller; specs
** and paths are borrowed for the duration of the call. Pure, thread-safe.
*/
#ifndef PREFMON_MODEL_H
#define PREFMON_MODEL_H

#include "prefmon/export.h"
#include "prefmon/status.h"

PM_BEGIN_DECLS

#define PM_MODEL_MAX_TERMS 16

typedef enum pm_utility_kind {
    PM_UTILITY_CARA = 0,
    PM_UTILITY_SUMEXP = 1,
    PM_UTILITY_LINEAR = 2
} pm_utility_kind;

/** G(w). CARA a is stored as the one-term sum a (1 - e^{-a w}). */
typedef struct pm_utility {
    pm_utility_kind kind;
    int nterms;
    double alpha[PM_MODEL_MAX_TERMS], beta[PM_MODEL_MAX_TERMS];
} pm_utility;

/** E(eta) = sum c[i] eta^i, i < ncoef. */
typedef struct pm_cost {
    int ncoef;
    double c[PM_MODEL_MAX_TERMS];
} pm_cost;

typedef enum pm_value_kind { PM_VALUE_POWER = 0, PM_VALUE_EXP = 1, PM_VALUE_LOG = 2 } pm_value_kind;

/** mu(eta) with scale K and rate/exponent R. */
typedef struct pm_value {
    pm_value_kind kind;
    double K, R;
} pm_value;

typedef struct pm_model {
    pm_utility G;
    pm_cost E;
    pm_value mu;
    double u0;           /* outside option */
    double w_min, w_max; /* wage bounds */
} pm_model;

/** The paper's main setting: G = 1 - e^{-w}, E = 0.18 eta^2,
 *  mu = 0.5 eta^0.8, U0 = 0, wages in [-10, 20]. */
PM_API void pm_model_default(pm_model *m);

/** Parse short specs ("cara:1", "poly:0,0,0.18", "power:0.5,0.8").
 *  PM_EINVAL with a message naming the spec on error. */
PM_API pm_status pm_utility_parse(const char *spec, pm_utility *out, pm_error *err);
PM_API pm_status pm_cost_parse(const char *spec, pm_cost *out, pm_error *err);
PM_API pm_status pm_value_parse(const char *spec, pm_value *out, pm_error *err);

/** A buffer of PM_SPEC_MAX bytes always holds a formatted spec: at most
 *  PM_MODEL_MAX_TERMS pairs of numbers of at most 24 characters each
 *  ("-2.2250738585072014e-308") with separators, and a family name. */
#define PM_SPEC_MAX 1024

/** Write the canonical spec back ("cara:1"); returns out. */
PM_API char *pm_utility_format(const pm_utility *g, char *out, size_t size);
PM_API char *pm_cost_format(const pm_cost *e, char *out, size_t size);
PM_API char *pm_value_format(const pm_value *mu, char *out, size_t size);

/** Value (deriv 0), first (1) or second (2) derivative. */
PM_API double pm_utility_eval(const pm_utility *g, double w, int deriv);
PM_API double pm_cost_eval(const pm_cost *e, double eta, int deriv);
PM_API double pm_value_eval(const pm_value *mu, double eta, int deriv);

/** G^{-1}(u); NaN when u is outside the range of G. */
PM_API double pm_utility_inverse(const pm_utility *g, double u);

/**
 * Check the paper's assumptions on the domain: G increasing and concave on
 * [w_min, w_max], E increasing and convex on [0,1], mu increasing and
 * concave on [0,1], w_min < w_max, and E([0,1]) + U0 inside G([w_min,
 * w_max]) (Assumption 4). PM_EMODEL with the violated condition otherwise.
 */
PM_API pm_status pm_model_check(const pm_model *m, pm_error *err);

/** Read a JSON config {"utility": "cara:1", "cost": "poly:0,0,0.18",
 *  "value": "power:0.5,0.8", "u0": 0, "wage_min": -10, "wage_max": 20}
 *  (every key optional) over *m. PM_EIO / PM_EPARSE with file position. */
PM_API pm_status pm_model_read_json(const char *path, pm_model *m, pm_error *err);

/** pm_model_read_json for a config in memory, buf[0..len) (no NUL needed);
 *  `name` stands for the path in messages (NULL: "<memory>"). */
PM_API pm_status pm_model_read_json_mem(const char *buf, size_t len, const char *name, pm_model *m,
                                        pm_error *err);

PM_END_DECLS

#endif
