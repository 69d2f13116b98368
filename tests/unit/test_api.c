/* The binding-friendly API: the run-time version, the loaders from memory
 * (each must give what the path loader gives on the same bytes: the same
 * result, or the same status and message) and the pm_writer forms of the
 * writers (the same bytes as the FILE* forms). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "prefmon/prefmon.h"

#define FIXTURES PM_SOURCE_DIR "/tests/cli/fixtures/pay"
#define ASSESS_CORPUS PM_SOURCE_DIR "/tests/fuzz/corpus/fuzz_assess_json"

/* ---- helpers ------------------------------------------------------------ */

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    char *buf = NULL;
    size_t cap = 0, n = 0, got;
    do {
        if (n + 4096 > cap) {
            cap = cap ? 2 * cap : 8192;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        got = fread(buf + n, 1, cap - n, fp);
        n += got;
    } while (got > 0);
    fclose(fp);
    *len = n;
    return buf;
}

static char tmp_path[256];

/* bytes[0..len) written to a fresh temporary file; its path in tmp_path. */
static const char *to_file(const char *bytes, size_t len)
{
    const char *base = getenv("TMPDIR");
    snprintf(tmp_path, sizeof tmp_path, "%s/pm-api-XXXXXX", base && *base ? base : "/tmp");
    int fd = mkstemp(tmp_path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(bytes, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
    return tmp_path;
}

/* Everything fp received, as a string (caller frees). */
static char *file_bytes(FILE *fp, size_t *len)
{
    assert_int_equal(fflush(fp), 0);
    long end = ftell(fp);
    assert_true(end >= 0);
    rewind(fp);
    char *buf = malloc((size_t)end + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)end, fp), (size_t)end);
    buf[end] = '\0';
    *len = (size_t)end;
    return buf;
}

/* Doubles equal as values, NaN equal to NaN. */
static void assert_same_double(double a, double b)
{
    if (isnan(a) || isnan(b))
        assert_true(isnan(a) && isnan(b));
    else
        assert_true(a == b);
}

/* ---- version -------------------------------------------------------------- */

static void test_version_number(void **state)
{
    (void)state;
    assert_int_equal(pm_version_number(), PM_VERSION_NUMBER);
    /* the packed number re-derived from the version string */
    unsigned long major, minor, patch;
    assert_int_equal(sscanf(pm_version(), "%lu.%lu.%lu", &major, &minor, &patch), 3);
    assert_int_equal(pm_version_number(), (major << 16) | (minor << 8) | patch);
    assert_string_equal(pm_version(), PM_VERSION_STRING);
}

/* ---- memory loaders --------------------------------------------------------- */

static void assert_same_assessment(const pm_assess *a, const pm_assess *b)
{
    size_t na, nb;
    const pm_assess_row *ra = pm_assess_rows(a, &na), *rb = pm_assess_rows(b, &nb);
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++) {
        assert_string_equal(ra[i].annotator, rb[i].annotator);
        assert_int_equal(ra[i].labels, rb[i].labels);
        assert_int_equal(ra[i].dup_pairs, rb[i].dup_pairs);
        assert_int_equal(ra[i].consistent, rb[i].consistent);
        assert_int_equal(ra[i].decision, rb[i].decision);
        assert_int_equal(ra[i].flags, rb[i].flags);
        assert_int_equal(ra[i].gold_n, rb[i].gold_n);
        assert_int_equal(ra[i].gold_agree, rb[i].gold_agree);
        assert_same_double(ra[i].consistency, rb[i].consistency);
        assert_same_double(ra[i].q0, rb[i].q0);
        assert_same_double(ra[i].eta_hat, rb[i].eta_hat);
        assert_same_double(ra[i].ci_low, rb[i].ci_low);
        assert_same_double(ra[i].ci_high, rb[i].ci_high);
        assert_same_double(ra[i].p_value, rb[i].p_value);
        assert_same_double(ra[i].left_rate, rb[i].left_rate);
        assert_same_double(ra[i].median_duration, rb[i].median_duration);
    }
    /* the whole file written back is the strongest equality */
    pm_buffer ba = {0}, bb = {0};
    pm_writer wa = pm_writer_buffer(&ba), wb = pm_writer_buffer(&bb);
    assert_int_equal(pm_assess_save_json_to(a, &wa, "a", NULL), PM_OK);
    assert_int_equal(pm_assess_save_json_to(b, &wb, "b", NULL), PM_OK);
    assert_int_equal(ba.len, bb.len);
    assert_memory_equal(ba.data, bb.data, ba.len);
    pm_buffer_free(&ba);
    pm_buffer_free(&bb);
}

