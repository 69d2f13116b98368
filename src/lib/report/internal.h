/*
** Internal: the report module's document model and shared pieces.
**
** Files inside src/lib/report, lowest first; a file uses only the ones
** below it (scripts/check-layers.sh checks it):
**   escape.c  text and attribute escaping, number formatting
**   doc.c     the model: owned copies of every block, table and plot
**   svg.c     one plot as an inline <svg> figure (axes, ticks, marks)
**   html.c    the page: CSS, blocks in order, the sort script
** html.c and svg.c read the structures below directly; doc.c only builds
** them, so no file calls back into another above it.
*/
#ifndef PREFMON_REPORT_INTERNAL_H
#define PREFMON_REPORT_INTERNAL_H

#include <stdio.h>

#include "prefmon/report.h"

/* ---- the model (built by doc.c) ------------------------------------------ */

typedef enum pmx_block_kind {
    PMX_BLK_SUBTITLE,
    PMX_BLK_SECTION,
    PMX_BLK_PARA,
    PMX_BLK_VERDICT,
    PMX_BLK_KEYVALS,
    PMX_BLK_TABLE,
    PMX_BLK_PLOT
} pmx_block_kind;

struct pm_doc_table {
    char *caption;
    size_t ncol;
    char **headers;    /* ncol */
    pm_doc_col *kinds; /* ncol */
    int sortable;
    char **cells;     /* nrow * ncol, row-major; "" for a NULL cell */
    size_t nrow, cap; /* rows used, rows allocated */
};

typedef struct pmx_series {
    char *name;
    pm_doc_mark mark;
    int color;                      /* 0..7 */
    double *x, *y, *x2, *ylo, *yhi; /* x2, ylo, yhi may be NULL */
    char **labels;                  /* NULL or count strings */
    size_t count;
} pmx_series;

typedef enum pmx_ref_kind { PMX_REF_POWER, PMX_REF_HRULE, PMX_REF_VRULE } pmx_ref_kind;

typedef struct pmx_ref {
    char *name;
    pmx_ref_kind kind;
    double a, b; /* y = a x^b, or the rule's position in a */
} pmx_ref;

struct pm_doc_plot {
    char *title, *xlabel, *ylabel, *caption; /* never NULL ("" when absent) */
    pm_doc_scale xscale, yscale;
    double xmin, xmax, ymin, ymax;
    pmx_series *series;
    size_t nseries, capseries;
    pmx_ref *refs;
    size_t nrefs, caprefs;
};

typedef struct pmx_block {
    pmx_block_kind kind;
    char *a, *b; /* section: id, heading; para/subtitle: a; verdict: claim, finding */
    pm_doc_verdict verdict;
    char **names, **values; /* keyvals */
    size_t count;
    pm_doc_table *table;
    pm_doc_plot *plot;
} pmx_block;

struct pm_doc {
    char *title;
    pmx_block *blocks;
    size_t nblocks, cap;
};

/* ---- escape.c ------------------------------------------------------------- */

/** Write text escaped for HTML element content and attribute values:
 *  & < > " ' as entities; control bytes other than tab and newline, C1
 *  controls and bytes that are not UTF-8 as visible "\xHH" text (nothing
 *  is dropped, nothing can open markup or break the parse). */
void pmx_html_text(FILE *fp, const char *s);

/** Format a coordinate for SVG: fixed two decimals, "-0.00" avoided. */
void pmx_fmt_coord(char *buf, size_t size, double v);

/* ---- svg.c ---------------------------------------------------------------- */

/** At most this many ticks come back from the tick generators. */
#define PMX_MAX_TICKS 32

/** Nice linear ticks (1, 2, 5 times a power of ten) covering [lo, hi],
 *  about `target` of them. When `extend` is set, *lo and *hi are widened
 *  to the first and last tick at or beyond them. Returns the tick count
 *  (0 when lo or hi is not finite or hi < lo) and the step in *step. */
size_t pmx_ticks_linear(double *lo, double *hi, int target, int extend, double *ticks,
                        double *step);

/** Log10 ticks over [lo, hi] (both > 0): every decade 10^k inside, every
 *  m-th decade when there are more than ~8; when fewer than two decades
 *  fall inside, the 2x and 5x points as well. With `extend`, *lo and *hi
 *  widen to whole decades. Returns the tick count (0 on bad input). */
size_t pmx_ticks_log10(double *lo, double *hi, int extend, double *ticks);

/** Label for a tick: linear ticks with as many decimals as the step needs,
 *  log ticks as plain numbers between 1e-3 and 1e4 and as 10^k beyond. */
void pmx_tick_label(char *buf, size_t size, double v, double step, pm_doc_scale scale);

/** Render one plot as a <figure> (heading, <svg class="plot">, caption
 *  with the count of points not drawn). index makes element ids unique. */
pm_status pmx_svg_figure(FILE *fp, const pm_doc_plot *p, size_t index, pm_error *err);

/** Points of series s that cannot be drawn on p's axes: non-finite
 *  coordinates (*nonfinite), <= 0 on a log axis (*nonpos), outside given
 *  axis limits (*outside). */
void pmx_svg_count_skips(const pm_doc_plot *p, const pmx_series *s, size_t *nonfinite,
                         size_t *nonpos, size_t *outside);

#endif
