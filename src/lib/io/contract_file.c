/* Contract files: a solved contract with its model and scheme, as JSON. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "io/json_file.h"
#include "io/model_json.h"
#include "prefmon/contract.h"
#include "prefmon/outfile.h"
#include "prefmon/text.h"
#include "prefmon/version.h"

#define FORMAT_NAME "prefmon-contract"
#define FORMAT_VERSION 1

/* NaN and infinities are not JSON: they become null and read back as NaN. */
static json_t *jnum(double x)
{
    return isfinite(x) ? json_real(x) : json_null();
}

static json_t *scheme_json(const pm_scheme *sc)
{
    json_t *o = json_object();
    json_object_set_new(o, "monitor", json_string(pm_monitor_name(sc->kind)));
    json_object_set_new(o, "convention", json_string(pm_convention_name(sc->convention)));
    json_object_set_new(o, "delta", json_real(sc->delta));
    json_object_set_new(o, "cbar", json_real(sc->cbar));
    json_object_set_new(o, "q0", json_real(sc->q0));
    json_object_set_new(o, "s", json_real(pm_scheme_agreement(sc)));
    return o;
}

static json_t *contract_json(const pm_contract *c, const pm_model *m, const pm_scheme *sc,
                             const char *method)
{
    json_t *root = json_object();
    json_object_set_new(root, "format", json_string(FORMAT_NAME));
    json_object_set_new(root, "format_version", json_integer(FORMAT_VERSION));
    json_object_set_new(root, "prefmon_version", json_string(pm_version()));
    json_object_set_new(root, "type", json_string(pm_contract_type_name(c->terms.type)));
    json_object_set_new(root, "solve", json_string(pm_solve_name(c->solve)));
    json_object_set_new(root, "method", json_string(method ? method : "exact"));
    json_object_set_new(root, "n", json_integer(c->terms.n));
    /* How an annotator with other than n pairs is judged, fixed with the
     * terms before the work (contract.h: pm_threshold_rule); pay reads it. */
    json_object_set_new(root, "threshold_rule",
                        json_string(pm_threshold_rule_name(PM_THRESHOLD_FIRST_N)));
    json_object_set_new(root, "feasible", json_boolean(c->feasible));
    json_object_set_new(root, "k", json_integer(c->terms.k));
    /* fisher_info is derived (I(eta*) of the scheme), kept in the file for
     * its readers; the grid's tau is not written (k is what pays). */
    static const char *const names[] = {"eta",
                                        "base",
                                        "slope",
                                        "bonus",
                                        "expected_pay",
                                        "principal_utility",
                                        "agent_utility",
                                        "first_best_utility",
                                        "first_best_eta",
                                        "gap",
                                        "normalized_gap",
                                        "fisher_info"};
    const double vals[] = {
        c->eta,           c->terms.base,         c->terms.slope,
        c->terms.bonus,   c->expected_pay,       c->principal_utility,
        c->agent_utility, c->first_best_utility, c->first_best_eta,
        c->gap,           c->normalized_gap,     pm_scheme_fisher(sc, c->first_best_eta)};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        json_object_set_new(root, names[i], jnum(vals[i]));
    json_object_set_new(root, "model", pmx_model_to_json(m));
    json_object_set_new(root, "scheme", scheme_json(sc));
    return root;
}

pm_status pm_contract_save(const char *path, const pm_contract *c, const pm_model *m,
                           const pm_scheme *sc, const char *method, pm_error *err)
{
    if (!path || !c || !m || !sc)
        return pm_error_set(err, PM_EINVAL, "pm_contract_save: NULL argument");
    json_t *root = contract_json(c, m, sc, method);
    if (!root)
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    /* Complete or not there: see prefmon/outfile.h for links and devices. */
    pm_outfile *of = NULL;
    pm_status st = pm_outfile_open(path, &of, err);
    if (st == PM_OK) {
        FILE *fp = pm_outfile_stream(of);
        if (json_dumpf(root, fp, JSON_INDENT(2) | JSON_REAL_PRECISION(17)) != 0 ||
            fputc('\n', fp) == EOF) {
            pm_outfile_abort(of);
            st = pm_error_set(err, PM_EIO, "%s: %s", path, strerror(errno));
        } else {
            st = pm_outfile_commit(of, err);
        }
    }
    json_decref(root);
    return st;
}

