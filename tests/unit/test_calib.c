/* calib: histogram binning against a numpy transcription of the authors'
 * calibration_module (tests/spec/gen/gen_calib.py wrote the data), the split
 * and orientation and the whole run against brute force. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "prefmon/calib.h"
#include "prefmon/prefs.h"

#define MAXROWS 2000

typedef struct ref_case {
    char name[32];
    int bins;
    size_t ntr, nev;
    double tr_s[MAXROWS], ev_s[MAXROWS], ev_want[MAXROWS];
    unsigned char tr_l[MAXROWS];
} ref_case;

/* Read the next case of the table (rows of one case are contiguous). */
static int read_case(FILE *fp, ref_case *c, char *pending, size_t plen)
{
    memset(c->name, 0, sizeof c->name);
    c->ntr = c->nev = 0;
    char line[256];
    int have = pending[0] != '\0';
    for (;;) {
        if (have) {
            snprintf(line, sizeof line, "%s", pending);
            pending[0] = '\0';
            have = 0;
        } else if (!fgets(line, sizeof line, fp)) {
            return c->ntr > 0;
        }
        if (line[0] == '#' || strncmp(line, "case\t", 5) == 0)
            continue;
        char name[32], role[8];
        int bins;
        double s, v;
        assert_int_equal(sscanf(line, "%31s %d %7s %lf %lf", name, &bins, role, &s, &v), 5);
        if (c->name[0] && strcmp(name, c->name) != 0) {
            snprintf(pending, plen, "%s", line);
            return 1;
        }
        snprintf(c->name, sizeof c->name, "%s", name);
        c->bins = bins;
        assert_true(c->ntr < MAXROWS && c->nev < MAXROWS);
        if (strcmp(role, "train") == 0) {
            c->tr_s[c->ntr] = s;
            c->tr_l[c->ntr++] = (unsigned char)v;
        } else {
            c->ev_s[c->nev] = s;
            c->ev_want[c->nev++] = v;
        }
    }
}

static void test_histbin_numpy_reference(void **state)
{
    (void)state;
    FILE *fp = fopen(PM_SOURCE_DIR "/tests/unit/data/calib_histbin.tsv", "r");
    assert_non_null(fp);
    static ref_case c;
    static pm_histbin h;
    char pending[256] = "";
    int ncases = 0;
    size_t checked = 0;
    while (read_case(fp, &c, pending, sizeof pending)) {
        pm_error e = {0};
        assert_int_equal(pm_histbin_fit(c.tr_s, c.tr_l, c.ntr, c.bins, &h, &e), PM_OK);
        for (size_t i = 0; i < c.nev; i++) {
            double got = pm_histbin_predict(&h, c.ev_s[i]);
            if (got != c.ev_want[i])
                fail_msg("%s eval %zu: score %.17g: want %.17g got %.17g", c.name, i, c.ev_s[i],
                         c.ev_want[i], got);
            checked++;
        }
        ncases++;
    }
    fclose(fp);
    assert_int_equal(ncases, 5);
    assert_true(checked > 300);
}

static void test_histbin_errors(void **state)
{
    (void)state;
    static pm_histbin h;
    double s[3] = {0.1, 0.2, 1.5};
    unsigned char l[3] = {0, 1, 1};
    pm_error e = {0};
    assert_int_equal(pm_histbin_fit(s, l, 2, 3, &h, &e), PM_EINVAL); /* fewer items than bins */
    assert_non_null(strstr(e.text, "at least as many"));
    assert_int_equal(pm_histbin_fit(s, l, 3, 1, &h, &e), PM_EINVAL); /* 1.5 */
    assert_int_equal(pm_histbin_fit(s, l, 2, 0, &h, &e), PM_EINVAL);
    /* Two bins on {0.1, 0.2}: boundary (0.1 + 0.2)/2, values 0 and 1. */
    double mid = (0.1 + 0.2) / 2;
    assert_int_equal(pm_histbin_fit(s, l, 2, 2, &h, &e), PM_OK);
    assert_true(h.upper[0] == mid && h.upper[1] == 1.0);
    assert_true(pm_histbin_predict(&h, mid) == 0.0); /* left side: on the boundary */
    assert_true(pm_histbin_predict(&h, nextafter(mid, 1)) == 1.0);
}

