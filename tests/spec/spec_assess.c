/*
** spec_assess: pm_assess on a synthetic label log against the pandas +
** mpmath reference of tests/spec/gen/gen_assess.py (tests/spec/data/
** assess_log.tsv -> assess_expected_<config>.tsv, assess_expected_summary.tsv).
**
** Tolerances: counts, decisions and flags exactly; shares, q0 and medians
** to SPEC_RTOL; eta_hat and its interval to 1e-9 absolute (the library's
** Clopper-Pearson bounds are good to ~1e-12 relative and the map (m - q0) /
** (1 - delta - q0) divides by a slope >= ~0.3 here); p-values to 1e-9
** relative (they depend on m0 = q0 + eta0 (s - q0), rounded in double).
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "prefmon/assess.h"
#include "spec_util.h"

typedef struct config {
    const char *name;
    double delta; /* NAN: estimate */
    double q0;    /* NAN: per annotator */
    double level, eta0, eta1, max_error, min_duration, fast_ratio, alpha;
} config;

/* The same list as CONFIGS in gen_assess.py. */
static const config configs[] = {
    {"default", 0.02, NAN, 0.95, 0.8, 1.0, 0.2, NAN, 0.25, 0.05},
    {"estimate", NAN, NAN, 0.9, 0.6, 1.0, 0.3, 15.0, 0.0, 0.01},
    {"fixedq0", 0.05, 0.45, 0.95, 0.5, 0.95, 0.2, NAN, 0.25, 0.05},
};

static const char *const log_cols[] = {"annotator",  "item",      "label",   "gold",
                                       "shown_left", "timestamp", "duration"};
static const char *const row_cols[] = {
    "annotator",  "labels",    "dup_pairs", "consistent",      "consistency", "q0",
    "eta_hat",    "ci_low",    "ci_high",   "p_value",         "decision",    "gold_n",
    "gold_agree", "gold_rate", "left_rate", "median_duration", "flags"};
static const char *const sum_cols[] = {"config",     "rows",      "annotators", "pairs",
                                       "pass",       "fail",      "too_few",    "no_pairs",
                                       "delta",      "delta_low", "delta_high", "delta_annotators",
                                       "delta_pairs"};

static double opt_num(const char *s)
{
    return strcmp(s, "-") == 0 ? NAN : strtod(s, NULL);
}

static pm_assess *run(const char *dir, const config *c)
{
    pm_assess_options o;
    pm_assess_options_default(&o);
    o.delta_estimate = isnan(c->delta);
    o.delta = isnan(c->delta) ? 0.02 : c->delta;
    o.q0 = c->q0;
    o.level = c->level;
    o.eta0 = c->eta0;
    o.eta1 = c->eta1;
    o.max_error = c->max_error;
    o.min_duration = c->min_duration;
    o.fast_ratio = c->fast_ratio;
    o.alpha = c->alpha;
    pm_error err;
    pm_assess *a = pm_assess_new(&o, &err);
    spec_table t;
    if (!a || spec_open(&t, dir, "assess_log.tsv", log_cols, 7) != 0) {
        printf("FAIL %s: %s\n", c->name, a ? "no log" : err.text);
        spec_failed++;
        pm_assess_free(a);
        return NULL;
    }
    int r;
    while ((r = spec_next(&t)) != 0) {
        if (r < 0)
            continue;
        const char *gold = spec_str(&t, "gold"), *side = spec_str(&t, "shown_left");
        pm_record rec = {.annotator = spec_str(&t, "annotator"),
                         .item = spec_str(&t, "item"),
                         .label = spec_str(&t, "label"),
                         .gold = strcmp(gold, "-") ? gold : NULL,
                         .shown_left = strcmp(side, "-") ? side[0] : 0,
                         .timestamp = opt_num(spec_str(&t, "timestamp")),
                         .duration = opt_num(spec_str(&t, "duration")),
                         .file = "assess_log.tsv",
                         .line = t.lineno};
        if (pm_assess_add(a, &rec, &err) != PM_OK)
            spec_fail(&t, "pm_assess_add: %s", err.text);
    }
    if (pm_assess_finish(a, &err) != PM_OK) {
        printf("FAIL %s: pm_assess_finish: %s\n", c->name, err.text);
        spec_failed++;
        pm_assess_free(a);
        return NULL;
    }
    return a;
}

static void flags_text(unsigned flags, char *buf, size_t size)
{
    buf[0] = '\0';
    for (int i = 0; i < PM_FLAG_COUNT; i++)
        if (flags & (1u << i)) {
            if (buf[0])
                strncat(buf, "|", size - strlen(buf) - 1);
            strncat(buf, pm_flag_name(i), size - strlen(buf) - 1);
        }
    if (!buf[0])
        snprintf(buf, size, "-");
}

