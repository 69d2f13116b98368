/* The report's document model: every call copies what it is given, so a
 * caller may build a row or a series in a scratch buffer and free it right
 * after (report.h, "Ownership"). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/internal.h"

static pm_status oom(pm_error *err)
{
    return pm_error_set(err, PM_ENOMEM, "out of memory building the report");
}

static char *dup_or_empty(const char *s)
{
    const char *t = s ? s : "";
    size_t n = strlen(t) + 1;
    char *c = malloc(n);
    if (c)
        memcpy(c, t, n);
    return c;
}

/* Grow *v (element size `size`) to hold at least need elements. */
static int grow(void **v, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 8;
    while (n < need) {
        if (n > SIZE_MAX / 2 / size)
            return -1;
        n *= 2;
    }
    void *p = realloc(*v, n * size);
    if (!p)
        return -1;
    *v = p;
    *cap = n;
    return 0;
}

static void free_strings(char **v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* An owned copy of n strings (NULL entries become ""); NULL on failure. */
static char **dup_strings(const char *const *v, size_t n)
{
    char **c = calloc(n ? n : 1, sizeof *c);
    if (!c)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        c[i] = dup_or_empty(v ? v[i] : NULL);
        if (!c[i]) {
            free_strings(c, i);
            return NULL;
        }
    }
    return c;
}

static double *dup_doubles(const double *v, size_t n)
{
    if (!v)
        return NULL;
    double *c = malloc((n ? n : 1) * sizeof *c);
    if (c && n)
        memcpy(c, v, n * sizeof *c);
    return c;
}

static void table_free(pm_doc_table *t)
{
    if (!t)
        return;
    free(t->caption);
    free_strings(t->headers, t->ncol);
    free(t->kinds);
    free_strings(t->cells, t->nrow * t->ncol);
    free(t);
}

static void series_free(pmx_series *s)
{
    free(s->name);
    free(s->x);
    free(s->y);
    free(s->x2);
    free(s->ylo);
    free(s->yhi);
    free_strings(s->labels, s->labels ? s->count : 0);
}

static void plot_free(pm_doc_plot *p)
{
    if (!p)
        return;
    free(p->title);
    free(p->xlabel);
    free(p->ylabel);
    free(p->caption);
    for (size_t i = 0; i < p->nseries; i++)
        series_free(&p->series[i]);
    free(p->series);
    for (size_t i = 0; i < p->nrefs; i++)
        free(p->refs[i].name);
    free(p->refs);
    free(p);
}

static void block_free(pmx_block *b)
{
    free(b->a);
    free(b->b);
    free_strings(b->names, b->count);
    free_strings(b->values, b->count);
    table_free(b->table);
    plot_free(b->plot);
}

void pm_doc_free(pm_doc *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->nblocks; i++)
        block_free(&d->blocks[i]);
    free(d->blocks);
    free(d->title);
    free(d);
}

pm_doc *pm_doc_new(const char *title, pm_error *err)
{
    if (!title) {
        pm_error_set(err, PM_EINVAL, "a report needs a title");
        return NULL;
    }
    pm_doc *d = calloc(1, sizeof *d);
    if (d)
        d->title = dup_or_empty(title);
    if (!d || !d->title) {
        pm_doc_free(d);
        oom(err);
        return NULL;
    }
    return d;
}

