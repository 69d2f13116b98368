/* The history store through its public API, on SQLite and on PostgreSQL
 * (the same tests, run once per backend): a realistic two-week import read
 * back, the same batch or file twice (refused, or replaced with the pairs
 * renumbered), record keys of cumulative exports, rollback, the ledger,
 * export, the integrity check against a tampered store, schema versions
 * (migrated, newer refused), foreign and corrupt files, read-only stores. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <fcntl.h>
#include <jansson.h>
#include <sys/stat.h>

#include "test_history_util.h"

static int g_pg; /* the backend of the group being run */

static pm_history *open_ok(const char *uri, unsigned flags)
{
    pm_history *h = NULL;
    pm_error err = {0};
    pm_status st = pm_history_open(uri, flags, &h, &err);
    if (st != PM_OK)
        fail_msg("open %s: %s", uri, err.text);
    return h;
}

/* Raw SQL on the store (to tamper with it), through the internal backend. */
static void raw_exec(pm_history *h, const char *sql)
{
    pm_error err = {0};
    if (h->db->ops->exec(h->db, sql, &err) != PM_OK)
        fail_msg("%s: %s", sql, err.text);
}

/* ---- collecting callbacks ---- */

typedef struct rows {
    int n;
    char batch[8][32];
    pm_history_row r[8];
    long long count_a[8], count_b[8];
    int n_counts[8];
    char flags[8][32];
} rows;

static int collect_row(void *ctx, const pm_history_row *r)
{
    rows *c = ctx;
    if (c->n >= 8)
        return 1;
    c->r[c->n] = *r;
    snprintf(c->batch[c->n], 32, "%s", r->batch);
    snprintf(c->flags[c->n], 32, "%s", r->flags ? r->flags : "(null)");
    c->n_counts[c->n] = (int)r->n_counts;
    for (size_t i = 0; i < r->n_counts; i++) {
        if (!strcmp(r->counts[i].label, "A"))
            c->count_a[c->n] = r->counts[i].count;
        if (!strcmp(r->counts[i].label, "B"))
            c->count_b[c->n] = r->counts[i].count;
    }
    c->r[c->n].batch = c->r[c->n].annotator = NULL;
    c->r[c->n].decision = c->r[c->n].action = c->r[c->n].reason = c->r[c->n].flags = NULL;
    c->r[c->n].counts = NULL;
    c->n++;
    return 0;
}

typedef struct pairs {
    int n;
    long long seq[256];
    int agree[256];
    char batch[256][16];
    char item[256][24];
    double q0[256], m0[256], m1[256];
} pairs;

static int collect_pair(void *ctx, const pm_history_pair *p)
{
    pairs *c = ctx;
    if (c->n >= 256)
        return 1;
    c->seq[c->n] = p->seq;
    c->agree[c->n] = p->agree;
    snprintf(c->batch[c->n], 16, "%s", p->batch);
    snprintf(c->item[c->n], 24, "%s", p->item);
    c->q0[c->n] = p->q0;
    c->m0[c->n] = p->m0;
    c->m1[c->n] = p->m1;
    c->n++;
    return 0;
}

typedef struct batches {
    int n;
    char name[8][32], params[8][160], sha[8][PM_SHA256_HEX], file[8][32];
    long long id[8], recnew[8], recskip[8], size[8];
    size_t nfiles[8];
} batches;

static int collect_batch(void *ctx, const pm_history_batch *b)
{
    batches *c = ctx;
    if (c->n >= 8)
        return 1;
    int i = c->n++;
    snprintf(c->name[i], 32, "%s", b->name);
    snprintf(c->params[i], 160, "%s", b->parameters);
    c->id[i] = b->id;
    c->recnew[i] = b->records_new;
    c->recskip[i] = b->records_skipped;
    c->nfiles[i] = b->n_files;
    if (b->n_files) {
        snprintf(c->sha[i], PM_SHA256_HEX, "%s", b->files[0].sha256);
        snprintf(c->file[i], 32, "%s", b->files[0].name);
        c->size[i] = b->files[0].size;
    }
    return 0;
}

/* ---- tests ---- */

