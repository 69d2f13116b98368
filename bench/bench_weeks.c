/*
** bench_weeks: the decision rules across 20 weekly batches (issue 14).
**
**   bench_weeks [SEEDS] [SCALE]   (5 1)
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
** share still undecided after 20 weeks.
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

/* Tallies of one kind at one b over every seed. */
typedef struct tally {
    long n;
    long seq_fail, seq_pass;
    long naive_fail, naive_pass; /* at some look */
    long seq_by[WEEKS + 1];      /* seq verdict reached by the end of week w */
    /* exact */
    double m, x_seq_fail, x_seq_pass, x_naive_fail;
    double x_seq_by[WEEKS + 1];
} tally;

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

/* "0.0123 [0.0101, 0.0149]" from x of n. */
static void cp(long x, long n, char *buf, size_t size)
{
    double lo = NAN, hi = NAN;
    pm_clopper_pearson(x, n, 0.95, &lo, &hi, NULL);
    snprintf(buf, size, "%.4f [%.4f, %.4f]", (double)x / (double)n, lo, hi);
}

/* Pairs at the first look by which a share >= 0.95 has a verdict, from
 * by[w] (share decided by week w); 0 when 20 weeks are not enough. */
static long q95(const double *by, long b)
{
    for (int w = 1; w <= WEEKS; w++)
        if (by[w] >= 0.95 - 1e-12)
            return w * b;
    return 0;
}