/* One assessment document through both loaders. Returns the status. */
static pm_status assess_both(const char *path)
{
    size_t len;
    char *bytes = slurp(path, &len);
    pm_error ef = {0}, em = {0};
    pm_assess *af = NULL, *am = NULL;
    pm_status sf = pm_assess_load_json(path, &af, &ef);
    pm_status sm = pm_assess_load_json_mem(bytes, len, path, &am, &em);
    assert_int_equal(sf, sm);
    if (sf == PM_OK)
        assert_same_assessment(af, am);
    else
        assert_string_equal(ef.text, em.text);
    pm_assess_free(af);
    pm_assess_free(am);
    free(bytes);
    return sf;
}

static void test_assess_load_mem(void **state)
{
    (void)state;
    /* the pay fixture and every file of the assessment fuzz corpus (valid
     * ones and each way of being malformed) */
    assert_int_equal(assess_both(FIXTURES "/assessment.json"), PM_OK);
    static const char *corpus[] = {"array.json",       "bad_decision.json",    "bom_brace.json",
                                   "labelstudio.json", "extra_field.json",     "truncated.json",
                                   "estimate_q0.json", "level_string.json",    "bad_flag.json",
                                   "version2.json",    "empty_annotators.json"};
    int ok = 0, bad = 0;
    for (size_t i = 0; i < sizeof corpus / sizeof *corpus; i++) {
        char p[512];
        snprintf(p, sizeof p, "%s/%s", ASSESS_CORPUS, corpus[i]);
        if (assess_both(p) == PM_OK)
            ok++;
        else
            bad++;
    }
    assert_true(ok >= 1 && bad >= 3); /* both paths of the comparison were taken */
    /* a buffer that is not NUL-terminated: only len bytes are read */
    size_t len;
    char *bytes = slurp(FIXTURES "/assessment.json", &len);
    char *copy = malloc(len + 5);
    assert_non_null(copy);
    memcpy(copy, bytes, len);
    memcpy(copy + len, "}}}}}", 5);
    pm_assess *a = NULL;
    assert_int_equal(pm_assess_load_json_mem(copy, len, NULL, &a, NULL), PM_OK);
    pm_assess_free(a);
    /* the name stands for the path in messages; NULL is "<memory>" */
    pm_error err = {0};
    assert_int_equal(pm_assess_load_json_mem(bytes, len / 2, NULL, &a, &err), PM_EPARSE);
    assert_null(a);
    assert_true(strncmp(err.text, "<memory>:", 9) == 0);
    free(copy);
    free(bytes);
}

static void assert_same_contract(const pm_contract *a, const pm_model *ma, const pm_scheme *sa,
                                 const pm_contract *b, const pm_model *mb, const pm_scheme *sb)
{
    assert_int_equal(a->terms.type, b->terms.type);
    assert_int_equal(a->terms.n, b->terms.n);
    assert_int_equal(a->terms.k, b->terms.k);
    assert_same_double(a->terms.base, b->terms.base);
    assert_same_double(a->terms.slope, b->terms.slope);
    assert_same_double(a->terms.bonus, b->terms.bonus);
    assert_int_equal(a->solve, b->solve);
    assert_int_equal(a->feasible, b->feasible);
    assert_same_double(a->eta, b->eta);
    assert_same_double(a->expected_pay, b->expected_pay);
    assert_same_double(a->gap, b->gap);
    char x[PM_SPEC_MAX], y[PM_SPEC_MAX];
    assert_string_equal(pm_utility_format(&ma->G, x, sizeof x),
                        pm_utility_format(&mb->G, y, sizeof y));
    assert_string_equal(pm_cost_format(&ma->E, x, sizeof x), pm_cost_format(&mb->E, y, sizeof y));
    assert_string_equal(pm_value_format(&ma->mu, x, sizeof x),
                        pm_value_format(&mb->mu, y, sizeof y));
    assert_same_double(ma->u0, mb->u0);
    assert_same_double(ma->w_min, mb->w_min);
    assert_same_double(ma->w_max, mb->w_max);
    assert_int_equal(sa->kind, sb->kind);
    assert_int_equal(sa->convention, sb->convention);
    assert_same_double(sa->delta, sb->delta);
    assert_same_double(sa->cbar, sb->cbar);
    assert_same_double(sa->q0, sb->q0);
}