/* ---- reading ------------------------------------------------------------ */

static pm_status get_num(const char *path, json_t *o, const char *key, int nullable, double *out,
                         pm_error *err)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return pm_error_set(err, PM_EPARSE, "%s: field '%s': missing", path, key);
    if (json_is_null(v) && nullable) {
        *out = NAN;
        return PM_OK;
    }
    if (!json_is_number(v))
        return pm_error_set(err, PM_EPARSE, "%s: field '%s': not a number", path, key);
    *out = json_number_value(v);
    return PM_OK;
}

static pm_status get_str(const char *path, json_t *o, const char *key, const char **out,
                         pm_error *err)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        return pm_error_set(err, PM_EPARSE, "%s: field '%s': %s", path, key,
                            v ? "not a string" : "missing");
    *out = json_string_value(v);
    return PM_OK;
}

static pm_status get_int(const char *path, json_t *o, const char *key, long lo, long hi, long *out,
                         pm_error *err)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        return pm_error_set(err, PM_EPARSE, "%s: field '%s': %s", path, key,
                            v ? "not an integer" : "missing");
    json_int_t x = json_integer_value(v);
    if (x < lo || x > hi)
        return pm_error_set(err, PM_EPARSE, "%s: field '%s': %lld is outside [%ld, %ld]", path, key,
                            (long long)x, lo, hi);
    *out = (long)x;
    return PM_OK;
}

static pm_status load_scheme(const char *path, json_t *o, pm_scheme *sc, pm_error *err)
{
    const char *mon = "", *conv = "";
    double delta = 0, cbar = 0, q0 = 0;
    pm_status st;
    if (!json_is_object(o))
        return pm_error_set(err, PM_EPARSE, "%s: field 'scheme': missing or not an object", path);
    if ((st = get_str(path, o, "monitor", &mon, err)) ||
        (st = get_str(path, o, "convention", &conv, err)) ||
        (st = get_num(path, o, "delta", 0, &delta, err)) ||
        (st = get_num(path, o, "cbar", 0, &cbar, err)) ||
        (st = get_num(path, o, "q0", 0, &q0, err)))
        return st;
    if (strcmp(mon, "expert") == 0)
        st = pm_scheme_expert(sc, cbar, NULL);
    else if (strcmp(mon, "self") == 0 && (!strcmp(conv, "paper") || !strcmp(conv, "general")))
        st = pm_scheme_self(sc, strcmp(conv, "paper") == 0 ? PM_CONV_PAPER : PM_CONV_GENERAL, delta,
                            q0, NULL);
    else
        return pm_error_set(err, PM_EPARSE,
                            "%s: field 'scheme': unknown monitor '%s' or "
                            "convention '%s'",
                            path, mon, conv);
    if (st != PM_OK)
        return pm_error_set(err, PM_EPARSE, "%s: field 'scheme': invalid parameters", path);
    return PM_OK;
}

/* The report's numbers and the terms' base / slope / bonus into x (its
 * feasible flag already read). */
