/* The report renderer: escaping of hostile text, tick generation against
 * hand-computed cases, counted skips on log axes, copy semantics, and a
 * full page that nothing is dropped from. The page is also written to
 * report_sample.html for the ctest report_html_parses (a strict parse with
 * Python's html.parser, tests/report/check_html.py). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "prefmon/report.h"
#include "report/internal.h"

typedef struct mem {
    char *buf;
    size_t len;
    FILE *fp;
} mem;

static void mem_open(mem *m)
{
    m->buf = NULL;
    m->len = 0;
    m->fp = open_memstream(&m->buf, &m->len);
    assert_non_null(m->fp);
}

static void mem_close(mem *m)
{
    assert_int_equal(fclose(m->fp), 0);
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0, k = strlen(needle);
    for (const char *p = strstr(hay, needle); p; p = strstr(p + k, needle))
        n++;
    return n;
}

static char *render(const pm_doc *d)
{
    mem m;
    mem_open(&m);
    pm_error e = {0};
    assert_int_equal(pm_doc_write_html(d, m.fp, &e), PM_OK);
    mem_close(&m);
    return m.buf;
}

/* Markup, quotes, ampersands, control bytes, C1 controls and bytes that are
 * not UTF-8 come out as text; valid UTF-8 (é, ≤, an emoji) is kept. */
static void test_escape(void **state)
{
    (void)state;
    mem m;
    mem_open(&m);
    pmx_html_text(m.fp, "<script>a&b\"c'd</script>\x01\x7f\ttab\nnl"
                        "\xff\xc3("
                        "\xc2\x85"
                        "\xc3\xa9\xe2\x89\xa4\xf0\x9f\x98\x80"
                        "\xed\xa0\x80"
                        "\xe2\x82");
    mem_close(&m);
    assert_string_equal(m.buf,
                        "&lt;script&gt;a&amp;b&quot;c&#39;d&lt;/script&gt;\\x01\\x7F\ttab\nnl"
                        "\\xFF\\xC3("
                        "\\u0085"
                        "\xc3\xa9\xe2\x89\xa4\xf0\x9f\x98\x80"
                        "\\xED\\xA0\\x80"
                        "\\xE2\\x82");
    free(m.buf);
    mem_open(&m);
    pmx_html_text(m.fp, NULL);
    mem_close(&m);
    assert_string_equal(m.buf, "");
    free(m.buf);
}

static void expect_ticks(const double *got, size_t n, const double *want, size_t nwant)
{
    assert_int_equal(n, nwant);
    for (size_t i = 0; i < n; i++)
        assert_true(fabs(got[i] - want[i]) <= 1e-12 * fmax(1, fabs(want[i])));
}

/* Linear ticks, worked by hand: raw step = span / target, rounded up to
 * 1, 2 or 5 times its power of ten. */
static void test_ticks_linear(void **state)
{
    (void)state;
    double t[PMX_MAX_TICKS], step, lo, hi;
    /* 0.974 / 6 = 0.162 -> 0.2; widened to 0 .. 1. */
    lo = 0.013, hi = 0.987;
    size_t n = pmx_ticks_linear(&lo, &hi, 6, 1, t, &step);
    expect_ticks(t, n, (double[]){0, 0.2, 0.4, 0.6, 0.8, 1}, 6);
    assert_true(fabs(step - 0.2) < 1e-15 && lo == 0 && fabs(hi - 1) < 1e-15);
    /* 15.9 / 6 = 2.65 -> 5; widened to -5 .. 15. */
    lo = -3.7, hi = 12.2;
    n = pmx_ticks_linear(&lo, &hi, 6, 1, t, &step);
    expect_ticks(t, n, (double[]){-5, 0, 5, 10, 15}, 5);
    assert_true(step == 5 && lo == -5 && hi == 15);
    /* n = 10 .. 490: 480 / 6 = 80 -> 100; widened to 0 .. 500. */
    lo = 10, hi = 490;
    n = pmx_ticks_linear(&lo, &hi, 6, 1, t, &step);
    expect_ticks(t, n, (double[]){0, 100, 200, 300, 400, 500}, 6);
    /* Not widened: 0.45 / 5 = 0.09 -> 0.1, ticks inside 0.5 .. 0.95. */
    lo = 0.5, hi = 0.95;
    n = pmx_ticks_linear(&lo, &hi, 5, 0, t, &step);
    expect_ticks(t, n, (double[]){0.5, 0.6, 0.7, 0.8, 0.9}, 5);
    assert_true(lo == 0.5 && hi == 0.95);
    /* Exactly 2 per tick: 10 / 5 = 2. */
    lo = 0, hi = 10;
    n = pmx_ticks_linear(&lo, &hi, 5, 1, t, &step);
    expect_ticks(t, n, (double[]){0, 2, 4, 6, 8, 10}, 6);
    /* Bad ranges give no ticks. */
    lo = NAN, hi = 1;
    assert_int_equal(pmx_ticks_linear(&lo, &hi, 5, 1, t, &step), 0);
    lo = 2, hi = 1;
    assert_int_equal(pmx_ticks_linear(&lo, &hi, 5, 1, t, &step), 0);
    lo = 0, hi = INFINITY;
    assert_int_equal(pmx_ticks_linear(&lo, &hi, 5, 1, t, &step), 0);
}