static void test_full_import(void **state)
{
    (void)state;
    hbackend b;
    assert_int_equal(hbackend_fresh(&b, g_pg), 0);
    pm_history *h = open_ok(b.uri, PM_HISTORY_CREATE);
    assert_int_equal(pm_history_schema_version(h), PM_HISTORY_SCHEMA);
    assert_string_equal(pm_history_backend(h), g_pg ? "postgresql" : "sqlite");
    pm_error err = {0};
    assert_int_equal(w_import(h, 1, 0, &err), PM_OK);
    assert_int_equal(w_import(h, 2, 0, &err), PM_OK);
    pm_history_close(h);

    /* read back through a new handle (read-only) */
    h = open_ok(b.uri, PM_HISTORY_READONLY);
    batches bs = {0};
    assert_int_equal(pm_history_list_batches(h, collect_batch, &bs, &err), PM_OK);
    assert_int_equal(bs.n, 2);
    assert_string_equal(bs.name[0], "2026-W48");
    assert_string_equal(bs.name[1], "2026-W49");
    assert_true(bs.id[0] < bs.id[1]);
    assert_non_null(strstr(bs.params[1], "\"week\": 2"));
    pm_history_file f;
    w_file(&f, 2, "x");
    assert_string_equal(bs.sha[1], f.sha256);
    assert_int_equal(bs.size[1], f.size);
    assert_string_equal(bs.file[1], "export-w2.json");
    /* keys: week 1 marks 9 new; week 2 re-marks week 1's 9 and 9 new */
    assert_int_equal(bs.recnew[0], 9);
    assert_int_equal(bs.recskip[0], 0);
    assert_int_equal(bs.recnew[1], 9);
    assert_int_equal(bs.recskip[1], 9);

    for (int a = 0; a < W_ANN; a++) {
        rows rs = {0};
        assert_int_equal(pm_history_annotator_rows(h, w_names[a], collect_row, &rs, &err), PM_OK);
        assert_int_equal(rs.n, 2);
        for (int w = 1; w <= 2; w++) {
            int i = w - 1;
            char bn[32];
            snprintf(bn, sizeof bn, "2026-W%d", 47 + w);
            assert_string_equal(rs.batch[i], bn);
            assert_int_equal(rs.r[i].pairs, w_npairs(w, a));
            assert_int_equal(rs.r[i].consistent, w_consistent(w, a));
            assert_int_equal(rs.r[i].labels, 15 + a + 2 * w);
            assert_int_equal(rs.count_a[i], 10 + a + w);
            assert_int_equal(rs.count_b[i], 5 + w);
            assert_int_equal(rs.r[i].left_k, 10 + a);
            if (a == 1)
                assert_true(isnan(rs.r[i].duration_median));
            else
                assert_true(rs.r[i].duration_median == 12.5 + a);
            assert_string_equal(rs.flags[i], a == 2 ? "fast,left" : "");
        }
        pairs ps = {0};
        assert_int_equal(pm_history_annotator_pairs(h, w_names[a], collect_pair, &ps, &err), PM_OK);
        int n1 = w_npairs(1, a), n2 = w_npairs(2, a);
        assert_int_equal(ps.n, n1 + n2);
        for (int k = 0; k < ps.n; k++) {
            int w = k < n1 ? 1 : 2, j = k < n1 ? k : k - n1;
            char item[24];
            snprintf(item, sizeof item, "item-%d-%d", w, j);
            assert_int_equal(ps.seq[k], k + 1);
            assert_int_equal(ps.agree[k], w_agree(w, a, j));
            assert_string_equal(ps.item[k], item);
            assert_string_equal(ps.batch[k], w == 1 ? "2026-W48" : "2026-W49");
            /* bit-exact doubles */
            assert_true(ps.m0[k] == w_m0(w));
            assert_true(ps.m1[k] == 0.9 - j * 1e-3);
            assert_true(ps.q0[k] == 0.5);
        }
        /* the item labelled both weeks: week 2's label and batch */
        char lab[8], bat[32];
        int found = -1;
        assert_int_equal(pm_history_get_last_label(h, w_names[a], "shared", &found, lab, sizeof lab,
                                                   bat, sizeof bat, &err),
                         PM_OK);
        assert_int_equal(found, 1);
        assert_string_equal(lab, "B");
        assert_string_equal(bat, "2026-W49");
        assert_int_equal(pm_history_get_last_label(h, w_names[a], "only-w1", &found, lab,
                                                   sizeof lab, bat, sizeof bat, &err),
                         PM_OK);
        assert_int_equal(found, 1);
        assert_string_equal(bat, "2026-W48");
        assert_int_equal(
            pm_history_get_last_label(h, w_names[a], "never", &found, NULL, 0, NULL, 0, &err),
            PM_OK);
        assert_int_equal(found, 0);
    }
    int seen = -1;
    assert_int_equal(pm_history_key_seen(h, "rec-2-0-1", &seen, &err), PM_OK);
    assert_int_equal(seen, 1);
    assert_int_equal(pm_history_key_seen(h, "rec-3-0-1", &seen, &err), PM_OK);
    assert_int_equal(seen, 0);
    size_t np = 99;
    assert_int_equal(pm_history_check(h, NULL, NULL, &np, &err), PM_OK);
    assert_int_equal(np, 0);
    pm_history_close(h);
    hbackend_done(&b);
}

/* An item labelled in week 1 and again in week 2: the pipeline finds week
 * 1's label inside week 2's import before it overwrites it. */
static void test_last_label_inside_import(void **state)
{
    (void)state;
    hbackend b;
    assert_int_equal(hbackend_fresh(&b, g_pg), 0);
    pm_history *h = open_ok(b.uri, PM_HISTORY_CREATE);
    pm_error err = {0};
    assert_int_equal(w_import(h, 1, 0, &err), PM_OK);
    pm_history_batch bt = {.name = "next"};
    assert_int_equal(pm_history_begin_import(h, &bt, 0, &err), PM_OK);
    char lab[8], bat[32];
    int found = 0;
    assert_int_equal(pm_history_get_last_label(h, "alice", "shared", &found, lab, sizeof lab, bat,
                                               sizeof bat, &err),
                     PM_OK);
    assert_int_equal(found, 1);
    assert_string_equal(lab, "A");
    assert_string_equal(bat, "2026-W48");
    pm_history_label l = {"alice", "shared", "tie", NULL};
    assert_int_equal(pm_history_put_last_labels(h, &l, 1, &err), PM_OK);
    assert_int_equal(pm_history_get_last_label(h, "alice", "shared", &found, lab, sizeof lab, bat,
                                               sizeof bat, &err),
                     PM_OK);
    assert_string_equal(lab, "tie");
    assert_string_equal(bat, "next");
    pm_history_rollback(h);
    /* rolled back: week 1's label again, and no batch "next" */
    assert_int_equal(pm_history_get_last_label(h, "alice", "shared", &found, lab, sizeof lab, bat,
                                               sizeof bat, &err),
                     PM_OK);
    assert_string_equal(lab, "A");
    batches bs = {0};
    assert_int_equal(pm_history_list_batches(h, collect_batch, &bs, &err), PM_OK);
    assert_int_equal(bs.n, 1);
    pm_history_close(h);
    hbackend_done(&b);
}

