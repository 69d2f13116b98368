/* pay that follows the action and judges the contract's n pairs, and its
 * ledger in the history store (SQLite and PostgreSQL): amounts against
 * hand-computed cents, the first-n rule against a brute force over every
 * outcome string, the 15-of-16 versus 1-of-1 guarantee, pay twice refused,
 * hold then release, nothing recorded on a failed record. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "prefmon/pay.h"
#include "prefmon/pay_ledger.h"
#include "test_history_util.h"

static const pm_pay_options USD = {.unit = "1", .currency = "USD"};

/* The wage in cents of one annotator under first-n (the default). */
static long long wage_of(const pm_contract_terms *t, const pm_pay_options *o, long ni, long x,
                         const char *outcomes)
{
    pm_pay_input in = {"a", ni, x, 0};
    pm_pay_evidence ev = {.outcomes = outcomes};
    pm_pay_row row;
    pm_error e;
    if (pm_pay_compute_ev(t, o, &in, &ev, 1, &row, NULL, &e) != PM_OK)
        fail_msg("pay failed: %s", e.text);
    return row.wage_cents;
}

/* Every outcome string of up to 10 pairs, every n <= 6, k <= n: the wage
 * is base + bonus exactly when the ones among the first n reach k (more
 * than n pairs), base when there are fewer than n pairs, counted here by
 * hand from the bits. */
static void test_first_n_brute(void **state)
{
    (void)state;
    char s[16];
    for (long n = 1; n <= 6; n++)
        for (long k = 0; k <= n; k++) {
            pm_contract_terms t = {PM_CONTRACT_BINARY, n, 1, 0, 2, k};
            for (long ni = 1; ni <= 10; ni++)
                for (unsigned bits = 0; bits < (1u << ni); bits++) {
                    long x = 0, first = 0;
                    for (long j = 0; j < ni; j++) {
                        int one = (bits >> j) & 1u;
                        s[j] = one ? '1' : '0';
                        x += one;
                        first += one && j < n;
                    }
                    s[ni] = '\0';
                    long long want = ni < n ? 100 : first >= k ? 300 : 100;
                    assert_int_equal(wage_of(&t, &USD, ni, x, s), want);
                }
        }
}

/* The guarantee: nobody with 15 of 16 consistent pairs and no flag
 * gets less than somebody with 1 of 1 (n >= 2: 1 of 1 is partial work;
 * n = 1: a single pair is never a decision of the fixed-n test, so 1 of 1 is
 * on hold and uploads nothing). Under the scaled rule it failed: the demo's
 * n = 3, k = 3 paid 1 of 1 and not 15 of 16. */
static void test_fifteen_of_sixteen(void **state)
{
    (void)state;
    char s[17];
    for (long n = 2; n <= 16; n++)
        for (long k = 0; k <= n; k++) {
            pm_contract_terms t = {PM_CONTRACT_BINARY, n, 0.5, 0, 2, k};
            long long one = wage_of(&t, &USD, 1, 1, "1");
            for (int z = 0; z < 16; z++) {
                memset(s, '1', 16);
                s[z] = '0';
                s[16] = '\0';
                assert_true(wage_of(&t, &USD, 16, 15, s) >= one);
            }
        }
    /* the demo's contract under the old rule, for the record */
    pm_contract_terms demo = {PM_CONTRACT_BINARY, 3, 0, 0, 1, 3};
    pm_pay_options scaled = USD;
    scaled.threshold = PM_THRESHOLD_SCALED;
    assert_true(wage_of(&demo, &scaled, 16, 15, NULL) < wage_of(&demo, &scaled, 1, 1, NULL));
    assert_true(wage_of(&demo, &USD, 16, 15, "1111111111111110") > wage_of(&demo, &USD, 1, 1, "1"));
}

