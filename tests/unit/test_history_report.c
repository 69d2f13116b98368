/* The weekly page's numbers (pm_history_report_build) against a store
 * built here through the pm_history_* API, with every expected value
 * computed here: the e-values as sums of log likelihood ratios of the
 * stored m0, m1, q0 from the label counts, the confidence sequence as the
 * intersection of pm_seq_cs_bounds at each batch's end, the action order
 * by hand, and the ledger summed by hand. The same store on SQLite and on
 * PostgreSQL (the ctest fixture) gives the same report, bit for bit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "prefmon/decide.h"
#include "prefmon/history_report.h"
#include "prefmon/records.h"
#include "prefmon/pages.h"
#include "test_history_util.h"

static int g_pg;

#define NB 3
static const char *const bname[NB] = {"W1", "W2", "W3"};

/* One annotator: agreement pattern per batch ("" = no row that batch),
 * label counts (A, B) per batch, the stored action, reason, flags. */
typedef struct spec {
    const char *name;
    const char *pat[NB];
    long ca, cb;
    const char *action, *flags;
} spec;

/* Stored m0, m1 of pair j (0-based over all the annotator's pairs) in
 * batch w: 0.6 / 0.9, except pay2's in W2 (a changed plug-in). */
static double m0_of(const char *who, int w)
{
    return !strcmp(who, "pay2") && w == 1 ? 0.55 : 0.6;
}
static double m1_of(const char *who, int w)
{
    return !strcmp(who, "pay2") && w == 1 ? 0.85 : 0.9;
}

#define DRIFT_W1 "11111111111111111111"
static const spec S[] = {
    {"blk", {"0000", "000", "00"}, 6, 4, "block", "low-effort"},
    {"blk2", {"0100", "00", "0"}, 6, 4, "block", ""},
    {"rev", {"11", "11", "1"}, 10, 0, "review", "one-label"},
    {"hold1", {"10", "1", "0"}, 6, 4, "hold", ""},
    {"hold2", {"1", "1", "1"}, 5, 5, "hold", ""},
    {"pay1", {"11111111", "1111", "111"}, 6, 4, "pay", ""},
    {"pay2", {"11111", "1111", "11"}, 7, 3, "pay", ""},
    {"noact", {"0000", "0", "00"}, 6, 4, NULL, ""},
    {"old", {"11", "", ""}, 6, 4, "hold", ""},
    {"drifter", {DRIFT_W1, "0000000000", "1"}, 6, 4, "review", "drift"},
};
#define NS (sizeof S / sizeof *S)
#define DELTA 0.1

static pm_status import_batch(pm_history *h, int w, pm_error *err)
{
    pm_history_batch b = {0};
    b.name = bname[w];
    b.parameters = "{\"alpha_pass\": 0.05, \"alpha_fail\": 0.05}";
    pm_status st = pm_history_begin_import(h, &b, 0, err);
    for (size_t a = 0; a < NS && st == PM_OK; a++) {
        const char *p = S[a].pat[w];
        if (!*p)
            continue;
        long n = (long)strlen(p), c = 0;
        for (long j = 0; j < n; j++)
            c += p[j] == '1';
        pm_history_count counts[2] = {{"A", S[a].ca}, {"B", S[a].cb}};
        pm_history_row r = {0};
        r.annotator = S[a].name;
        r.labels = S[a].ca + S[a].cb;
        r.counts = counts;
        r.n_counts = S[a].cb ? 2 : 1;
        r.pairs = n;
        r.consistent = c;
        r.duration_median = NAN;
        r.decision = "continue";
        r.action = S[a].action;
        r.reason = S[a].action ? "stored reason" : NULL;
        r.flags = S[a].flags;
        if ((st = pm_history_put_row(h, &r, err)) != PM_OK || n == 0)
            continue;
        pm_history_pair pairs[32];
        char items[32][32];
        for (long j = 0; j < n; j++) {
            snprintf(items[j], sizeof items[j], "i%d-%ld", w, j);
            pairs[j] = (pm_history_pair){0};
            pairs[j].item = items[j];
            pairs[j].agree = p[j] == '1';
            pairs[j].q0 = 0.52;
            pairs[j].delta = DELTA;
            pairs[j].m0 = m0_of(S[a].name, w);
            pairs[j].m1 = m1_of(S[a].name, w);
        }
        st = pm_history_append_pairs(h, S[a].name, pairs, (size_t)n, err);
    }
    if (st != PM_OK) {
        pm_history_rollback(h);
        return st;
    }
    return pm_history_commit(h, err);
}