static pm_status load_numbers(const char *path, json_t *root, pm_contract *x, pm_error *err)
{
    pm_status st;
    double ignored;
    struct {
        const char *name;
        double *dst;
        int must_be_finite;
    } nums[] = {{"eta", &x->eta, 1},
                {"base", &x->terms.base, 1},
                {"slope", &x->terms.slope, 1},
                {"bonus", &x->terms.bonus, 1},
                {"expected_pay", &x->expected_pay, 1},
                {"principal_utility", &x->principal_utility, 1},
                {"agent_utility", &x->agent_utility, 1},
                {"first_best_utility", &x->first_best_utility, 0},
                {"first_best_eta", &x->first_best_eta, 0},
                {"gap", &x->gap, 0},
                {"normalized_gap", &x->normalized_gap, 0}};
    for (size_t i = 0; i < sizeof nums / sizeof *nums; i++) {
        /* An infeasible contract has no terms: nulls allowed there. */
        int nullable = !nums[i].must_be_finite || !x->feasible;
        if ((st = get_num(path, root, nums[i].name, nullable, nums[i].dst, err)))
            return st;
    }
    /* Derived (fisher_info) or grid-only (tau, older files): checked when
     * present, not kept. */
    static const char *const extra[] = {"fisher_info", "tau"};
    for (size_t i = 0; i < sizeof extra / sizeof *extra; i++)
        if (json_object_get(root, extra[i]) &&
            (st = get_num(path, root, extra[i], 1, &ignored, err)))
            return st;
    return PM_OK;
}

/* Terms that pay what the contract says: an infeasible contract has none;
 * a binary contract has no slope and a linear one no bonus; the incentive
 * is never negative; every wage lies in the model's [wage_min, wage_max]
 * (what the solver verified before writing the file). */
static pm_status check_terms(const char *path, const pm_contract *c, const pm_model *m,
                             pm_error *err)
{
    const pm_contract_terms *t = &c->terms;
    int binary = t->type == PM_CONTRACT_BINARY;
    const char *inc = binary ? "bonus" : "slope";
    double x = binary ? t->bonus : t->slope;
    char a[PM_DOUBLE_TEXT];
    if (!c->feasible)
        return pm_error_set(err, PM_EPARSE,
                            "%s: field 'feasible': false: an infeasible contract has no terms "
                            "to pay",
                            path);
    if (binary && t->slope != 0) {
        pm_fmt_double(t->slope, a, sizeof a);
        return pm_error_set(err, PM_EPARSE,
                            "%s: field 'slope': a binary contract has no slope (got %s, not 0)",
                            path, a);
    }
    if (!binary && t->bonus != 0) {
        pm_fmt_double(t->bonus, a, sizeof a);
        return pm_error_set(err, PM_EPARSE,
                            "%s: field 'bonus': a linear contract has no bonus (got %s, not 0)",
                            path, a);
    }
    if (x < 0) {
        pm_fmt_double(x, a, sizeof a);
        return pm_error_set(err, PM_EPARSE,
                            "%s: field '%s': %s is negative (a contract that pays less for "
                            "more consistency is refused)",
                            path, inc, a);
    }
    if (!(t->base >= m->w_min && t->base <= m->w_max)) {
        pm_fmt_double(t->base, a, sizeof a);
        return pm_error_set(err, PM_EPARSE,
                            "%s: field 'base': %s is outside the model's wages [wage_min, "
                            "wage_max] = [%g, %g]",
                            path, a, m->w_min, m->w_max);
    }
    if (!(t->base + x <= m->w_max)) {
        pm_fmt_double(t->base + x, a, sizeof a);
        return pm_error_set(err, PM_EPARSE,
                            "%s: field '%s': the top wage base + %s = %s is above the model's "
                            "wage_max = %g",
                            path, inc, inc, a, m->w_max);
    }
    return PM_OK;
}