/* More than n pairs and no pair order: refused, naming the way out. */
static void test_no_order_refused(void **state)
{
    (void)state;
    pm_contract_terms t = {PM_CONTRACT_BINARY, 3, 0, 0, 1, 3};
    pm_pay_input in = {"AHY98D5P05XIV", 16, 15, 0};
    pm_pay_row row;
    pm_error e;
    assert_int_equal(pm_pay_compute(&t, &USD, &in, 1, &row, NULL, &e), PM_EPARSE);
    assert_non_null(strstr(e.text, "'AHY98D5P05XIV'"));
    assert_non_null(strstr(e.text, "scaled"));
    /* pro rata: base 1.50 * 2 / 3 = 1.00 */
    pm_contract_terms b = {PM_CONTRACT_BINARY, 3, 1.5, 0, 1, 3};
    pm_pay_options pr = USD;
    pr.partial = PM_PAY_PARTIAL_PRO_RATA;
    assert_int_equal(wage_of(&b, &pr, 2, 2, "11"), 100);
    assert_int_equal(wage_of(&b, &USD, 2, 2, "11"), 150);
    /* linear first-n: 1 + 2 * 2/3 on the first 3 of "1101" -> 2.33 */
    pm_contract_terms l = {PM_CONTRACT_LINEAR, 3, 1, 2, 0, 0};
    assert_int_equal(wage_of(&l, &USD, 4, 3, "1011"), 233);
}

/* Only pay is uploaded; review and block with pay_flagged; hold never. */
static void test_follows_action(void **state)
{
    (void)state;
    pm_contract_terms t = {PM_CONTRACT_BINARY, 2, 1, 0, 2, 2};
    static const char *const ids[4] = {"5f3a1c9e8b7d6a5f4e3d2c1b", "60a1b2c3d4e5f60718293a4b",
                                       "6123456789abcdef01234567", "62fedcba9876543210fedcba"};
    pm_pay_input in[4];
    pm_pay_evidence ev[4];
    memset(ev, 0, sizeof ev);
    for (int i = 0; i < 4; i++) {
        in[i] = (pm_pay_input){ids[i], 2, 2, 0};
        ev[i].outcomes = "11";
        ev[i].action = (pm_action)i; /* pay, hold, review, block */
        snprintf(ev[i].action_reason, sizeof ev[i].action_reason, "because %d", i);
    }
    pm_pay_row rows[4];
    pm_pay_summary s;
    for (unsigned flagged = 0; flagged <= 3; flagged++) {
        pm_pay_options o = USD;
        o.pay_flagged = flagged;
        assert_int_equal(pm_pay_compute_ev(&t, &o, in, ev, 4, rows, &s, NULL), PM_OK);
        for (int i = 0; i < 4; i++) {
            assert_int_equal(rows[i].bonus_cents, 300);
            int up = i == 0 || (i == 2 && (flagged & PM_PAY_FLAGGED_REVIEW)) ||
                     (i == 3 && (flagged & PM_PAY_FLAGGED_BLOCK));
            assert_int_equal(rows[i].upload_cents, up ? 300 : 0);
            assert_int_equal(rows[i].withheld, !up);
            if (!up)
                assert_non_null(strstr(rows[i].reason, "not uploaded"));
        }
        assert_int_equal(s.held, 1);
        assert_int_equal(s.upload_total_cents, 300 * (1 + !!(flagged & 1) + !!(flagged & 2)));
        /* the Prolific file holds exactly the uploaded rows */
        pm_buffer b = {0};
        pm_writer w = pm_writer_buffer(&b);
        size_t skipped = 0;
        assert_int_equal(pm_pay_write_prolific_to(&w, rows, 4, &skipped, NULL), PM_OK);
        assert_int_equal(skipped, 4 - (1 + !!(flagged & 1) + !!(flagged & 2)));
        assert_non_null(strstr(b.data, ids[0]));
        assert_null(strstr(b.data, ids[1])); /* hold: never */
        pm_buffer_free(&b);
    }
}