static pm_history *fill_store(hbackend *b)
{
    assert_int_equal(hbackend_fresh(b, g_pg), 0);
    pm_history *h = NULL;
    pm_error err = {0};
    if (pm_history_open(b->uri, PM_HISTORY_CREATE, &h, &err) != PM_OK)
        fail_msg("open: %s", err.text);
    for (int w = 0; w < NB; w++)
        if (import_batch(h, w, &err) != PM_OK)
            fail_msg("import %d: %s", w, err.text);
    pm_history_ledger e[] = {
        {0, "W1", "pay1", 1000, "USD", PM_LEDGER_PAID, NULL, NULL},
        {0, "W1", "pay2", 500, "USD", PM_LEDGER_PAID, NULL, NULL},
        {0, "W1", "hold1", 300, "USD", PM_LEDGER_HELD, NULL, NULL},
        {0, "W0-replaced", "pay1", 42, "USD", PM_LEDGER_PAID, NULL, NULL},
        {0, "W2", "pay1", 700, "USD", PM_LEDGER_PAID, NULL, NULL},
        {0, "W2", "hold1", 300, "USD", PM_LEDGER_RELEASED, NULL, NULL},
        {0, "W2", "pay1", 100, "USD", PM_LEDGER_PAID, NULL, NULL},
        {0, "W2", "pay2", 250, "EUR", PM_LEDGER_PAID, NULL, NULL},
        {0, "W3", "pay1", 900, "USD", PM_LEDGER_PAID, NULL, NULL},
    };
    if (pm_history_ledger_append(h, e, sizeof e / sizeof *e, &err) != PM_OK)
        fail_msg("ledger: %s", err.text);
    return h;
}

static const spec *spec_of(const char *name)
{
    for (size_t a = 0; a < NS; a++)
        if (!strcmp(S[a].name, name))
            return &S[a];
    fail_msg("no spec %s", name);
    return NULL;
}

/* ln L over the annotator's pairs of batches < upto, from pair `from`
 * (0-based) on: the hand sum of the log likelihood ratios. */
static double hand_log_l(const spec *s, int upto, long from)
{
    double l = 0;
    long k = 0;
    for (int w = 0; w < upto; w++)
        for (const char *p = s->pat[w]; *p; p++, k++) {
            if (k < from)
                continue;
            double m0 = m0_of(s->name, w), m1 = m1_of(s->name, w);
            l += *p == '1' ? log(m1 / m0) : log((1 - m1) / (1 - m0));
        }
    return l;
}