static void test_same_batch_twice(void **state)
{
    (void)state;
    hbackend b;
    assert_int_equal(hbackend_fresh(&b, g_pg), 0);
    pm_history *h = open_ok(b.uri, PM_HISTORY_CREATE);
    pm_error err = {0};
    assert_int_equal(w_import(h, 1, 0, &err), PM_OK);
    assert_int_equal(w_import(h, 2, 0, &err), PM_OK);
    pm_history_ledger le = {0, "2026-W48", "alice", 1234, "USD", PM_LEDGER_PAID, NULL, NULL};
    assert_int_equal(pm_history_ledger_append(h, &le, 1, &err), PM_OK);

    /* the same name */
    assert_int_equal(w_import(h, 1, 0, &err), PM_EPARSE);
    char want[256];
    snprintf(want, sizeof want, "%.200s: batch '2026-W48' is already imported (batch id ", b.uri);
    if (!g_pg)
        assert_non_null(strstr(err.text, want));
    assert_non_null(strstr(err.text, "batch '2026-W48' is already imported"));
    assert_non_null(strstr(err.text, "--replace"));
    assert_null(pm_history_replaced(h));

    /* another name, but the file of week 1 */
    pm_history_file f;
    w_file(&f, 1, "renamed.json");
    pm_history_batch bt = {.name = "2026-W50", .files = &f, .n_files = 1};
    assert_int_equal(pm_history_begin_import(h, &bt, 0, &err), PM_EPARSE);
    assert_non_null(strstr(err.text, "file 'renamed.json'"));
    assert_non_null(strstr(err.text, "in batch '2026-W48'"));

    /* replace week 1: its pairs go, week 2's are numbered 1.. again */
    assert_int_equal(w_import(h, 1, PM_HISTORY_REPLACE, &err), PM_OK);
    const char *rep = pm_history_replaced(h);
    assert_non_null(rep);
    assert_non_null(strstr(rep, "batch '2026-W48'"));
    assert_non_null(strstr(rep, "3 annotators"));
    pairs ps = {0};
    assert_int_equal(pm_history_annotator_pairs(h, "bob", collect_pair, &ps, &err), PM_OK);
    int n1 = w_npairs(1, 1), n2 = w_npairs(2, 1);
    assert_int_equal(ps.n, n1 + n2);
    for (int k = 0; k < ps.n; k++) {
        assert_int_equal(ps.seq[k], k + 1);
        /* week 2 first now, then the re-imported week 1 */
        assert_string_equal(ps.batch[k], k < n2 ? "2026-W49" : "2026-W48");
        int w = k < n2 ? 2 : 1, j = k < n2 ? k : k - n2;
        assert_int_equal(ps.agree[k], w_agree(w, 1, j));
    }
    batches bs = {0};
    assert_int_equal(pm_history_list_batches(h, collect_batch, &bs, &err), PM_OK);
    assert_int_equal(bs.n, 2);
    assert_string_equal(bs.name[0], "2026-W49");
    assert_string_equal(bs.name[1], "2026-W48");
    /* the keys of the replaced batch were dropped with it (week 2 only saw
     * rec-1-* again, it did not take them over): all 9 are new again */
    assert_int_equal(bs.recnew[1], 9);
    assert_int_equal(bs.recskip[1], 0);
    /* the ledger keeps its entry */
    int paid = 0;
    assert_int_equal(pm_history_ledger_paid(h, "2026-W48", "alice", &paid, &err), PM_OK);
    assert_int_equal(paid, 1);
    assert_int_equal(pm_history_check(h, NULL, NULL, NULL, &err), PM_OK);
    pm_history_close(h);
    hbackend_done(&b);
}

static void test_rollback_and_close(void **state)
{
    (void)state;
    hbackend b;
    assert_int_equal(hbackend_fresh(&b, g_pg), 0);
    pm_history *h = open_ok(b.uri, PM_HISTORY_CREATE);
    pm_error err = {0};
    pm_history_batch bt = {.name = "w"};
    pm_history_row r = {.annotator = "x", .pairs = 1, .consistent = 1};
    /* calls out of order */
    assert_int_equal(pm_history_put_row(h, &r, &err), PM_EINVAL);
    assert_non_null(strstr(err.text, "no import in progress"));
    assert_int_equal(pm_history_begin_import(h, &bt, 0, &err), PM_OK);
    assert_int_equal(pm_history_begin_import(h, &bt, 0, &err), PM_EINVAL);
    assert_int_equal(pm_history_put_row(h, &r, &err), PM_OK);
    /* the same annotator twice: refused, and the import is then dead */
    assert_int_equal(pm_history_put_row(h, &r, &err), PM_EPARSE);
    assert_non_null(strstr(err.text, "cannot store annotator 'x' of batch 'w'"));
    pm_history_pair p = {.item = "i", .agree = 1};
    assert_int_equal(pm_history_append_pairs(h, "x", &p, 1, &err), PM_EINVAL);
    assert_non_null(strstr(err.text, "roll it back"));
    pm_history_rollback(h);
    /* a part above its whole */
    assert_int_equal(pm_history_begin_import(h, &bt, 0, &err), PM_OK);
    r.consistent = 2;
    assert_int_equal(pm_history_put_row(h, &r, &err), PM_EINVAL);
    /* closing without commit drops it */
    pm_history_close(h);
    h = open_ok(b.uri, 0);
    batches bs = {0};
    assert_int_equal(pm_history_list_batches(h, collect_batch, &bs, &err), PM_OK);
    assert_int_equal(bs.n, 0);
    pm_history_close(h);
    hbackend_done(&b);
}

