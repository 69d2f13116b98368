/* plan manifest reader: plans written by pm_plan_write_manifest read back
 * equal to the original row by row (and written again to the same bytes),
 * and every kind of damage to a real manifest refused at its line and
 * field. */
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
#include "prefmon/records.h"
#include "test_plan_util.h"

/* The manifest of plan, as a malloc'd string. */
static char *manifest_of(const pm_plan *plan)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    assert_non_null(fp);
    assert_int_equal(pm_plan_write_manifest(plan, fp, NULL), PM_OK);
    fclose(fp);
    return buf;
}

static pm_status read_text(const char *text, const pm_plan_pool *items, const pm_plan_pool *gold,
                           pm_plan **out, pm_error *err)
{
    /* fmemopen of size 0 is not portable */
    FILE *fp = *text ? fmemopen((void *)text, strlen(text), "r") : fopen("/dev/null", "r");
    assert_non_null(fp);
    pm_status st = pm_plan_read_manifest(fp, "m.jsonl", items, gold, out, err);
    fclose(fp);
    return st;
}

static void same_plan(const pm_plan *a, const pm_plan *b)
{
    size_t na, nb;
    const pm_plan_row *ra = pm_plan_rows(a, &na), *rb = pm_plan_rows(b, &nb);
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++) {
        assert_int_equal(ra[i].annotator, rb[i].annotator);
        assert_int_equal(ra[i].position, rb[i].position);
        assert_int_equal(ra[i].item, rb[i].item);
        assert_int_equal(ra[i].is_gold, rb[i].is_gold);
        assert_int_equal(ra[i].copy, rb[i].copy);
        assert_int_equal(ra[i].partner, rb[i].partner);
        assert_int_equal(ra[i].shown_left, rb[i].shown_left);
    }
    pm_plan_summary sa, sb;
    assert_int_equal(pm_plan_summarize(a, NULL, &sa, NULL), PM_OK);
    assert_int_equal(pm_plan_summarize(b, NULL, &sb, NULL), PM_OK);
    assert_int_equal(sa.annotators, sb.annotators);
    assert_int_equal(sa.length, sb.length);
    assert_int_equal(sa.duplicates, sb.duplicates);
    assert_int_equal(sa.gold, sb.gold);
    assert_int_equal(sa.singles, sb.singles);
    assert_int_equal(sa.min_gap, sb.min_gap);
    assert_true(sa.seed == sb.seed);
    for (size_t j = 0; j < sa.annotators; j++)
        assert_string_equal(pm_plan_annotator(a, j), pm_plan_annotator(b, j));
}

static void round_trip(const pm_plan_request *q)
{
    pm_plan *plan = NULL, *back = NULL;
    assert_int_equal(pm_plan_make(q, &plan, NULL), PM_OK);
    char *text = manifest_of(plan);
    pm_error err = {0};
    pm_status st = read_text(text, q->items, q->gold, &back, &err);
    if (st != PM_OK)
        fail_msg("%s", err.text);
    same_plan(plan, back);
    char *again = manifest_of(back);
    assert_string_equal(text, again);
    /* The header reader sees the same counts. */
    FILE *fp = fmemopen(text, strlen(text), "r");
    pm_plan_summary h, s;
    assert_int_equal(pm_plan_read_manifest_header(fp, "m", &h, NULL), PM_OK);
    fclose(fp);
    assert_int_equal(pm_plan_summarize(plan, NULL, &s, NULL), PM_OK);
    assert_int_equal(h.annotators, s.annotators);
    assert_int_equal(h.rows, s.rows);
    assert_int_equal(h.gold, s.gold);
    assert_int_equal(h.duplicates, s.duplicates);
    assert_int_equal(h.distinct_items, s.distinct_items);
    assert_true(h.seed == s.seed);
    free(text);
    free(again);
    pm_plan_free(plan);
    pm_plan_free(back);
}