/* Amounts already paid, from each platform's bonus file: cents by hand. */
static void test_read_paid(void **state)
{
    (void)state;
    char path[] = "/tmp/prefmon-paid-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    static const struct {
        const char *text;
        long long want[2];
        size_t unmatched;
    } cases[] = {
        {"WorkerId,AssignmentId,BonusAmount,Reason\r\nA1X,ASG1,1.25,ok\r\nA2Y,ASG2,0.05,\"a, "
         "b\"\r\nA1X,ASG3,2,again\r\nA9Z,ASG4,3.00,other\r\n",
         {325, 5},
         1},
        {"user_id,amount,public_title,public_message\nA2Y,0.10,t,m\n", {0, 10}, 0},
        {"A1X,0.99\nA1X,0.01\n", {100, 0}, 0},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        FILE *fp = fopen(path, "wb");
        assert_non_null(fp);
        fputs(cases[c].text, fp);
        fclose(fp);
        pm_pay_input in[2] = {{"A1X", 1, 1, 0}, {"A2Y", 1, 1, 0}};
        size_t un = 99;
        pm_error e;
        assert_int_equal(pm_pay_read_paid(path, in, 2, &un, &e), PM_OK);
        assert_int_equal(in[0].paid_cents, cases[c].want[0]);
        assert_int_equal(in[1].paid_cents, cases[c].want[1]);
        assert_int_equal(un, cases[c].unmatched);
    }
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    fputs("A1X,1.234\n", fp);
    fclose(fp);
    pm_pay_input one = {"A1X", 1, 1, 0};
    pm_error e;
    assert_int_equal(pm_pay_read_paid(path, &one, 1, NULL, &e), PM_EPARSE);
    assert_non_null(strstr(e.text, ":1:"));
    remove(path);
}

/* ---- the ledger ----------------------------------------------------------- */

typedef struct tally {
    long long paid, held, released;
    size_t n;
    char sha[PM_SHA256_HEX];
} tally;

static int add_entry(void *ctx, const pm_history_ledger *l)
{
    tally *t = ctx;
    t->n++;
    if (l->kind == PM_LEDGER_PAID)
        t->paid += l->cents;
    else if (l->kind == PM_LEDGER_HELD)
        t->held += l->cents;
    else
        t->released += l->cents;
    if (l->upload_sha256)
        snprintf(t->sha, sizeof t->sha, "%s", l->upload_sha256);
    return 0;
}

static tally ledger_of(pm_history *h, const char *ann)
{
    tally t;
    memset(&t, 0, sizeof t);
    assert_int_equal(pm_history_ledger_list(h, ann, add_entry, &t, NULL), PM_OK);
    return t;
}

/* Week 1: alice passes (1.20 + 0.80 = 2.00, paid 0.50: bonus 1.50 uploaded),
 * bob is on hold (bonus 1.50 held), carol is blocked (nothing). Week 2: bob
 * passes: his own 1.50 and the 1.50 held in week 1 are paid, 3.00; carol
 * is released by the buyer in week 3. Cents by hand. */
