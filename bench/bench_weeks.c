/*
** bench_weeks: the decision rules across 20 weekly batches (issue 14).
**
**   bench_weeks [SEEDS] [SCALE]   (10 1)
**
** For each seed 1..SEEDS and each batch size b in 5, 10, 20, 30 pairs a week,
** a pool of annotators (SCALE x the counts of pool[] below: careful
** annotators at efforts 1, 0.9 = eta1, 0.85, 0.8 = eta0 and 0.5, spammers,
** always-left and longer-response clickers) gives W = 20 weeks of b duplicate
** pairs each. A pair agrees with the model's probability pm_sim_pass_prob
** (general convention, q0 = 1/2, the study's delta = 0.02), drawn from the
** library's rng (stream b-index of the seed, annotators in pool order).
** After every week two rules look at the same pairs:
**   seq    the sequential test, pm_seq_update per pair with m0 = m(eta0),
**          m1 = m(eta1), alpha_pass = alpha_fail = 0.05; its verdict is
**          final, acted on at the end of the week it was reached;
**   naive  the fixed-n likelihood-ratio test of assess
**          (pm_assess_rule_for, max_error 0.2) re-run every week on the
**          pooled pairs: fail when decidable and consistent < k, pass when
**          >= k; nothing is final (next week's re-run may say otherwise).
** Reported per effort and for the two groups the guarantees speak of: the
** false-fail rate (failed at some look of the 20) of eta >= eta1, the pass
** rate (passed at some look) of eta <= eta0, each with an exact 95%
** Clopper-Pearson interval, beside the exact values of the library's DP
** (pm_seq_operating at the horizon 20 b, pm_seq_naive_fail for the naive
** rule; the naive rule's any-look pass rate has no DP in the library and is
** shown simulated only); and the pairs each rule needs to decide 95% of the
** pool: the pairs at the look by which 95% have a verdict (simulated, and
** exactly from the DP's pass_by/fail_by for the sequential test), with the
** share still undecided after 20 weeks; for the sequential test also the
** exact pairs (in whole looks) by which 95% of the pool is decided however
** many weeks that takes (the DP to 5000 pairs), and for the naive rule the
** share whose verdict changed between looks after its first one.
** Drift (the sequential verdict is final, so a passed annotator who stops
** working stays passed): a CUSUM (pm_cusum_design, m0 against m1, one false
** alarm per annotator-year of 52 b pairs on average) runs on every pair of
** the annotators at eta >= eta1 (false alarms within 20 weeks against the
** exact pm_cusum_alarm_prob) and on extra annotators at eta = 0.9 who from
** week 11 label at random (m = 1/2): the share alarmed by week 20 and the
** delay in pairs after the change, beside the exact ARL at m = 1/2 from a
** fresh chart.
** The machine, the command, the seeds, the load average and wall/CPU time
** are printed so that the figures say where they were measured.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "prefmon/assess.h"
#include "prefmon/binom.h"
#include "prefmon/monitor.h"
#include "prefmon/seq.h"
#include "prefmon/sim.h"

#define WEEKS 20
#define NB 4
#define ETA0 0.8
#define ETA1 0.9
#define ALPHA 0.05
#define DELTA 0.02

static const long batch[NB] = {5, 10, 20, 30};

/* The pool of one seed (times SCALE): who is in it and how many. */
typedef struct kind {
    const char *label;
    pm_sim_annotator a;
    long count;
} kind;

static const kind pool[] = {
    {"careful eta=1", {PM_SIM_CAREFUL, 1.0}, 1000},
    {"careful eta=0.9", {PM_SIM_CAREFUL, 0.9}, 2000},
    {"careful eta=0.85", {PM_SIM_CAREFUL, 0.85}, 1000},
    {"careful eta=0.8", {PM_SIM_CAREFUL, 0.8}, 2000},
    {"careful eta=0.5", {PM_SIM_CAREFUL, 0.5}, 1000},
    {"spammer eta=0", {PM_SIM_SPAMMER, 0.0}, 1000},
    {"left clicker", {PM_SIM_LEFT, NAN}, 500},
    {"longer clicker", {PM_SIM_LONGER, NAN}, 500},
};
#define NKIND (sizeof pool / sizeof pool[0])

