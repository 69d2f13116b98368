/* assess: rankings (assess_rank.c). Kendall's tau-b and the pairwise
 * agreement against a brute-force count written here from the definition
 * (every ordered pair of responses, no shared code), with and without ties;
 * the chance agreement q0 against an enumeration of all pairs of ranked-pair
 * observations; and, through pm_assess_add, that a repeated ranking is ONE
 * unit (dup_pairs == repeats, not repeats x C(k, 2)), that the units'
 * agreement rate matches the pairwise consistency over many repeats, that
 * the unit does not depend on the input order of annotators or on
 * timestamps given out of order, and the refusals. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pipeline/assess_internal.h"
#include "prefmon/assess.h"

/* A small deterministic generator for the test's own draws. */
static uint64_t rng_state = 88172645463325252ULL;
static uint32_t draw(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

/* The canonical label of ranks g[0..k) of ids "r0".."r<k-1>" (lower is
 * better), written out directly: groups by rank, ids of a group in byte
 * order (k <= 10, so "r0" < "r1" < ... is byte order). */
static void label_of(const int *g, int k, char *out)
{
    int ranks[16], nr = 0;
    for (int i = 0; i < k; i++) {
        int seen = 0;
        for (int j = 0; j < nr; j++)
            seen |= ranks[j] == g[i];
        if (!seen)
            ranks[nr++] = g[i];
    }
    for (int a = 0; a < nr; a++) /* sort the distinct ranks */
        for (int b = a + 1; b < nr; b++)
            if (ranks[b] < ranks[a]) {
                int t = ranks[a];
                ranks[a] = ranks[b];
                ranks[b] = t;
            }
    out[0] = '\0';
    for (int a = 0; a < nr; a++) {
        int first = 1;
        if (a > 0)
            strcat(out, ">");
        for (int i = 0; i < k; i++)
            if (g[i] == ranks[a]) {
                char id[16];
                snprintf(id, sizeof id, "%sr%d", first ? "" : "=", i);
                strcat(out, id);
                first = 0;
            }
    }
}

static int sgn(int x)
{
    return (x > 0) - (x < 0);
}

/* tau-b from the definition over ordered pairs (each unordered pair twice,
 * so every count is halved): nc concordant, nd discordant, n1/n2 tied in x
 * / y, n0 all pairs. */
static double brute_tau(const int *x, const int *y, int k, long *agree)
{
    long nc = 0, nd = 0, n1 = 0, n2 = 0, n0 = 0, ag = 0;
    for (int i = 0; i < k; i++)
        for (int j = 0; j < k; j++) {
            if (i == j)
                continue;
            int p = sgn(x[i] - x[j]), q = sgn(y[i] - y[j]);
            n0++;
            nc += p * q > 0;
            nd += p * q < 0;
            n1 += p == 0;
            n2 += q == 0;
            ag += p == q;
        }
    *agree = ag / 2;
    double den = sqrt((double)(n0 - n1) / 2 * (double)(n0 - n2) / 2);
    return den > 0 ? (double)(nc - nd) / 2 / den : NAN;
}

static void compare_labels(const char *x, const char *y, pmx_rank_cmp *c)
{
    pmx_rank *r = NULL;
    assert_int_equal(pmx_rank_note(&r, 0, x), PM_OK);
    assert_int_equal(pmx_rank_note(&r, 1, y), PM_OK);
    pmx_rank_compare(r, 0, 1, c);
    pmx_rank_free(r);
}

/* Hand values: identical 1, reversed -1, the worked example of
 * doc/assess.md (r2>r1>r3 against r2>r1=r3: nc 2, nd 0, n1 0, n2 1,
 * tau-b = 2 / sqrt(3 x 2)), all ties undefined. */
static void test_tau_hand(void **state)
{
    (void)state;
    pmx_rank_cmp c;
    compare_labels("a>b>c>d", "a>b>c>d", &c);
    assert_true(c.tau_b == 1 && c.pairs == 6 && c.agree == 6);
    compare_labels("a>b>c>d", "d>c>b>a", &c);
    assert_true(c.tau_b == -1 && c.agree == 0);
    compare_labels("r2>r1>r3", "r2>r1=r3", &c);
    assert_true(fabs(c.tau_b - 2 / sqrt(6.0)) < 1e-15);
    assert_int_equal(c.agree, 2);
    compare_labels("r2>r1=r3", "r1>r2>r3", &c);
    assert_true(c.tau_b == 0 && c.agree == 1);
    compare_labels("a=b=c", "a>b>c", &c);
    assert_true(isnan(c.tau_b));
    assert_int_equal(c.agree, 0);
    compare_labels("a=b", "a=b", &c);
    assert_true(isnan(c.tau_b) && c.agree == 1 && c.pairs == 1);
}

/* Random rankings, k = 2..8, ranks drawn from few values (many ties) or
 * from k values (few): tau-b and the agreement equal the brute force. */
static void test_tau_brute(void **state)
{
    (void)state;
    for (int trial = 0; trial < 4000; trial++) {
        int k = 2 + (int)draw(7), spread = trial % 2 ? k : 2 + (int)draw(2);
        int x[10], y[10];
        for (int i = 0; i < k; i++) {
            x[i] = (int)draw((uint32_t)spread);
            y[i] = (int)draw((uint32_t)spread);
        }
        char lx[128], ly[128];
        label_of(x, k, lx);
        label_of(y, k, ly);
        long agree;
        double want = brute_tau(x, y, k, &agree);
        pmx_rank_cmp c;
        compare_labels(lx, ly, &c);
        assert_int_equal(c.pairs, (long)k * (k - 1) / 2);
        assert_int_equal(c.agree, agree);
        if (isnan(want))
            assert_true(isnan(c.tau_b));
        else
            assert_true(fabs(c.tau_b - want) < 1e-12);
    }
}

/* q0 = sum over the kinds of ranked pair (first id better, second better,
 * tie) of their share squared: the chance that two pair observations
 * drawn with replacement from the annotator's rankings agree. Checked by
 * enumerating every ordered pair of observations. */
static void test_q0_brute(void **state)
{
    (void)state;
    for (int trial = 0; trial < 200; trial++) {
        int n = 1 + (int)draw(5), k = 2 + (int)draw(4);
        pmx_rank *r = NULL;
        long hist[8] = {0};
        int obs[4096], nobs = 0;
        for (int l = 0; l < n; l++) {
            int g[10];
            for (int i = 0; i < k; i++)
                g[i] = (int)draw(3);
            char lab[128];
            label_of(g, k, lab);
            /* label ids 3.. (0..2 are A, B, tie in assess); a label drawn
             * twice keeps its first id, counted twice */
            assert_int_equal(pmx_rank_note(&r, (uint32_t)(3 + l), lab), PM_OK);
            hist[3 + l] = 1 + (long)draw(2);
            for (long c = 0; c < hist[3 + l]; c++)
                for (int i = 0; i < k; i++)
                    for (int j = i + 1; j < k; j++)
                        obs[nobs++] = sgn(g[i] - g[j]);
        }
        long same = 0;
        for (int a = 0; a < nobs; a++)
            for (int b = 0; b < nobs; b++)
                same += obs[a] == obs[b];
        double want = (double)same / ((double)nobs * nobs);
        assert_true(fabs(pmx_rank_q0(r, hist, 8, 0, 0) - want) < 1e-12);
        pmx_rank_free(r);
    }
}

/* Plain labels and rankings of one annotator: q0 is the mixture of the
 * plain q0 and the ranking q0 weighted by the units of each kind. */
static void test_q0_mixed(void **state)
{
    (void)state;
    pmx_rank *r = NULL;
    assert_int_equal(pmx_rank_note(&r, 3, "a>b"), PM_OK);
    long hist[4] = {3, 1, 0, 4}; /* A x3, B x1, four rankings a>b */
    /* plain q0 = (3/4)^2 + (1/4)^2 = 10/16; ranking q0 = 1 (always a>b) */
    assert_true(fabs(pmx_rank_q0(r, hist, 4, 2, 6) - (2 * 0.625 + 6 * 1.0) / 8) < 1e-15);
    /* no units yet: weights are the labels, 4 and 4 */
    assert_true(fabs(pmx_rank_q0(r, hist, 4, 0, 0) - (0.625 + 1.0) / 2) < 1e-15);
    pmx_rank_free(r);
}

static pm_record rec(const char *ann, const char *item, const char *label, double ts)
{
    pm_record r = {.annotator = ann,
                   .item = item,
                   .label = label,
                   .timestamp = ts,
                   .duration = NAN,
                   .file = "t.jsonl",
                   .line = 1,
                   .ranking = 1};
    return r;
}

static const pm_assess_row *row_of(const pm_assess *a, const char *name)
{
    size_t n;
    const pm_assess_row *rows = pm_assess_rows(a, &n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].annotator, name) == 0)
            return &rows[i];
    fail_msg("no row for %s", name);
    return NULL;
}