typedef struct ledger_c {
    int n;
    long long cents[16];
    char ann[16][16], batch[16][16];
    pm_ledger_kind kind[16];
} ledger_c;

static int collect_ledger(void *ctx, const pm_history_ledger *l)
{
    ledger_c *c = ctx;
    if (c->n >= 16)
        return 1;
    c->cents[c->n] = l->cents;
    c->kind[c->n] = l->kind;
    snprintf(c->ann[c->n], 16, "%s", l->annotator);
    snprintf(c->batch[c->n], 16, "%s", l->batch);
    c->n++;
    return 0;
}

static void test_ledger(void **state)
{
    (void)state;
    hbackend b;
    assert_int_equal(hbackend_fresh(&b, g_pg), 0);
    pm_history *h = open_ok(b.uri, PM_HISTORY_CREATE);
    pm_error err = {0};
    char sha[PM_SHA256_HEX];
    pm_sha256_buf("upload", 6, sha);
    pm_history_ledger e[] = {
        {0, "W1", "alice", 500, "USD", PM_LEDGER_PAID, sha, NULL},
        {0, "W1", "bob", 300, "USD", PM_LEDGER_HELD, sha, NULL},
        {0, "W1", "carol", 200, "USD", PM_LEDGER_HELD, NULL, NULL},
        {0, "W2", "bob", 100, "USD", PM_LEDGER_HELD, NULL, NULL},
        {0, "W1", "bob", 120, "USD", PM_LEDGER_RELEASED, NULL, NULL},
        {0, "W1", "carol", 200, "USD", PM_LEDGER_RELEASED, NULL, NULL},
    };
    assert_int_equal(pm_history_ledger_append(h, e, 6, &err), PM_OK);
    /* a bad entry refuses the whole append */
    pm_history_ledger bad[] = {{0, "W3", "dan", 5, "USD", PM_LEDGER_PAID, NULL, NULL},
                               {0, "W3", "eve", -1, "USD", PM_LEDGER_PAID, NULL, NULL}};
    assert_int_equal(pm_history_ledger_append(h, bad, 2, &err), PM_EINVAL);
    int paid = -1;
    assert_int_equal(pm_history_ledger_paid(h, "W1", "alice", &paid, &err), PM_OK);
    assert_int_equal(paid, 1);
    assert_int_equal(pm_history_ledger_paid(h, "W1", "bob", &paid, &err), PM_OK);
    assert_int_equal(paid, 0);
    assert_int_equal(pm_history_ledger_paid(h, "W1", NULL, &paid, &err), PM_OK);
    assert_int_equal(paid, 1);
    assert_int_equal(pm_history_ledger_paid(h, "W3", NULL, &paid, &err), PM_OK);
    assert_int_equal(paid, 0);
    ledger_c all = {0};
    assert_int_equal(pm_history_ledger_list(h, NULL, collect_ledger, &all, &err), PM_OK);
    assert_int_equal(all.n, 6);
    for (int i = 0; i < 6; i++) {
        assert_int_equal(all.cents[i], e[i].cents);
        assert_int_equal(all.kind[i], e[i].kind);
        assert_string_equal(all.ann[i], e[i].annotator);
    }
    /* pending holds by hand: bob W1 300 - 120 = 180, bob W2 100; carol 0 */
    ledger_c holds = {0};
    assert_int_equal(pm_history_ledger_holds(h, NULL, collect_ledger, &holds, &err), PM_OK);
    assert_int_equal(holds.n, 2);
    assert_string_equal(holds.batch[0], "W1");
    assert_string_equal(holds.ann[0], "bob");
    assert_int_equal(holds.cents[0], 180);
    assert_string_equal(holds.batch[1], "W2");
    assert_int_equal(holds.cents[1], 100);
    ledger_c hc = {0};
    assert_int_equal(pm_history_ledger_holds(h, "carol", collect_ledger, &hc, &err), PM_OK);
    assert_int_equal(hc.n, 0);
    assert_string_equal(pm_ledger_kind_name(PM_LEDGER_RELEASED), "released");
    assert_null(pm_ledger_kind_name((pm_ledger_kind)7));
    pm_history_close(h);
    hbackend_done(&b);
}

typedef struct buf {
    char *p;
    size_t n;
} buf;

static int buf_write(void *ctx, const char *d, size_t len)
{
    buf *b = ctx;
    char *q = realloc(b->p, b->n + len + 1);
    if (!q)
        return 1;
    memcpy(q + b->n, d, len);
    b->n += len;
    q[b->n] = '\0';
    b->p = q;
    return 0;
}

