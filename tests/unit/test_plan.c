/* plan: queue invariants by brute force over many seeds, feasibility
 * against an exhaustive search, determinism and streams, the pool reader
 * (content keys against coreutils sha256sum), and the writers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "prefmon/plan.h"
#include "test_plan_util.h"
#include "test_request_util.h"

/* Every invariant of one plan, checked from its rows alone. */
static void check_plan(const pm_plan *plan, const pm_plan_request *q, long d, long g)
{
    size_t n;
    const pm_plan_row *rows = pm_plan_rows(plan, &n);
    long L = q->length;
    assert_int_equal(n, q->n_annotators * (size_t)L);
    size_t npool = pm_plan_pool_count(q->items), ngold = pm_plan_pool_count(q->gold);
    int *seen = calloc(npool + 1, sizeof *seen), *gseen = calloc(ngold + 1, sizeof *gseen);
    assert_non_null(seen);
    assert_non_null(gseen);
    for (size_t a = 0; a < q->n_annotators; a++) {
        const pm_plan_row *r = rows + a * (size_t)L;
        long firsts = 0, seconds = 0, golds = 0, singles = 0;
        memset(seen, 0, (npool + 1) * sizeof *seen);
        memset(gseen, 0, (ngold + 1) * sizeof *gseen);
        for (long t = 0; t < L; t++) {
            assert_int_equal(r[t].annotator, a);
            assert_int_equal(r[t].position, t + 1);
            assert_true(r[t].shown_left == 'A' || r[t].shown_left == 'B');
            if (r[t].is_gold) {
                assert_true(r[t].item < ngold);
                assert_int_equal(gseen[r[t].item]++, 0); /* once per annotator */
                assert_int_equal(r[t].copy, 1);
                assert_int_equal(r[t].partner, 0);
                golds++;
                continue;
            }
            assert_true(r[t].item < npool);
            seen[r[t].item]++;
            if (r[t].copy == 2) {
                seconds++;
                long p1 = r[t].partner;
                assert_true(p1 >= 1 && p1 < r[t].position);
                assert_true(r[t].position - p1 >= q->min_gap); /* the gap */
                const pm_plan_row *f = &r[p1 - 1];
                assert_int_equal(f->copy, 1);
                assert_int_equal(f->partner, r[t].position);
                assert_int_equal(f->item, r[t].item);
                assert_int_equal(f->is_gold, 0);
                assert_true(f->shown_left != r[t].shown_left); /* swapped */
            } else if (r[t].partner) {
                firsts++;
            } else {
                singles++;
            }
        }
        assert_int_equal(firsts, d);
        assert_int_equal(seconds, d);
        assert_int_equal(golds, g);
        assert_int_equal(singles, L - g - 2 * d);
        /* Duplicated items exactly twice, every other item at most once. */
        long distinct = 0;
        for (size_t i = 0; i < npool; i++) {
            assert_true(seen[i] <= 2);
            distinct += seen[i] > 0;
        }
        assert_int_equal(distinct, L - g - d);
    }
    free(seen);
    free(gseen);
}

static void same_rows(const pm_plan *a, const pm_plan *b, size_t count)
{
    const pm_plan_row *x = pm_plan_rows(a, NULL), *y = pm_plan_rows(b, NULL);
    for (size_t i = 0; i < count; i++) {
        assert_int_equal(x[i].item, y[i].item);
        assert_int_equal(x[i].is_gold, y[i].is_gold);
        assert_int_equal(x[i].copy, y[i].copy);
        assert_int_equal(x[i].partner, y[i].partner);
        assert_int_equal(x[i].shown_left, y[i].shown_left);
    }
}