/* The DP's horizon for the exact pairs to decide 95% of the pool. */
#define LONG_HORIZON 5000L
/* The drift study: annotators at eta = 0.9 who label at random from week
 * STOP_WEEK + 1, per seed (times SCALE). */
#define STOP_WEEK 10
#define STOPPERS 2000L

/* Tallies of one kind at one b over every seed. */
typedef struct tally {
    long n;
    long seq_fail, seq_pass;
    long naive_fail, naive_pass; /* at some look */
    long naive_flip;             /* naive verdict changed after its first one */
    long seq_by[WEEKS + 1];      /* seq verdict reached by the end of week w */
    long cusum_alarm;            /* a CUSUM alarm within the 20 weeks */
    /* exact */
    double m, x_seq_fail, x_seq_pass, x_naive_fail, x_cusum_alarm;
    double x_seq_by[WEEKS + 1];
} tally;

/* The drift study's tallies at one b. */
typedef struct drift {
    pm_cusum chart;
    double arl1, arl_stop; /* exact ARLs at m1 and at m = 1/2, fresh chart */
    double x_early;        /* exact P(alarm within STOP_WEEK b pairs at m1) */
    long n, passed_before, early_alarm, detected;
    long *delay; /* pairs from the change to the alarm, one per detection */
} drift;

static void loadavg(const char *when)
{
    char line[128] = "unknown";
    FILE *fp = fopen("/proc/loadavg", "r");
    if (fp && fgets(line, sizeof line, fp))
        line[strcspn(line, "\n")] = '\0';
    if (fp)
        fclose(fp);
    printf("# load average (%s): %s\n", when, line);
}

static void die(const pm_error *err)
{
    fprintf(stderr, "bench_weeks: %s\n", err->text);
    exit(1);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "bench_weeks: out of memory\n");
        exit(1);
    }
    return p;
}

/* "0.0123 [0.0101, 0.0149]" from x of n. */
static void cp(long x, long n, char *buf, size_t size)
{
    double lo = NAN, hi = NAN;
    pm_clopper_pearson(x, n, 0.95, &lo, &hi, NULL);
    snprintf(buf, size, "%.4f [%.4f, %.4f]", (double)x / (double)n, lo, hi);
}

/* Pairs at the first look (of b pairs, up to `looks`) by which a share
 * >= 0.95 has a verdict, from by[j] (share decided by look j); 0 when the
 * looks are not enough. */