static int fail_write(void *ctx, const char *d, size_t len)
{
    (void)ctx;
    (void)d;
    (void)len;
    return 1;
}

static void test_export(void **state)
{
    (void)state;
    hbackend b;
    assert_int_equal(hbackend_fresh(&b, g_pg), 0);
    pm_history *h = open_ok(b.uri, PM_HISTORY_CREATE);
    pm_error err = {0};
    assert_int_equal(w_import(h, 1, 0, &err), PM_OK);

    /* CSV of the last labels, written here by hand in key order: the
     * annotators byte-wise ("=carol" < "alice" < "bob"), the guard on =carol */
    buf out = {0};
    assert_int_equal(pm_history_export(h, "last_labels", PM_HISTORY_CSV, buf_write, &out, &err),
                     PM_OK);
    long long id = 0;
    batches bs = {0};
    pm_history_list_batches(h, collect_batch, &bs, &err);
    id = bs.id[0];
    char want[512];
    snprintf(want, sizeof want,
             "annotator,item,label,batch_id\n"
             "'=carol,only-w1,A,%lld\n'=carol,shared,A,%lld\n"
             "alice,only-w1,A,%lld\nalice,shared,A,%lld\n"
             "bob,only-w1,A,%lld\nbob,shared,A,%lld\n",
             id, id, id, id, id, id);
    assert_string_equal(out.p, want);
    free(out.p);

    /* JSON of everything parses, and its pairs are the appended ones */
    out = (buf){0};
    assert_int_equal(pm_history_export(h, NULL, PM_HISTORY_JSON, buf_write, &out, &err), PM_OK);
    json_error_t je;
    json_t *doc = json_loads(out.p, 0, &je);
    if (!doc)
        fail_msg("export is not JSON: %s at %d: %s", je.text, je.line, out.p);
    assert_int_equal(json_integer_value(json_object_get(doc, "schema_version")), PM_HISTORY_SCHEMA);
    json_t *tables = json_object_get(doc, "tables");
    const char *const *names = pm_history_tables();
    size_t nt = 0;
    for (; names[nt]; nt++)
        assert_non_null(json_object_get(tables, names[nt]));
    assert_int_equal(nt, json_object_size(tables));
    json_t *prs = json_object_get(tables, "pairs");
    size_t total = 0;
    for (int a = 0; a < W_ANN; a++)
        total += (size_t)w_npairs(1, a);
    assert_int_equal(json_array_size(prs), total);
    json_t *first = json_array_get(prs, 0);
    assert_string_equal(json_string_value(json_object_get(first, "annotator")), "=carol");
    assert_true(json_real_value(json_object_get(first, "m0")) == w_m0(1));
    json_t *ab = json_object_get(tables, "annotator_batches");
    /* bob's duration median is NaN: null */
    json_t *bob = json_array_get(ab, 2);
    assert_string_equal(json_string_value(json_object_get(bob, "annotator")), "bob");
    assert_true(json_is_null(json_object_get(bob, "duration_median")));
    json_decref(doc);
    free(out.p);

    /* refusals */
    assert_int_equal(pm_history_export(h, NULL, PM_HISTORY_CSV, buf_write, &out, &err), PM_EINVAL);
    assert_int_equal(pm_history_export(h, "nope", PM_HISTORY_JSON, buf_write, &out, &err),
                     PM_EINVAL);
    assert_non_null(strstr(err.text, "no table 'nope'"));
    assert_int_equal(pm_history_export(h, "pairs", PM_HISTORY_CSV, fail_write, NULL, &err), PM_EIO);
    pm_history_close(h);
    hbackend_done(&b);
}

typedef struct probs {
    int n;
    char text[8][PM_ERROR_TEXT];
} probs;

static void collect_problem(void *ctx, const char *t)
{
    probs *p = ctx;
    if (p->n < 8)
        snprintf(p->text[p->n], PM_ERROR_TEXT, "%s", t);
    p->n++;
}

static void test_check_finds_tampering(void **state)
{
    (void)state;
    hbackend b;
    assert_int_equal(hbackend_fresh(&b, g_pg), 0);
    pm_history *h = open_ok(b.uri, PM_HISTORY_CREATE);
    pm_error err = {0};
    assert_int_equal(w_import(h, 1, 0, &err), PM_OK);
    assert_int_equal(pm_history_check(h, NULL, NULL, NULL, &err), PM_OK);
    /* one pair gone from the middle: a seq gap and a count that disagrees */
    raw_exec(h, "DELETE FROM pairs WHERE annotator = 'alice' AND seq = 2");
    probs p = {0};
    size_t n = 0;
    assert_int_equal(pm_history_check(h, collect_problem, &p, &n, &err), PM_EPARSE);
    assert_int_equal(n, 2);
    assert_int_equal(p.n, 2);
    char want[256];
    snprintf(want, sizeof want, "pairs: annotator 'alice' has %d pairs numbered 1..%d",
             w_npairs(1, 0) - 1, w_npairs(1, 0));
    assert_string_equal(strstr(p.text[0], "pairs:"), p.text[0]);
    assert_non_null(strstr(p.text[0], want));
    assert_non_null(strstr(p.text[1], "annotator_batches: annotator 'alice'"));
    assert_non_null(strstr(err.text, "2 problems"));
    pm_history_close(h);
    hbackend_done(&b);
}