static void test_invariants_many_seeds(void **state)
{
    (void)state;
    pm_plan_pool *items = key_pool(60, "k"), *gold = key_pool(12, "g");
    /* L, d, G, gold_rate, annotators */
    static const struct {
        long L, d, G;
        double gr;
        size_t na;
    } cfg[] = {{20, 3, 5, 0.1, 3}, {10, 5, 5, 0, 2}, {10, 4, 6, 0.2, 2}, {30, 6, 10, 0.2, 4},
               {7, 3, 1, 0.15, 2}, {1, 0, 1, 0, 2},  {2, 1, 1, 0, 2},    {40, 10, 25, 0.25, 3},
               {12, 0, 3, 1.0, 2}, {15, 7, 8, 0, 2}, {25, 2, 20, 0.3, 2}};
    for (size_t c = 0; c < sizeof cfg / sizeof cfg[0]; c++)
        for (uint64_t seed = 0; seed < 300; seed++) {
            pm_plan_request q = {items,     cfg[c].gr > 0 ? gold : NULL,
                                 NULL,      cfg[c].na,
                                 cfg[c].L,  cfg[c].d,
                                 0,         cfg[c].G,
                                 cfg[c].gr, seed * 7919 + c};
            pm_plan *p = NULL, *p2 = NULL;
            pm_error e;
            if (pm_plan_make(&q, &p, &e) != PM_OK)
                fail_msg("config %zu seed %llu: %s", c, (unsigned long long)seed, e.text);
            long g = (long)(cfg[c].gr * (double)cfg[c].L + 0.5);
            check_plan(p, &q, cfg[c].d, g);
            /* Deterministic under the seed. */
            assert_int_equal(pm_plan_make(&q, &p2, &e), PM_OK);
            same_rows(p, p2, cfg[c].na * (size_t)cfg[c].L);
            pm_plan_free(p);
            pm_plan_free(p2);
        }
    pm_plan_pool_free(items);
    pm_plan_pool_free(gold);
}

/* Is there ANY queue of L slots with d pairs (second copy >= G after its
 * first, any pairing) and L - 2d other slots? Exhaustive search, no use of
 * the in-order matching argument the library relies on. */
static int exists(long t, long L, long G, long open_mask, long pairs_left, long others_left)
{
    if (t == L)
        return open_mask == 0 && pairs_left == 0 && others_left == 0;
    if (others_left > 0 && exists(t + 1, L, G, open_mask, pairs_left, others_left - 1))
        return 1;
    if (pairs_left > 0 && exists(t + 1, L, G, open_mask | (1L << t), pairs_left - 1, others_left))
        return 1;
    for (long f = 0; f + G <= t; f++)
        if ((open_mask >> f) & 1)
            if (exists(t + 1, L, G, open_mask & ~(1L << f), pairs_left, others_left))
                return 1;
    return 0;
}

static void test_feasibility_exhaustive(void **state)
{
    (void)state;
    pm_plan_pool *items = key_pool(40, "k");
    for (long L = 1; L <= 10; L++)
        for (long G = 1; G <= L + 1; G++)
            for (long d = 0; 2 * d <= L + 2; d++) {
                int want = 2 * d <= L && exists(0, L, G, 0, d, L - 2 * d);
                pm_plan_request q = {items, NULL, NULL, 1, L, d, 0, G, 0, (uint64_t)(L * 100 + G)};
                pm_plan *p = NULL;
                pm_error e;
                pm_status st = pm_plan_make(&q, &p, &e);
                if (want) {
                    if (st != PM_OK)
                        fail_msg("L %ld G %ld d %ld feasible but: %s", L, G, d, e.text);
                    check_plan(p, &q, d, 0);
                    pm_plan_free(p);
                } else {
                    assert_int_equal(st, PM_EINVAL);
                    assert_null(p);
                }
            }
    pm_plan_pool_free(items);
}