static void test_ticks_log(void **state)
{
    (void)state;
    double t[PMX_MAX_TICKS], lo, hi;
    /* n = 10 .. 490 widens to the decades 10 .. 1000. */
    lo = 10, hi = 490;
    size_t n = pmx_ticks_log10(&lo, &hi, 1, t);
    expect_ticks(t, n, (double[]){10, 100, 1000}, 3);
    assert_true(lo == 10 && fabs(hi - 1000) < 1e-9);
    /* 0.003 .. 0.2 widens to 1e-3 .. 1. */
    lo = 0.003, hi = 0.2;
    n = pmx_ticks_log10(&lo, &hi, 1, t);
    expect_ticks(t, n, (double[]){1e-3, 1e-2, 1e-1, 1}, 4);
    /* 19 decades: every third (19/2 = 9.5 > 8, 19/3 = 6.3). */
    lo = 1e-12, hi = 1e6;
    n = pmx_ticks_log10(&lo, &hi, 1, t);
    expect_ticks(t, n, (double[]){1e-12, 1e-9, 1e-6, 1e-3, 1, 1e3, 1e6}, 7);
    /* Inside one decade and not widened: the 2x and 5x points. */
    lo = 2, hi = 9;
    n = pmx_ticks_log10(&lo, &hi, 0, t);
    expect_ticks(t, n, (double[]){2, 5}, 2);
    lo = 0.15, hi = 3;
    n = pmx_ticks_log10(&lo, &hi, 0, t);
    expect_ticks(t, n, (double[]){0.2, 0.5, 1, 2}, 4);
    lo = 0, hi = 1;
    assert_int_equal(pmx_ticks_log10(&lo, &hi, 1, t), 0);
    /* A subnormal and a huge value (found by fuzz_report: widening to
     * 10^-324 = 0 looped forever): the limits stay; decades -323 .. 308
     * (632) are labelled every 79th (ceil(632 / 8)) multiple of 79:
     * k = -316, -237, ..., 237, 8 ticks. */
    lo = 5e-324, hi = 1e308;
    n = pmx_ticks_log10(&lo, &hi, 1, t);
    assert_true(lo == 5e-324 && hi == 1e308);
    assert_int_equal(n, 8);
    assert_true(fabs(t[0] / 1e-316 - 1) < 1e-9 && fabs(t[7] / 1e237 - 1) < 1e-9);
}