static void test_round_trip(void **state)
{
    (void)state;
    pm_plan_pool *items = key_pool(300, "k"), *gold = key_pool(20, "g");
    static const char *const names[] = {"ann", "bob \"quoted\"", "c\xc3\xa9line"};
    pm_plan_request q = {items, gold, names, 3, 60, 12, 0, 20, 0.1, UINT64_C(18446744073709551615)};
    round_trip(&q);
    q.annotators = NULL; /* generated names */
    q.n_annotators = 7;
    for (uint64_t seed = 0; seed < 20; seed++) {
        q.seed = seed;
        q.min_gap = 1 + (long)(seed % 5);
        q.duplicates = (long)(seed % 13);
        q.gold_rate = seed % 2 ? 0.1 : 0;
        round_trip(&q);
    }
    q.gold = NULL; /* no gold at all; a queue of one slot */
    q.gold_rate = 0;
    q.length = 1;
    q.duplicates = 0;
    round_trip(&q);
    pm_plan_pool_free(items);
    pm_plan_pool_free(gold);
}

/* Keys and names that start like a spreadsheet formula (defect 10): the
 * manifest (JSON) keeps their exact bytes, the queue CSV guards them ('=x),
 * and a label log made from that CSV (what a platform exports) reads back
 * with the exact keys and names of the plan: the guard is undone on read,
 * and '=x (a name that starts with the guard itself) stays '=x, not =x. */
static void test_formula_keys(void **state)
{
    (void)state;
    static const char *const keys[] = {
        "=cmd|' /C calc'!A0", "'=x", "+1", "@SUM(A1)", "-1.33", "=x", "k6", "k7"};
    pm_plan_pool *items = pm_plan_pool_new(NULL);
    for (size_t i = 0; i < 8; i++)
        assert_int_equal(pm_plan_pool_add(items, keys[i], NULL, NULL, NULL, NULL), PM_OK);
    static const char *const names[] = {"=ann", "'=ann", "@ann"};
    pm_plan_request q = {items, NULL, names, 3, 6, 1, 0, 3, 0, 5};
    round_trip(&q); /* the manifest: exact bytes both ways */

    pm_plan *plan = NULL;
    assert_int_equal(pm_plan_make(&q, &plan, NULL), PM_OK);
    char *csv = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&csv, &len);
    assert_int_equal(pm_plan_write_csv(plan, fp, NULL), PM_OK);
    fclose(fp);
    /* Guarded in the CSV: no cell starts with a formula character. */
    assert_non_null(strstr(csv, "\"'=cmd|' /C calc'!A0\""));
    assert_non_null(strstr(csv, "\"''=x\""));
    assert_null(strstr(csv, ",=x,"));
    assert_null(strstr(csv, "\n=ann,"));

    /* The platform's export: the same rows with a label column. */
    char *log = NULL;
    size_t loglen = 0;
    FILE *lp = open_memstream(&log, &loglen);
    for (const char *s = csv; *s; s++) {
        if (s[0] == '\r' && s[1] == '\n')
            fputs(s == strstr(csv, "\r\n") ? ",label" : ",A", lp);
        fputc(*s, lp);
    }
    fclose(lp);
    pm_records_options ro = {.format = PM_RECORDS_CSV};
    pm_records *r = pm_records_new(&ro, NULL);
    assert_non_null(r);
    FILE *in = fmemopen(log, loglen, "r");
    pm_error err = {0};
    if (pm_records_open_stream(r, in, "log.csv", &err) != PM_OK)
        fail_msg("%s", err.text);
    size_t n;
    const pm_plan_row *rows = pm_plan_rows(plan, &n);
    for (size_t i = 0; i < n; i++) {
        pm_record rec;
        int got = 0;
        if (pm_records_next(r, &rec, &got, &err) != PM_OK)
            fail_msg("%s", err.text);
        assert_true(got);
        assert_string_equal(rec.annotator, pm_plan_annotator(plan, rows[i].annotator));
        assert_string_equal(rec.item, pm_plan_row_key(plan, &rows[i]));
    }
    pm_record rec;
    int got = 1;
    assert_int_equal(pm_records_next(r, &rec, &got, &err), PM_OK);
    assert_false(got);
    fclose(in);
    pm_records_free(r);
    free(log);
    free(csv);
    pm_plan_free(plan);
    pm_plan_pool_free(items);
}

/* ---- damage -------------------------------------------------------------- */

typedef struct lines {
    char *v[64];
    size_t n;
} lines;