static pm_status load_root(const char *path, json_t *root, pm_contract *c, pm_model *m,
                           pm_scheme *sc, pm_error *err)
{
    const char *fmt = "", *type = "", *solve = "";
    long version = 0, n = 0, k = 0;
    pm_status st;
    if (!json_is_object(root))
        return pm_error_set(err, PM_EPARSE, "%s:1:1: expected a JSON object", path);
    if ((st = get_str(path, root, "format", &fmt, err)))
        return st;
    if (strcmp(fmt, FORMAT_NAME) != 0)
        return pm_error_set(err, PM_EPARSE, "%s: field 'format': '%s' is not a %s file", path, fmt,
                            FORMAT_NAME);
    if ((st = get_int(path, root, "format_version", 1, FORMAT_VERSION, &version, err)) ||
        (st = get_str(path, root, "type", &type, err)) ||
        (st = get_str(path, root, "solve", &solve, err)) ||
        (st = get_int(path, root, "n", 1, 1000000000L, &n, err)))
        return st;
    pm_contract x;
    memset(&x, 0, sizeof x);
    x.terms.n = n;
    if (strcmp(type, "linear") == 0)
        x.terms.type = PM_CONTRACT_LINEAR;
    else if (strcmp(type, "binary") == 0)
        x.terms.type = PM_CONTRACT_BINARY;
    else
        return pm_error_set(err, PM_EPARSE, "%s: field 'type': '%s' is not linear or binary", path,
                            type);
    if (strcmp(solve, "first-best") == 0)
        x.solve = PM_SOLVE_FIRST_BEST;
    else if (strcmp(solve, "restricted") == 0)
        x.solve = PM_SOLVE_RESTRICTED;
    else if (strcmp(solve, "second-best") == 0)
        x.solve = PM_SOLVE_SECOND_BEST;
    else
        return pm_error_set(err, PM_EPARSE, "%s: field 'solve': '%s' is unknown", path, solve);
    if ((st = get_int(path, root, "k", 0, n + 1, &k, err)))
        return st;
    x.terms.k = k;
    json_t *feas = json_object_get(root, "feasible");
    if (!json_is_boolean(feas))
        return pm_error_set(err, PM_EPARSE, "%s: field 'feasible': missing or not a boolean", path);
    x.feasible = json_is_true(feas);
    if ((st = load_numbers(path, root, &x, err)))
        return st;
    pm_model mm;
    pm_model_default(&mm);
    json_t *jm = json_object_get(root, "model");
    if (!jm)
        return pm_error_set(err, PM_EPARSE, "%s: field 'model': missing", path);
    if ((st = pmx_model_from_json(path, jm, &mm, err)) || (st = check_terms(path, &x, &mm, err)))
        return st;
    pm_scheme ss;
    if ((st = load_scheme(path, json_object_get(root, "scheme"), &ss, err)))
        return st;
    *c = x;
    if (m)
        *m = mm;
    if (sc)
        *sc = ss;
    return PM_OK;
}

pm_status pm_contract_load(const char *path, pm_contract *c, pm_model *m, pm_scheme *sc,
                           pm_error *err)
{
    if (!path || !c)
        return pm_error_set(err, PM_EINVAL, "pm_contract_load: NULL argument");
    pm_status st;
    json_t *root = pmx_json_load_file(path, &st, err);
    if (!root)
        return st;
    st = load_root(path, root, c, m, sc, err);
    json_decref(root);
    return st;
}

pm_status pm_contract_load_threshold_rule(const char *path, pm_threshold_rule *out, int *given,
                                          pm_error *err)
{
    if (!path || !out || !given)
        return pm_error_set(err, PM_EINVAL, "pm_contract_load_threshold_rule: NULL argument");
    *out = PM_THRESHOLD_FIRST_N;
    *given = 0;
    pm_status st;
    json_t *root = pmx_json_load_file(path, &st, err);
    if (!root)
        return st;
    json_t *v = json_is_object(root) ? json_object_get(root, "threshold_rule") : NULL;
    st = PM_OK;
    if (v) {
        const char *s = json_string_value(v);
        pm_error e = {0};
        if (!s || pm_threshold_rule_parse(s, out, &e) != PM_OK)
            st =
                pm_error_set(err, PM_EPARSE,
                             "%s: field 'threshold_rule': must be \"first-n\" or \"scaled\"", path);
        else
            *given = 1;
    }
    json_decref(root);
    return st;
}

pm_status pm_contract_load_mem(const char *buf, size_t len, const char *name, pm_contract *c,
                               pm_model *m, pm_scheme *sc, pm_error *err)
{
    if (!c)
        return pm_error_set(err, PM_EINVAL, "pm_contract_load_mem: NULL argument");
    name = name ? name : "<memory>";
    pm_status st;
    json_t *root = pmx_json_load_mem(buf, len, name, &st, err);
    if (!root)
        return st;
    st = load_root(name, root, c, m, sc, err);
    json_decref(root);
    return st;
}
