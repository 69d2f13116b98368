/* Decisions across weeks: replay an annotator's stored pairs into the
 * sequential tests, the confidence sequence and the drift chart
 * (include/prefmon/decide.h). */
#include <math.h>
#include <string.h>

#include "prefmon/assess.h"
#include "prefmon/decide.h"
#include "prefmon/monitor.h"

/* The remaining-pairs outlook looks this far ahead (E[min(T, N)]). */
#define DECIDE_HORIZON 2000L

void pm_decide_options_default(pm_decide_options *opt)
{
    opt->alpha_pass = 0.05;
    opt->alpha_fail = 0.05;
    opt->eta0 = 0.8;
    opt->eta1 = PM_DECIDE_ETA1;
    opt->cs_alpha = 0.05;
    opt->drift_rate = 0.1;
    opt->batches_per_year = 52;
}

double pm_decide_m(double q0, double delta, double eta)
{
    return q0 + eta * (1 - delta - q0);
}

static pm_status check(const pm_decide_options *o, pm_error *err)
{
    if (!(o->alpha_pass > 0 && o->alpha_pass < 1) || !(o->alpha_fail > 0 && o->alpha_fail < 1))
        return pm_error_set(err, PM_EINVAL, "alpha_pass = %g, alpha_fail = %g: need (0, 1)",
                            o->alpha_pass, o->alpha_fail);
    if (!(o->eta0 >= 0 && o->eta0 < o->eta1 && o->eta1 <= 1))
        return pm_error_set(err, PM_EINVAL, "eta0 = %g, eta1 = %g: need 0 <= eta0 < eta1 <= 1",
                            o->eta0, o->eta1);
    if (!(o->cs_alpha > 0 && o->cs_alpha < 1) || !(o->drift_rate > 0) || !(o->batches_per_year > 0))
        return pm_error_set(err, PM_EINVAL,
                            "cs_alpha = %g, drift_rate = %g, batches_per_year = %g: out of range",
                            o->cs_alpha, o->drift_rate, o->batches_per_year);
    return PM_OK;
}

/* The verdict alone, replaying with m0, m1 remade at delta from each
 * pair's q0 (no drift: the sensitivity of the decision itself). */
static pm_seq_verdict verdict_at(const pm_decide_options *o, const pm_decide_pair *p, size_t n,
                                 double delta)
{
    pm_seq_state st;
    pm_seq_init(&st, o->alpha_pass, o->alpha_fail, NULL);
    for (size_t i = 0; i < n && st.verdict == PM_SEQ_CONTINUE; i++) {
        double m0 = pm_decide_m(p[i].q0, delta, o->eta0), m1 = pm_decide_m(p[i].q0, delta, o->eta1);
        if (m0 > 0 && m1 < 1 && m0 < m1)
            pm_seq_update(&st, p[i].agree, m0, m1, NULL);
    }
    return st.verdict;
}

double pm_decide_delta_flip(const pm_decide_options *o, const pm_decide_pair *p, size_t n,
                            double delta)
{
    if (check(o, NULL) != PM_OK || n == 0)
        return NAN;
    double qmax = 0;
    for (size_t i = 0; i < n; i++)
        qmax = fmax(qmax, p[i].q0);
    double top = 1 - qmax; /* m1 < 1 needs delta > 0; no signal at delta >= 1 - q0 */
    pm_seq_verdict v = verdict_at(o, p, n, delta);
    /* The verdict is not monotone in delta (near 1 - q0, m0 and m1 meet
     * and every verdict becomes continue): scan a grid outwards from
     * delta for the nearest point with another verdict, then bisect
     * between it and its neighbour towards delta. */
    const int steps = 400;
    double step = top / steps, best = NAN;
    for (int k = 1; k <= steps && isnan(best); k++) {
        for (int dir = -1; dir <= 1; dir += 2) {
            double d = delta + dir * k * step;
            if (d <= 0 || d >= top)
                continue;
            if (verdict_at(o, p, n, d) != v) {
                double in = delta + dir * (k - 1) * step, out = d;
                while (fabs(out - in) > 1e-5) {
                    double mid = (in + out) / 2;
                    if (verdict_at(o, p, n, mid) == v)
                        in = mid;
                    else
                        out = mid;
                }
                if (isnan(best) || fabs(out - delta) < fabs(best - delta))
                    best = out;
            }
        }
    }
    return best;
}

/* The drift chart for the annotator's current plug-ins. */
static int drift_chart(const pm_decide_options *o, double m0, double m1, double pairs_per_batch,
                       pm_cusum *c, double *arl1)
{
    double per_year = o->batches_per_year * fmax(pairs_per_batch, 1);
    return pm_cusum_design(m0, m1, PM_CUSUM_AGREE_STEPS, per_year / o->drift_rate, 100000, c, arl1,
                           NULL, NULL) == PM_OK;
}