static void test_latest(void **state)
{
    (void)state;
    hbackend b;
    pm_history *h = fill_store(&b);
    pm_history_report r;
    pm_error err = {0};
    assert_int_equal(pm_history_report_build(h, NULL, NULL, &r, &err), PM_OK);
    assert_int_equal(r.nbatches, 3);
    assert_int_equal(r.batch, 2);
    assert_string_equal(r.batches[2].name, "W3");
    assert_true(fabs(r.threshold_pass - log(20)) < 1e-15);
    /* "old" has no row in W3: 9 annotators */
    assert_int_equal(r.nann, 9);
    /* the order by hand: block by ln e_fail (blk 9 disagreements and 0
     * agreements, noact 7 and 0, blk2 5 and 1), review (drifter's reopened
     * test, then rev with 5 agreements), hold (hold1 2-2, hold2 0-3), pay
     * by ln e_pass (pay1 15 agreements at ln 1.5; pay2 7 at ln 1.5 and 4
     * at ln(0.85/0.55)) */
    const char *order[] = {"blk",   "noact", "blk2", "drifter", "rev",
                           "hold1", "hold2", "pay1", "pay2"};
    for (size_t i = 0; i < 9; i++)
        assert_string_equal(r.ann[i].annotator, order[i]);
    assert_int_equal(r.count[PM_ACTION_BLOCK], 3);
    assert_int_equal(r.count[PM_ACTION_REVIEW], 2);
    assert_int_equal(r.count[PM_ACTION_HOLD], 2);
    assert_int_equal(r.count[PM_ACTION_PAY], 2);
    for (size_t i = 0; i < r.nann; i++) {
        const pm_history_report_ann *a = &r.ann[i];
        const spec *s = spec_of(a->annotator);
        assert_int_equal(a->npoints, 3);
        /* drifter was reopened: its e-values run from the reopening on */
        long from = a->result.seq.opened_at;
        if (strcmp(a->annotator, "drifter"))
            assert_int_equal(from, 0);
        double l = hand_log_l(s, 3, from);
        assert_true(fabs(a->result.seq.log_e_pass - l) < 1e-12);
        assert_true(fabs(a->result.seq.log_e_fail + l) < 1e-12);
        double want = a->action == PM_ACTION_PAY ? l : -l;
        assert_true(fabs(a->evidence - want) < 1e-12);
        /* q0 from the counts summed over three batches: shares stay */
        double n = (double)(s->ca + s->cb);
        double q0 = (s->ca / n) * (s->ca / n) + (s->cb / n) * (s->cb / n);
        assert_true(fabs(a->q0 - q0) < 1e-15);
        assert_true(a->delta == DELTA);
        /* every point against the hand sums and the bounds' intersection */
        long pairs = 0, cons = 0;
        double lo = 0, hi = 1;
        for (int w = 0; w < 3; w++) {
            const pm_history_point *p = &a->points[w];
            assert_int_equal(p->batch, w);
            long bn = (long)strlen(s->pat[w]), bc = 0;
            for (long j = 0; j < bn; j++)
                bc += s->pat[w][j] == '1';
            pairs += bn;
            cons += bc;
            assert_int_equal(p->pairs, pairs);
            assert_int_equal(p->consistent, cons);
            assert_int_equal(p->batch_pairs, bn);
            double cl, ch;
            assert_int_equal(pm_seq_cs_bounds(pairs, cons, 0.05, 0.5, 0.5, &cl, &ch, NULL), PM_OK);
            lo = fmax(lo, cl);
            hi = fmin(hi, ch);
            assert_true(p->m_low == lo && p->m_high == hi);
            if (!p->drift && strcmp(a->annotator, "drifter")) {
                double lw = hand_log_l(s, w + 1, 0);
                assert_true(fabs(p->log_e_pass - lw) < 1e-12);
                assert_true(fabs(p->log_e_fail + lw) < 1e-12);
            }
        }
    }
    /* the stored action and reason; noact's from the replay (a fail) */
    const pm_history_report_ann *noact = &r.ann[1];
    assert_int_equal(noact->action_stored, 0);
    assert_int_equal(noact->result.verdict, PM_SEQ_FAIL);
    assert_non_null(strstr(noact->reason, "0 of 7"));
    assert_int_equal(r.ann[0].action_stored, 1);
    assert_string_equal(r.ann[0].reason, "stored reason");
    assert_string_equal(r.ann[0].flags, "low-effort");
    /* one label: no signal, no decision */
    const pm_history_report_ann *rev = &r.ann[4];
    assert_int_equal(rev->result.no_signal, 1);
    assert_int_equal(rev->result.verdict, PM_SEQ_CONTINUE);
    /* drift began at the first disagreement, in W2, after a pass in W1 */
    const pm_history_report_ann *dr = &r.ann[3];
    assert_int_equal(dr->result.drift, 1);
    assert_int_equal(dr->result.drift_pair, 21);
    assert_string_equal(dr->drift_batch, "W2");
    assert_int_equal(dr->points[0].verdict, PM_SEQ_PASS);
    assert_int_equal(dr->points[0].drift, 0);
    assert_int_equal(dr->points[1].drift, 1);
    assert_int_equal(r.drifting, 1);
    /* pay per week by hand, in the order first appended */
    assert_int_equal(r.npay, 5);
    assert_string_equal(r.pay[0].batch, "W1");
    assert_int_equal(r.pay[0].paid_cents, 1500);
    assert_int_equal(r.pay[0].held_cents, 300);
    assert_int_equal(r.pay[0].annotators_paid, 2);
    assert_int_equal(r.pay[0].annotators_held, 1);
    assert_string_equal(r.pay[1].batch, "W0-replaced");
    assert_int_equal(r.pay[1].paid_cents, 42);
    assert_string_equal(r.pay[2].batch, "W2");
    assert_string_equal(r.pay[2].currency, "USD");
    assert_int_equal(r.pay[2].paid_cents, 800);
    assert_int_equal(r.pay[2].released_cents, 300);
    assert_int_equal(r.pay[2].annotators_paid, 1);
    assert_string_equal(r.pay[3].currency, "EUR");
    assert_int_equal(r.pay[3].paid_cents, 250);
    assert_string_equal(r.pay[4].batch, "W3");
    assert_int_equal(r.pay[4].paid_cents, 900);
    pm_history_report_free(&r);
    pm_history_report_free(&r); /* twice is harmless */
    pm_history_close(h);
    hbackend_done(&b);
}