static void test_schema_versions(void **state)
{
    (void)state;
    hbackend b;
    assert_int_equal(hbackend_fresh(&b, g_pg), 0);
    /* a version-1 store, as an older prefmon left it, with a batch in it */
    pm_history *h = NULL;
    pm_error err = {0};
    assert_int_equal(pmx_history_open_upto(b.uri, PM_HISTORY_CREATE, 1, &h, &err), PM_OK);
    assert_int_equal(pm_history_schema_version(h), 1);
    assert_int_equal(w_import(h, 1, 0, &err), PM_OK);
    pm_history_ledger le = {0, "W", "a", 1, "USD", PM_LEDGER_PAID, NULL, NULL};
    assert_int_equal(pm_history_ledger_append(h, &le, 1, &err), PM_EIO); /* no ledger in 1 */
    pm_history_close(h);
    /* read-only cannot migrate */
    assert_int_equal(pm_history_open(b.uri, PM_HISTORY_READONLY, &h, &err), PM_EPARSE);
    assert_non_null(strstr(err.text, "schema 1 is older"));
    /* opened by this prefmon: migrated, data kept */
    h = open_ok(b.uri, 0);
    assert_int_equal(pm_history_schema_version(h), PM_HISTORY_SCHEMA);
    assert_int_equal(pm_history_ledger_append(h, &le, 1, &err), PM_OK);
    batches bs = {0};
    assert_int_equal(pm_history_list_batches(h, collect_batch, &bs, &err), PM_OK);
    assert_int_equal(bs.n, 1);
    assert_int_equal(pm_history_check(h, NULL, NULL, NULL, &err), PM_OK);
    /* a newer prefmon's store */
    raw_exec(h, "UPDATE schema_version SET version = 3");
    pm_history_close(h);
    assert_int_equal(pm_history_open(b.uri, 0, &h, &err), PM_EPARSE);
    assert_null(h);
    char want[600];
    snprintf(want, sizeof want, "%s: schema 3 is newer than this prefmon (%d): upgrade prefmon",
             g_pg ? "postgresql:///" : b.uri, PM_HISTORY_SCHEMA);
    if (!g_pg)
        assert_string_equal(err.text, want);
    else
        assert_non_null(
            strstr(err.text, ": schema 3 is newer than this prefmon (2): upgrade prefmon"));
    hbackend_done(&b);
}

static void test_foreign_store(void **state)
{
    (void)state;
    hbackend b;
    assert_int_equal(hbackend_fresh(&b, g_pg), 0);
    pmx_db *db;
    pm_error err = {0};
    if (g_pg)
        assert_int_equal(pmx_pg_open(b.uri, "t", 0, &db, &err), PM_OK);
    else
        assert_int_equal(pmx_sqlite_open(b.uri, PM_HISTORY_CREATE, &db, &err), PM_OK);
    assert_int_equal(db->ops->exec(db, "CREATE TABLE customers (id INTEGER, name TEXT)", &err),
                     PM_OK);
    db->ops->close(db);
    pm_history *h = NULL;
    assert_int_equal(pm_history_open(b.uri, PM_HISTORY_CREATE, &h, &err), PM_EPARSE);
    assert_non_null(strstr(err.text, ": not a prefmon history store (no schema_version table; it "
                                     "holds other tables)"));
    if (!g_pg) {
        assert_string_equal(strstr(err.text, b.uri), err.text);
        /* and it was left as it was: still not in WAL mode */
        FILE *fp = fopen(b.uri, "rb");
        unsigned char hdr[20];
        assert_int_equal(fread(hdr, 1, 20, fp), 20);
        fclose(fp);
        assert_int_equal(hdr[18], 1); /* file format write version 1: rollback journal */
    }
    hbackend_done(&b);
}

/* More pairs and labels than one multi-row statement holds (256 rows):
 * every pair read back in order with its own bits, and of the labels given
 * twice for one item in one call the later one kept. */