static void test_tick_labels(void **state)
{
    (void)state;
    char b[64];
    pmx_tick_label(b, sizeof b, 0.1 * 3, 0.1, PM_SCALE_LINEAR);
    assert_string_equal(b, "0.3");
    pmx_tick_label(b, sizeof b, 0.05 * 3, 0.05, PM_SCALE_LINEAR);
    assert_string_equal(b, "0.15");
    pmx_tick_label(b, sizeof b, 400, 100, PM_SCALE_LINEAR);
    assert_string_equal(b, "400");
    pmx_tick_label(b, sizeof b, -0.0, 1, PM_SCALE_LINEAR);
    assert_string_equal(b, "0");
    pmx_tick_label(b, sizeof b, 2e6, 1e6, PM_SCALE_LINEAR);
    assert_string_equal(b, "2e+06");
    pmx_tick_label(b, sizeof b, 1e-3, 0, PM_SCALE_LOG10);
    assert_string_equal(b, "0.001");
    pmx_tick_label(b, sizeof b, 1e4, 0, PM_SCALE_LOG10);
    assert_string_equal(b, "10000");
    pmx_tick_label(b, sizeof b, 1e-5, 0, PM_SCALE_LOG10);
    assert_string_equal(b, "10\u207b\u2075");
    pmx_tick_label(b, sizeof b, 1e12, 0, PM_SCALE_LOG10);
    assert_string_equal(b, "10\u00b9\u00b2");
    pmx_tick_label(b, sizeof b, 5, 0, PM_SCALE_LOG10);
    assert_string_equal(b, "5");
}

/* On a log y axis: 0, -1, NaN and inf are not drawn, counted per reason in
 * the caption; the two positive points are the only circles. */
static void test_log_skips(void **state)
{
    (void)state;
    pm_error e = {0};
    pm_doc *d = pm_doc_new("skips", &e);
    assert_non_null(d);
    pm_doc_plot_spec spec;
    pm_doc_plot_spec_default(&spec);
    spec.yscale = PM_SCALE_LOG10;
    spec.caption = "cap";
    pm_doc_plot *p = pm_doc_plot_new(d, &spec, &e);
    assert_non_null(p);
    double x[] = {1, 2, 3, 4, 5, NAN};
    double y[] = {1, 0, -1, NAN, INFINITY, 10};
    pm_doc_series s = {.name = "s", .mark = PM_MARK_POINTS, .x = x, .y = y, .count = 6};
    assert_int_equal(pm_doc_plot_series(p, &s, &e), PM_OK);
    size_t nf, np, out;
    pmx_svg_count_skips(p, &p->series[0], &nf, &np, &out);
    assert_int_equal(nf, 3); /* y NaN, y inf, x NaN */
    assert_int_equal(np, 2); /* y = 0, y = -1 */
    assert_int_equal(out, 0);
    char *html = render(d);
    assert_int_equal(count(html, "<circle class=\"mark\""), 1);
    assert_non_null(strstr(html, "cap<span class=\"skips\"> Not drawn in \u201cs\u201d: 5 of 6 "
                                 "points (3 not finite, 2 \u2264 0 on a log axis).</span>"));
    free(html);
    /* Given limits: points outside them are counted, not pinned to the edge. */
    pm_doc_plot_spec_default(&spec);
    spec.xmin = 0, spec.xmax = 2.5;
    p = pm_doc_plot_new(d, &spec, &e);
    double y2[] = {1, 2, 3, 4, 5, 6};
    s = (pm_doc_series){.name = "t", .mark = PM_MARK_SQUARES, .x = x, .y = y2, .count = 6};
    assert_int_equal(pm_doc_plot_series(p, &s, &e), PM_OK);
    pmx_svg_count_skips(p, &p->series[0], &nf, &np, &out);
    assert_true(nf == 1 && np == 0 && out == 3);
    html = render(d);
    assert_int_equal(count(html, "<rect class=\"mark\""), 2);
    assert_non_null(strstr(html, "3 outside the axis limits"));
    free(html);
    pm_doc_free(d);
}

static char *dup(const char *s)
{
    char *c = malloc(strlen(s) + 1);
    assert_non_null(c);
    strcpy(c, s);
    return c;
}

/* Everything the caller passes is copied: the caller's buffers are
 * scribbled over and freed before rendering (ASan would see a use after
 * free), and the page still shows the original values. */