/* Append a zeroed block of `kind`; NULL (err filled) when out of memory. */
static pmx_block *add_block(pm_doc *d, pmx_block_kind kind, pm_error *err)
{
    if (grow((void **)&d->blocks, &d->cap, d->nblocks + 1, sizeof *d->blocks) != 0) {
        oom(err);
        return NULL;
    }
    pmx_block *b = &d->blocks[d->nblocks++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    return b;
}

/* Append a block holding one or two copied strings. */
static pm_status text_block(pm_doc *d, pmx_block_kind kind, const char *a, const char *b,
                            pm_error *err)
{
    if (!d)
        return pm_error_set(err, PM_EINVAL, "no document");
    pmx_block *blk = add_block(d, kind, err);
    if (!blk)
        return PM_ENOMEM;
    blk->a = dup_or_empty(a);
    blk->b = dup_or_empty(b);
    if (!blk->a || !blk->b) {
        block_free(blk);
        d->nblocks--;
        return oom(err);
    }
    return PM_OK;
}

pm_status pm_doc_subtitle(pm_doc *d, const char *text, pm_error *err)
{
    return text_block(d, PMX_BLK_SUBTITLE, text, NULL, err);
}

static int valid_id(const char *id)
{
    if (!id || !*id)
        return 0;
    for (const char *s = id; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
            return 0;
    return 1;
}

pm_status pm_doc_section(pm_doc *d, const char *id, const char *heading, pm_error *err)
{
    if (!d)
        return pm_error_set(err, PM_EINVAL, "no document");
    if (!valid_id(id))
        return pm_error_set(err, PM_EINVAL,
                            "section id '%s' must be one or more of a-z, 0-9 and '-'",
                            id ? id : "(null)");
    for (size_t i = 0; i < d->nblocks; i++)
        if (d->blocks[i].kind == PMX_BLK_SECTION && strcmp(d->blocks[i].a, id) == 0)
            return pm_error_set(err, PM_EINVAL, "section id '%s' is used twice", id);
    return text_block(d, PMX_BLK_SECTION, id, heading, err);
}

pm_status pm_doc_para(pm_doc *d, const char *text, pm_error *err)
{
    return text_block(d, PMX_BLK_PARA, text, NULL, err);
}

pm_status pm_doc_verdict_box(pm_doc *d, pm_doc_verdict v, const char *claim, const char *finding,
                             pm_error *err)
{
    if (v < PM_VERDICT_INFO || v > PM_VERDICT_MIXED)
        return pm_error_set(err, PM_EINVAL, "verdict %d is not one of INFO, YES, NO, MIXED",
                            (int)v);
    pm_status st = text_block(d, PMX_BLK_VERDICT, claim, finding, err);
    if (st == PM_OK)
        d->blocks[d->nblocks - 1].verdict = v;
    return st;
}

pm_status pm_doc_keyvals(pm_doc *d, const char *const *names, const char *const *values,
                         size_t count, pm_error *err)
{
    if (!d)
        return pm_error_set(err, PM_EINVAL, "no document");
    if (count > 0 && (!names || !values))
        return pm_error_set(err, PM_EINVAL, "keyvals: %zu names and values, but no arrays", count);
    pmx_block *b = add_block(d, PMX_BLK_KEYVALS, err);
    if (!b)
        return PM_ENOMEM;
    b->names = dup_strings(names, count);
    b->values = dup_strings(values, count);
    b->count = count;
    if (!b->names || !b->values) {
        block_free(b);
        d->nblocks--;
        return oom(err);
    }
    return PM_OK;
}

pm_doc_table *pm_doc_table_new(pm_doc *d, const char *caption, size_t ncol,
                               const char *const *headers, const pm_doc_col *kinds, int sortable,
                               pm_error *err)
{
    if (!d || ncol == 0 || !headers) {
        pm_error_set(err, PM_EINVAL, "a table needs a document, at least one column and headers");
        return NULL;
    }
    if (kinds)
        for (size_t j = 0; j < ncol; j++)
            if (kinds[j] != PM_COL_TEXT && kinds[j] != PM_COL_NUMBER) {
                pm_error_set(err, PM_EINVAL, "column %zu: kind %d is not TEXT or NUMBER", j + 1,
                             (int)kinds[j]);
                return NULL;
            }
    pm_doc_table *t = calloc(1, sizeof *t);
    if (!t) {
        oom(err);
        return NULL;
    }
    t->ncol = ncol;
    t->sortable = sortable != 0;
    t->caption = dup_or_empty(caption);
    t->headers = dup_strings(headers, ncol);
    t->kinds = calloc(ncol, sizeof *t->kinds);
    if (t->kinds && kinds)
        memcpy(t->kinds, kinds, ncol * sizeof *kinds);
    pmx_block *b = NULL;
    if (t->caption && t->headers && t->kinds)
        b = add_block(d, PMX_BLK_TABLE, err);
    else
        oom(err);
    if (!b) {
        if (!t->headers)
            t->ncol = 0;
        table_free(t);
        return NULL;
    }
    b->table = t;
    return t;
}

pm_status pm_doc_table_row(pm_doc_table *t, const char *const *cells, pm_error *err)
{
    if (!t || !cells)
        return pm_error_set(err, PM_EINVAL, "a table row needs a table and its cells");
    if (t->nrow + 1 > SIZE_MAX / t->ncol)
        return pm_error_set(err, PM_ELIMIT, "table too large");
    size_t cap = t->cap * t->ncol;
    if (grow((void **)&t->cells, &cap, (t->nrow + 1) * t->ncol, sizeof *t->cells) != 0)
        return oom(err);
    t->cap = cap / t->ncol;
    char **row = t->cells + t->nrow * t->ncol;
    for (size_t j = 0; j < t->ncol; j++) {
        row[j] = dup_or_empty(cells[j]);
        if (!row[j]) {
            for (size_t k = 0; k < j; k++)
                free(row[k]);
            return oom(err);
        }
    }
    t->nrow++;
    return PM_OK;
}

void pm_doc_plot_spec_default(pm_doc_plot_spec *spec)
{
    if (!spec)
        return;
    memset(spec, 0, sizeof *spec);
    spec->xscale = spec->yscale = PM_SCALE_LINEAR;
    spec->xmin = spec->xmax = spec->ymin = spec->ymax = NAN;
}

/* Given limits must be usable on their axis: finite, lo < hi, > 0 on log. */
static pm_status check_limits(const char *axis, double lo, double hi, pm_doc_scale sc,
                              pm_error *err)
{
    if (sc != PM_SCALE_LINEAR && sc != PM_SCALE_LOG10)
        return pm_error_set(err, PM_EINVAL, "%s axis: scale %d is not LINEAR or LOG10", axis,
                            (int)sc);
    if (isinf(lo) || isinf(hi))
        return pm_error_set(err, PM_EINVAL, "%s axis: limits must be finite or NaN (from data)",
                            axis);
    if (!isnan(lo) && !isnan(hi) && !(lo < hi))
        return pm_error_set(err, PM_EINVAL, "%s axis: min %g must be below max %g", axis, lo, hi);
    if (sc == PM_SCALE_LOG10 && ((!isnan(lo) && lo <= 0) || (!isnan(hi) && hi <= 0)))
        return pm_error_set(err, PM_EINVAL, "%s axis: a log axis needs limits > 0", axis);
    return PM_OK;
}

pm_doc_plot *pm_doc_plot_new(pm_doc *d, const pm_doc_plot_spec *spec, pm_error *err)
{
    if (!d || !spec) {
        pm_error_set(err, PM_EINVAL, "a plot needs a document and a spec");
        return NULL;
    }
    if (check_limits("x", spec->xmin, spec->xmax, spec->xscale, err) != PM_OK ||
        check_limits("y", spec->ymin, spec->ymax, spec->yscale, err) != PM_OK)
        return NULL;
    pm_doc_plot *p = calloc(1, sizeof *p);
    if (!p) {
        oom(err);
        return NULL;
    }
    p->title = dup_or_empty(spec->title);
    p->xlabel = dup_or_empty(spec->xlabel);
    p->ylabel = dup_or_empty(spec->ylabel);
    p->caption = dup_or_empty(spec->caption);
    p->xscale = spec->xscale;
    p->yscale = spec->yscale;
    p->xmin = spec->xmin;
    p->xmax = spec->xmax;
    p->ymin = spec->ymin;
    p->ymax = spec->ymax;
    pmx_block *b = NULL;
    if (p->title && p->xlabel && p->ylabel && p->caption)
        b = add_block(d, PMX_BLK_PLOT, err);
    else
        oom(err);
    if (!b) {
        plot_free(p);
        return NULL;
    }
    b->plot = p;
    return p;
}

static pm_status check_series(const pm_doc_series *s, pm_error *err)
{
    if (!s)
        return pm_error_set(err, PM_EINVAL, "no series");
    if (s->mark < PM_MARK_LINE || s->mark > PM_MARK_BARS)
        return pm_error_set(err, PM_EINVAL, "series '%s': mark %d is not a pm_doc_mark",
                            s->name ? s->name : "", (int)s->mark);
    if (s->count > 0 && (!s->x || !s->y))
        return pm_error_set(err, PM_EINVAL, "series '%s': %zu points but no x or y array",
                            s->name ? s->name : "", s->count);
    if (s->count > 0 && s->mark == PM_MARK_BARS && !s->x2)
        return pm_error_set(err, PM_EINVAL, "series '%s': bars need right edges (x2)",
                            s->name ? s->name : "");
    if ((s->ylo == NULL) != (s->yhi == NULL))
        return pm_error_set(err, PM_EINVAL, "series '%s': error bars need both ylo and yhi",
                            s->name ? s->name : "");
    if (s->count > SIZE_MAX / 4 / sizeof(double))
        return pm_error_set(err, PM_ELIMIT, "series '%s': too many points", s->name ? s->name : "");
    return PM_OK;
}

pm_status pm_doc_plot_series(pm_doc_plot *p, const pm_doc_series *s, pm_error *err)
{
    if (!p)
        return pm_error_set(err, PM_EINVAL, "no plot");
    pm_status st = check_series(s, err);
    if (st != PM_OK)
        return st;
    if (grow((void **)&p->series, &p->capseries, p->nseries + 1, sizeof *p->series) != 0)
        return oom(err);
    pmx_series c = {0};
    size_t n = s->count;
    c.mark = s->mark;
    c.color = ((s->color % 8) + 8) % 8;
    c.count = n;
    c.name = dup_or_empty(s->name);
    c.x = dup_doubles(s->x, n);
    c.y = dup_doubles(s->y, n);
    c.x2 = s->mark == PM_MARK_BARS ? dup_doubles(s->x2, n) : NULL;
    c.ylo = dup_doubles(s->ylo, n);
    c.yhi = dup_doubles(s->yhi, n);
    c.labels = s->labels ? dup_strings(s->labels, n) : NULL;
    int bad = !c.name || (s->x && !c.x) || (s->y && !c.y) || (s->ylo && !c.ylo) ||
              (s->yhi && !c.yhi) || (s->mark == PM_MARK_BARS && s->x2 && !c.x2) ||
              (s->labels && !c.labels);
    if (bad) {
        series_free(&c);
        return oom(err);
    }
    p->series[p->nseries++] = c;
    return PM_OK;
}

static pm_status add_ref(pm_doc_plot *p, const char *name, pmx_ref_kind kind, double a, double b,
                         pm_error *err)
{
    if (!p)
        return pm_error_set(err, PM_EINVAL, "no plot");
    if (!isfinite(a) || !isfinite(b))
        return pm_error_set(err, PM_EINVAL, "reference line '%s': %g, %g is not finite",
                            name ? name : "", a, b);
    if (grow((void **)&p->refs, &p->caprefs, p->nrefs + 1, sizeof *p->refs) != 0)
        return oom(err);
    char *c = dup_or_empty(name);
    if (!c)
        return oom(err);
    p->refs[p->nrefs++] = (pmx_ref){c, kind, a, b};
    return PM_OK;
}

pm_status pm_doc_plot_power_line(pm_doc_plot *p, const char *name, double a, double b,
                                 pm_error *err)
{
    if (!(a > 0) && isfinite(a))
        return pm_error_set(err, PM_EINVAL, "power line '%s': a = %g must be > 0", name ? name : "",
                            a);
    return add_ref(p, name, PMX_REF_POWER, a, b, err);
}

pm_status pm_doc_plot_rule(pm_doc_plot *p, const char *name, double at, int vertical, pm_error *err)
{
    return add_ref(p, name, vertical ? PMX_REF_VRULE : PMX_REF_HRULE, at, 0, err);
}
