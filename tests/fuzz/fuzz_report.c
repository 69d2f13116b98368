/*
** Fuzz target for the report renderer (prefmon/report.h): arbitrary text and
** numbers, as a caller passing hostile input would, through every block kind.
**
** libFuzzer entry point; also built as fuzz_report_replay (replay_main.c) to
** replay tests/fuzz/corpus/fuzz_report/ under ctest. The input is cut into
** strings at '\n' (control bytes, invalid UTF-8 and markup kept); the first
** byte picks the axes' scales and marks, every 8 bytes of the rest are also
** read as a double (NaN, infinities, negatives and subnormals included).
** Invariants:
**   - every call that builds the document either succeeds or returns
**     PM_EINVAL (a refused argument), never anything else;
**   - pm_doc_write_html succeeds;
**   - the page is valid UTF-8 with no control byte but tab and newline,
**     and the input cannot add markup: exactly one <script (a sortable
**     table is always added) and one <svg per plot added.
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prefmon/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXS 64

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_report: invariant violated: %s\n", what);
    abort();
}

static void ok_or_einval(pm_status st, const char *what)
{
    if (st != PM_OK && st != PM_EINVAL)
        fail(what);
}

static size_t count(const char *hay, size_t len, const char *needle)
{
    size_t n = 0, k = strlen(needle);
    for (size_t i = 0; i + k <= len; i++)
        n += memcmp(hay + i, needle, k) == 0;
    return n;
}

/* Valid UTF-8 (RFC 3629) without control bytes other than tab and newline. */
static int clean_utf8(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        size_t k = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (k == 0 || i + k > n)
            return 0;
        if (k == 1 && ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F))
            return 0;
        for (size_t j = 1; j < k; j++)
            if ((s[i + j] & 0xC0) != 0x80)
                return 0;
        if (k == 2 && c < 0xC2)
            return 0;
        i += k;
    }
    return 1;
}

typedef struct input {
    char *text[MAXS];
    size_t ns;
    double num[MAXS];
    size_t nn;
    unsigned flags;
} input;

static void split(const uint8_t *data, size_t size, input *in)
{
    memset(in, 0, sizeof *in);
    in->flags = size ? data[0] : 0;
    size_t start = size ? 1 : 0;
    for (size_t i = start; i <= size && in->ns < MAXS; i++) {
        if (i == size || data[i] == '\n') {
            size_t len = i - start;
            char *s = malloc(len + 1);
            if (!s)
                abort();
            memcpy(s, data + start, len);
            s[len] = '\0'; /* a NUL inside ends the string early, as C strings do */
            in->text[in->ns++] = s;
            start = i + 1;
        }
    }
    for (size_t i = 1; i + 8 <= size && in->nn < MAXS; i += 8)
        memcpy(&in->num[in->nn++], data + i, 8);
}

static const char *txt(const input *in, size_t i)
{
    return in->ns ? in->text[i % in->ns] : "";
}

static double val(const input *in, size_t i)
{
    return in->nn ? in->num[i % in->nn] : (double)i;
}