/* bytes through pm_contract_load (from a file holding them) and
 * pm_contract_load_mem: the same status and message, or the same contract. */
static pm_status contract_both(const char *bytes, size_t len)
{
    const char *path = to_file(bytes, len);
    pm_contract cf, cm;
    pm_model mf, mm;
    pm_scheme sf, sm;
    pm_error ef = {0}, em = {0};
    pm_status st = pm_contract_load(path, &cf, &mf, &sf, &ef);
    pm_status st2 = pm_contract_load_mem(bytes, len, path, &cm, &mm, &sm, &em);
    assert_int_equal(st, st2);
    if (st == PM_OK)
        assert_same_contract(&cf, &mf, &sf, &cm, &mm, &sm);
    else
        assert_string_equal(ef.text, em.text);
    remove(path);
    return st;
}

/* s with the first occurrence of `from` replaced by `to` (caller frees). */
static char *replaced(const char *s, const char *from, const char *to)
{
    const char *at = strstr(s, from);
    assert_non_null(at);
    size_t n = strlen(s) - strlen(from) + strlen(to);
    char *out = malloc(n + 1);
    assert_non_null(out);
    size_t pre = (size_t)(at - s);
    memcpy(out, s, pre);
    strcpy(out + pre, to);
    strcat(out, at + strlen(from));
    return out;
}

static void test_contract_load_mem(void **state)
{
    (void)state;
    const char *files[] = {FIXTURES "/contract-binary.json", FIXTURES "/contract-linear.json"};
    for (size_t i = 0; i < 2; i++) {
        size_t len;
        char *bytes = slurp(files[i], &len);
        char *text = malloc(len + 1);
        assert_non_null(text);
        memcpy(text, bytes, len);
        text[len] = '\0';
        assert_int_equal(contract_both(bytes, len), PM_OK);
        /* malformed in several ways: truncated, a duplicated key, a bad value */
        assert_int_equal(contract_both(bytes, len / 3), PM_EPARSE);
        char *dup = replaced(text, "\"n\":", "\"n\": 3, \"n\":");
        assert_int_equal(contract_both(dup, strlen(dup)), PM_EPARSE);
        char *badtype = replaced(text, "\"format_version\": 1", "\"format_version\": 7");
        assert_int_not_equal(contract_both(badtype, strlen(badtype)), PM_OK);
        free(dup);
        free(badtype);
        free(text);
        free(bytes);
    }
}

static void test_model_load_mem(void **state)
{
    (void)state;
    const char *docs[] = {
        "{\"utility\": \"cara:2\", \"cost\": \"poly:0,0,0.3\", \"value\": \"power:0.5,0.8\", "
        "\"u0\": 0.1, \"wage_min\": -5, \"wage_max\": 12}",
        "{}",
        "{\"utility\": \"cara:2\", \"utility\": \"cara:3\"}", /* duplicated key */
        "{\"utility\": \"nonsense:1\"}",
        "{\"colour\": 1}",
        "[1, 2]",
        "{\"u0\": ",
        ""};
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
        size_t len = strlen(docs[i]);
        const char *path = to_file(docs[i], len);
        pm_model mf, mm;
        pm_model_default(&mf);
        pm_model_default(&mm);
        pm_error ef = {0}, em = {0};
        pm_status sf = pm_model_read_json(path, &mf, &ef);
        pm_status sm = pm_model_read_json_mem(docs[i], len, path, &mm, &em);
        assert_int_equal(sf, sm);
        assert_int_equal(sf == PM_OK, i < 2);
        if (sf == PM_OK) {
            char x[PM_SPEC_MAX], y[PM_SPEC_MAX];
            assert_string_equal(pm_utility_format(&mf.G, x, sizeof x),
                                pm_utility_format(&mm.G, y, sizeof y));
            assert_string_equal(pm_cost_format(&mf.E, x, sizeof x),
                                pm_cost_format(&mm.E, y, sizeof y));
            assert_same_double(mf.u0, mm.u0);
            assert_same_double(mf.w_min, mm.w_min);
            assert_same_double(mf.w_max, mm.w_max);
        } else {
            assert_string_equal(ef.text, em.text);
        }
        remove(path);
    }
    /* the first document really was read (not the defaults) */
    pm_model m;
    pm_model_default(&m);
    assert_int_equal(pm_model_read_json_mem(docs[0], strlen(docs[0]), NULL, &m, NULL), PM_OK);
    assert_true(m.u0 == 0.1 && m.w_min == -5 && m.w_max == 12);
}