static void test_streams_and_prefix(void **state)
{
    (void)state;
    pm_plan_pool *items = key_pool(500, "k");
    pm_plan_request q = {items, NULL, NULL, 3, 40, 8, 0, 10, 0, 12345};
    pm_plan *p3, *p2, *other;
    assert_int_equal(pm_plan_make(&q, &p3, NULL), PM_OK);
    q.n_annotators = 2;
    assert_int_equal(pm_plan_make(&q, &p2, NULL), PM_OK);
    /* Adding an annotator does not change the queues before it. */
    same_rows(p3, p2, 2 * 40);
    /* Different streams give different queues. */
    const pm_plan_row *r = pm_plan_rows(p3, NULL);
    for (int a = 0; a < 3; a++)
        for (int b = a + 1; b < 3; b++) {
            int diff = 0;
            for (int t = 0; t < 40; t++)
                diff += r[a * 40 + t].item != r[b * 40 + t].item;
            assert_true(diff > 30);
        }
    /* A different seed gives a different plan. */
    q.seed = 12346;
    assert_int_equal(pm_plan_make(&q, &other, NULL), PM_OK);
    const pm_plan_row *o = pm_plan_rows(other, NULL);
    int diff = 0;
    for (int t = 0; t < 80; t++)
        diff += o[t].item != r[t].item;
    assert_true(diff > 60);
    /* Generated names. */
    assert_string_equal(pm_plan_annotator(p3, 2), "annotator-3");
    pm_plan_free(p3);
    pm_plan_free(p2);
    pm_plan_free(other);
    pm_plan_pool_free(items);
}

/* Duplicates are spread: over many seeds, second copies land in the first
 * half of the queue too (not all repeats at the end), and position 1 is a
 * first copy about as often as an urn draw says (d / L). */
static void test_spread(void **state)
{
    (void)state;
    pm_plan_pool *items = key_pool(200, "k");
    long first_half_seconds = 0, first_slot_dup = 0, runs = 2000;
    for (long s = 0; s < runs; s++) {
        pm_plan_request q = {items, NULL, NULL, 1, 50, 5, 0, 5, 0, (uint64_t)s};
        pm_plan *p;
        assert_int_equal(pm_plan_make(&q, &p, NULL), PM_OK);
        const pm_plan_row *r = pm_plan_rows(p, NULL);
        for (int t = 0; t < 25; t++)
            first_half_seconds += r[t].copy == 2;
        first_slot_dup += r[0].partner != 0;
        pm_plan_free(p);
    }
    assert_true(first_half_seconds > runs);                    /* > 1 per queue */
    assert_true(first_slot_dup > 100 && first_slot_dup < 300); /* about 2000 * 5/50 */
    pm_plan_pool_free(items);
}

static void expect_infeasible(pm_plan_request *q, const char *needle)
{
    pm_plan *p = NULL;
    pm_error e;
    assert_int_equal(pm_plan_make(q, &p, &e), PM_EINVAL);
    assert_null(p);
    if (!strstr(e.text, needle))
        fail_msg("message '%s' lacks '%s'", e.text, needle);
}