/* The log of test_units: annotator "w" ranks 400 items of 5 responses 6
 * times each (5 repeats per item), each ranking a noisy copy of the item's
 * base order; labels[i][r] kept for the checks. */
#define ITEMS 400
#define TIMES 6
#define K 5
static char labels[ITEMS][TIMES][64];
static int grid[ITEMS][TIMES][K]; /* the ranks behind each label */

static void make_log(void)
{
    for (int i = 0; i < ITEMS; i++) {
        int base[K];
        for (int j = 0; j < K; j++)
            base[j] = (int)draw(4);
        for (int t = 0; t < TIMES; t++) {
            int *g = grid[i][t];
            for (int j = 0; j < K; j++)
                g[j] = draw(3) == 0 ? (int)draw(4) : base[j];
            label_of(g, K, labels[i][t]);
        }
    }
}

static void add_log(pm_assess *a, const char *ann, int shuffle_ts)
{
    for (int i = 0; i < ITEMS; i++)
        for (int t = 0; t < TIMES; t++) {
            char item[32];
            snprintf(item, sizeof item, "q%d|r0=r1=r2=r3=r4", i);
            /* with shuffle_ts, given in reverse input order but with
             * timestamps saying the true order */
            int tt = shuffle_ts ? TIMES - 1 - t : t;
            pm_record r = rec(ann, item, labels[i][tt], shuffle_ts ? (double)(i * 10 + tt) : NAN);
            pm_error err;
            assert_int_equal(pm_assess_add(a, &r, &err), PM_OK);
        }
}