static void test_shuffle_orient(void **state)
{
    (void)state;
    enum { N = 1001 };
    size_t perm[N], perm2[N];
    int seen[N] = {0};
    pm_calib_shuffle(N, 42, perm);
    pm_calib_shuffle(N, 42, perm2);
    size_t fixed = 0;
    for (size_t i = 0; i < N; i++) {
        assert_true(perm[i] < N);
        seen[perm[i]]++;
        fixed += perm[i] == i;
        assert_true(perm[i] == perm2[i]); /* deterministic */
    }
    for (size_t i = 0; i < N; i++)
        assert_int_equal(seen[i], 1); /* a permutation */
    assert_true(fixed < 10);          /* expected 1 fixed point; 10 has p < 1e-6 */
    pm_calib_shuffle(N, 43, perm2);
    assert_true(memcmp(perm, perm2, sizeof perm) != 0);

    double p[N], score[N];
    unsigned char label[N];
    for (size_t i = 0; i < N; i++)
        p[i] = (double)i / (N - 1);
    pm_calib_orient(p, N, 42, score, label);
    size_t ones = 0;
    for (size_t i = 0; i < N; i++) {
        ones += label[i];
        /* label 1: unswapped, score = p; label 0: swapped, score = 1 - p */
        assert_true(score[i] == (label[i] ? p[i] : 1 - p[i]));
    }
    /* Bin(1001, 1/2): |ones - 500.5| > 100 has probability < 1e-9. */
    assert_true(ones > 400 && ones < 601);
}

/* The whole run against a brute-force recomputation from the same split
 * and orientation: eval/train membership, folding, calibration by linear
 * search over the bins, cbar and the reliability counts. */
static void test_run_brute_force(void **state)
{
    (void)state;
    enum { N = 401, B = 30 };
    static double p[N], score[N];
    static unsigned char label[N];
    static size_t perm[N];
    for (size_t i = 0; i < N; i++)
        p[i] = 1 / (1 + exp(-((double)(i % 37) - 18) / 6.0)); /* unfolded, many ties */
    pm_calib_opts o;
    pm_calib_opts_default(&o);
    assert_true(o.seed == 42 && o.bins == 30 && !o.calibrate);
    o.calibrate = 1;
    o.seed = 7;
    pm_calib_result r;
    pm_error e = {0};
    assert_int_equal(pm_calib_run(p, N, &o, &r, &e), PM_OK);
    assert_int_equal(r.n_eval, N / 2);
    assert_int_equal(r.n_train, N - N / 2);
    assert_true(r.calibrated && r.hist && r.after && r.before);
    pm_calib_shuffle(N, 7, perm);
    pm_calib_orient(p, N, 7, score, label);
    /* brute-force fit: sort the train half by (score, label) with a
     * selection sort, chunk sizes ceil/floor as array_split */
    static double ts[N];
    static unsigned char tl[N];
    size_t nt = 0;
    for (size_t i = N / 2; i < N; i++) {
        ts[nt] = score[perm[i]];
        tl[nt++] = label[perm[i]];
    }
    for (size_t i = 0; i < nt; i++)
        for (size_t j = i + 1; j < nt; j++)
            if (ts[j] < ts[i] || (ts[j] == ts[i] && tl[j] < tl[i])) {
                double t = ts[i];
                unsigned char u = tl[i];
                ts[i] = ts[j], tl[i] = tl[j];
                ts[j] = t, tl[j] = u;
            }
    double upper[B], value[B];
    size_t start = 0;
    for (int b = 0; b < B; b++) {
        size_t len = nt / B + ((size_t)b < nt % B), ones = 0;
        for (size_t i = start; i < start + len; i++)
            ones += tl[i];
        value[b] = (double)ones / (double)len;
        start += len;
        upper[b] = b < B - 1 ? (ts[start - 1] + ts[start]) / 2 : 1.0;
        assert_true(r.hist->upper[b] == upper[b] && r.hist->value[b] == value[b]);
    }
    double sum = 0;
    size_t rel[PM_CALIB_RELIABILITY_BINS] = {0};
    for (size_t i = 0; i < N / 2; i++) {
        double s = score[perm[i]], q = NAN;
        for (int b = 0; b < B && isnan(q); b++)
            if (s <= upper[b])
                q = value[b];
        rel[q == 1.0 ? 9 : (int)floor(q * 10)]++;
        double f = q >= 0.5 ? q : 1 - q;
        assert_true(r.p_eval[i] == f);
        sum += fabs(f - 0.5);
    }
    assert_true(fabs(r.cbar - 2 * sum / (N / 2)) < 1e-15);
    for (int b = 0; b < PM_CALIB_RELIABILITY_BINS; b++)
        assert_int_equal(r.after[b].count, rel[b]);
    pm_calib_result_free(&r);

    /* Without calibration the eval half is the raw folded p. */
    o.calibrate = 0;
    assert_int_equal(pm_calib_run(p, N, &o, &r, &e), PM_OK);
    assert_null(r.hist);
    for (size_t i = 0; i < N / 2; i++) {
        double q = p[perm[i]];
        assert_true(r.p_eval[i] == (q >= 0.5 ? q : 1 - q));
    }
    pm_calib_result_free(&r);
}