static void test_infeasible(void **state)
{
    (void)state;
    pm_plan_pool *items = key_pool(30, "k"), *gold = key_pool(3, "g"), *clash = key_pool(2, "k");
    pm_plan_request q = {items, NULL, NULL, 2, 20, 11, 0, 2, 0, 1};
    expect_infeasible(&q, "at most 10 duplicates");
    q.duplicates = 8;
    q.min_gap = 15;
    expect_infeasible(&q, "at most L - G = 5");
    q.min_gap = 2;
    q.gold = gold;
    q.gold_rate = 0.2; /* g = 4 > 3 gold items */
    expect_infeasible(&q, "the gold set has 3 items");
    q.gold = NULL;
    expect_infeasible(&q, "needs a gold set");
    q.gold_rate = 0;
    q.length = 50;
    q.duplicates = 5; /* 45 distinct items from a pool of 30 */
    expect_infeasible(&q, "L - g - d = 45 distinct items but the pool has 30");
    q.length = 20;
    q.gold = clash;
    q.gold_rate = 0.05;
    expect_infeasible(&q, "gold item 'k0' is also in the item pool");
    q.gold = NULL;
    q.gold_rate = 0;
    q.min_gap = 0;
    expect_infeasible(&q, "min gap");
    q.min_gap = 2;
    q.duplicates = -1;
    q.dup_rate = 0.6;
    expect_infeasible(&q, "duplicate rate");
    /* A rate: 0.125 * 20 = 2.5 -> 3 (halves up). */
    q.dup_rate = 0.125;
    pm_plan *p;
    assert_int_equal(pm_plan_make(&q, &p, NULL), PM_OK);
    check_plan(p, &q, 3, 0);
    pm_plan_summary s;
    assert_int_equal(pm_plan_summarize(p, NULL, &s, NULL), PM_OK);
    assert_int_equal(s.duplicates, 3);
    assert_int_equal(s.distinct_items, 17);
    assert_int_equal(s.has_test, 0);
    pm_plan_free(p);
    const char *twice[] = {"ann", "bob", "ann"};
    q.annotators = twice;
    q.n_annotators = 3;
    expect_infeasible(&q, "annotator 'ann' is listed twice");
    const char *empty[] = {"ann", ""};
    q.annotators = empty;
    q.n_annotators = 2;
    expect_infeasible(&q, "annotator 2: empty name");
    q.n_annotators = 0;
    expect_infeasible(&q, "at least one annotator");
    pm_plan_pool_free(items);
    pm_plan_pool_free(gold);
    pm_plan_pool_free(clash);
}

/* The summary's error rates are the monitor's test for d pairs. */
static void test_summary_test(void **state)
{
    (void)state;
    pm_plan_pool *items = key_pool(100, "k");
    pm_plan_request q = {items, NULL, NULL, 2, 60, 20, 0, 10, 0, 9};
    pm_plan *p;
    assert_int_equal(pm_plan_make(&q, &p, NULL), PM_OK);
    pm_scheme sc;
    assert_int_equal(pm_scheme_self(&sc, PM_CONV_GENERAL, 0.02, 0.5, NULL), PM_OK);
    pm_plan_summary s;
    pm_test t;
    pm_test_request tr = test_req(&sc, 0.8, 1, PM_RULE_LR, 0.05);
    assert_int_equal(pm_plan_summarize(p, &tr, &s, NULL), PM_OK);
    assert_int_equal(design(&sc, 0.8, 1, 20, PM_RULE_LR, 0.05, &t, NULL), PM_OK);
    assert_int_equal(s.has_test, 1);
    assert_int_equal(s.test.n, 20);
    assert_int_equal(s.test.k, t.k);
    assert_true(s.test.type1 == t.type1 && s.test.type2 == t.type2);
    assert_int_equal(s.rows, 120);
    assert_true(s.seed == 9);
    pm_plan_free(p);
    pm_plan_pool_free(items);
}

static FILE *mem_in(const char *text)
{
    FILE *fp = fmemopen((void *)text, strlen(text), "r");
    assert_non_null(fp);
    return fp;
}