static void test_copies(void **state)
{
    (void)state;
    pm_error e = {0};
    char *title = dup("Copied title");
    pm_doc *d = pm_doc_new(title, &e);
    memset(title, 'X', strlen(title));
    free(title);
    char *h0 = dup("name"), *h1 = dup("value");
    const char *heads[] = {h0, h1};
    pm_doc_col *kinds = malloc(2 * sizeof *kinds);
    kinds[0] = PM_COL_TEXT, kinds[1] = PM_COL_NUMBER;
    pm_doc_table *t = pm_doc_table_new(d, "tab", 2, heads, kinds, 1, &e);
    assert_non_null(t);
    free(h0), free(h1), free(kinds);
    char *c0 = dup("alice"), *c1 = dup("0.75");
    const char *cells[] = {c0, c1};
    assert_int_equal(pm_doc_table_row(t, cells, &e), PM_OK);
    strcpy(c0, "bob"), strcpy(c1, "9");
    free(c0), free(c1);
    pm_doc_plot_spec spec;
    pm_doc_plot_spec_default(&spec);
    char *cap = dup("plot caption");
    spec.caption = cap;
    pm_doc_plot *p = pm_doc_plot_new(d, &spec, &e);
    free(cap);
    double *x = malloc(2 * sizeof *x), *y = malloc(2 * sizeof *y);
    x[0] = 1, x[1] = 2, y[0] = 3, y[1] = 4;
    char *l0 = dup("point one"), *l1 = dup("point two");
    const char *labels[] = {l0, l1};
    pm_doc_series s = {
        .name = "ser", .mark = PM_MARK_POINTS, .x = x, .y = y, .labels = labels, .count = 2};
    assert_int_equal(pm_doc_plot_series(p, &s, &e), PM_OK);
    x[0] = y[0] = NAN;
    free(x), free(y), free(l0), free(l1);
    char *html = render(d);
    assert_non_null(strstr(html, "<title>Copied title</title>"));
    assert_non_null(strstr(html, "<th scope=\"col\">name</th><th scope=\"col\" class=\"num\">"
                                 "value</th>"));
    assert_non_null(strstr(html, "<tr><td>alice</td><td class=\"num\">0.75</td></tr>"));
    assert_non_null(strstr(html, "<title>point one</title>"));
    assert_non_null(strstr(html, "<title>point two</title>"));
    assert_int_equal(count(html, "<circle class=\"mark\""), 2);
    assert_null(strstr(html, "Not drawn"));
    free(html);
    pm_doc_free(d);
}

/* The API refuses what it cannot render faithfully. */
static void test_refusals(void **state)
{
    (void)state;
    pm_error e = {0};
    assert_null(pm_doc_new(NULL, &e));
    pm_doc *d = pm_doc_new("r", &e);
    assert_int_equal(pm_doc_section(d, "Bad Id", "h", &e), PM_EINVAL);
    assert_int_equal(pm_doc_section(d, "ok-1", "h", &e), PM_OK);
    assert_int_equal(pm_doc_section(d, "ok-1", "again", &e), PM_EINVAL);
    assert_non_null(strstr(e.text, "used twice"));
    assert_null(pm_doc_table_new(d, "c", 0, (const char *[]){"a"}, NULL, 0, &e));
    pm_doc_plot_spec spec;
    pm_doc_plot_spec_default(&spec);
    spec.xscale = PM_SCALE_LOG10;
    spec.xmin = 0;
    assert_null(pm_doc_plot_new(d, &spec, &e));
    pm_doc_plot_spec_default(&spec);
    spec.ymin = 2, spec.ymax = 1;
    assert_null(pm_doc_plot_new(d, &spec, &e));
    pm_doc_plot_spec_default(&spec);
    pm_doc_plot *p = pm_doc_plot_new(d, &spec, &e);
    double v[] = {1};
    pm_doc_series s = {.name = "b", .mark = PM_MARK_BARS, .x = v, .y = v, .count = 1};
    assert_int_equal(pm_doc_plot_series(p, &s, &e), PM_EINVAL); /* no x2 */
    s = (pm_doc_series){.name = "e", .mark = PM_MARK_POINTS, .x = v, .y = v, .ylo = v, .count = 1};
    assert_int_equal(pm_doc_plot_series(p, &s, &e), PM_EINVAL); /* ylo without yhi */
    assert_int_equal(pm_doc_plot_power_line(p, "neg", -1, 1, &e), PM_EINVAL);
    assert_int_equal(pm_doc_plot_rule(p, "nan", NAN, 0, &e), PM_EINVAL);
    assert_int_equal(pm_doc_verdict_box(d, (pm_doc_verdict)7, "c", "f", &e), PM_EINVAL);
    /* An empty plot says so instead of drawing an empty frame silently. */
    char *html = render(d);
    assert_non_null(strstr(html, "no data points to draw"));
    free(html);
    pm_doc_free(d);
}