static void test_run_errors(void **state)
{
    (void)state;
    double p[40];
    for (int i = 0; i < 40; i++)
        p[i] = 0.5 + i / 100.0;
    pm_calib_opts o;
    pm_calib_opts_default(&o);
    pm_calib_result r;
    pm_error e = {0};
    o.calibrate = 1; /* 20 training items, 30 bins */
    assert_int_equal(pm_calib_run(p, 40, &o, &r, &e), PM_EINVAL);
    assert_null(r.p_eval);
    assert_int_equal(pm_calib_run(p, 1, &o, &r, &e), PM_EINVAL);
    p[3] = 1.5;
    o.calibrate = 0;
    assert_int_equal(pm_calib_run(p, 40, &o, &r, &e), PM_EINVAL);
}

static void test_reliability(void **state)
{
    (void)state;
    double pred[6] = {0.05, 0.15, 0.12, 1.0, 0.95, 0.5};
    unsigned char lab[6] = {0, 1, 0, 1, 1, 0};
    pm_reliability_bin b[10];
    pm_error e = {0};
    assert_int_equal(pm_reliability(pred, lab, 6, 10, b, &e), PM_OK);
    assert_int_equal(b[0].count, 1);
    assert_int_equal(b[1].count, 2);
    assert_true(fabs(b[1].mean_pred - 0.135) < 1e-15 && b[1].freq == 0.5);
    assert_int_equal(b[9].count, 2); /* 1.0 joins the last bin */
    assert_true(b[9].freq == 1.0);
    assert_int_equal(b[5].count, 1);
    assert_int_equal(b[3].count, 0);
    assert_true(isnan(b[3].mean_pred));
}

/* pm_prefs keeps the unfolded value next to the folded one. */
static void test_prefs_raw(void **state)
{
    (void)state;
    pm_prefs *pr = pm_prefs_new(NULL);
    assert_non_null(pr);
    FILE *fp = tmpfile();
    assert_non_null(fp);
    fputs("{\"chosen_score\": 1, \"rejected_score\": 3}\n0.25\n", fp);
    rewind(fp);
    pm_error e = {0};
    assert_int_equal(pm_prefs_read_stream(pr, fp, "t", &e), PM_OK);
    fclose(fp);
    assert_int_equal(pm_prefs_count(pr), 2);
    double s = 1 / (1 + exp(2.0));
    assert_true(fabs(pm_prefs_raw_values(pr)[0] - s) < 1e-16);
    assert_true(fabs(pm_prefs_values(pr)[0] - (1 - s)) < 1e-16);
    assert_true(pm_prefs_raw_values(pr)[1] == 0.25 && pm_prefs_values(pr)[1] == 0.75);
    pm_prefs_free(pr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_histbin_numpy_reference),
        cmocka_unit_test(test_histbin_errors),
        cmocka_unit_test(test_shuffle_orient),
        cmocka_unit_test(test_run_brute_force),
        cmocka_unit_test(test_run_errors),
        cmocka_unit_test(test_reliability),
        cmocka_unit_test(test_prefs_raw),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