static void test_units(void **state)
{
    (void)state;
    make_log();
    pm_assess *a = pm_assess_new(NULL, NULL);
    add_log(a, "w", 0);
    pm_error err;
    assert_int_equal(pm_assess_finish(a, &err), PM_OK);
    const pm_assess_row *w = row_of(a, "w");
    long repeats = ITEMS * (TIMES - 1);
    /* one unit per repeat, not one per pair */
    assert_int_equal(w->dup_pairs, repeats);
    assert_int_equal(w->rank_repeats, repeats);
    assert_int_equal(w->rank_pairs, repeats * K * (K - 1) / 2);
    assert_int_equal(w->rank_labels, ITEMS * TIMES);
    /* brute force of the descriptive numbers from the labels */
    long agree = 0;
    double share = 0, tau = 0;
    long tau_n = 0;
    for (int i = 0; i < ITEMS; i++)
        for (int t = 1; t < TIMES; t++) {
            pmx_rank_cmp c;
            compare_labels(labels[i][t - 1], labels[i][t], &c);
            agree += c.agree;
            share += (double)c.agree / (double)c.pairs;
            if (!isnan(c.tau_b)) {
                tau += c.tau_b;
                tau_n++;
            }
        }
    assert_int_equal(w->rank_pairs_agree, agree);
    assert_true(fabs(w->rank_consistency - share / (double)repeats) < 1e-12);
    assert_int_equal(w->tau_b_n, tau_n);
    assert_true(fabs(w->tau_b_mean - tau / (double)tau_n) < 1e-12);
    /* The units' rate estimates the pairwise consistency: within 4
     * standard errors of it over 2000 repeats. */
    double m = w->rank_consistency, se = sqrt(m * (1 - m) / (double)repeats);
    assert_true(fabs(w->consistency - m) < 4 * se);
    assert_true(w->consistency != m); /* it is a sample, not the mean itself */
    /* timestamps given in reverse input order: re-paired in time order,
     * the same units and counters as the log given in order */
    pm_assess *b = pm_assess_new(NULL, NULL);
    add_log(b, "w", 1);
    assert_int_equal(pm_assess_finish(b, &err), PM_OK);
    const pm_assess_row *v = row_of(b, "w");
    assert_int_equal(v->dup_pairs, w->dup_pairs);
    assert_int_equal(v->consistent, w->consistent);
    assert_int_equal(v->rank_pairs_agree, w->rank_pairs_agree);
    assert_int_equal(v->tau_b_n, w->tau_b_n);
    assert_true(fabs(v->tau_b_mean - w->tau_b_mean) < 1e-9);
    assert_true(fabs(v->rank_consistency - w->rank_consistency) < 1e-9);
    pm_assess_free(b);
    /* Another annotator first in the input: "w"'s units are the same (the
     * pair depends on names and repeat index, not on interning order). */
    pm_assess *c = pm_assess_new(NULL, NULL);
    pm_record o = rec("aaa", "z|x=y", "x>y", NAN);
    assert_int_equal(pm_assess_add(c, &o, &err), PM_OK);
    add_log(c, "w", 0);
    assert_int_equal(pm_assess_finish(c, &err), PM_OK);
    assert_int_equal(row_of(c, "w")->consistent, w->consistent);
    pm_assess_free(c);
    pm_assess_free(a);
}