/* The report of an older batch is the report as it was then. */
static void test_older_batch(void **state)
{
    (void)state;
    hbackend b;
    pm_history *h = fill_store(&b);
    pm_history_report r;
    pm_error err = {0};
    assert_int_equal(pm_history_report_build(h, "W1", NULL, &r, &err), PM_OK);
    assert_int_equal(r.nbatches, 1);
    assert_int_equal(r.nann, 10); /* "old" is there */
    for (size_t i = 0; i < r.nann; i++) {
        const pm_history_report_ann *a = &r.ann[i];
        assert_int_equal(a->npoints, 1);
        double l = hand_log_l(spec_of(a->annotator), 1, 0);
        assert_true(fabs(a->result.seq.log_e_pass - l) < 1e-12);
        assert_int_equal(a->result.drift, 0);
    }
    /* W2's and W3's payments are not there yet */
    assert_int_equal(r.npay, 2);
    assert_string_equal(r.pay[0].batch, "W1");
    assert_string_equal(r.pay[1].batch, "W0-replaced");
    pm_history_report_free(&r);

    /* unknown batch: usage error naming the latest */
    assert_int_equal(pm_history_report_build(h, "W9", NULL, &r, &err), PM_EINVAL);
    assert_non_null(strstr(err.text, "no batch 'W9'"));
    assert_non_null(strstr(err.text, "'W3'"));
    assert_int_equal(r.nann, 0);
    /* options out of range are refused as the replay refuses them */
    pm_decide_options o;
    pm_decide_options_default(&o);
    o.alpha_fail = 1.5;
    assert_int_equal(pm_history_report_build(h, NULL, &o, &r, &err), PM_EINVAL);
    assert_non_null(strstr(err.text, "alpha_fail"));
    pm_history_close(h);
    hbackend_done(&b);
}

/* The page built from the report without the CLI: written to
 * history_sample.html (ctest report_history_html_parses checks it
 * strictly); the actions come first, in the report's order, with decision
 * and flags as stored, and a hostile annotator name stays text. */