static void test_pool_reader(void **state)
{
    (void)state;
    /* Content keys against coreutils: printf 'a\0b' | sha256sum, etc. */
    char k[PM_PLAN_KEY_SIZE];
    pm_plan_content_key("a", "b", k);
    assert_string_equal(k, "59b271ae1bbcb1d31d41929817f4b16f");
    pm_plan_content_key("", "", k);
    assert_string_equal(k, "6e340b9cffb37a989ca544e6bb780a2c");
    char x100[101];
    memset(x100, 'x', 100);
    x100[100] = '\0';
    pm_plan_content_key(x100, "y", k); /* spans two SHA-256 blocks */
    assert_string_equal(k, "7d8dea5798a7d96a4821c6bd2b56bf39");

    pm_plan_pool *p = pm_plan_pool_new(NULL);
    size_t dups = 0;
    FILE *fp = mem_in("{\"chosen\": \"a\", \"rejected\": \"b\"}\n"
                      "\n"
                      "{\"chosen\": \"c\", \"rejected\": \"d\", \"id\": 17}\r\n"
                      "{\"chosen\": \"a\", \"rejected\": \"b\"}\n"
                      "{\"chosen\": \"e\", \"rejected\": \"f\", \"id\": \"x,y\"}");
    assert_int_equal(pm_plan_pool_read_jsonl(p, fp, "t.jsonl", &dups, NULL), PM_OK);
    fclose(fp);
    assert_int_equal(pm_plan_pool_count(p), 3);
    assert_int_equal(dups, 1);
    assert_string_equal(pm_plan_pool_key(p, 0), "59b271ae1bbcb1d31d41929817f4b16f");
    assert_string_equal(pm_plan_pool_key(p, 1), "17");
    assert_string_equal(pm_plan_pool_key(p, 2), "x,y");
    assert_string_equal(pm_plan_pool_response(p, 1, 1), "d");

    /* Errors: position, and the stream's items are removed again. */
    static const struct {
        const char *text;
        pm_status st;
        const char *needle;
    } bad[] = {
        {"{\"chosen\": \"g\", \"rejected\": \"h\"}\n{\"chosen\": 1, \"rejected\": \"h\"}\n",
         PM_EPARSE, "b.jsonl:2: field 'chosen': not a string"},
        {"{\"chosen\": \"g\"}\n", PM_EPARSE, "b.jsonl:1: field 'rejected': missing"},
        {"{\"chosen\": \"g\", \"rejected\": \"h\"}\n{\"chosen\": \"g\",, }\n", PM_EPARSE,
         "b.jsonl:2:"},
        {"{\"chosen\": \"\xff\", \"rejected\": \"h\"}\n", PM_EPARSE, "b.jsonl:1:"},
        {"[1, 2]\n", PM_EPARSE, "not a JSON object"},
        {"{\"chosen\": \"g\", \"rejected\": \"h\", \"id\": 1.5}\n", PM_EPARSE, "field 'id'"},
        {"{\"chosen\": \"g\", \"rejected\": \"h\", \"id\": \"\"}\n", PM_EPARSE,
         "b.jsonl:1: field 'id': empty"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pm_error e;
        fp = mem_in(bad[i].text);
        assert_int_equal(pm_plan_pool_read_jsonl(p, fp, "b.jsonl", NULL, &e), bad[i].st);
        fclose(fp);
        if (!strstr(e.text, bad[i].needle))
            fail_msg("case %zu: '%s' lacks '%s'", i, e.text, bad[i].needle);
        assert_int_equal(pm_plan_pool_count(p), 3);
        assert_int_equal(pm_plan_pool_find(p, "17", NULL), 1);
    }
    /* The removed item "g"/"h" can be added afterwards (the set forgot it). */
    int added = 0;
    assert_int_equal(pm_plan_pool_add(p, NULL, "g", "h", &added, NULL), PM_OK);
    assert_int_equal(added, 1);
    /* A key-only item cannot join a pool with responses. */
    assert_int_equal(pm_plan_pool_add(p, "z", NULL, NULL, NULL, NULL), PM_EINVAL);

    /* A line over the limit: PM_ELIMIT, memory bounded by the limit. */
    size_t big = PM_PLAN_MAX_LINE + 10;
    char *huge = malloc(big + 1);
    assert_non_null(huge);
    memset(huge, ' ', big);
    huge[big] = '\0';
    pm_error e;
    fp = fmemopen(huge, big, "r");
    assert_int_equal(pm_plan_pool_read_jsonl(p, fp, "h.jsonl", NULL, &e), PM_ELIMIT);
    assert_non_null(strstr(e.text, "h.jsonl:1:"));
    assert_non_null(strstr(e.text, "longer than"));
    fclose(fp);
    free(huge);

    /* A blank line after a longer line with blanks at the same places is
     * blank (the old private line reader left the buffer unterminated and
     * read the previous line's bytes: "invalid JSON"). */
    pm_plan_pool *q = pm_plan_pool_new(NULL);
    assert_non_null(q);
    static const char blanks[] = "{  \"chosen\": \"a\", \"rejected\": \"b\"}\n \n\t\r\n";
    fp = fmemopen((void *)blanks, sizeof blanks - 1, "r");
    assert_int_equal(pm_plan_pool_read_jsonl(q, fp, "b.jsonl", NULL, &e), PM_OK);
    assert_int_equal(pm_plan_pool_count(q), 1);
    fclose(fp);
    pm_plan_pool_free(q);
    pm_plan_pool_free(p);
}

/* Everything a FILE* received, as a string. */
typedef struct cap {
    char *buf;
    size_t len;
    FILE *fp;
} cap;

static void test_writers(void **state)
{
    (void)state;
    pm_plan_pool *items = pm_plan_pool_new(NULL);
    const char *keys[] = {"k,1", "k\"2", "=k3", "k4", "k5", "k6"};
    for (int i = 0; i < 6; i++)
        assert_int_equal(pm_plan_pool_add(items, keys[i], NULL, NULL, NULL, NULL), PM_OK);
    const char *names[] = {"ann,1", "ann2"};
    pm_plan_request q = {items, NULL, names, 2, 6, 1, 0, 3, 0, 77};
    pm_plan *p;
    assert_int_equal(pm_plan_make(&q, &p, NULL), PM_OK);
    size_t n;
    const pm_plan_row *rows = pm_plan_rows(p, &n);

    cap c;
    c.fp = open_memstream(&c.buf, &c.len);
    assert_int_equal(pm_plan_write_csv(p, c.fp, NULL), PM_OK);
    fclose(c.fp);
    /* Rebuild the expected text from the rows: RFC 4180 quoting, and the
     * formula guard on the key that starts with = (defect 10). */
    char want[4096] = "annotator,position,item,shown_left\r\n";
    for (size_t i = 0; i < n; i++) {
        const char *key = pm_plan_row_key(p, &rows[i]);
        char kq[32];
        if (strcmp(key, "k,1") == 0)
            strcpy(kq, "\"k,1\"");
        else if (strcmp(key, "k\"2") == 0)
            strcpy(kq, "\"k\"\"2\"");
        else if (strcmp(key, "=k3") == 0)
            strcpy(kq, "\"'=k3\""); /* guarded (pm_csv_guard), so quoted */
        else
            strcpy(kq, key);
        char line[128];
        snprintf(line, sizeof line, "%s,%ld,%s,%c\r\n", rows[i].annotator ? "ann2" : "\"ann,1\"",
                 rows[i].position, kq, rows[i].shown_left);
        strcat(want, line);
    }
    assert_string_equal(c.buf, want);
    assert_null(strstr(c.buf, "copy")); /* duplicates are not marked */
    free(c.buf);

    /* JSONL: the same fields, no copy/gold marks; the manifest has them. */
    c.fp = open_memstream(&c.buf, &c.len);
    assert_int_equal(pm_plan_write_jsonl(p, c.fp, NULL), PM_OK);
    fclose(c.fp);
    char *line = c.buf;
    for (size_t i = 0; i < n; i++) {
        char *nl = strchr(line, '\n');
        assert_non_null(nl);
        json_t *o = json_loadb(line, (size_t)(nl - line), 0, NULL);
        assert_non_null(o);
        assert_string_equal(json_string_value(json_object_get(o, "item")),
                            pm_plan_row_key(p, &rows[i]));
        assert_int_equal(json_integer_value(json_object_get(o, "position")), rows[i].position);
        assert_null(json_object_get(o, "copy"));
        assert_null(json_object_get(o, "is_gold"));
        json_decref(o);
        line = nl + 1;
    }
    free(c.buf);

    c.fp = open_memstream(&c.buf, &c.len);
    assert_int_equal(pm_plan_write_manifest(p, c.fp, NULL), PM_OK);
    fclose(c.fp);
    assert_non_null(strstr(c.buf, "\"format\":\"prefmon-plan-manifest\""));
    assert_non_null(strstr(c.buf, "\"seed\":\"77\""));
    assert_non_null(strstr(c.buf, "\"copy\":2"));
    free(c.buf);
    pm_plan_free(p);
    pm_plan_pool_free(items);
}

/* The embedded HH-RLHF subset: read it, plan, write a Label Studio import,
 * read it back and check that each repeat shows the first copy's responses
 * the other way round. */
static void test_labelstudio_real_data(void **state)
{
    (void)state;
    FILE *fp = fopen(PM_SOURCE_DIR "/data/hh-rlhf-harmless-test-300.jsonl", "r");
    assert_non_null(fp);
    pm_plan_pool *items = pm_plan_pool_new(NULL);
    size_t dups = 0;
    assert_int_equal(pm_plan_pool_read_jsonl(items, fp, "hh", &dups, NULL), PM_OK);
    fclose(fp);
    assert_int_equal(pm_plan_pool_count(items), 300);
    assert_int_equal(dups, 0);
    pm_plan_request q = {items, NULL, NULL, 3, 50, 6, 0, 10, 0, 2026};
    pm_plan *p;
    assert_int_equal(pm_plan_make(&q, &p, NULL), PM_OK);
    cap c;
    c.fp = open_memstream(&c.buf, &c.len);
    assert_int_equal(pm_plan_write_labelstudio(p, c.fp, NULL), PM_OK);
    fclose(c.fp);
    json_error_t je;
    json_t *tasks = json_loads(c.buf, 0, &je);
    if (!tasks)
        fail_msg("Label Studio file is not JSON: %s", je.text);
    assert_true(json_is_array(tasks));
    assert_int_equal(json_array_size(tasks), 150);
    size_t n;
    const pm_plan_row *rows = pm_plan_rows(p, &n);
    long pairs = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *data = json_object_get(json_array_get(tasks, i), "data");
        assert_true(json_is_object(data));
        const char *left = json_string_value(json_object_get(data, "left"));
        const char *right = json_string_value(json_object_get(data, "right"));
        const char *item = json_string_value(json_object_get(data, "item"));
        assert_non_null(left);
        assert_non_null(right);
        size_t idx;
        assert_int_equal(pm_plan_pool_find(items, item, &idx), 1);
        const char *a = pm_plan_pool_response(items, idx, 0),
                   *b = pm_plan_pool_response(items, idx, 1);
        const char *side = json_string_value(json_object_get(data, "shown_left"));
        assert_string_equal(left, side[0] == 'A' ? a : b);
        assert_string_equal(right, side[0] == 'A' ? b : a);
        if (rows[i].copy == 2) {
            json_t *first = json_object_get(
                json_array_get(tasks, i - (size_t)(rows[i].position - rows[i].partner)), "data");
            assert_string_equal(json_string_value(json_object_get(first, "item")), item);
            assert_string_equal(json_string_value(json_object_get(first, "left")), right);
            pairs++;
        }
    }
    assert_int_equal(pairs, 18);
    json_decref(tasks);
    free(c.buf);
    pm_plan_free(p);
    pm_plan_pool_free(items);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invariants_many_seeds),
        cmocka_unit_test(test_feasibility_exhaustive),
        cmocka_unit_test(test_streams_and_prefix),
        cmocka_unit_test(test_spread),
        cmocka_unit_test(test_infeasible),
        cmocka_unit_test(test_summary_test),
        cmocka_unit_test(test_pool_reader),
        cmocka_unit_test(test_writers),
        cmocka_unit_test(test_labelstudio_real_data),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