/* A page with every kind of block and hostile text everywhere: every row,
 * every cell, every point and every legend entry is in the output, and no
 * caller text opens markup. Written to report_sample.html as well. */
static pm_doc *kitchen_sink(void)
{
    pm_error e = {0};
    const char *evil = "<script>alert(1)</script> & \"q\" 'a' \x01 \xff onerror=x";
    pm_doc *d = pm_doc_new("Kitchen <sink> & \"title\"", &e);
    assert_int_equal(pm_doc_subtitle(d, "prefmon test \xe2\x80\x94 seed 1", &e), PM_OK);
    assert_int_equal(pm_doc_section(d, "intro", evil, &e), PM_OK);
    assert_int_equal(pm_doc_para(d, evil, &e), PM_OK);
    for (int v = 0; v < 4; v++)
        assert_int_equal(pm_doc_verdict_box(d, (pm_doc_verdict)v, evil, evil, &e), PM_OK);
    const char *names[] = {"delta", evil}, *vals[] = {"0.1", evil};
    assert_int_equal(pm_doc_keyvals(d, names, vals, 2, &e), PM_OK);
    assert_int_equal(pm_doc_section(d, "table", "Table", &e), PM_OK);
    const char *heads[] = {"annotator", "n", evil};
    pm_doc_col kinds[] = {PM_COL_TEXT, PM_COL_NUMBER, PM_COL_TEXT};
    pm_doc_table *t = pm_doc_table_new(d, evil, 3, heads, kinds, 1, &e);
    for (int i = 0; i < 25; i++) {
        char a[32], n[32];
        snprintf(a, sizeof a, "ann-%02d", i);
        snprintf(n, sizeof n, "%d", (i * 7) % 25);
        const char *cells[] = {a, i == 3 ? NULL : n, i == 4 ? evil : "x"};
        assert_int_equal(pm_doc_table_row(t, cells, &e), PM_OK);
    }
    assert_int_equal(pm_doc_section(d, "plots", "Plots", &e), PM_OK);
    pm_doc_plot_spec spec;
    pm_doc_plot_spec_default(&spec);
    spec.title = "Consistency <per> annotator";
    spec.xlabel = "annotator (rank)";
    spec.ylabel = "consistency";
    spec.caption = evil;
    pm_doc_plot *p = pm_doc_plot_new(d, &spec, &e);
    double x[10], y[10], lo[10], hi[10], x2[10];
    const char *labels[10];
    for (int i = 0; i < 10; i++) {
        x[i] = i + 1, y[i] = 0.5 + 0.04 * i, lo[i] = y[i] - 0.05, hi[i] = fmin(1, y[i] + 0.05);
        x2[i] = x[i] + 1;
        labels[i] = i == 0 ? evil : "ok";
    }
    pm_doc_series s = {.name = evil,
                       .mark = PM_MARK_POINTS,
                       .x = x,
                       .y = y,
                       .ylo = lo,
                       .yhi = hi,
                       .labels = labels,
                       .count = 10};
    assert_int_equal(pm_doc_plot_series(p, &s, &e), PM_OK);
    assert_int_equal(pm_doc_plot_rule(p, "q0 = 0.5", 0.5, 0, &e), PM_OK);
    assert_int_equal(pm_doc_plot_rule(p, "threshold", 0.8, 0, &e), PM_OK);
    pm_doc_plot_spec_default(&spec);
    spec.title = "Gap";
    spec.xlabel = "n (pairs)";
    spec.ylabel = "normalized gap";
    spec.xscale = spec.yscale = PM_SCALE_LOG10;
    spec.caption = "log-log";
    p = pm_doc_plot_new(d, &spec, &e);
    double n[8], g[8];
    for (int i = 0; i < 8; i++)
        n[i] = 10 * pow(2, i), g[i] = 2 / n[i];
    s = (pm_doc_series){.name = "linear", .mark = PM_MARK_LINE_POINTS, .x = n, .y = g, .count = 8};
    assert_int_equal(pm_doc_plot_series(p, &s, &e), PM_OK);
    s = (pm_doc_series){
        .name = "binary", .mark = PM_MARK_DASHED, .color = 1, .x = n, .y = y, .count = 8};
    assert_int_equal(pm_doc_plot_series(p, &s, &e), PM_OK);
    assert_int_equal(pm_doc_plot_power_line(p, "\xce\x98(1/n)", 1, -1, &e), PM_OK);
    pm_doc_plot_spec_default(&spec);
    spec.title = "Histogram";
    spec.xlabel = "bonus (USD)";
    spec.ylabel = "annotators";
    p = pm_doc_plot_new(d, &spec, &e);
    s = (pm_doc_series){.name = "bonus",
                        .mark = PM_MARK_BARS,
                        .x = x,
                        .x2 = x2,
                        .y = y,
                        .labels = labels,
                        .count = 10};
    assert_int_equal(pm_doc_plot_series(p, &s, &e), PM_OK);
    return d;
}