static void test_many_rows(void **state)
{
    (void)state;
    hbackend b;
    assert_int_equal(hbackend_fresh(&b, g_pg), 0);
    pm_history *h = open_ok(b.uri, PM_HISTORY_CREATE);
    pm_error err = {0};
    enum { N = 600 };
    static pm_history_pair p[N];
    static char items[N][16];
    static pm_history_label l[2 * N];
    long long cons = 0;
    for (int i = 0; i < N; i++) {
        snprintf(items[i], sizeof items[i], "it%04d", i);
        p[i] = (pm_history_pair){.item = items[i],
                                 .agree = (i * 37 % 11) > 3,
                                 .q0 = 0.5,
                                 .delta = 0.02,
                                 .m0 = i / 1000.0,
                                 .m1 = 1.0 / (i + 1)};
        cons += p[i].agree;
        /* each item twice: first "A", later "B" for even i, "tie" for odd */
        l[i] = (pm_history_label){"ann", items[i], "A", NULL};
        l[N + i] = (pm_history_label){"ann", items[N - 1 - i], (N - 1 - i) % 2 ? "tie" : "B", NULL};
    }
    pm_history_batch bt = {.name = "big"};
    assert_int_equal(pm_history_begin_import(h, &bt, 0, &err), PM_OK);
    pm_history_row r = {.annotator = "ann", .pairs = N, .consistent = cons, .duration_median = NAN};
    assert_int_equal(pm_history_put_row(h, &r, &err), PM_OK);
    assert_int_equal(pm_history_append_pairs(h, "ann", p, 300, &err), PM_OK);
    assert_int_equal(pm_history_append_pairs(h, "ann", p + 300, N - 300, &err), PM_OK);
    assert_int_equal(pm_history_put_last_labels(h, l, 2 * N, &err), PM_OK);
    assert_int_equal(pm_history_commit(h, &err), PM_OK);
    static pairs ps;
    memset(&ps, 0, sizeof ps);
    /* collect_pair keeps 256: walk in two looks, the first 256 and a count */
    assert_int_equal(pm_history_annotator_pairs(h, "ann", collect_pair, &ps, &err), PM_OK);
    assert_int_equal(ps.n, 256);
    for (int k = 0; k < ps.n; k++) {
        assert_int_equal(ps.seq[k], k + 1);
        assert_string_equal(ps.item[k], items[k]);
        assert_int_equal(ps.agree[k], p[k].agree);
        assert_true(ps.m0[k] == p[k].m0 && ps.m1[k] == p[k].m1);
    }
    long long n = 0, last = 0;
    assert_int_equal(pmx_scalar(h, "t", &err, &n, NULL,
                                "SELECT COUNT(*) FROM pairs WHERE annotator = 'ann' AND seq "
                                "BETWEEN 1 AND 600",
                                ""),
                     PM_OK);
    assert_int_equal(n, N);
    assert_int_equal(pmx_scalar(h, "t", &err, &last, NULL,
                                "SELECT agree FROM pairs WHERE annotator = 'ann' AND seq = 600",
                                ""),
                     PM_OK);
    assert_int_equal(last, p[N - 1].agree);
    for (int i = 0; i < N; i += 7) {
        char lab[8];
        int found = 0;
        assert_int_equal(
            pm_history_get_last_label(h, "ann", items[i], &found, lab, sizeof lab, NULL, 0, &err),
            PM_OK);
        assert_int_equal(found, 1);
        assert_string_equal(lab, i % 2 ? "tie" : "B");
    }
    assert_int_equal(pm_history_check(h, NULL, NULL, NULL, &err), PM_OK);
    pm_history_close(h);
    hbackend_done(&b);
}

/* A walk started from another walk's callback (every batch, and inside it
 * an annotator's rows) works and leaves the handle usable for an import. */
typedef struct nested {
    pm_history *h;
    int batches, rows;
} nested;

static int count_rows(void *ctx, const pm_history_row *r)
{
    (void)r;
    ((nested *)ctx)->rows++;
    return 0;
}

static int nested_batch(void *ctx, const pm_history_batch *b)
{
    (void)b;
    nested *n = ctx;
    n->batches++;
    pm_error err = {0};
    /* writing from inside a walk is refused, not half-done */
    pm_history_batch bt = {.name = "inner"};
    if (pm_history_begin_import(n->h, &bt, 0, &err) != PM_EINVAL)
        fail_msg("an import from inside a walk was not refused");
    if (pm_history_annotator_rows(n->h, "alice", count_rows, n, &err) != PM_OK)
        fail_msg("nested: %s", err.text);
    return 0;
}

static void test_nested_walks(void **state)
{
    (void)state;
    hbackend b;
    assert_int_equal(hbackend_fresh(&b, g_pg), 0);
    pm_history *h = open_ok(b.uri, PM_HISTORY_CREATE);
    pm_error err = {0};
    assert_int_equal(w_import(h, 1, 0, &err), PM_OK);
    assert_int_equal(w_import(h, 2, 0, &err), PM_OK);
    nested n = {h, 0, 0};
    assert_int_equal(pm_history_list_batches(h, nested_batch, &n, &err), PM_OK);
    assert_int_equal(n.batches, 2);
    assert_int_equal(n.rows, 4);
    assert_int_equal(w_import(h, 3, 0, &err), PM_OK);
    pm_history_close(h);
    hbackend_done(&b);
}

/* ---- SQLite only ---- */

static void test_missing_and_corrupt(void **state)
{
    (void)state;
    hbackend b;
    assert_int_equal(hbackend_fresh(&b, 0), 0);
    pm_history *h = NULL;
    pm_error err = {0};
    /* missing, without CREATE */
    assert_int_equal(pm_history_open(b.uri, 0, &h, &err), PM_EIO);
    assert_non_null(strstr(err.text, "No such file or directory"));
    assert_int_equal(access(b.uri, F_OK), -1);
    /* a store with random bytes over its header */
    h = open_ok(b.uri, PM_HISTORY_CREATE);
    assert_int_equal(w_import(h, 1, 0, &err), PM_OK);
    pm_history_close(h);
    int fd = open(b.uri, O_WRONLY);
    assert_true(fd >= 0);
    unsigned char junk[100];
    uint64_t x = 88172645463325252ULL;
    for (int i = 0; i < 100; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        junk[i] = (unsigned char)x;
    }
    assert_int_equal(pwrite(fd, junk, 100, 0), 100);
    close(fd);
    char wal[600];
    snprintf(wal, sizeof wal, "%s-wal", b.uri);
    unlink(wal);
    assert_int_equal(pm_history_open(b.uri, 0, &h, &err), PM_EPARSE);
    char want[700];
    snprintf(want, sizeof want,
             "%s: not a prefmon history store (the file is not a SQLite database or is corrupt)",
             b.uri);
    assert_string_equal(err.text, want);
    assert_int_equal(pm_history_open(b.uri, PM_HISTORY_READONLY, &h, &err), PM_EPARSE);
    assert_string_equal(err.text, want);
    /* a text file */
    FILE *fp = fopen(b.uri, "wb");
    fputs("annotator,item,label\nalice,1,A\n", fp);
    fclose(fp);
    assert_int_equal(pm_history_open(b.uri, 0, &h, &err), PM_EPARSE);
    assert_string_equal(err.text, want);
    hbackend_done(&b);
}