static void run(int bi, int seeds, long scale, const pm_scheme *sc, double delta_r, tally t[NKIND],
                long naive_from[NB])
{
    const long b = batch[bi], horizon = WEEKS * b;
    pm_error err = {0};
    const double m0 = pm_scheme_pass(sc, ETA0), m1 = pm_scheme_pass(sc, ETA1);
    /* The naive rule for the pooled n of each look: it depends on n only. */
    pm_assess_options opt;
    pm_assess_options_default(&opt);
    opt.delta = DELTA;
    opt.q0 = 0.5;
    opt.eta0 = ETA0;
    opt.eta1 = ETA1;
    pm_assess_rule rule[WEEKS + 1];
    naive_from[bi] = 0;
    for (int w = 1; w <= WEEKS; w++) {
        if (pm_assess_rule_for(&opt, DELTA, 0.5, w * b, &rule[w], &err) != PM_OK)
            die(&err);
        if (rule[w].decidable && !naive_from[bi])
            naive_from[bi] = w;
    }
    double *pass_by = malloc((size_t)(horizon + 1) * sizeof *pass_by);
    double *fail_by = malloc((size_t)(horizon + 1) * sizeof *fail_by);
    double naive_by[WEEKS];
    if (!pass_by || !fail_by) {
        fprintf(stderr, "bench_weeks: out of memory\n");
        exit(1);
    }
    for (size_t k = 0; k < NKIND; k++) {
        memset(&t[k], 0, sizeof t[k]);
        t[k].m = pm_sim_pass_prob(&pool[k].a, delta_r);
        pm_seq_oc oc;
        if (pm_seq_operating(m0, m1, ALPHA, ALPHA, t[k].m, horizon, &oc, pass_by, fail_by, &err) !=
                PM_OK ||
            pm_seq_naive_fail(sc, ETA0, ETA1, opt.max_error, t[k].m, b, WEEKS, naive_by, &err) !=
                PM_OK)
            die(&err);
        t[k].x_seq_fail = oc.p_fail;
        t[k].x_seq_pass = oc.p_pass;
        t[k].x_naive_fail = naive_by[WEEKS - 1];
        for (int w = 1; w <= WEEKS; w++)
            t[k].x_seq_by[w] = pass_by[w * b] + fail_by[w * b];
    }
    free(pass_by);
    free(fail_by);
    for (int s = 1; s <= seeds; s++) {
        pm_rng r;
        pm_rng_stream(&r, (uint64_t)s, (uint64_t)bi);
        for (size_t k = 0; k < NKIND; k++) {
            tally *tk = &t[k];
            for (long j = 0; j < pool[k].count * scale; j++) {
                pm_seq_state st;
                pm_seq_init(&st, ALPHA, ALPHA, NULL);
                long consistent = 0;
                int nf = 0, np = 0, week = 0;
                for (int w = 1; w <= WEEKS; w++) {
                    for (long i = 0; i < b; i++) {
                        int x = pm_rng_unit(&r) < tk->m;
                        consistent += x;
                        if (pm_seq_update(&st, x, m0, m1, &err) != PM_OK)
                            die(&err);
                    }
                    if (!week && st.verdict != PM_SEQ_CONTINUE)
                        week = w;
                    pm_decision d = pm_assess_rule_apply(&rule[w], consistent);
                    nf |= d == PM_DECISION_FAIL;
                    np |= d == PM_DECISION_PASS;
                }
                tk->n++;
                tk->seq_fail += st.verdict == PM_SEQ_FAIL;
                tk->seq_pass += st.verdict == PM_SEQ_PASS;
                tk->naive_fail += nf;
                tk->naive_pass += np;
                for (int w = week ? week : WEEKS + 1; w <= WEEKS; w++)
                    tk->seq_by[w]++;
            }
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
    printf("  %-34s n %6ld  seq %s exact %.4f (Ville <= %.2f) | naive %s exact %s\n", what, n, c1,
           es / (double)n, ALPHA, c2, e2);
}

int main(int argc, char **argv)
{
    int seeds = argc > 1 ? atoi(argv[1]) : 5;
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
    printf("# naive rule: assess's fixed-n LR test (pm_assess_rule_for, max_error 0.2) re-run on "
           "the pooled pairs every week\n");
    printf("# rng: %s; seeds 1..%d; stream = index of b\n", PM_RNG_NAME, seeds);
    printf("# pool per seed (%ld annotators):", per_seed);
    for (size_t k = 0; k < NKIND; k++)
        printf("%s %ld %s", k ? "," : "", pool[k].count * scale, pool[k].label);
    printf("\n# %d weeks; b pairs a week, b in", WEEKS);
    for (int bi = 0; bi < NB; bi++)
        printf(" %ld", batch[bi]);
    printf("\n# rates: sim = simulated share with its exact 95%% Clopper-Pearson interval; exact = "
           "the library's DP\n");
    int ge1[NKIND], le0[NKIND];
    for (size_t k = 0; k < NKIND; k++) {
        const pm_sim_annotator *a = &pool[k].a;
        int model = a->kind == PM_SIM_CAREFUL || a->kind == PM_SIM_SPAMMER;
        ge1[k] = model && a->eta >= ETA1;
        le0[k] = model && a->eta <= ETA0;
    }
    for (int bi = 0; bi < NB; bi++) {
        tally t[NKIND];
        long naive_from[NB];
        run(bi, seeds, scale, &sc, delta_r, t, naive_from);
        const long b = batch[bi];
        printf("\n## b = %ld pairs a week: %d looks, %ld pairs by week %d\n", b, WEEKS, WEEKS * b,
               WEEKS);
        printf("%-17s %6s %7s  %-26s %-9s %-26s %-9s %-8s %-8s  %-26s %-9s %-26s\n", "annotators",
               "m", "n", "seq fail (sim)", "exact", "seq pass (sim)", "exact", "undec", "exact",
               "naive fail any look", "exact", "naive pass any look");
        for (size_t k = 0; k < NKIND; k++) {
            const tally *tk = &t[k];
            char f[64], p[64], nf[64], np[64];
            cp(tk->seq_fail, tk->n, f, sizeof f);
            cp(tk->seq_pass, tk->n, p, sizeof p);
            cp(tk->naive_fail, tk->n, nf, sizeof nf);
            cp(tk->naive_pass, tk->n, np, sizeof np);
            long und = tk->n - tk->seq_fail - tk->seq_pass;
            printf(
                "%-17s %6.4f %7ld  %-26s %-9.3g %-26s %-9.3g %-8.4f %-8.4f  %-26s %-9.3g %-26s\n",
                pool[k].label, tk->m, tk->n, f, tk->x_seq_fail, p, tk->x_seq_pass,
                (double)und / (double)tk->n, 1 - tk->x_seq_by[WEEKS], nf, tk->x_naive_fail, np);
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
        long qs = q95(sim_by, b), qx = q95(ex_by, b);
        char qs_s[32] = "not within 20 weeks", qx_s[32] = "not within 20 weeks";
        if (qs)
            snprintf(qs_s, sizeof qs_s, "%ld pairs (week %ld)", qs, qs / b);
        if (qx)
            snprintf(qx_s, sizeof qx_s, "%ld pairs (week %ld)", qx, qx / b);
        printf("  decide 95%% of the pool: seq %s, exact %s; undecided after %d weeks %.4f "
               "(exact %.4f)\n",
               qs_s, qx_s, WEEKS, 1 - sim_by[WEEKS], 1 - ex_by[WEEKS]);
        if (naive_from[bi])
            printf("  decide 95%% of the pool: naive from week %ld (%ld pooled pairs: its design "
                   "error sum first <= 0.2) everyone has a verdict, re-made every week; undecided "
                   "after %d weeks 0\n",
                   naive_from[bi], naive_from[bi] * b, WEEKS);
        else
            printf("  decide 95%% of the pool: naive never (error sum > 0.2 up to %ld pooled "
                   "pairs: everyone too-few); undecided after %d weeks 1\n",
                   WEEKS * b, WEEKS);
        fflush(stdout);
    }
    loadavg("end");
    printf("# time: wall %.2f s, CPU %.2f s\n", bench_wall() - w0, bench_cpu() - c0);
    return 0;
}
