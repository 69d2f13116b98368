/* pm_import_run on SQLite and on the ctest fixture's PostgreSQL: stored
 * pairs against a brute-force pairing across batches, cross-week pairs,
 * predictable q0 (stored m0 by hand), replay = the e-values of the stored
 * pairs, re-import refused, a cumulative export skipped and counted,
 * dry-run writes nothing, an untimed overlap refused, delta fixed per
 * study, and the same results on both backends. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "prefmon/decide.h"
#include "prefmon/history.h"
#include "test_history_util.h"

/* Three weeks of events: (annotator, item, label, time); week w's
 * times are 1000 w + i, so all weeks together in time order are the
 * concatenation. Items repeat inside a week and across weeks. */
typedef struct tev {
    const char *ann, *item, *label;
    int week;
} tev;

#define NEV 48
static tev evs[NEV];

static void make_events(void)
{
    const char *anns[3] = {"alice", "bob", "carol"};
    unsigned long long s = 99;
    for (int i = 0; i < NEV; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        int a = (int)((s >> 33) % 3), it = (int)((s >> 40) % 5), lab = (int)((s >> 50) % 4);
        static char items[NEV][8];
        snprintf(items[i], sizeof items[i], "q%d", it);
        evs[i] = (tev){anns[a], items[i], lab == 3 && a != 2 ? "B" : "A", i / 16};
    }
}

static void write_week(const char *path, int from_week, int to_week, int timed)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fprintf(fp, timed ? "annotator,item,label,timestamp\n" : "annotator,item,label\n");
    for (int i = 0; i < NEV; i++)
        if (evs[i].week >= from_week && evs[i].week <= to_week) {
            if (timed)
                fprintf(fp, "%s,%s,%s,%d\n", evs[i].ann, evs[i].item, evs[i].label,
                        1000 * (evs[i].week + 1) + i);
            else
                fprintf(fp, "%s,%s,%s\n", evs[i].ann, evs[i].item, evs[i].label);
        }
    fclose(fp);
}

/* Brute force: annotator's outcomes over weeks 0..upto, and the label
 * counts of weeks before `week`. */
static int expected(const char *ann, int upto, char *out, int *week_of)
{
    const char *last[5] = {0};
    int k = 0;
    for (int i = 0; i < NEV; i++) {
        if (strcmp(evs[i].ann, ann) || evs[i].week > upto)
            continue;
        int it = evs[i].item[1] - '0';
        if (last[it]) {
            week_of[k] = evs[i].week;
            out[k++] = strcmp(last[it], evs[i].label) ? '0' : '1';
        }
        last[it] = evs[i].label;
    }
    out[k] = '\0';
    return k;
}

static double q0_before(const char *ann, int week)
{
    double a = 0, b = 0;
    for (int i = 0; i < NEV; i++)
        if (!strcmp(evs[i].ann, ann) && evs[i].week < week)
            *(evs[i].label[0] == 'A' ? &a : &b) += 1;
    if (a + b == 0)
        return 0.5;
    return (a * a + b * b) / ((a + b) * (a + b));
}

typedef struct got {
    char s[256];
    double m0[256];
    char batch[256][16];
    int n;
} got;

static int on_pair(void *ctx, const pm_history_pair *p)
{
    got *g = ctx;
    g->s[g->n] = p->agree ? '1' : '0';
    g->m0[g->n] = p->m0;
    snprintf(g->batch[g->n], sizeof g->batch[0], "%s", p->batch);
    g->n++;
    g->s[g->n] = '\0';
    return 0;
}

static pm_status import(const hbackend *b, const char *batch, const char *path, int dry,
                        int replace, double delta, int new_delta, pm_import_result **res,
                        pm_error *err)
{
    pm_import_options o;
    pm_import_options_default(&o);
    o.batch = batch;
    o.dry_run = dry;
    o.replace = replace;
    o.delta = delta;
    o.new_delta = new_delta;
    pm_records_options ro;
    pm_records_options_default(&ro);
    const char *paths[1] = {path};
    return pm_import_run(b->uri, paths, 1, &ro, NULL, &o, res, err);
}

/* A text of the results, to compare the backends. */
static void digest(const pm_import_result *r, char *buf, size_t size)
{
    size_t k = 0;
    for (size_t i = 0; i < r->n; i++) {
        const pm_import_row *x = &r->rows[i];
        k += (size_t)snprintf(buf + k, size - k, "%s %ld %ld %ld %ld %.12g %.12g %s %s|",
                              x->annotator, x->res.pairs, x->res.consistent, x->batch_pairs,
                              x->cross_pairs, x->res.e_pass, x->res.m_low,
                              pm_seq_verdict_name(x->res.verdict), pm_action_name(x->action));
    }
}