static void test_page(void **state)
{
    (void)state;
    g_pg = 0;
    hbackend b;
    pm_history *h = fill_store(&b);
    pm_history_report r;
    pm_error err = {0};
    assert_int_equal(pm_history_report_build(h, NULL, NULL, &r, &err), PM_OK);
    /* a name that would break the page if it were not escaped */
    free(r.ann[8].annotator);
    r.ann[8].annotator = strdup("<script>x</script>");
    pm_doc *doc = NULL;
    assert_int_equal(pm_page_history(&r, &doc, &err), PM_OK);
    FILE *fp = fopen("history_sample.html", "w+");
    assert_non_null(fp);
    assert_int_equal(pm_doc_write_html(doc, fp, &err), PM_OK);
    long size = ftell(fp);
    rewind(fp);
    char *html = calloc((size_t)size + 1, 1);
    assert_int_equal(fread(html, 1, (size_t)size, fp), (size_t)size);
    fclose(fp);
    const char *actions = strstr(html, "id=\"actions\"");
    const char *traj = strstr(html, "id=\"trajectories\"");
    const char *drift = strstr(html, "id=\"drift\"");
    const char *pay = strstr(html, "id=\"pay\"");
    assert_true(actions && traj && drift && pay);
    assert_true(actions < traj && traj < drift && drift < pay);
    /* the table's first rows in the report's order, decision and flags in
     * the third and fourth cells */
    const char *row =
        strstr(actions, "<td>blk</td><td>block</td><td>continue</td><td>low-effort</td>");
    assert_non_null(row);
    const char *row2 = strstr(actions, "<td>noact</td><td>block (replay)</td>");
    assert_true(row2 && row < row2 && row2 < traj);
    assert_null(strstr(html, "<script>x"));
    assert_non_null(strstr(html, "&lt;script&gt;x"));
    /* the ledger's W3 total in the pay table */
    assert_non_null(strstr(pay, "9.00"));
    free(html);
    pm_doc_free(doc);
    pm_history_report_free(&r);
    assert_int_equal(pm_page_history(&r, &doc, &err), PM_EINVAL);
    assert_null(doc);
    pm_history_close(h);
    hbackend_done(&b);
}

/* ---- the report's replay is assess --history's decision ---------------- */

#define IW 4 /* weeks */
#define IA 5 /* annotators */

/* Annotator a's label of item i, repeat r, in week w: a0 and a1 careful
 * (the same label each time), a2 one label for everything, a3 a coin of
 * its own, a4 careful for two weeks and then a coin. */
static const char *ilabel(int a, int i, int r, int w)
{
    unsigned x = (unsigned)(a * 7919 + i * 104729 + r * 1299709 + w * 15485863);
    x ^= x >> 13;
    x *= 0x5bd1e995u;
    x ^= x >> 15;
    int careful = a < 2 || (a == 4 && w < 2);
    if (a == 2)
        return "A";
    if (careful)
        return (i + a) % 3 ? "A" : "B";
    return x & 1 ? "A" : "B";
}

static void write_iweek(const char *path, int w)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fprintf(fp, "annotator,item,label,timestamp\n");
    long t = 1000000L * (w + 1);
    for (int r = 0; r < 2; r++)
        for (int a = 0; a < IA; a++)
            for (int i = 0; i < 12; i++)
                fprintf(fp, "a%d,w%d-q%d,%s,%ld\n", a, w, i, ilabel(a, i, r, w), t++);
    fclose(fp);
}

static const pm_history_report_ann *find_ann(const pm_history_report *r, const char *name)
{
    for (size_t i = 0; i < r->nann; i++)
        if (!strcmp(r->ann[i].annotator, name))
            return &r->ann[i];
    fail_msg("no annotator %s in the report", name);
    return NULL;
}