/* The unit's pair is spread evenly over the C(k, 2) pairs and is the same
 * for the same (annotator, item, repeat). */
static void test_unit_pair(void **state)
{
    (void)state;
    long count[10][10] = {{0}};
    for (uint32_t rep = 0; rep < 100000; rep++) {
        uint32_t i, j, i2, j2;
        pmx_rank_unit_pair(0x1234, 0x5678 + rep / 7, rep % 7, 5, &i, &j);
        pmx_rank_unit_pair(0x1234, 0x5678 + rep / 7, rep % 7, 5, &i2, &j2);
        assert_true(i < j && j < 5 && i == i2 && j == j2);
        count[i][j]++;
    }
    for (int i = 0; i < 5; i++)
        for (int j = i + 1; j < 5; j++) /* 10000 expected, sd about 95 */
            assert_true(labs(count[i][j] - 10000) < 500);
}

static void test_refusals(void **state)
{
    (void)state;
    pm_error err;
    pm_assess *a = pm_assess_new(NULL, NULL);
    pm_record r = rec("w", "q|a=b", "a>b", NAN);
    r.gold = "a>b";
    assert_int_equal(pm_assess_add(a, &r, &err), PM_EINVAL);
    assert_non_null(strstr(err.text, "gold ranking"));
    r = rec("w", "q|a=b", "a>>b", NAN);
    assert_int_equal(pm_assess_add(a, &r, &err), PM_EINVAL);
    assert_non_null(strstr(err.text, "not a ranking label"));
    r = rec("w", "q|a=b", "a>b", NAN);
    assert_int_equal(pm_assess_add(a, &r, &err), PM_OK);
    r = rec("w", "q|a=b", "a>c", NAN); /* another set on the same key */
    assert_int_equal(pm_assess_add(a, &r, &err), PM_EINVAL);
    assert_non_null(strstr(err.text, "another set of responses"));
    pm_assess_free(a);
    a = pm_assess_new(NULL, NULL);
    r = rec("w", "q", "x>y", NAN);
    r.ranking = 0; /* a plain label first ... */
    assert_int_equal(pm_assess_add(a, &r, &err), PM_OK);
    r.ranking = 1; /* ... then the same text as a ranking */
    assert_int_equal(pm_assess_add(a, &r, &err), PM_EINVAL);
    assert_non_null(strstr(err.text, "plain label before"));
    pm_assess_free(a);
}

/* The log (make_log) added for annotator "w" to an accumulator that keeps
 * its pairs, finished. */
static pm_assess *kept_log(void)
{
    pm_assess_options o;
    pm_assess_options_default(&o);
    o.keep_pairs = 1;
    pm_assess *a = pm_assess_new(&o, NULL);
    add_log(a, "w", 0);
    pm_error err;
    assert_int_equal(pm_assess_finish(a, &err), PM_OK);
    return a;
}

/* a's assessment file in memory (*len bytes; the caller frees it). */
static char *saved(const pm_assess *a, size_t *len)
{
    char *buf = NULL;
    pm_error err;
    FILE *fp = open_memstream(&buf, len);
    assert_int_equal(pm_assess_save_json(a, fp, "mem", &err), PM_OK);
    fclose(fp);
    return buf;
}