static size_t add_plot(pm_doc *d, const input *in, size_t salt)
{
    pm_doc_plot_spec spec;
    pm_doc_plot_spec_default(&spec);
    spec.title = txt(in, salt);
    spec.xlabel = txt(in, salt + 1);
    spec.ylabel = txt(in, salt + 2);
    spec.caption = txt(in, salt + 3);
    spec.xscale = (in->flags >> (salt % 4)) & 1 ? PM_SCALE_LOG10 : PM_SCALE_LINEAR;
    spec.yscale = (in->flags >> ((salt + 1) % 4)) & 1 ? PM_SCALE_LOG10 : PM_SCALE_LINEAR;
    if (in->flags & 0x40) {
        spec.xmin = val(in, salt), spec.xmax = val(in, salt + 1);
        spec.ymin = val(in, salt + 2), spec.ymax = val(in, salt + 3);
    }
    pm_error err = {0};
    pm_doc_plot *p = pm_doc_plot_new(d, &spec, &err);
    if (!p) {
        ok_or_einval(err.code, "pm_doc_plot_new");
        return 0;
    }
    size_t n = in->nn < 24 ? in->nn : 24;
    double x[24], y[24], x2[24], lo[24], hi[24];
    const char *labels[24];
    for (size_t i = 0; i < n; i++) {
        x[i] = val(in, i), y[i] = val(in, i + 1), x2[i] = val(in, i + 2);
        lo[i] = val(in, i + 3), hi[i] = val(in, i + 4);
        labels[i] = txt(in, i);
    }
    for (int m = 0; m <= PM_MARK_BARS; m++) {
        pm_doc_series s = {.name = txt(in, salt + (size_t)m),
                           .mark = (pm_doc_mark)m,
                           .color = (int)(in->flags >> 2) - 20 + m,
                           .x = x,
                           .y = y,
                           .x2 = m == PM_MARK_BARS ? x2 : NULL,
                           .ylo = m == PM_MARK_POINTS ? lo : NULL,
                           .yhi = m == PM_MARK_POINTS ? hi : NULL,
                           .labels = (in->flags & 0x80) ? labels : NULL,
                           .count = n};
        ok_or_einval(pm_doc_plot_series(p, &s, &err), "pm_doc_plot_series");
    }
    ok_or_einval(
        pm_doc_plot_power_line(p, txt(in, salt + 4), val(in, salt), val(in, salt + 1), &err),
        "pm_doc_plot_power_line");
    ok_or_einval(pm_doc_plot_rule(p, txt(in, salt + 5), val(in, salt + 2), 0, &err),
                 "pm_doc_plot_rule");
    ok_or_einval(pm_doc_plot_rule(p, txt(in, salt + 6), val(in, salt + 3), 1, &err),
                 "pm_doc_plot_rule");
    return 1;
}

static size_t build(pm_doc *d, const input *in)
{
    pm_error err = {0};
    ok_or_einval(pm_doc_subtitle(d, txt(in, 1), &err), "pm_doc_subtitle");
    ok_or_einval(pm_doc_section(d, txt(in, 2), txt(in, 3), &err), "pm_doc_section");
    ok_or_einval(pm_doc_section(d, "fixed", txt(in, 3), &err), "pm_doc_section");
    ok_or_einval(pm_doc_para(d, txt(in, 4), &err), "pm_doc_para");
    ok_or_einval(
        pm_doc_verdict_box(d, (pm_doc_verdict)(in->flags % 5), txt(in, 5), txt(in, 6), &err),
        "pm_doc_verdict_box");
    const char *names[4] = {txt(in, 7), txt(in, 8), txt(in, 9), NULL};
    const char *vals[4] = {txt(in, 10), NULL, txt(in, 11), txt(in, 12)};
    ok_or_einval(pm_doc_keyvals(d, names, vals, 4, &err), "pm_doc_keyvals");
    const char *heads[3] = {txt(in, 13), txt(in, 14), txt(in, 15)};
    pm_doc_col kinds[3] = {PM_COL_TEXT, PM_COL_NUMBER, PM_COL_TEXT};
    pm_doc_table *t = pm_doc_table_new(d, txt(in, 16), 3, heads, kinds, 1, &err);
    if (!t)
        fail("pm_doc_table_new refused a valid table");
    for (size_t i = 0; i < in->ns; i++) {
        const char *cells[3] = {txt(in, i), txt(in, i + 1), (i & 1) ? NULL : txt(in, i + 2)};
        if (pm_doc_table_row(t, cells, &err) != PM_OK)
            fail("pm_doc_table_row");
    }
    return add_plot(d, in, 0) + add_plot(d, in, 7);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    input in;
    split(data, size, &in);
    pm_error err = {0};
    pm_doc *d = pm_doc_new(txt(&in, 0), &err);
    if (!d)
        fail("pm_doc_new");
    size_t plots = build(d, &in);
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    if (!fp)
        abort();
    if (pm_doc_write_html(d, fp, &err) != PM_OK)
        fail("pm_doc_write_html");
    if (fclose(fp) != 0)
        abort();
    if (!clean_utf8((const unsigned char *)buf, len))
        fail("the page is not clean UTF-8");
    if (count(buf, len, "<script") != 1)
        fail("input text added or removed a <script");
    if (count(buf, len, "<svg") != plots)
        fail("input text added or removed an <svg");
    free(buf);
    pm_doc_free(d);
    for (size_t i = 0; i < in.ns; i++)
        free(in.text[i]);
    return 0;
}
