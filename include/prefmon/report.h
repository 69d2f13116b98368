/*
** prefmon — the report document model and its HTML rendering.
**
** The report module computes nothing. A caller fills a pm_doc with the
** text, tables and plots whose numbers it computed elsewhere (assess, pay,
** contract, reproduce, simulate), and pm_doc_write_html renders it as one
** self-contained HTML file: inline CSS and SVG, no network, readable
** printed and at a phone's width. Tables marked sortable get a few lines of
** inline script that sort them by a clicked column; without script they
** still read in their given order.
**
** Every string is UTF-8 plain text; the renderer escapes it. Every number
** handed to a plot is a double; NaN and infinities are skipped as points
** (and counted in the plot's caption), never drawn at an edge.
**
** Ownership: pm_doc copies every string and array passed to it; the caller
** keeps its own. pm_doc_table and pm_doc_plot return handles that belong to
** the document and stay valid until pm_doc_free, which frees everything.
** Calls on a handle append to the document in call order.
*/
#ifndef PREFMON_REPORT_H
#define PREFMON_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "prefmon/export.h"
#include "prefmon/status.h"
#include "prefmon/writer.h"

PM_BEGIN_DECLS

typedef struct pm_doc pm_doc;
typedef struct pm_doc_table pm_doc_table;
typedef struct pm_doc_plot pm_doc_plot;

/** A new empty document with a title (shown as <title> and <h1>). */
PM_API pm_doc *pm_doc_new(const char *title, pm_error *err);
PM_API void pm_doc_free(pm_doc *d);

/** A line under the title saying what produced the document (command,
 *  version, inputs, seed). */
PM_API pm_status pm_doc_subtitle(pm_doc *d, const char *text, pm_error *err);

/** Start a section: id is the HTML anchor ([a-z0-9-]+), heading its h2. */
PM_API pm_status pm_doc_section(pm_doc *d, const char *id, const char *heading, pm_error *err);

/** A paragraph of plain text. */
PM_API pm_status pm_doc_para(pm_doc *d, const char *text, pm_error *err);

typedef enum pm_doc_verdict {
    PM_VERDICT_INFO = 0, /* a neutral statement */
    PM_VERDICT_YES = 1,  /* reproduced / passed */
    PM_VERDICT_NO = 2,   /* not reproduced / failed */
    PM_VERDICT_MIXED = 3 /* partly, or not decidable on this data */
} pm_doc_verdict;

/** A highlighted statement: "claim" in bold, then the finding. */
PM_API pm_status pm_doc_verdict_box(pm_doc *d, pm_doc_verdict v, const char *claim,
                                    const char *finding, pm_error *err);

/** A list of name = value pairs (parameters a figure depends on). */
PM_API pm_status pm_doc_keyvals(pm_doc *d, const char *const *names, const char *const *values,
                                size_t count, pm_error *err);

typedef enum pm_doc_col {
    PM_COL_TEXT = 0,  /* left-aligned, sorts as text */
    PM_COL_NUMBER = 1 /* right-aligned, sorts numerically; "" and "-" sort last */
} pm_doc_col;

/** A table with ncol columns. kinds may be NULL (all text). The caption
 *  says what the table holds and what it depends on. */
PM_API pm_doc_table *pm_doc_table_new(pm_doc *d, const char *caption, size_t ncol,
                                      const char *const *headers, const pm_doc_col *kinds,
                                      int sortable, pm_error *err);
/** One row of ncol cells (already formatted text; NULL prints as empty). */
PM_API pm_status pm_doc_table_row(pm_doc_table *t, const char *const *cells, pm_error *err);

typedef enum pm_doc_scale {
    PM_SCALE_LINEAR = 0,
    PM_SCALE_LOG10 = 1 /* values <= 0 are skipped and counted */
} pm_doc_scale;

typedef struct pm_doc_plot_spec {
    const char *title;  /* shown above the plot */
    const char *xlabel; /* axis labels carry units where there are any */
    const char *ylabel;
    const char *caption; /* what produced it: dataset, parameters, convention */
    pm_doc_scale xscale, yscale;
    /* Axis limits; NaN = from the data. */
    double xmin, xmax, ymin, ymax;
} pm_doc_plot_spec;

/** Fill spec with no labels, linear axes and NaN limits. */
PM_API void pm_doc_plot_spec_default(pm_doc_plot_spec *spec);

PM_API pm_doc_plot *pm_doc_plot_new(pm_doc *d, const pm_doc_plot_spec *spec, pm_error *err);

typedef enum pm_doc_mark {
    PM_MARK_LINE = 0,    /* polyline through the points in order */
    PM_MARK_DASHED = 1,  /* dashed polyline */
    PM_MARK_POINTS = 2,  /* circles */
    PM_MARK_SQUARES = 3, /* squares */
    PM_MARK_LINE_POINTS = 4,
    PM_MARK_BARS = 5 /* histogram bars: x are left edges, x2 right edges */
} pm_doc_mark;

typedef struct pm_doc_series {
    const char *name; /* legend entry */
    pm_doc_mark mark;
    int color; /* index into the report's palette (0..7), cycled */
    const double *x, *y;
    const double *x2;          /* right edges for PM_MARK_BARS, else NULL */
    const double *ylo, *yhi;   /* error bars, or NULL */
    const char *const *labels; /* per-point tooltip text, or NULL */
    size_t count;
} pm_doc_series;

/** Add a series to a plot (copied). */
PM_API pm_status pm_doc_plot_series(pm_doc_plot *p, const pm_doc_series *s, pm_error *err);

/** A reference line y = a·x^b drawn across the plot (on log–log axes a
 *  straight line of slope b), dashed grey, with its legend name. */
PM_API pm_status pm_doc_plot_power_line(pm_doc_plot *p, const char *name, double a, double b,
                                        pm_error *err);

/** A horizontal or vertical reference line (vertical when vertical != 0). */
PM_API pm_status pm_doc_plot_rule(pm_doc_plot *p, const char *name, double at, int vertical,
                                  pm_error *err);

/** Render the whole document as one self-contained HTML file. */
PM_API pm_status pm_doc_write_html(const pm_doc *d, FILE *fp, pm_error *err);

/** The same page through a pm_writer (prefmon/writer.h): byte for byte
 *  what pm_doc_write_html writes. */
PM_API pm_status pm_doc_write_html_to(const pm_doc *d, const pm_writer *w, pm_error *err);

PM_END_DECLS

#endif