static void ledger_run(int pg)
{
    hbackend be;
    if (hbackend_fresh(&be, pg) != 0)
        fail_msg("no store backend");
    pm_history *h;
    pm_error e = {0};
    assert_int_equal(pm_history_open(be.uri, PM_HISTORY_CREATE, &h, &e), PM_OK);
    pm_contract_terms t = {PM_CONTRACT_BINARY, 2, 1.2, 0, 0.8, 2};
    pm_pay_input in[3] = {{"alice", 2, 2, 50}, {"bob", 2, 2, 50}, {"carol", 2, 2, 50}};
    pm_pay_evidence ev[3] = {
        {"11", PM_ACTION_PAY, ""}, {"11", PM_ACTION_HOLD, ""}, {"11", PM_ACTION_BLOCK, ""}};
    pm_pay_row rows[4];
    size_t count = 3;
    pm_pay_releases rel;
    assert_int_equal(pm_pay_ledger_check(h, "w1", &e), PM_OK);
    assert_int_equal(pm_pay_compute_ev(&t, &USD, in, ev, 3, rows, NULL, &e), PM_OK);
    assert_int_equal(pm_pay_ledger_release(h, "USD", NULL, rows, &count, 4, &rel, &e), PM_OK);
    assert_int_equal(rel.n, 0);
    assert_int_equal(pm_pay_ledger_record(h, "w1", "USD", rows, count, &rel, "ab12", &e), PM_OK);
    pm_pay_releases_free(&rel);
    tally a = ledger_of(h, "alice"), b = ledger_of(h, "bob"), c = ledger_of(h, "carol");
    assert_int_equal(a.paid, 150);
    assert_int_equal(b.paid, 0);
    assert_int_equal(b.held, 150);
    assert_int_equal(c.paid + c.held, 0);
    assert_string_equal(a.sha, "ab12");
    /* Paying w1 twice is refused. */
    assert_int_equal(pm_pay_ledger_check(h, "w1", &e), PM_EPARSE);
    assert_non_null(strstr(e.text, "'w1' is paid already"));

    /* Week 2: bob passes; carol still blocked (her nothing stays nothing). */
    ev[1].action = PM_ACTION_PAY;
    count = 3;
    assert_int_equal(pm_pay_ledger_check(h, "w2", &e), PM_OK);
    assert_int_equal(pm_pay_compute_ev(&t, &USD, in, ev, 3, rows, NULL, &e), PM_OK);
    assert_int_equal(pm_pay_ledger_release(h, "USD", NULL, rows, &count, 4, &rel, &e), PM_OK);
    assert_int_equal(rel.n, 1);
    assert_int_equal(count, 3);
    assert_int_equal(rows[1].upload_cents, 300);
    assert_int_equal(rows[1].released_cents, 150);
    assert_non_null(strstr(rows[1].reason, "held in batch w1"));
    assert_int_equal(pm_pay_ledger_record(h, "w2", "USD", rows, count, &rel, NULL, &e), PM_OK);
    pm_pay_releases_free(&rel);
    b = ledger_of(h, "bob");
    assert_int_equal(b.paid, 150);
    assert_int_equal(b.held, 150);
    assert_int_equal(b.released, 150);
    size_t pend = 9;
    assert_int_equal(pm_pay_ledger_pending(h, "USD", &pend, &e), PM_OK);
    assert_int_equal(pend, 0);

    /* Week 3: only dave worked; carol had a hold from a batch of her own;
     * --release carol pays it with a row of her own. */
    pm_history_ledger hold = {.batch = "w2",
                              .annotator = "carol",
                              .cents = 77,
                              .currency = "USD",
                              .kind = PM_LEDGER_HELD};
    assert_int_equal(pm_history_ledger_append(h, &hold, 1, &e), PM_OK);
    pm_pay_input d = {"dave", 2, 1, 0};
    pm_pay_evidence dev = {"10", PM_ACTION_HOLD, ""};
    count = 1;
    assert_int_equal(pm_pay_compute_ev(&t, &USD, &d, &dev, 1, rows, NULL, &e), PM_OK);
    assert_int_equal(pm_pay_ledger_release(h, "USD", "nobody", rows, &count, 2, &rel, &e),
                     PM_EINVAL);
    assert_int_equal(pm_pay_ledger_release(h, "USD", "carol", rows, &count, 2, &rel, &e), PM_OK);
    assert_int_equal(count, 2);
    assert_string_equal(rows[1].annotator, "carol");
    assert_int_equal(rows[1].upload_cents, 77);
    assert_int_equal(pm_pay_ledger_record(h, "w3", "USD", rows, count, &rel, NULL, &e), PM_OK);
    pm_pay_releases_free(&rel);
    c = ledger_of(h, "carol");
    assert_int_equal(c.released, 77);
    /* dave is on hold: 1 of 2 < k, base 1.20 with nothing paid, held */
    tally dv = ledger_of(h, "dave");
    assert_int_equal(dv.held, 120);
    assert_int_equal(dv.paid, 0);
    assert_int_equal(pm_pay_ledger_pending(h, "USD", &pend, &e), PM_OK);
    assert_int_equal(pend, 1);
    pm_history_close(h);
    hbackend_done(&be);
}

static void test_ledger_sqlite(void **state)
{
    (void)state;
    ledger_run(0);
}

static void test_ledger_postgresql(void **state)
{
    (void)state;
    ledger_run(1);
}