static void test_import_agrees(void **state)
{
    (void)state;
    hbackend b;
    assert_int_equal(hbackend_fresh(&b, g_pg), 0);
    char path[300];
    snprintf(path, sizeof path, "/tmp/prefmon-hr-%d.csv", (int)getpid());
    pm_seq_state seen[IW][IA];
    for (int w = 0; w < IW; w++) {
        write_iweek(path, w);
        pm_import_options o;
        pm_import_options_default(&o);
        char bn[16];
        snprintf(bn, sizeof bn, "2026-W%02d", w + 1);
        o.batch = bn;
        o.decide.eta0 = 0.5; /* not the defaults: the report must read them back */
        o.decide.alpha_pass = 0.1;
        o.delta = 0.05;
        pm_records_options ro;
        pm_records_options_default(&ro);
        const char *paths[1] = {path};
        pm_import_result *res = NULL;
        pm_error err = {0};
        if (pm_import_run(b.uri, paths, 1, &ro, NULL, &o, &res, &err) != PM_OK)
            fail_msg("import %d: %s", w, err.text);
        pm_history *h = NULL;
        assert_int_equal(pm_history_open(b.uri, PM_HISTORY_READONLY, &h, &err), PM_OK);
        pm_history_report r;
        if (pm_history_report_build(h, NULL, NULL, &r, &err) != PM_OK)
            fail_msg("report %d: %s", w, err.text);
        assert_true(r.opt.eta0 == 0.5 && r.opt.alpha_pass == 0.1);
        assert_int_equal(r.nann, res->n);
        for (size_t k = 0; k < res->n; k++) {
            const pm_import_row *ir = &res->rows[k];
            const pm_history_report_ann *a = find_ann(&r, ir->annotator);
            assert_int_equal(a->action_stored, 1);
            assert_int_equal(a->action, ir->action);
            assert_memory_equal(&a->result.seq, &ir->res.seq, sizeof a->result.seq);
            assert_int_equal(a->result.verdict, ir->res.verdict);
            assert_int_equal(a->result.no_signal, ir->res.no_signal);
            assert_int_equal(a->result.drift, ir->res.drift);
            assert_true(a->result.m_low == ir->res.m_low && a->result.m_high == ir->res.m_high);
            /* q0 from the stored counts: the import sums this batch's
             * labels in its own order, so the last bits may differ */
            assert_true(fabs(a->q0 - ir->q0_now) < 1e-14);
            assert_true(isnan(a->result.expected_more)
                            ? isnan(ir->res.expected_more)
                            : fabs(a->result.expected_more - ir->res.expected_more) <
                                  1e-9 * (1 + ir->res.expected_more));
            assert_string_equal(a->reason, ir->reason);
            int ai = ir->annotator[1] - '0';
            seen[w][ai] = ir->res.seq;
        }
        pm_history_report_free(&r);
        pm_history_close(h);
        pm_import_result_free(res);
    }
    /* every week's point, replayed after the last week, is that week's
     * decision as it was made */
    pm_history *h = NULL;
    pm_error err = {0};
    assert_int_equal(pm_history_open(b.uri, 0, &h, &err), PM_OK);
    pm_history_report r;
    assert_int_equal(pm_history_report_build(h, NULL, NULL, &r, &err), PM_OK);
    for (int a = 0; a < IA; a++) {
        char name[8];
        snprintf(name, sizeof name, "a%d", a);
        const pm_history_report_ann *x = find_ann(&r, name);
        assert_int_equal(x->npoints, IW);
        for (int w = 0; w < IW; w++) {
            assert_true(x->points[w].log_e_pass == seen[w][a].log_e_pass);
            assert_true(x->points[w].log_e_fail == seen[w][a].log_e_fail);
            assert_int_equal(x->points[w].pairs, 12 * (w + 1)); /* 12 items twice a week */
        }
    }
    /* the one-label annotator is reviewed, the careful ones decided */
    assert_int_equal(find_ann(&r, "a2")->action, PM_ACTION_REVIEW);
    assert_int_equal(find_ann(&r, "a0")->action, PM_ACTION_PAY);
    pm_history_report_free(&r);
    pm_history_close(h);
    unlink(path);
    hbackend_done(&b);
}