static void split(const char *text, lines *ls)
{
    ls->n = 0;
    for (const char *s = text; *s;) {
        const char *e = strchr(s, '\n');
        assert_non_null(e);
        assert_true(ls->n < 64);
        ls->v[ls->n++] = strndup(s, (size_t)(e - s));
        s = e + 1;
    }
}

static char *join(const lines *ls)
{
    size_t len = 1;
    for (size_t i = 0; i < ls->n; i++)
        len += strlen(ls->v[i]) + 1;
    char *t = malloc(len), *p = t;
    for (size_t i = 0; i < ls->n; i++)
        p += sprintf(p, "%s\n", ls->v[i]);
    *p = '\0';
    return t;
}

/* Line i (0-based) with field set to v (NULL: removed). */
static void edit(lines *ls, size_t i, const char *field, json_t *v)
{
    json_t *o = json_loads(ls->v[i], 0, NULL);
    assert_non_null(o);
    if (v)
        json_object_set_new(o, field, v);
    else
        json_object_del(o, field);
    free(ls->v[i]);
    ls->v[i] = json_dumps(o, JSON_COMPACT);
    json_decref(o);
}

static json_t *field(const lines *ls, size_t i, const char *f)
{
    json_t *o = json_loads(ls->v[i], 0, NULL);
    json_t *v = json_deep_copy(json_object_get(o, f));
    json_decref(o);
    return v;
}

/* The fixture: 2 annotators x L = 12, 3 pairs with G = 4, 2 gold. */
typedef struct fixture {
    pm_plan_pool *items, *gold;
    pm_plan *plan;
    lines ls;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->items = key_pool(30, "k");
    f->gold = key_pool(5, "g");
    pm_plan_request q = {f->items, f->gold, NULL, 2, 12, 3, 0, 4, 2.0 / 12, 9};
    assert_int_equal(pm_plan_make(&q, &f->plan, NULL), PM_OK);
    char *text = manifest_of(f->plan);
    split(text, &f->ls);
    free(text);
    assert_int_equal(f->ls.n, 25);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < f->ls.n; i++)
        free(f->ls.v[i]);
    pm_plan_free(f->plan);
    pm_plan_pool_free(f->items);
    pm_plan_pool_free(f->gold);
    free(f);
    return 0;
}

/* The manifest as damaged must fail with code and a message holding needle. */
static void expect_error(fixture *f, pm_status code, const char *needle)
{
    char *text = join(&f->ls);
    pm_plan *back = NULL;
    pm_error err = {0};
    pm_status st = read_text(text, f->items, f->gold, &back, &err);
    if (st != code || !strstr(err.text, needle))
        fail_msg("status %d, message '%s'; expected %d with '%s'", st, err.text, code, needle);
    assert_null(back);
    free(text);
}

/* Row index (0-based, in ls) of the first row of annotator 1 with the
 * given copy and gold flag. */
static size_t find_row(const lines *ls, int copy, int gold, int with_partner)
{
    for (size_t i = 1; i <= 12; i++) {
        json_t *c = field(ls, i, "copy"), *g = field(ls, i, "is_gold"),
               *p = field(ls, i, "partner");
        int ok = json_integer_value(c) == copy && json_is_true(g) == gold &&
                 json_is_null(p) != with_partner;
        json_decref(c);
        json_decref(g);
        json_decref(p);
        if (ok)
            return i;
    }
    fail_msg("no such row");
    return 0;
}