/* A store that cannot be written: record fails, nothing is recorded. */
static void test_ledger_read_only(void **state)
{
    (void)state;
    hbackend be;
    assert_int_equal(hbackend_fresh(&be, 0), 0);
    pm_history *h;
    pm_error e = {0};
    assert_int_equal(pm_history_open(be.uri, PM_HISTORY_CREATE, &h, &e), PM_OK);
    pm_history_close(h);
    assert_int_equal(pm_history_open(be.uri, PM_HISTORY_READONLY, &h, &e), PM_OK);
    pm_pay_row row;
    memset(&row, 0, sizeof row);
    row.annotator = "alice";
    row.upload_cents = 100;
    assert_int_not_equal(pm_pay_ledger_record(h, "w1", "USD", &row, 1, NULL, NULL, &e), PM_OK);
    assert_int_equal(pm_pay_ledger_check(h, "w1", &e), PM_OK);
    pm_history_close(h);
    hbackend_done(&be);
}

/* ---- pay from the store's decisions (pm_pay_compute_history) ------------ */

/* One annotator's part of a batch: action and pair outcomes, items i<k>. */
typedef struct hpart {
    const char *ann, *action, *bits;
    int first_item;
} hpart;

static void import_batch(pm_history *h, const char *name, const hpart *p, size_t n)
{
    pm_error e = {0};
    pm_history_batch b = {.name = name};
    if (pm_history_begin_import(h, &b, 0, &e) != PM_OK)
        fail_msg("begin %s: %s", name, e.text);
    for (size_t i = 0; i < n; i++) {
        long long np = (long long)strlen(p[i].bits), x = 0;
        pm_history_pair pr[16];
        char items[16][16];
        for (long long j = 0; j < np; j++) {
            x += p[i].bits[j] == '1';
            snprintf(items[j], sizeof items[j], "i%lld", p[i].first_item + j);
            pr[j] = (pm_history_pair){.item = items[j],
                                      .agree = p[i].bits[j] == '1',
                                      .q0 = 0.5,
                                      .delta = 0.02,
                                      .m0 = 0.9,
                                      .m1 = 0.99};
        }
        pm_history_row r = {.annotator = p[i].ann,
                            .labels = 2 * np,
                            .pairs = np,
                            .consistent = x,
                            .duration_median = NAN,
                            .action = p[i].action,
                            .reason = "the store's reason"};
        if (pm_history_put_row(h, &r, &e) != PM_OK ||
            (np && pm_history_append_pairs(h, p[i].ann, pr, (size_t)np, &e) != PM_OK))
            fail_msg("import %s: %s", name, e.text);
    }
    if (pm_history_commit(h, &e) != PM_OK)
        fail_msg("commit %s: %s", name, e.text);
}

/* Contract n = 4, k = 3: base 1.00, +2.00 when 3 of the first 4 agree.
 *   p: w1 "11" hold, w2 "101" pay, w3 "1111" pay
 *   q: w1 "00001" block
 *   r: w1 "1" review, w2 "" review, w3 "111" pay
 * Every batch is imported before any is paid, so paying w1 must not see
 * the later pairs. Expected by hand: p w1 pending (2 < 4 pairs), base 100;
 * w2 judged on w1's 2 and w2's first 2, "1110": 3 >= 3, 300 uploaded;
 * w3 the pool starts again, "1111", 300. q: "0000" < 3, 100, blocked.
 * r: pending in w1 and w2 (1 pair), judged in w3 on "1"+"111": 300. */