/* ---- writers ---------------------------------------------------------------- */

/* A writer that fails once `limit` bytes have gone through. */
typedef struct failing {
    size_t seen, limit;
} failing;

static int failing_write(void *ctx, const char *p, size_t n)
{
    (void)p;
    failing *f = ctx;
    if (f->seen + n > f->limit)
        return 1;
    f->seen += n;
    return 0;
}

static void test_buffer_writer(void **state)
{
    (void)state;
    pm_buffer b = {0};
    pm_writer w = pm_writer_buffer(&b);
    /* many small writes past every growth step, compared to the expected text */
    char want[20000];
    size_t n = 0;
    for (int i = 0; i < 2000; i++) {
        char piece[16];
        int k = snprintf(piece, sizeof piece, "%d,", i);
        assert_int_equal(pm_write(&w, piece, (size_t)k, NULL), PM_OK);
        memcpy(want + n, piece, (size_t)k);
        n += (size_t)k;
    }
    assert_int_equal(b.len, n);
    assert_memory_equal(b.data, want, n);
    assert_int_equal(b.data[b.len], '\0');
    assert_int_equal(pm_write(&w, "", 0, NULL), PM_OK);
    assert_int_equal(b.len, n);
    pm_buffer_free(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    pm_buffer_free(NULL);
    /* a failing callback is PM_EIO; no callback is PM_EINVAL */
    failing f = {0, 3};
    pm_writer fw = {failing_write, &f};
    pm_error err = {0};
    assert_int_equal(pm_write(&fw, "abcd", 4, &err), PM_EIO);
    pm_writer none = {NULL, NULL};
    assert_int_equal(pm_write(&none, "a", 1, &err), PM_EINVAL);
}

static pm_pay_row rows[6];
static size_t nrows;
static pm_pay_options popt = {.unit = "0.10", .currency = "USD"};

static void setup_rows(void)
{
    /* names that exercise the CSV guard and quoting */
    static const pm_pay_input in[] = {{"alice", 20, 19, 0},      {"=cmd|'/c calc'!A1", 20, 18, 50},
                                      {"bob, \"jr\"", 20, 3, 0}, {"@carol", 10, 9, 0},
                                      {"dave", 0, 0, 0},         {"-eve\nnl", 20, 20, 5000}};
    pm_contract_terms t = {PM_CONTRACT_BINARY, 20, 1.5, 0, 2.25, 17};
    pm_pay_summary sum;
    nrows = sizeof in / sizeof *in;
    assert_int_equal(pm_pay_compute(&t, &popt, in, nrows, rows, &sum, NULL), PM_OK);
}

/* The FILE* writer's bytes and the buffer writer's bytes, compared. */
#define SAME_BYTES(file_call, to_call)                                                             \
    do {                                                                                           \
        FILE *fp = tmpfile();                                                                      \
        assert_non_null(fp);                                                                       \
        pm_buffer b = {0};                                                                         \
        pm_writer w = pm_writer_buffer(&b);                                                        \
        pm_writer *wp = &w;                                                                        \
        (void)wp;                                                                                  \
        assert_int_equal(file_call, PM_OK);                                                        \
        assert_int_equal(to_call, PM_OK);                                                          \
        size_t flen;                                                                               \
        char *fb = file_bytes(fp, &flen);                                                          \
        assert_true(flen > 0);                                                                     \
        assert_int_equal(b.len, flen);                                                             \
        assert_memory_equal(b.data, fb, flen);                                                     \
        free(fb);                                                                                  \
        fclose(fp);                                                                                \
        pm_buffer_free(&b);                                                                        \
    } while (0)

static void test_pay_writers_to_buffer(void **state)
{
    (void)state;
    setup_rows();
    size_t s1 = 0, s2 = 0;
    SAME_BYTES(pm_pay_write_table(fp, rows, nrows, &popt, NULL),
               pm_pay_write_table_to(wp, rows, nrows, &popt, NULL));
    /* Uploads carry ids the platform issued (checked, never rewritten), so
     * each platform's rows get ids of its own form. */
    static const char *const prolific[] = {"5f1a2b3c4d5e6f7a8b9c0d1e", "5f1a2b3c4d5e6f7a8b9c0d1f",
                                           "5f1a2b3c4d5e6f7a8b9c0d20", "5f1a2b3c4d5e6f7a8b9c0d21",
                                           "5f1a2b3c4d5e6f7a8b9c0d22", "5f1a2b3c4d5e6f7a8b9c0d23"};
    static const char *const workers[] = {"A1ALICE", "A2CMD",  "A3BOB",
                                          "A4CAROL", "A5DAVE", "A6EVE"};
    static const char *const toloka[] = {
        "0123456789abcdef0123456789abcde0", "0123456789abcdef0123456789abcde1",
        "0123456789abcdef0123456789abcde2", "0123456789abcdef0123456789abcde3",
        "0123456789abcdef0123456789abcde4", "0123456789abcdef0123456789abcde5"};
    pm_pay_row up[6];
    assert_int_equal(nrows, 6);
    memcpy(up, rows, sizeof up);
    for (size_t i = 0; i < 6; i++)
        up[i].annotator = prolific[i];
    SAME_BYTES(pm_pay_write_prolific(fp, up, nrows, &s1, NULL),
               pm_pay_write_prolific_to(wp, up, nrows, &s2, NULL));
    assert_int_equal(s1, s2);
    static const pm_pay_assignment map[] = {{"A1ALICE", "ASG1"}, {"A2CMD", "ASG2"},
                                            {"A3BOB", "ASG3"},   {"A4CAROL", "ASG4"},
                                            {"A5DAVE", "ASG5"},  {"A6EVE", "ASG6"}};
    for (size_t i = 0; i < 6; i++)
        up[i].annotator = workers[i];
    SAME_BYTES(pm_pay_write_mturk(fp, up, nrows, map, 6, "thanks", &s1, NULL),
               pm_pay_write_mturk_to(wp, up, nrows, map, 6, "thanks", &s2, NULL));
    assert_int_equal(s1, s2);
    for (size_t i = 0; i < 6; i++)
        up[i].annotator = toloka[i];
    SAME_BYTES(pm_pay_write_toloka(fp, up, nrows, "Bonus", "=well done", &s1, NULL),
               pm_pay_write_toloka_to(wp, up, nrows, "Bonus", "=well done", &s2, NULL));
    assert_int_equal(s1, s2);
    /* the table's text, checked on its own: the guard and the quoting */
    pm_buffer b = {0};
    pm_writer w = pm_writer_buffer(&b);
    assert_int_equal(pm_pay_write_table_to(&w, rows, nrows, &popt, NULL), PM_OK);
    assert_true(strncmp(b.data,
                        "annotator,pairs,consistent,wage,paid,bonus,reason,currency,unit,action,"
                        "upload\r\n",
                        79) == 0);
    assert_non_null(strstr(b.data, "\r\n\"'=cmd|'/c calc'!A1\",20,18,"));
    assert_non_null(strstr(b.data, "\r\n\"bob, \"\"jr\"\"\",20,3,"));
    pm_buffer_free(&b);
    /* a writer failing part way: PM_EIO at every cut */
    for (size_t limit = 0; limit < 200; limit += 7) {
        failing f = {0, limit};
        pm_writer fw = {failing_write, &f};
        pm_error err = {0};
        assert_int_equal(pm_pay_write_table_to(&fw, rows, nrows, &popt, &err), PM_EIO);
        assert_int_equal(err.code, PM_EIO);
    }
}

static void test_assess_save_to_buffer(void **state)
{
    (void)state;
    pm_assess *a = NULL;
    assert_int_equal(pm_assess_load_json(FIXTURES "/assessment.json", &a, NULL), PM_OK);
    SAME_BYTES(pm_assess_save_json(a, fp, "f", NULL), pm_assess_save_json_to(a, wp, "b", NULL));
    /* and the buffer reads back as the same assessment */
    pm_buffer b = {0};
    pm_writer w = pm_writer_buffer(&b);
    assert_int_equal(pm_assess_save_json_to(a, &w, "b", NULL), PM_OK);
    pm_assess *back = NULL;
    assert_int_equal(pm_assess_load_json_mem(b.data, b.len, "b", &back, NULL), PM_OK);
    assert_same_assessment(a, back);
    failing f = {0, 100};
    pm_writer fw = {failing_write, &f};
    assert_int_equal(pm_assess_save_json_to(a, &fw, "x", NULL), PM_EIO);
    pm_assess_free(back);
    pm_assess_free(a);
    pm_buffer_free(&b);
}

/* ---- defaults and constructors ---------------------------------------------- */

static void test_defaults(void **state)
{
    (void)state;
    pm_test_request tr;
    memset(&tr, 0xff, sizeof tr);
    pm_test_request_default(&tr);
    assert_null(tr.scheme);
    assert_true(tr.eta0 == 0.8 && tr.eta1 == 1 && tr.rule == PM_RULE_LR && tr.alpha == 0.05);
    pm_test t;
    pm_error err = {0};
    assert_int_equal(pm_test_design(NULL, 10, &t, &err), PM_EINVAL);
    assert_int_equal(pm_test_design(&tr, 10, &t, &err), PM_EINVAL); /* no scheme */
    assert_int_equal(pm_samplesize(NULL, 0.1, 100, &t, &err), PM_EINVAL);
    /* with a scheme, the default request is the LR test of 0.8 against 1:
     * paper convention, delta 0 gives m0 = 0.9, m1 = 1, so the LR rule
     * passes only X = n (P(X | m1) = 0 below n) and its error sum is
     * 0.9^n + 0 (closed form) */
    pm_scheme sc;
    assert_int_equal(pm_scheme_self(&sc, PM_CONV_PAPER, 0, 0.5, NULL), PM_OK);
    tr.scheme = &sc;
    assert_int_equal(pm_test_design(&tr, 7, &t, NULL), PM_OK);
    assert_int_equal(t.k, 7);
    assert_true(fabs(t.error_sum - pow(0.9, 7)) < 1e-15);
    /* the smallest n with 0.9^n <= 0.1 is 22 (0.9^21 = 0.109, 0.9^22 = 0.098) */
    assert_int_equal(pm_samplesize(&tr, 0.1, 1000, &t, NULL), PM_OK);
    assert_int_equal(t.n, 22);

    pm_budget_request br;
    memset(&br, 0xff, sizeof br);
    pm_budget_request_default(&br);
    pm_budget_search s;
    pm_budget_search_default(&s);
    assert_null(br.model);
    assert_null(br.scheme);
    assert_true(br.type == PM_CONTRACT_LINEAR && br.solve == PM_SOLVE_SECOND_BEST &&
                br.unit_cost == 0);
    assert_true(br.search.max_n == s.max_n && br.search.dense_max == s.dense_max &&
                br.search.ratio == s.ratio && br.search.zoom == s.zoom &&
                br.search.radius == s.radius && br.search.max_solves == s.max_solves);
    pm_budget_result r;
    assert_int_equal(pm_budget_optimize(NULL, &r, NULL, NULL, &err), PM_EINVAL);

    pm_pay_options po;
    memset(&po, 0xff, sizeof po);
    pm_pay_options_default(&po);
    assert_string_equal(po.unit, "1");
    assert_string_equal(po.currency, "USD");
    assert_int_equal(po.strict_n, 0);

    pm_records_options ro;
    memset(&ro, 0xff, sizeof ro);
    pm_records_options_default(&ro);
    assert_true(ro.format == PM_RECORDS_AUTO && !ro.item_field && !ro.label_field &&
                ro.max_line == 0 && ro.max_document == 0);

    pm_plan_request pr;
    memset(&pr, 0xff, sizeof pr);
    pm_plan_request_default(&pr);
    assert_true(!pr.items && !pr.gold && !pr.annotators && pr.n_annotators == 1 && pr.length == 0 &&
                pr.duplicates == 0 && pr.dup_rate == 0 && pr.min_gap == 10 && pr.gold_rate == 0 &&
                pr.seed == 0);

    pm_sim_request sr;
    memset(&sr, 0xff, sizeof sr);
    pm_sim_request_default(&sr);
    assert_true(!sr.plan && !sr.items && !sr.gold && !sr.p_items && !sr.p_gold && !sr.annotators &&
                sr.delta_r == 0.02 && sr.seed == 0);
}

static void test_constructors_take_err(void **state)
{
    (void)state;
    pm_error err = {0};
    assert_null(pm_csv_new(0, &err));
    assert_int_equal(err.code, PM_EINVAL);
    pm_csv *c = pm_csv_new(16, &err);
    assert_non_null(c);
    pm_csv_free(c);
    pm_prefs *pr = pm_prefs_new(&err);
    assert_non_null(pr);
    pm_prefs_free(pr);
    pm_plan_pool *pool = pm_plan_pool_new(&err);
    assert_non_null(pool);
    pm_plan_pool_free(pool);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_number),        cmocka_unit_test(test_assess_load_mem),
        cmocka_unit_test(test_contract_load_mem),     cmocka_unit_test(test_model_load_mem),
        cmocka_unit_test(test_buffer_writer),         cmocka_unit_test(test_pay_writers_to_buffer),
        cmocka_unit_test(test_assess_save_to_buffer), cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_constructors_take_err),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