static void test_header_damage(void **state)
{
    fixture *f = *state;
    json_t *keep = field(&f->ls, 0, "singles");
    edit(&f->ls, 0, "singles", json_integer(5));
    expect_error(f, PM_EPARSE, "m.jsonl:1: fields 'duplicates' 3, 'gold' 2, 'singles' 5");
    edit(&f->ls, 0, "singles", keep);
    edit(&f->ls, 0, "format", json_string("something-else"));
    expect_error(f, PM_EPARSE, "m.jsonl:1: field 'format'");
    edit(&f->ls, 0, "format", json_string("prefmon-plan-manifest"));
    edit(&f->ls, 0, "seed", json_string("-1"));
    expect_error(f, PM_EPARSE, "m.jsonl:1: field 'seed'");
    edit(&f->ls, 0, "seed", json_integer(9));
    expect_error(f, PM_EPARSE, "m.jsonl:1: field 'seed': not a string");
    edit(&f->ls, 0, "seed", json_string("9"));
    edit(&f->ls, 0, "annotators", json_integer(5000000));
    edit(&f->ls, 0, "length", json_integer(12));
    expect_error(f, PM_ELIMIT, "over the limit");
    /* Announcing 3 annotators: a truncated file, memory for the rows read. */
    edit(&f->ls, 0, "annotators", json_integer(3));
    expect_error(f, PM_EPARSE, "ends after 24 rows; the header announces 3 annotators");
    edit(&f->ls, 0, "annotators", json_integer(1));
    expect_error(f, PM_EPARSE, "m.jsonl:14:1: a row beyond");
    edit(&f->ls, 0, "annotators", json_integer(2));
    /* A gap of 4 was drawn; a header claiming more must be refused somewhere. */
    edit(&f->ls, 0, "min_gap", json_integer(9));
    expect_error(f, PM_EPARSE, "less than the min gap 9");
    edit(&f->ls, 0, "min_gap", json_integer(4));
    char *empty = f->ls.v[0];
    f->ls.v[0] = strdup("   ");
    expect_error(f, PM_EPARSE, "m.jsonl:2: field 'format': missing"); /* row 1 as header */
    free(f->ls.v[0]);
    f->ls.v[0] = empty;
}

static void test_row_damage(void **state)
{
    fixture *f = *state;
    size_t two = find_row(&f->ls, 2, 0, 1);
    size_t gold = find_row(&f->ls, 1, 1, 0), single = find_row(&f->ls, 1, 0, 0);
    char where[64];
    /* annotator 1's position t is line t + 1, index t */
    json_t *partner = field(&f->ls, two, "partner");
    size_t first = (size_t)json_integer_value(partner);
    json_decref(partner);
    json_t *keep = field(&f->ls, two, "shown_left");
    edit(&f->ls, two, "shown_left", field(&f->ls, first, "shown_left"));
    snprintf(where, sizeof where, "m.jsonl:%zu: field 'shown_left': the same as its copy 1's",
             two + 1);
    expect_error(f, PM_EPARSE, where);
    edit(&f->ls, two, "shown_left", keep);
    keep = field(&f->ls, two, "item");
    edit(&f->ls, two, "item", json_string("k29"));
    /* k29 may be a single of this queue: then the item check still fails */
    expect_error(f, PM_EPARSE, "field 'item'");
    edit(&f->ls, two, "item", keep);
    keep = field(&f->ls, single, "item");
    edit(&f->ls, single, "item", json_string("nope"));
    snprintf(where, sizeof where, "m.jsonl:%zu: field 'item': 'nope' is not in the item pool",
             single + 1);
    expect_error(f, PM_EPARSE, where);
    edit(&f->ls, single, "item", json_string("g0"));
    expect_error(f, PM_EPARSE, "'g0' is not in the item pool");
    edit(&f->ls, single, "item", keep);
    keep = field(&f->ls, gold, "item");
    edit(&f->ls, gold, "item", json_string("k0"));
    expect_error(f, PM_EPARSE, "'k0' is not in the gold set");
    edit(&f->ls, gold, "partner", json_integer(12));
    edit(&f->ls, gold, "item", keep);
    expect_error(f, PM_EPARSE, "field 'partner': set on a gold row");
    edit(&f->ls, gold, "partner", json_null());
    edit(&f->ls, gold, "is_gold", json_string("yes"));
    expect_error(f, PM_EPARSE, "field 'is_gold': not true or false");
    edit(&f->ls, gold, "is_gold", json_true());
    edit(&f->ls, single, "partner", NULL);
    expect_error(f, PM_EPARSE, "field 'partner': missing");
    edit(&f->ls, single, "partner", json_null());
    edit(&f->ls, single, "copy", json_integer(3));
    expect_error(f, PM_EPARSE, "field 'copy': 3 is outside 1 .. 2");
    edit(&f->ls, single, "copy", json_integer(1));
    edit(&f->ls, two, "partner", json_integer((json_int_t)two));
    expect_error(f, PM_EPARSE, "a copy 2 names the earlier position");
    edit(&f->ls, two, "partner", json_null());
    expect_error(f, PM_EPARSE, "a copy 2 names the earlier position");
    edit(&f->ls, two, "partner", json_integer((json_int_t)first));
    /* a copy 1 that loses its partner: the counts say so at the queue's end */
    edit(&f->ls, first, "partner", json_null());
    expect_error(f, PM_EPARSE, "field 'partner': position");
}