static void history_pay_run(int pg)
{
    hbackend be;
    if (hbackend_fresh(&be, pg) != 0)
        fail_msg("no store backend");
    pm_history *h;
    pm_error e = {0};
    assert_int_equal(pm_history_open(be.uri, PM_HISTORY_CREATE, &h, &e), PM_OK);
    const hpart w1[] = {
        {"p", "hold", "11", 1}, {"q", "block", "00001", 100}, {"r", "review", "1", 200}};
    const hpart w2[] = {{"p", "pay", "101", 3}, {"r", "review", "", 0}};
    const hpart w3[] = {{"p", "pay", "1111", 6}, {"r", "pay", "111", 201}};
    import_batch(h, "w1", w1, 3);
    import_batch(h, "w2", w2, 2);
    import_batch(h, "w3", w3, 2);
    pm_contract_terms t = {PM_CONTRACT_BINARY, 4, 1.0, 0, 2.0, 3};
    pm_pay_row rows[3];
    pm_pay_summary sum;
    /* The assessment's counts (deliberately not the store's) stay in the table. */
    pm_pay_input in1[3] = {{"p", 7, 7, 0}, {"q", 5, 1, 0}, {"r", 1, 1, 0}};
    assert_int_equal(pm_pay_compute_history(h, "w1", &t, &USD, in1, 3, NULL, 0, rows, &sum, &e),
                     PM_OK);
    assert_int_equal(rows[0].pairs, 7);
    assert_int_equal(rows[0].judged_pairs, 2);
    assert_int_equal(rows[0].partial, 1);
    assert_int_equal(rows[0].wage_cents, 100);
    assert_int_equal(rows[0].action, PM_ACTION_HOLD);
    assert_non_null(strstr(rows[0].reason, "bonus pending: 2 pairs so far"));
    assert_non_null(strstr(rows[0].reason, "the store's reason"));
    assert_int_equal(rows[1].wage_cents, 100);
    assert_int_equal(rows[1].judged_pairs, 4);
    assert_int_equal(rows[1].judged_consistent, 0);
    assert_int_equal(rows[1].action, PM_ACTION_BLOCK);
    assert_int_equal(rows[2].action, PM_ACTION_REVIEW);
    assert_int_equal(rows[2].wage_cents, 100);
    assert_int_equal(sum.upload_total_cents, 0); /* hold, block, review: all withheld */

    pm_pay_input in2[2] = {{"p", 3, 2, 0}, {"r", 0, 0, 0}};
    assert_int_equal(pm_pay_compute_history(h, "w2", &t, &USD, in2, 2, NULL, 0, rows, &sum, &e),
                     PM_OK);
    assert_int_equal(rows[0].judged_pairs, 4);
    assert_int_equal(rows[0].judged_consistent, 3);
    assert_int_equal(rows[0].passed, 1);
    assert_int_equal(rows[0].wage_cents, 300);
    assert_int_equal(rows[0].upload_cents, 300);
    assert_non_null(strstr(rows[0].reason, "pairs judged: w1 (2), w2 (2 of 3)"));
    assert_int_equal(rows[1].partial, 1);
    assert_non_null(strstr(rows[1].reason, "1 pairs so far"));

    pm_pay_input in3[2] = {{"p", 4, 4, 0}, {"r", 3, 3, 0}};
    assert_int_equal(pm_pay_compute_history(h, "w3", &t, &USD, in3, 2, NULL, 0, rows, &sum, &e),
                     PM_OK);
    assert_int_equal(rows[0].wage_cents, 300);
    assert_non_null(strstr(rows[0].reason, "pairs judged: w3 (4)"));
    assert_int_equal(rows[1].wage_cents, 300);
    assert_int_equal(rows[1].upload_cents, 300);
    assert_non_null(strstr(rows[1].reason, "pairs judged: w1 (1), w3 (3)"));

    /* Planned pairs only: p's planned items i1, i3, i4, i6, i7 (i2, i5, i8,
     * i9 are accidental repeats). w2: "1" + "10" = 3 < 4, pending; w3:
     * + "11", first 4 "1011": 3 >= 3, 300. */
    const char *const items[] = {"i7", "i1", "i4", "i3", "i6"};
    pm_pay_planned plan = {"p", items, 5};
    assert_int_equal(pm_pay_compute_history(h, "w2", &t, &USD, in2, 1, &plan, 1, rows, &sum, &e),
                     PM_OK);
    assert_int_equal(rows[0].partial, 1);
    assert_int_equal(rows[0].judged_pairs, 3);
    assert_int_equal(pm_pay_compute_history(h, "w3", &t, &USD, in3, 1, &plan, 1, rows, &sum, &e),
                     PM_OK);
    assert_int_equal(rows[0].judged_pairs, 4);
    assert_int_equal(rows[0].judged_consistent, 3);
    assert_int_equal(rows[0].wage_cents, 300);
    assert_non_null(strstr(rows[0].reason, "pairs judged: w1 (1), w2 (2), w3 (1 of 2)"));
    /* A plan that lists r not at all: r has no planned pairs, base only. */
    assert_int_equal(pm_pay_compute_history(h, "w3", &t, &USD, in3, 2, &plan, 1, rows, &sum, &e),
                     PM_OK);
    assert_int_equal(rows[1].judged_pairs, 0);
    assert_int_equal(rows[1].wage_cents, 100);

    /* An assessment that is not of the batch: q has no row of w2. */
    pm_pay_input bad[2] = {{"p", 3, 2, 0}, {"q", 5, 1, 0}};
    assert_int_equal(pm_pay_compute_history(h, "w2", &t, &USD, bad, 2, NULL, 0, rows, &sum, &e),
                     PM_EPARSE);
    assert_non_null(strstr(e.text, "annotator 'q'"));
    assert_non_null(strstr(e.text, "not of that batch"));
    assert_int_equal(pm_pay_compute_history(h, "w9", &t, &USD, in2, 2, NULL, 0, rows, &sum, &e),
                     PM_EPARSE);
    assert_non_null(strstr(e.text, "no batch 'w9'"));
    pm_history_close(h);
    hbackend_done(&be);
}