static void test_empty_store(void **state)
{
    (void)state;
    hbackend b;
    assert_int_equal(hbackend_fresh(&b, g_pg), 0);
    pm_history *h = NULL;
    pm_error err = {0};
    assert_int_equal(pm_history_open(b.uri, PM_HISTORY_CREATE, &h, &err), PM_OK);
    pm_history_report r;
    assert_int_equal(pm_history_report_build(h, NULL, NULL, &r, &err), PM_EPARSE);
    assert_non_null(strstr(err.text, "no batch imported yet"));
    assert_int_equal(pm_history_report_build(NULL, NULL, NULL, &r, &err), PM_EINVAL);
    pm_history_close(h);
    hbackend_done(&b);
}

/* The same store on both engines gives the same report, bit for bit. */
static void same_report(const pm_history_report *a, const pm_history_report *b)
{
    assert_int_equal(a->nann, b->nann);
    assert_int_equal(a->npay, b->npay);
    for (size_t i = 0; i < a->nann; i++) {
        const pm_history_report_ann *x = &a->ann[i], *y = &b->ann[i];
        assert_string_equal(x->annotator, y->annotator);
        assert_string_equal(x->reason, y->reason);
        assert_string_equal(x->flags, y->flags);
        assert_int_equal(x->action, y->action);
        assert_int_equal(x->npoints, y->npoints);
        assert_memory_equal(&x->result.seq, &y->result.seq, sizeof x->result.seq);
        for (size_t k = 0; k < x->npoints; k++)
            assert_memory_equal(&x->points[k], &y->points[k], sizeof x->points[k]);
    }
    for (size_t i = 0; i < a->npay; i++) {
        assert_string_equal(a->pay[i].batch, b->pay[i].batch);
        assert_int_equal(a->pay[i].paid_cents, b->pay[i].paid_cents);
        assert_int_equal(a->pay[i].held_cents, b->pay[i].held_cents);
        assert_int_equal(a->pay[i].released_cents, b->pay[i].released_cents);
    }
}

static void test_engines_agree(void **state)
{
    (void)state;
    if (!pg_uri())
        fail_msg("PM_TEST_PG is not set: run through ctest (the pg fixture)");
    pm_history_report r[2];
    pm_error err = {0};
    for (int pg = 0; pg < 2; pg++) {
        g_pg = pg;
        hbackend b;
        pm_history *h = fill_store(&b);
        assert_int_equal(pm_history_report_build(h, "W2", NULL, &r[pg], &err), PM_OK);
        assert_string_equal(r[pg].backend, pg ? "postgresql" : "sqlite");
        pm_history_close(h);
        hbackend_done(&b);
    }
    same_report(&r[0], &r[1]);
    pm_history_report_free(&r[0]);
    pm_history_report_free(&r[1]);
}

static int setup_sqlite(void **state)
{
    (void)state;
    g_pg = 0;
    return 0;
}

static int setup_pg(void **state)
{
    (void)state;
    g_pg = 1;
    if (!pg_uri()) {
        fprintf(stderr, "PM_TEST_PG is not set: run this test through ctest, which starts a "
                        "throwaway PostgreSQL server (scripts/pg-test.sh)\n");
        return -1;
    }
    return 0;
}

int main(void)
{
    const struct CMUnitTest both[] = {
        cmocka_unit_test(test_latest), cmocka_unit_test(test_older_batch),
        cmocka_unit_test(test_import_agrees), cmocka_unit_test(test_empty_store)};
    const struct CMUnitTest cross[] = {cmocka_unit_test(test_engines_agree),
                                       cmocka_unit_test(test_page)};
    int fails = cmocka_run_group_tests_name("sqlite", both, setup_sqlite, NULL);
    fails += cmocka_run_group_tests_name("postgresql", both, setup_pg, NULL);
    fails += cmocka_run_group_tests_name("engines", cross, NULL, NULL);
    return fails;
}