/* The assessment file keeps the ranking fields, and pair_outcomes (the
 * units) agrees with consistent when read back. */
static void test_json_roundtrip(void **state)
{
    (void)state;
    pm_assess *a = kept_log();
    pm_error err;
    size_t len;
    char *buf = saved(a, &len);
    assert_non_null(strstr(buf, "\"tau_b_mean\""));
    pm_assess *b = NULL;
    assert_int_equal(pm_assess_load_json_mem(buf, len, "mem", &b, &err), PM_OK);
    const pm_assess_row *x = row_of(a, "w"), *y = row_of(b, "w");
    assert_int_equal(y->rank_repeats, x->rank_repeats);
    assert_int_equal(y->rank_pairs_agree, x->rank_pairs_agree);
    assert_int_equal(y->tau_b_n, x->tau_b_n);
    assert_true(y->tau_b_mean == x->tau_b_mean);
    assert_true(y->rank_consistency == x->rank_consistency);
    long ones = 0;
    for (const char *s = y->pair_outcomes; *s; s++)
        ones += *s == '1';
    assert_int_equal(ones, x->consistent);
    free(buf);
    pm_assess_free(a);
    pm_assess_free(b);
}

/* Each kept repeat carries its own pairwise agreement and Kendall tau-b
 * (pm_assess_row_pairs, and "pair_tau_b" in the JSON file): checked
 * against the brute force from the ranks behind the labels, repeat by
 * repeat (the log is in input order: item-major, so pair p is item
 * p / (TIMES - 1), times t - 1 and t). */
static void test_per_repeat(void **state)
{
    (void)state;
    make_log();
    pm_assess *a = kept_log();
    pm_error err;
    size_t np = 0;
    const pm_assess_pair *p = pm_assess_row_pairs(a, 0, &np);
    assert_int_equal(np, ITEMS * (TIMES - 1));
    long undefined = 0;
    for (size_t k = 0; k < np; k++) {
        int i = (int)(k / (TIMES - 1)), t = (int)(k % (TIMES - 1)) + 1;
        long agree;
        double tau = brute_tau(grid[i][t - 1], grid[i][t], K, &agree);
        assert_int_equal(p[k].rank_pairs, K * (K - 1) / 2);
        assert_int_equal(p[k].rank_agree, agree);
        if (isnan(tau)) {
            assert_true(isnan(p[k].tau_b));
            undefined++;
        } else if (fabs(p[k].tau_b - tau) > 1e-12) {
            fail_msg("repeat %zu: tau-b %.17g, brute force %.17g", k, p[k].tau_b, tau);
        }
    }
    /* the row's mean is the mean of these */
    const pm_assess_row *w = row_of(a, "w");
    assert_int_equal(w->tau_b_n, (long)np - undefined);
    /* the file lists them in pair order, and reads back */
    size_t len;
    char *buf = saved(a, &len);
    assert_non_null(strstr(buf, "\"pair_tau_b\""));
    pm_assess *b = NULL;
    assert_int_equal(pm_assess_load_json_mem(buf, len, "mem", &b, &err), PM_OK);
    pm_assess_free(b);
    /* a tau-b outside [-1, 1] is refused on load */
    char *q = strstr(buf, "\"pair_tau_b\": [");
    assert_non_null(q);
    q += strlen("\"pair_tau_b\": [");
    while (*q == ' ' || *q == '\n')
        q++;
    if (strncmp(q, "null", 4) == 0)
        memcpy(q, "2.00", 4); /* same length: the rest of the file stays in place */
    else
        *q = '7';
    assert_int_not_equal(pm_assess_load_json_mem(buf, len, "mem", &b, &err), PM_OK);
    assert_non_null(strstr(err.text, "pair_tau_b"));
    free(buf);
    pm_assess_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tau_hand),   cmocka_unit_test(test_tau_brute),
        cmocka_unit_test(test_q0_brute),   cmocka_unit_test(test_q0_mixed),
        cmocka_unit_test(test_units),      cmocka_unit_test(test_unit_pair),
        cmocka_unit_test(test_refusals),   cmocka_unit_test(test_json_roundtrip),
        cmocka_unit_test(test_per_repeat),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