static void test_page(void **state)
{
    (void)state;
    pm_doc *d = kitchen_sink();
    char *html = render(d);
    /* One script element (ours), no attribute or element from caller text. */
    assert_int_equal(count(html, "<script"), 1);
    assert_int_equal(count(html, "onerror=x"), count(html, "\\xFF onerror=x"));
    assert_true(count(html, "&lt;script&gt;alert(1)&lt;/script&gt;") > 10);
    assert_non_null(strstr(html, "<title>Kitchen &lt;sink&gt; &amp; &quot;title&quot;</title>"));
    /* 25 body rows + 1 header row; the NULL cell printed empty. */
    assert_int_equal(count(html, "<tr>"), 26);
    assert_non_null(strstr(html, "<tr><td>ann-03</td><td class=\"num\"></td>"));
    for (int i = 0; i < 25; i++) {
        char a[48];
        snprintf(a, sizeof a, "<td>ann-%02d</td>", i);
        assert_int_equal(count(html, a), 1);
    }
    /* 10 points with error bars and tooltips, 8 line points (the dashed
     * series has no markers and no labels), 10 bars. */
    assert_int_equal(count(html, "class=\"errbar\""), 10 + 1 /* legend */);
    assert_int_equal(count(html, "<circle class=\"mark\""), 10 + 8);
    assert_int_equal(count(html, "<rect class=\"mark bar\""), 10);
    assert_int_equal(count(html, "<svg class=\"plot\""), 3);
    assert_int_equal(count(html, "<title>ok</title>"), 18);
    /* Legend: 3 + 2 series names and 3 reference lines. */
    assert_int_equal(count(html, "<g class=\"legend\">"), 3);
    assert_non_null(strstr(html, ">q0 = 0.5</text>"));
    assert_non_null(strstr(html, ">\xce\x98(1/n)</text>"));
    assert_int_equal(count(html, "<section id="), 3);
    assert_int_equal(count(html, "class=\"verdict "), 4);
    assert_null(strstr(html, "Not drawn"));
    FILE *fp = fopen("report_sample.html", "w");
    assert_non_null(fp);
    fputs(html, fp);
    assert_int_equal(fclose(fp), 0);
    free(html);
    pm_doc_free(d);
}

/* A failing stream is reported, not ignored. */
static void test_write_error(void **state)
{
    (void)state;
    pm_doc *d = kitchen_sink();
    FILE *fp = fopen("/dev/full", "w");
    if (!fp) {
        pm_doc_free(d);
        skip();
    }
    pm_error e = {0};
    assert_int_equal(pm_doc_write_html(d, fp, &e), PM_EIO);
    fclose(fp);
    pm_doc_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape),      cmocka_unit_test(test_ticks_linear),
        cmocka_unit_test(test_ticks_log),   cmocka_unit_test(test_tick_labels),
        cmocka_unit_test(test_log_skips),   cmocka_unit_test(test_copies),
        cmocka_unit_test(test_refusals),    cmocka_unit_test(test_page),
        cmocka_unit_test(test_write_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