static void test_history_pay_sqlite(void **state)
{
    (void)state;
    history_pay_run(0);
}

static void test_history_pay_postgresql(void **state)
{
    (void)state;
    history_pay_run(1);
}

/* The planned pairs of a manifest: each annotator's copy-2 items, counted
 * here from the file's lines with plain string search (not the manifest
 * reader): every planned item appears in a line with "copy":2 of its
 * annotator. A truncated copy of the file is refused. */
static void test_plan_read(void **state)
{
    (void)state;
    const char *path = PM_SOURCE_DIR "/tests/cli/fixtures/pay/plan-manifest.jsonl";
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    pm_pay_plan *plan = NULL;
    pm_error e = {0};
    assert_int_equal(pm_pay_plan_read(fp, path, &plan, &e), PM_OK);
    size_t n = 0;
    const pm_pay_planned *v = pm_pay_plan_annotators(plan, &n);
    assert_int_equal(n, 2);
    assert_string_equal(v[0].annotator, "5f3a1c9e8b7d6a5f4e3d2c1b");
    assert_string_equal(v[1].annotator, "6b0c1d2e3f405162738495a6");
    rewind(fp);
    char line[4096];
    size_t copies[2] = {0, 0}, found[2] = {0, 0};
    while (fgets(line, sizeof line, fp)) {
        if (!strstr(line, "\"copy\":2"))
            continue;
        for (size_t a = 0; a < 2; a++) {
            if (!strstr(line, v[a].annotator))
                continue;
            copies[a]++;
            for (size_t j = 0; j < v[a].n; j++) {
                char want[64];
                snprintf(want, sizeof want, "\"item\":\"%s\"", v[a].items[j]);
                found[a] += strstr(line, want) != NULL;
            }
        }
    }
    fclose(fp);
    for (size_t a = 0; a < 2; a++) {
        assert_int_equal(v[a].n, 20);
        assert_int_equal(copies[a], 20);
        assert_int_equal(found[a], 20);
    }
    pm_pay_plan_free(plan);
    /* The first 30 lines only: the manifest reader's own refusal. */
    FILE *in = fopen(path, "rb"), *cut = tmpfile();
    assert_non_null(in);
    assert_non_null(cut);
    for (int i = 0; i < 30 && fgets(line, sizeof line, in); i++)
        fputs(line, cut);
    fclose(in);
    rewind(cut);
    assert_int_equal(pm_pay_plan_read(cut, "cut.jsonl", &plan, &e), PM_EPARSE);
    assert_null(plan);
    assert_non_null(strstr(e.text, "cut.jsonl"));
    fclose(cut);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_n_brute),      cmocka_unit_test(test_fifteen_of_sixteen),
        cmocka_unit_test(test_no_order_refused),   cmocka_unit_test(test_follows_action),
        cmocka_unit_test(test_ledger_sqlite),      cmocka_unit_test(test_ledger_postgresql),
        cmocka_unit_test(test_ledger_read_only),   cmocka_unit_test(test_read_paid),
        cmocka_unit_test(test_history_pay_sqlite), cmocka_unit_test(test_history_pay_postgresql),
        cmocka_unit_test(test_plan_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