static void interval(const pm_decide_options *o, const pm_decide_pair *p, size_t n, double q0_now,
                     double delta, pm_decide_result *r)
{
    pm_seq_cs cs;
    pm_seq_cs_init(&cs, o->cs_alpha, PM_SEQ_CS_PRIOR, PM_SEQ_CS_PRIOR, NULL);
    /* One look per batch: the running intersection at each batch's end. */
    for (size_t i = 0; i < n;) {
        size_t j = i;
        long agree = 0;
        while (j < n && p[j].batch == p[i].batch)
            agree += p[j++].agree;
        pm_seq_cs_update(&cs, (long)(j - i), agree, NULL);
        i = j;
    }
    r->m_low = cs.low;
    r->m_high = cs.high;
    r->eta_low = r->eta_high = NAN;
    r->cs_flags = cs.empty ? PM_SEQ_CS_EMPTY : 0;
    r->below_chance = !cs.empty && n > 0 && cs.high < q0_now;
    if (r->below_chance)
        r->cs_flags |= PM_SEQ_CS_BELOW_CHANCE;
    pm_scheme sc;
    if (!r->no_signal && pm_scheme_self(&sc, PM_CONV_GENERAL, delta, q0_now, NULL) == PM_OK) {
        int f = 0;
        pm_seq_cs_eta(&cs, &sc, &r->eta_low, &r->eta_high, &f, NULL);
        r->cs_flags |= f;
    }
}

pm_status pm_decide_replay(const pm_decide_options *o, const pm_decide_pair *p, size_t n,
                           double q0_now, double delta, double pairs_per_batch, pm_decide_result *r,
                           pm_error *err)
{
    pm_status st = check(o, err);
    if (st != PM_OK)
        return st;
    memset(r, 0, sizeof *r);
    r->drift_batch = -1;
    pm_seq_init(&r->seq, o->alpha_pass, o->alpha_fail, NULL);
    pm_cusum chart = {0};
    pm_cusum_state cst = {0};
    int charting = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i].agree != 0 && p[i].agree != 1)
            return pm_error_set(err, PM_EINVAL, "pair %zu: agree must be 0 or 1", i + 1);
        if (!(p[i].m0 > 0 && p[i].m1 < 1))
            return pm_error_set(err, PM_EINVAL, "pair %zu: m0 = %g, m1 = %g outside (0, 1)", i + 1,
                                p[i].m0, p[i].m1);
        r->pairs++;
        r->consistent += p[i].agree;
        if (!(p[i].m0 < p[i].m1))
            continue; /* no signal when it was tested: counted, no evidence */
        pm_seq_verdict before = r->seq.verdict;
        if ((st = pm_seq_update(&r->seq, p[i].agree, p[i].m0, p[i].m1, err)) != PM_OK)
            return st;
        if (charting) {
            int alarm = 0;
            pm_cusum_update(&chart, &cst, p[i].agree, &alarm, NULL);
            if (alarm) {
                /* The pairs since the run began look like shirking: flag,
                 * reopen (alpha spent again) and stop charting until the
                 * reopened test passes again. */
                r->drift = 1;
                long start = cst.change_at - 1 + (long)(i + 1) - cst.t;
                r->drift_pair = start + 1;
                r->drift_batch = p[start].batch;
                pm_seq_reopen(&r->seq);
                charting = 0;
                continue;
            }
        }
        if (before == PM_SEQ_CONTINUE && r->seq.verdict == PM_SEQ_PASS) {
            double arl1;
            if (drift_chart(o, p[i].m0, p[i].m1, pairs_per_batch, &chart, &arl1)) {
                charting = 1;
                memset(&cst, 0, sizeof cst);
                r->drift_h = chart.h;
                r->drift_arl = arl1;
            }
        }
    }
    /* A later pass clears the drift (the reopened test decided again). */
    if (r->drift && r->seq.verdict == PM_SEQ_PASS)
        r->drift = 0;
    r->no_signal = !(q0_now < 1 - delta);
    r->verdict = r->no_signal ? PM_SEQ_CONTINUE : r->seq.verdict;
    r->e_pass = exp(r->seq.log_e_pass);
    r->e_fail = exp(r->seq.log_e_fail);
    r->m1_now = pm_decide_m(q0_now, delta, o->eta1);
    interval(o, p, n, q0_now, delta, r);
    if (r->below_chance)
        r->verdict = PM_SEQ_FAIL; /* outside the model: fail, no effort interval */
    r->expected_more = NAN;
    if (r->verdict == PM_SEQ_CONTINUE && !r->no_signal) {
        double m0 = pm_decide_m(q0_now, delta, o->eta0), m1 = r->m1_now;
        double m = r->seq.n ? (r->seq.agreements + 0.5) / (r->seq.n + 1.0) : (m0 + m1) / 2;
        pm_seq_oc oc;
        if (m0 > 0 && m1 < 1 && m0 < m1 &&
            pm_seq_remaining(&r->seq, m0, m1, m, DECIDE_HORIZON, &oc, NULL) == PM_OK)
            r->expected_more = oc.expected_pairs;
    }
    return PM_OK;
}

pm_action pm_decide_action(const pm_decide_result *r, unsigned flags, const char *drift_at,
                           char *reason, size_t size)
{
    pm_action_input in = {
        .verdict = r->verdict == PM_SEQ_PASS   ? PM_VERDICT_PASS
                   : r->verdict == PM_SEQ_FAIL ? PM_VERDICT_FAIL
                                               : PM_VERDICT_UNDECIDED,
        .flags = flags | (r->no_signal ? PM_FLAG_ONE_LABEL : 0u),
        .drift = r->drift,
        .drift_at = drift_at,
        .pairs = r->pairs,
        .consistent = r->consistent,
        .below_chance = r->below_chance,
        .m1 = r->m1_now,
    };
    return pm_action_decide(&in, reason, size);
}