static long q95(const double *by, long looks, long b)
{
    for (long w = 1; w <= looks; w++)
        if (by[w] >= 0.95 - 1e-12)
            return w * b;
    return 0;
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* One annotator's 20 weeks at b: the sequential test, the naive rule and
 * the chart on the same pairs, drawn at pass probability m (m_late from
 * week STOP_WEEK + 1 when m_late >= 0). Returns the week the sequential
 * test decided (0: not within 20 weeks); the rest in *o. */
typedef struct one {
    pm_seq_state st;
    int naive_fail, naive_pass, naive_flip;
    pm_cusum_state cs;
    int early_alarm; /* the chart alarmed before the change (or ever, without one) */
    long delay;      /* pairs from the change to the first alarm after it; 0: none */
} one;

static int annotator(pm_rng *r, long b, double m, double m_late, double m0, double m1,
                     const pm_assess_rule *rule, const pm_cusum *chart, one *o)
{
    pm_error err = {0};
    pm_seq_init(&o->st, ALPHA, ALPHA, NULL);
    memset(&o->cs, 0, sizeof o->cs);
    o->naive_fail = o->naive_pass = o->naive_flip = o->early_alarm = 0;
    o->delay = 0;
    const long change = m_late >= 0 ? STOP_WEEK * b : WEEKS * b;
    long consistent = 0;
    int week = 0;
    pm_decision first = PM_DECISION_TOO_FEW;
    for (int w = 1; w <= WEEKS; w++) {
        double p = (m_late >= 0 && w > STOP_WEEK) ? m_late : m;
        for (long i = 0; i < b; i++) {
            int x = pm_rng_unit(r) < p;
            consistent += x;
            int alarm = 0;
            if (pm_seq_update(&o->st, x, m0, m1, &err) != PM_OK ||
                pm_cusum_update(chart, &o->cs, x, &alarm, &err) != PM_OK)
                die(&err);
            /* A false alarm before the change is counted and the chart
             * restarted, as a team would after checking; the first alarm
             * after the change ends the watch. */
            if (alarm && !o->delay) {
                if (o->cs.t <= change) {
                    o->early_alarm = 1;
                    pm_cusum_reset(&o->cs);
                } else
                    o->delay = o->cs.t - change;
            }
        }
        if (!week && o->st.verdict != PM_SEQ_CONTINUE)
            week = w;
        pm_decision d = pm_assess_rule_apply(&rule[w], consistent);
        o->naive_fail |= d == PM_DECISION_FAIL;
        o->naive_pass |= d == PM_DECISION_PASS;
        if (first == PM_DECISION_TOO_FEW)
            first = d;
        else if (d != first)
            o->naive_flip = 1;
    }
    return week;
}

static void run(int bi, int seeds, long scale, const pm_scheme *sc, double delta_r, tally t[NKIND],
                long *naive_from, long *exact_q95, drift *dr)
{
    const long b = batch[bi], horizon = WEEKS * b;
    pm_error err = {0};
    const double m0 = pm_scheme_pass(sc, ETA0), m1 = pm_scheme_pass(sc, ETA1);
    /* The naive rule for the pooled n of each look: it depends on n only. */
    pm_assess_options opt;
    pm_assess_options_default(&opt);
    opt.q0 = 0.5;
    opt.eta0 = ETA0;
    opt.eta1 = ETA1;
    pm_assess_rule rule[WEEKS + 1];
    *naive_from = 0;
    for (int w = 1; w <= WEEKS; w++) {
        if (pm_assess_rule_for(&opt, DELTA, 0.5, w * b, &rule[w], &err) != PM_OK)
            die(&err);
        if (rule[w].decidable && !*naive_from)
            *naive_from = w;
    }
    /* One false alarm per annotator-year (52 looks of b) at m1. */
    if (pm_cusum_design(m0, m1, PM_CUSUM_AGREE_STEPS, 52.0 * (double)b, PM_CUSUM_H_MAX, &dr->chart,
                        &dr->arl1, NULL, &err) != PM_OK ||
        pm_cusum_arl(&dr->chart, 0.5, &dr->arl_stop, &err) != PM_OK ||
        pm_cusum_alarm_prob(&dr->chart, m1, STOP_WEEK * b, &dr->x_early, &err) != PM_OK)
        die(&err);
    double *pass_by = xmalloc((size_t)(LONG_HORIZON + 1) * sizeof *pass_by);
    double *fail_by = xmalloc((size_t)(LONG_HORIZON + 1) * sizeof *fail_by);
    const size_t nlooks = (size_t)(LONG_HORIZON / b + 1);
    double *pool_by = xmalloc(nlooks * sizeof *pool_by);
    memset(pool_by, 0, nlooks * sizeof *pool_by);
    double naive_by[WEEKS];
    long total = 0;
    for (size_t k = 0; k < NKIND; k++)
        total += pool[k].count;
    for (size_t k = 0; k < NKIND; k++) {
        memset(&t[k], 0, sizeof t[k]);
        t[k].m = pm_sim_pass_prob(&pool[k].a, delta_r);
        pm_seq_oc oc;
        if (pm_seq_operating(m0, m1, ALPHA, ALPHA, t[k].m, LONG_HORIZON, &oc, pass_by, fail_by,
                             &err) != PM_OK ||
            pm_seq_naive_fail(sc, ETA0, ETA1, opt.max_error, t[k].m, b, WEEKS, naive_by, &err) !=
                PM_OK ||
            pm_cusum_alarm_prob(&dr->chart, t[k].m, horizon, &t[k].x_cusum_alarm, &err) != PM_OK)
            die(&err);
        t[k].x_seq_fail = fail_by[horizon];
        t[k].x_seq_pass = pass_by[horizon];
        t[k].x_naive_fail = naive_by[WEEKS - 1];
        for (int w = 1; w <= WEEKS; w++)
            t[k].x_seq_by[w] = pass_by[w * b] + fail_by[w * b];
        for (long w = 1; w <= LONG_HORIZON / b; w++)
            pool_by[w] += (double)pool[k].count / (double)total * (pass_by[w * b] + fail_by[w * b]);
    }
    *exact_q95 = q95(pool_by, LONG_HORIZON / b, b);
    free(pool_by);
    free(pass_by);
    free(fail_by);
    dr->n = dr->passed_before = dr->early_alarm = dr->detected = 0;
    dr->delay = xmalloc((size_t)(seeds * STOPPERS * scale) * sizeof *dr->delay);
    const pm_sim_annotator working = {PM_SIM_CAREFUL, ETA1};
    const double m_work = pm_sim_pass_prob(&working, delta_r);
    one o;
    for (int s = 1; s <= seeds; s++) {
        pm_rng r;
        pm_rng_stream(&r, (uint64_t)s, (uint64_t)bi);
        for (size_t k = 0; k < NKIND; k++) {
            tally *tk = &t[k];
            for (long j = 0; j < pool[k].count * scale; j++) {
                int week = annotator(&r, b, tk->m, -1, m0, m1, rule, &dr->chart, &o);
                tk->n++;
                tk->seq_fail += o.st.verdict == PM_SEQ_FAIL;
                tk->seq_pass += o.st.verdict == PM_SEQ_PASS;
                tk->naive_fail += o.naive_fail;
                tk->naive_pass += o.naive_pass;
                tk->naive_flip += o.naive_flip;
                tk->cusum_alarm += o.early_alarm;
                for (int w = week ? week : WEEKS + 1; w <= WEEKS; w++)
                    tk->seq_by[w]++;
            }
        }
        /* The stoppers, after the pool on the same stream. */
        for (long j = 0; j < STOPPERS * scale; j++) {
            int week = annotator(&r, b, m_work, 0.5, m0, m1, rule, &dr->chart, &o);
            dr->n++;
            dr->passed_before += o.st.verdict == PM_SEQ_PASS && week && week <= STOP_WEEK;
            dr->early_alarm += o.early_alarm;
            if (o.delay)
                dr->delay[dr->detected++] = o.delay;
        }
    }
}

/* One group's line: the sum over kinds k with in[k]. */
static void group_line(const char *what, const tally t[NKIND], const int in[NKIND], int pass)
{
    long n = 0, xs = 0, xn = 0;
    double es = 0, en = 0;
    for (size_t k = 0; k < NKIND; k++)
        if (in[k]) {
            n += t[k].n;
            xs += pass ? t[k].seq_pass : t[k].seq_fail;
            xn += pass ? t[k].naive_pass : t[k].naive_fail;
            es += (double)t[k].n * (pass ? t[k].x_seq_pass : t[k].x_seq_fail);
            en += (double)t[k].n * t[k].x_naive_fail;
        }
    char c1[64], c2[64], e2[32] = "n/a (no DP)";
    cp(xs, n, c1, sizeof c1);
    cp(xn, n, c2, sizeof c2);
    if (!pass)
        snprintf(e2, sizeof e2, "%.4f", en / (double)n);
    printf("  %-36s n %6ld  seq %s exact %.4f (Ville: <= %.2f) | naive %s exact %s\n", what, n, c1,
           es / (double)n, ALPHA, c2, e2);
}

int main(int argc, char **argv)
{
    int seeds = argc > 1 ? atoi(argv[1]) : 10;
    long scale = argc > 2 ? atol(argv[2]) : 1;
    if (seeds < 1 || scale < 1) {
        fprintf(stderr, "usage: bench_weeks [SEEDS >= 1] [SCALE >= 1]\n");
        return 2;
    }
    bench_header(argc, argv);
    loadavg("start");
    double w0 = bench_wall(), c0 = bench_cpu();
    pm_scheme sc;
    double delta_r;
    pm_error err = {0};
    if (pm_scheme_self(&sc, PM_CONV_GENERAL, DELTA, 0.5, &err) != PM_OK ||
        pm_sim_repeat_delta(&sc, &delta_r, &err) != PM_OK)
        die(&err);
    long per_seed = 0;
    for (size_t k = 0; k < NKIND; k++)
        per_seed += pool[k].count * scale;
    printf("# model: general convention, q0 = 1/2, delta = %g: m(eta) = 1/2 + eta (1/2 - delta); "
           "eta0 = %g (m0 = %g), eta1 = %g (m1 = %g); alpha_pass = alpha_fail = %g\n",
           DELTA, ETA0, pm_scheme_pass(&sc, ETA0), ETA1, pm_scheme_pass(&sc, ETA1), ALPHA);
    printf("# seq: pm_seq_update per pair, verdict final, acted on at the end of its week; naive: "
           "assess's fixed-n LR test (pm_assess_rule_for, max_error 0.2) re-run on the pooled "
           "pairs every week\n");
    printf("# rng: %s; seeds 1..%d; stream = index of b\n", PM_RNG_NAME, seeds);
    printf("# pool per seed (%ld annotators):", per_seed);
    for (size_t k = 0; k < NKIND; k++)
        printf("%s %ld %s", k ? "," : "", pool[k].count * scale, pool[k].label);
    printf("; and %ld at eta=0.9 who label at random from week %d (drift)\n", STOPPERS * scale,
           STOP_WEEK + 1);
    printf("# %d weeks; b pairs a week, b in", WEEKS);
    for (int bi = 0; bi < NB; bi++)
        printf(" %ld", batch[bi]);
    printf("\n# rates: sim = simulated share with its exact 95%% Clopper-Pearson interval; exact = "
           "the library's DP (pm_seq_operating, pm_seq_naive_fail, pm_cusum_alarm_prob)\n");
    int ge1[NKIND], le0[NKIND];
    for (size_t k = 0; k < NKIND; k++) {
        const pm_sim_annotator *a = &pool[k].a;
        int model = a->kind == PM_SIM_CAREFUL || a->kind == PM_SIM_SPAMMER;
        ge1[k] = model && a->eta >= ETA1;
        le0[k] = model && a->eta <= ETA0;
    }
    for (int bi = 0; bi < NB; bi++) {
        tally t[NKIND];
        long naive_from, exact_q95;
        drift dr;
        run(bi, seeds, scale, &sc, delta_r, t, &naive_from, &exact_q95, &dr);
        const long b = batch[bi];
        printf("\n## b = %ld pairs a week: %d looks, %ld pairs by week %d\n", b, WEEKS, WEEKS * b,
               WEEKS);
        printf("%-17s %6s %7s  %-26s %-9s %-26s %-9s %-7s %-7s  %-26s %-9s %-26s %-7s\n",
               "annotators", "m", "n", "seq fail (sim)", "exact", "seq pass (sim)", "exact",
               "undec", "exact", "naive fail, any look", "exact", "naive pass, any look",
               "flipped");
        for (size_t k = 0; k < NKIND; k++) {
            const tally *tk = &t[k];
            char f[64], p[64], nf[64], np[64];
            cp(tk->seq_fail, tk->n, f, sizeof f);
            cp(tk->seq_pass, tk->n, p, sizeof p);
            cp(tk->naive_fail, tk->n, nf, sizeof nf);
            cp(tk->naive_pass, tk->n, np, sizeof np);
            long und = tk->n - tk->seq_fail - tk->seq_pass;
            printf("%-17s %6.4f %7ld  %-26s %-9.3g %-26s %-9.3g %-7.4f %-7.4f  %-26s %-9.3g %-26s "
                   "%-7.4f\n",
                   pool[k].label, tk->m, tk->n, f, tk->x_seq_fail, p, tk->x_seq_pass,
                   (double)und / (double)tk->n, 1 - tk->x_seq_by[WEEKS], nf, tk->x_naive_fail, np,
                   (double)tk->naive_flip / (double)tk->n);
        }
        group_line("false fail, eta >= eta1 (any look):", t, ge1, 0);
        group_line("pass, eta <= eta0 (any look):", t, le0, 1);
        /* Time to decide 95% of the pool, over the whole pool. */
        double sim_by[WEEKS + 1] = {0}, ex_by[WEEKS + 1] = {0};
        long n = 0;
        for (size_t k = 0; k < NKIND; k++)
            n += t[k].n;
        for (int w = 1; w <= WEEKS; w++)
            for (size_t k = 0; k < NKIND; k++) {
                sim_by[w] += (double)t[k].seq_by[w] / (double)n;
                ex_by[w] += (double)t[k].n / (double)n * t[k].x_seq_by[w];
            }
        long qs = q95(sim_by, WEEKS, b);
        char qs_s[48] = "not within 20 weeks", qx_s[48] = "over the DP's 5000 pairs";
        if (qs)
            snprintf(qs_s, sizeof qs_s, "%ld pairs (week %ld)", qs, qs / b);
        if (exact_q95)
            snprintf(qx_s, sizeof qx_s, "%ld pairs (week %ld)", exact_q95, exact_q95 / b);
        printf("  decide 95%% of the pool, seq:   sim %s; exact %s; undecided after %d weeks "
               "%.4f (exact %.4f)\n",
               qs_s, qx_s, WEEKS, 1 - sim_by[WEEKS], 1 - ex_by[WEEKS]);
        long flips = 0;
        for (size_t k = 0; k < NKIND; k++)
            flips += t[k].naive_flip;
        if (naive_from)
            printf("  decide 95%% of the pool, naive: %ld pairs (week %ld: its design error sum "
                   "first <= 0.2; everyone has a verdict, re-made every week; %.4f of the pool "
                   "changed verdict later); undecided after %d weeks 0\n",
                   naive_from * b, naive_from, (double)flips / (double)n, WEEKS);
        else
            printf("  decide 95%% of the pool, naive: never (error sum > 0.2 up to %ld pooled "
                   "pairs: everyone too-few); undecided after %d weeks 1\n",
                   WEEKS * b, WEEKS);
        /* The chart. */
        long ng = 0, xg = 0;
        double eg = 0;
        for (size_t k = 0; k < NKIND; k++)
            if (ge1[k]) {
                ng += t[k].n;
                xg += t[k].cusum_alarm;
                eg += (double)t[k].n * t[k].x_cusum_alarm;
            }
        char ca[64], cd[64];
        cp(xg, ng, ca, sizeof ca);
        cp(dr.detected, dr.n, cd, sizeof cd);
        qsort(dr.delay, (size_t)dr.detected, sizeof *dr.delay, cmp_long);
        double mean = 0;
        for (long i = 0; i < dr.detected; i++)
            mean += (double)dr.delay[i] / (double)dr.detected;
        printf("  drift, CUSUM up %ld down %ld h %ld (ARL at m1 %.0f pairs = 52 looks): false "
               "alarm within %d weeks, eta >= eta1: %s exact %.4f\n",
               dr.chart.up, dr.chart.down, dr.chart.h, dr.arl1, WEEKS, ca, eg / (double)ng);
        printf("  drift, %ld stop after week %d (%.4f passed by seq by then, a final verdict): "
               "falsely alarmed before the change %.4f (exact %.4f; chart restarted); alarmed "
               "after it by week "
               "%d %s; delay pairs median %ld "
               "mean %.1f (exact ARL at m = 1/2 from a fresh chart %.1f)\n",
               dr.n, STOP_WEEK, (double)dr.passed_before / (double)dr.n,
               (double)dr.early_alarm / (double)dr.n, dr.x_early, WEEKS, cd,
               dr.detected ? dr.delay[(dr.detected - 1) / 2] : 0L, mean, dr.arl_stop);
        free(dr.delay);
        fflush(stdout);
    }
    loadavg("end");
    printf("# time: wall %.2f s, CPU %.2f s\n", bench_wall() - w0, bench_cpu() - c0);
    return 0;
}