static void check_row(spec_table *t, const pm_assess_row *r)
{
    char fl[256];
    spec_check_true(t, strcmp(spec_str(t, "annotator"), r->annotator) == 0, "annotator order");
    spec_check_long(t, "labels", r->labels);
    spec_check_long(t, "dup_pairs", r->dup_pairs);
    spec_check_long(t, "consistent", r->consistent);
    spec_check_lin(t, "consistency", r->consistency, SPEC_RTOL);
    spec_check_lin(t, "q0", r->q0, SPEC_RTOL);
    spec_check_abs(t, "eta_hat", r->eta_hat, 1e-9);
    spec_check_abs(t, "ci_low", r->ci_low, 1e-9);
    spec_check_abs(t, "ci_high", r->ci_high, 1e-9);
    spec_check_lin(t, "p_value", r->p_value, 1e-9);
    spec_check_true(t, strcmp(spec_str(t, "decision"), pm_decision_name(r->decision)) == 0,
                    "decision differs");
    spec_check_long(t, "gold_n", r->gold_n);
    spec_check_long(t, "gold_agree", r->gold_agree);
    spec_check_lin(t, "gold_rate", r->gold_rate, SPEC_RTOL);
    spec_check_lin(t, "left_rate", r->left_rate, SPEC_RTOL);
    spec_check_lin(t, "median_duration", r->median_duration, SPEC_RTOL);
    flags_text(r->flags, fl, sizeof fl);
    if (strcmp(spec_str(t, "flags"), fl) == 0)
        spec_pass();
    else
        spec_fail(t, "flags: expected %s, got %s", spec_str(t, "flags"), fl);
}

static void check_summary(spec_table *t, const pm_assess_summary *s)
{
    spec_check_long(t, "rows", s->rows);
    spec_check_long(t, "annotators", s->annotators);
    spec_check_long(t, "pairs", s->pairs);
    spec_check_long(t, "pass", s->decisions[PM_DECISION_PASS]);
    spec_check_long(t, "fail", s->decisions[PM_DECISION_FAIL]);
    spec_check_long(t, "too_few", s->decisions[PM_DECISION_TOO_FEW]);
    spec_check_long(t, "no_pairs", s->decisions[PM_DECISION_NO_PAIRS]);
    if (s->delta_estimated) {
        spec_check_lin(t, "delta", s->delta, SPEC_RTOL);
        spec_check_lin(t, "delta_low", s->delta_low, 1e-11);
        spec_check_lin(t, "delta_high", s->delta_high, 1e-11);
    } else {
        spec_check_true(t, strcmp(spec_str(t, "delta"), "nan") == 0, "delta was not estimated");
    }
    spec_check_long(t, "delta_annotators", s->delta_annotators);
    spec_check_long(t, "delta_pairs", s->delta_pairs);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "tests/spec/data";
    size_t nconf = sizeof configs / sizeof *configs;
    pm_assess *runs[sizeof configs / sizeof *configs];
    for (size_t i = 0; i < nconf; i++) {
        runs[i] = run(dir, &configs[i]);
        if (!runs[i])
            continue;
        char name[64];
        snprintf(name, sizeof name, "assess_expected_%s.tsv", configs[i].name);
        spec_table t;
        size_t n, k = 0;
        const pm_assess_row *rows = pm_assess_rows(runs[i], &n);
        if (spec_open(&t, dir, name, row_cols, 17) != 0)
            continue;
        int r;
        while ((r = spec_next(&t)) != 0) {
            if (r < 0)
                continue;
            if (k < n)
                check_row(&t, &rows[k]);
            else
                spec_fail(&t, "the library has only %zu rows", n);
            k++;
        }
        if (k != n) {
            printf("FAIL %s: %zu expected rows, the library has %zu\n", name, k, n);
            spec_failed++;
        }
    }
    spec_table t;
    if (spec_open(&t, dir, "assess_expected_summary.tsv", sum_cols, 13) == 0) {
        int r;
        while ((r = spec_next(&t)) != 0) {
            if (r < 0)
                continue;
            size_t i = 0;
            while (i < nconf && strcmp(configs[i].name, spec_str(&t, "config")) != 0)
                i++;
            if (i == nconf || !runs[i])
                spec_fail(&t, "no run for config %s", spec_str(&t, "config"));
            else
                check_summary(&t, pm_assess_summary_get(runs[i]));
        }
    }
    for (size_t i = 0; i < nconf; i++)
        pm_assess_free(runs[i]);
    return spec_finish();
}