static void test_order_damage(void **state)
{
    fixture *f = *state;
    char *t = f->ls.v[3];
    f->ls.v[3] = f->ls.v[4];
    f->ls.v[4] = t;
    expect_error(f, PM_EPARSE, "m.jsonl:4: field 'position': 4 where 3 comes next");
    f->ls.v[4] = f->ls.v[3];
    f->ls.v[3] = t;
    json_t *name = field(&f->ls, 1, "annotator");
    edit(&f->ls, 5, "annotator", json_string("someone"));
    expect_error(f, PM_EPARSE, "m.jsonl:6: field 'annotator': 'someone' at position 5");
    edit(&f->ls, 5, "annotator", json_incref(name));
    for (size_t i = 13; i <= 24; i++)
        edit(&f->ls, i, "annotator", json_incref(name));
    expect_error(f, PM_EPARSE,
                 "m.jsonl:14: field 'annotator': 'annotator-1' has two queues "
                 "(lines 2 and 14)");
    json_decref(name);
    name = json_string("annotator-2");
    for (size_t i = 13; i <= 24; i++)
        edit(&f->ls, i, "annotator", json_incref(name));
    json_decref(name);
    /* the damage undone: it reads again, equal to the plan */
    char *text = join(&f->ls);
    pm_plan *back = NULL;
    assert_int_equal(read_text(text, f->items, f->gold, &back, NULL), PM_OK);
    same_plan(f->plan, back);
    pm_plan_free(back);
    free(text);
    /* an item shown twice outside a pair: a single replaced by another single's item */
    size_t s1 = find_row(&f->ls, 1, 0, 0), s2 = 0;
    for (size_t i = s1 + 1; i <= 12 && !s2; i++) {
        json_t *c = field(&f->ls, i, "partner"), *g = field(&f->ls, i, "is_gold");
        if (json_is_null(c) && !json_is_true(g) && i != s1)
            s2 = i;
        json_decref(c);
        json_decref(g);
    }
    assert_true(s2 > 0);
    json_t *keep = field(&f->ls, s2, "item");
    edit(&f->ls, s2, "item", field(&f->ls, s1, "item"));
    expect_error(f, PM_EPARSE, "shown to 'annotator-1' before, and not as a duplicate pair");
    edit(&f->ls, s2, "item", keep);
}

static void test_hostile(void **state)
{
    fixture *f = *state;
    pm_plan *back = NULL;
    pm_error err = {0};
    assert_int_equal(read_text("", f->items, f->gold, &back, &err), PM_EPARSE);
    assert_non_null(strstr(err.text, "m.jsonl:1: empty"));
    assert_int_equal(read_text("[1,2]\n", f->items, f->gold, &back, &err), PM_EPARSE);
    assert_non_null(strstr(err.text, "m.jsonl:1:1: not a JSON object"));
    assert_int_equal(read_text("{\"format\": \n", f->items, f->gold, &back, &err), PM_EPARSE);
    assert_non_null(strstr(err.text, "invalid JSON"));
    /* /dev/zero: one line with no newline, stopped at the limit */
    FILE *fp = fopen("/dev/zero", "r");
    assert_non_null(fp);
    assert_int_equal(pm_plan_read_manifest(fp, "zero", f->items, f->gold, &back, &err), PM_EPARSE);
    fclose(fp);
    assert_non_null(strstr(err.text, "zero:1:1: NUL byte"));
    assert_null(back);
    /* a gold key also in the item pool: refused before reading */
    pm_plan_pool *g = key_pool(3, "k");
    assert_int_equal(read_text("", f->items, g, &back, &err), PM_EINVAL);
    assert_non_null(strstr(err.text, "gold item 'k0' is also in the item pool"));
    pm_plan_pool_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_formula_keys),
        cmocka_unit_test_setup_teardown(test_header_damage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_row_damage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_order_damage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