static void test_readonly(void **state)
{
    (void)state;
    hbackend b;
    assert_int_equal(hbackend_fresh(&b, g_pg), 0);
    pm_history *h = open_ok(b.uri, PM_HISTORY_CREATE);
    pm_error err = {0};
    assert_int_equal(w_import(h, 1, 0, &err), PM_OK);
    pm_history_close(h);
    struct stat before, after;
    if (!g_pg)
        assert_int_equal(stat(b.uri, &before), 0);
    h = open_ok(b.uri, PM_HISTORY_READONLY);
    assert_int_equal(w_import(h, 2, 0, &err), PM_EINVAL);
    assert_non_null(strstr(err.text, "read-only"));
    pm_history_ledger le = {0, "W", "a", 1, "USD", PM_LEDGER_PAID, NULL, NULL};
    assert_int_equal(pm_history_ledger_append(h, &le, 1, &err), PM_EINVAL);
    rows rs = {0};
    assert_int_equal(pm_history_annotator_rows(h, "alice", collect_row, &rs, &err), PM_OK);
    assert_int_equal(rs.n, 1);
    assert_int_equal(pm_history_check(h, NULL, NULL, NULL, &err), PM_OK);
    /* the engine refuses writes too (not only the API's guard) */
    if (!g_pg)
        assert_int_equal(h->db->ops->exec(h->db, "DELETE FROM pairs", &err), PM_EIO);
    else
        assert_int_equal(h->db->ops->exec(h->db, "DELETE FROM pairs", &err), PM_EIO);
    assert_non_null(strstr(err.text, "read"));
    pm_history_close(h);
    if (!g_pg) {
        assert_int_equal(stat(b.uri, &after), 0);
        assert_true(before.st_mtime == after.st_mtime && before.st_size == after.st_size);
        /* a read-only open never creates */
        char other[600];
        snprintf(other, sizeof other, "%s/none.db", b.dir);
        assert_int_equal(pm_history_open(other, PM_HISTORY_READONLY | PM_HISTORY_CREATE, &h, &err),
                         PM_EIO);
        assert_int_equal(access(other, F_OK), -1);
    }
    hbackend_done(&b);
}

/* A password never reaches a message: the store's name hides it, in the
 * user part and as a password= parameter. (No server needed: the connection
 * fails, and its message names the store.) */
static void test_name_hides_password(void **state)
{
    (void)state;
    pm_history *h = NULL;
    pm_error err = {0};
    assert_int_equal(
        pm_history_open("postgresql://ann:s3cret@/db?host=/nonexistent&port=1", 0, &h, &err),
        PM_EIO);
    assert_null(h);
    assert_null(strstr(err.text, "s3cret"));
    assert_string_equal(strstr(err.text, "postgresql://ann:***@/db?host=/nonexistent&port=1: "
                                         "cannot connect: "),
                        err.text);
    assert_int_equal(
        pm_history_open("postgres:///db?host=/nonexistent&password=s3cret&port=1", 0, &h, &err),
        PM_EIO);
    assert_null(strstr(err.text, "s3cret"));
    assert_non_null(strstr(err.text, "postgres:///db?host=/nonexistent&password=***&port=1: "));
    assert_int_equal(pm_history_open("", 0, &h, &err), PM_EINVAL);
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
                        "throwaway PostgreSQL server (scripts/pg-test.sh); without PostgreSQL "
                        "installed: apt-get install postgresql libpq-dev\n");
        return -1;
    }
    return 0;
}

#define BOTH_TESTS                                                                                 \
    cmocka_unit_test(test_full_import), cmocka_unit_test(test_last_label_inside_import),           \
        cmocka_unit_test(test_same_batch_twice), cmocka_unit_test(test_rollback_and_close),        \
        cmocka_unit_test(test_ledger), cmocka_unit_test(test_export),                              \
        cmocka_unit_test(test_check_finds_tampering), cmocka_unit_test(test_schema_versions),      \
        cmocka_unit_test(test_foreign_store), cmocka_unit_test(test_readonly),                     \
        cmocka_unit_test(test_many_rows), cmocka_unit_test(test_nested_walks)

int main(void)
{
    const struct CMUnitTest sqlite_tests[] = {BOTH_TESTS,
                                              cmocka_unit_test(test_missing_and_corrupt),
                                              cmocka_unit_test(test_name_hides_password)};
    const struct CMUnitTest pg_tests[] = {BOTH_TESTS};
    int fails = cmocka_run_group_tests_name("sqlite", sqlite_tests, setup_sqlite, NULL);
    fails += cmocka_run_group_tests_name("postgresql", pg_tests, setup_pg, NULL);
    return fails;
}