static void scenario(int pg, char *dig, size_t dsize)
{
    hbackend b;
    if (hbackend_fresh(&b, pg) != 0)
        fail_msg("no %s store", pg ? "PostgreSQL" : "SQLite");
    make_events();
    char dir[] = "/tmp/prefmon-decide-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char w[3][300], cum[300], untimed[300], untimed2[300];
    for (int k = 0; k < 3; k++) {
        snprintf(w[k], sizeof w[k], "%s/w%d.csv", dir, k);
        write_week(w[k], k, k, 1);
    }
    snprintf(cum, sizeof cum, "%s/cum.csv", dir);
    write_week(cum, 0, 1, 1);
    pm_error err = {0};
    pm_import_result *r = NULL;
    /* Dry run first: nothing written. */
    assert_int_equal(import(&b, "w0", w[0], 1, 0, 0.02, 0, &r, &err), PM_OK);
    assert_true(r->dry_run);
    pm_import_result_free(r);
    pm_history *h;
    assert_int_equal(pm_history_open(b.uri, PM_HISTORY_CREATE, &h, &err), PM_OK);
    got g = {0};
    assert_int_equal(pm_history_annotator_pairs(h, "alice", on_pair, &g, &err), PM_OK);
    assert_int_equal(g.n, 0);
    pm_history_close(h);
    /* Week 0, then week 1 as a cumulative export (weeks 0 and 1). */
    assert_int_equal(import(&b, "w0", w[0], 0, 0, 0.02, 0, &r, &err), PM_OK);
    pm_import_result_free(r);
    assert_int_equal(import(&b, "w0", w[1], 0, 0, 0.02, 0, &r, &err), PM_EPARSE);  /* name */
    assert_int_equal(import(&b, "w0b", w[0], 0, 0, 0.02, 0, &r, &err), PM_EPARSE); /* file */
    assert_int_equal(import(&b, "w1", w[1], 0, 0, 0.03, 0, &r, &err), PM_EINVAL);  /* delta */
    assert_non_null(strstr(err.text, "--new-delta"));
    assert_int_equal(import(&b, "w1", cum, 0, 0, 0.02, 0, &r, &err), PM_OK);
    long week0 = 0;
    for (int i = 0; i < NEV; i++)
        week0 += evs[i].week == 0;
    assert_int_equal(r->records_skipped, week0);
    assert_int_equal(r->records_read, 2 * week0);
    pm_import_result_free(r);
    assert_int_equal(import(&b, "w2", w[2], 0, 0, 0.02, 0, &r, &err), PM_OK);
    /* Every annotator's stored pairs are the brute-force pairing of all
     * weeks; the cross-week pairs are counted; m0 is that of the q0 of
     * earlier weeks' labels; the e-value is the product over the pairs. */
    assert_int_equal(pm_history_open(b.uri, 0, &h, &err), PM_OK);
    long cross_total = 0;
    for (size_t i = 0; i < r->n; i++) {
        const pm_import_row *x = &r->rows[i];
        char want[256];
        int wk[256];
        int n = expected(x->annotator, 2, want, wk);
        got gg = {0};
        assert_int_equal(pm_history_annotator_pairs(h, x->annotator, on_pair, &gg, &err), PM_OK);
        assert_string_equal(gg.s, want);
        double logl = 0;
        for (int k = 0; k < n; k++) {
            char bn[8];
            snprintf(bn, sizeof bn, "w%d", wk[k]);
            assert_string_equal(gg.batch[k], bn);
            double q0 = q0_before(x->annotator, wk[k]);
            double m0 = q0 + 0.8 * (1 - 0.02 - q0), m1 = q0 + 0.9 * (1 - 0.02 - q0);
            assert_true(fabs(gg.m0[k] - m0) < 1e-12);
            if (m0 < m1)
                logl += want[k] == '1' ? log(m1 / m0) : log((1 - m1) / (1 - m0));
        }
        assert_int_equal(x->res.pairs, n);
        if (x->res.seq.reopened == 0 && x->res.seq.verdict == PM_SEQ_CONTINUE)
            assert_true(fabs(log(x->res.e_pass) - logl) < 1e-9);
        /* cross-week pairs of week 2: a week-2 pair whose previous label of
         * the item is from an earlier week */
        const char *last[5] = {0};
        int lastw[5] = {0};
        long cross = 0;
        for (int e = 0; e < NEV; e++) {
            if (strcmp(evs[e].ann, x->annotator))
                continue;
            int it = evs[e].item[1] - '0';
            if (last[it] && evs[e].week == 2 && lastw[it] < 2)
                cross++;
            last[it] = evs[e].label;
            lastw[it] = evs[e].week;
        }
        assert_int_equal(x->cross_pairs, cross);
        cross_total += cross;
    }
    assert_true(cross_total > 0);
    size_t problems = 1;
    assert_int_equal(pm_history_check(h, NULL, NULL, &problems, &err), PM_OK);
    assert_int_equal(problems, 0);
    pm_history_close(h);
    digest(r, dig, dsize);
    pm_import_result_free(r);
    /* An untimed log overlapping an earlier batch's rows is refused. */
    snprintf(untimed, sizeof untimed, "%s/u.csv", dir);
    snprintf(untimed2, sizeof untimed2, "%s/u2.csv", dir);
    write_week(untimed, 0, 0, 0);
    assert_int_equal(import(&b, "u1", untimed, 0, 0, 0.02, 0, &r, &err), PM_OK);
    pm_import_result_free(r);
    write_week(untimed2, 0, 1, 0);
    assert_int_equal(import(&b, "u2", untimed2, 0, 0, 0.02, 0, &r, &err), PM_EPARSE);
    assert_non_null(strstr(err.text, "no timestamp"));
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    hbackend_done(&b);
}

static void test_sqlite_and_postgresql(void **state)
{
    (void)state;
    static char a[8192], b[8192];
    scenario(0, a, sizeof a);
    scenario(1, b, sizeof b);
    assert_true(strlen(a) > 20);
    assert_string_equal(a, b);
    if (getenv("PM_TEST_VERBOSE"))
        printf("%s\n", a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sqlite_and_postgresql),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
