/* One plot as inline SVG: nice ticks (1-2-5 on linear axes, decades on log
 * axes), grid, marks, error bars, reference lines and a legend below the
 * plot area, all inside a viewBox so the figure scales to any width.
 * Points that cannot be drawn are counted in the caption, never pinned to
 * an edge. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/internal.h"

/* Geometry of the viewBox, in SVG user units (px at 100 %). */
#define VB_W 600.0
#define ML 78.0  /* left margin: y tick labels and the y label */
#define MR 24.0  /* right margin */
#define MT 14.0  /* top margin */
#define PH 320.0 /* plot area height */
#define PW (VB_W - ML - MR)
#define FONT 14.0
#define LEGEND_ROW 22.0
#define TICK_CHAR 8.4 /* width of a tick label character at 14 px */

/* Okabe & Ito's colour-blind-safe palette, yellow last (weak on white). */
static const char *const PALETTE[8] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                       "#E69F00", "#56B4E9", "#000000", "#B8A600"};
static const char *const REF_DASH[3] = {"7 4", "2 3", "10 3 2 3"};

size_t pmx_ticks_linear(double *lo, double *hi, int target, int extend, double *ticks, double *step)
{
    if (!isfinite(*lo) || !isfinite(*hi) || *hi < *lo || target < 1)
        return 0;
    double span = *hi - *lo;
    if (span == 0)
        span = fabs(*lo) > 0 ? fabs(*lo) : 1;
    double raw = span / target;
    double mag = pow(10, floor(log10(raw)));
    double f = raw / mag;
    double st = (f <= 1 + 1e-9 ? 1 : f <= 2 + 1e-9 ? 2 : f <= 5 + 1e-9 ? 5 : 10) * mag;
    if (extend) {
        *lo = floor(*lo / st + 1e-9) * st;
        *hi = ceil(*hi / st - 1e-9) * st;
        if (*hi == *lo)
            *hi = *lo + st;
    }
    size_t n = 0;
    for (double k = ceil(*lo / st - 1e-9); k * st <= *hi + st * 1e-9 && n < PMX_MAX_TICKS; k++) {
        double v = k * st;
        ticks[n++] = v == 0 ? 0 : v; /* no -0 */
    }
    if (step)
        *step = st;
    return n;
}

size_t pmx_ticks_log10(double *lo, double *hi, int extend, double *ticks)
{
    if (!(*lo > 0) || !isfinite(*hi) || *hi < *lo)
        return 0;
    double klo = floor(log10(*lo) + 1e-9), khi = ceil(log10(*hi) - 1e-9);
    if (khi == klo)
        khi = klo + 1;
    /* Widen to whole decades unless that leaves the doubles (10^-324 is 0,
     * 10^309 infinite: a subnormal or a huge value keeps its own limit). */
    if (extend && pow(10, klo) > 0)
        *lo = pow(10, klo);
    if (extend && isfinite(pow(10, khi)))
        *hi = pow(10, khi);
    double kin0 = ceil(log10(*lo) - 1e-9), kin1 = floor(log10(*hi) + 1e-9);
    if (!isfinite(kin0) || !isfinite(kin1))
        return 0;
    double ndec = kin1 - kin0 + 1;
    size_t n = 0;
    if (ndec >= 2) {
        double m = ceil(ndec / 8); /* every m-th decade: at most 8 labels */
        for (double k = ceil(kin0 / m) * m; k <= kin1 && n < PMX_MAX_TICKS; k += m)
            ticks[n++] = pow(10, k);
        return n;
    }
    static const double mult[3] = {1, 2, 5};
    for (double k = klo; k <= khi; k++)
        for (int i = 0; i < 3 && n < PMX_MAX_TICKS; i++) {
            double v = mult[i] * pow(10, k);
            if (v >= *lo * (1 - 1e-9) && v <= *hi * (1 + 1e-9))
                ticks[n++] = v;
        }
    return n;
}

/* "10" followed by the exponent in Unicode superscript digits. */
static void pow10_label(char *buf, size_t size, int k)
{
    static const char *const sup[10] = {"\u2070", "\u00b9", "\u00b2", "\u00b3", "\u2074",
                                        "\u2075", "\u2076", "\u2077", "\u2078", "\u2079"};
    char digits[16];
    snprintf(digits, sizeof digits, "%d", k < 0 ? -k : k);
    size_t used = (size_t)snprintf(buf, size, "10%s", k < 0 ? "\u207b" : "");
    for (const char *d = digits; *d && used < size; d++)
        used += (size_t)snprintf(buf + used, size - used, "%s", sup[*d - '0']);
}

void pmx_tick_label(char *buf, size_t size, double v, double step, pm_doc_scale scale)
{
    if (scale == PM_SCALE_LOG10) {
        double k = log10(v);
        if (fabs(k - round(k)) < 1e-9 && (k < -3.5 || k > 4.5))
            pow10_label(buf, size, (int)round(k));
        else
            snprintf(buf, size, "%g", v);
        return;
    }
    double a = fabs(v);
    if (a != 0 && (a >= 1e6 || a < 1e-4)) {
        snprintf(buf, size, "%g", v);
        return;
    }
    int dec = step > 0 && step < 1 ? (int)ceil(-log10(step) - 1e-9) : 0;
    snprintf(buf, size, "%.*f", dec, v == 0 ? 0.0 : v);
}

/* ---- axes ------------------------------------------------------------------ */

typedef struct axis {
    pm_doc_scale scale;
    double lo, hi; /* in data units */
    double ticks[PMX_MAX_TICKS];
    size_t nticks;
    double step;
} axis;

static int usable(double v, pm_doc_scale sc)
{
    return isfinite(v) && (sc != PM_SCALE_LOG10 || v > 0);
}

static void widen(double v, pm_doc_scale sc, double *lo, double *hi)
{
    if (!usable(v, sc))
        return;
    if (v < *lo)
        *lo = v;
    if (v > *hi)
        *hi = v;
}

/* The data range along x (want_y = 0) or y, over everything drawable. */
static void data_range(const pm_doc_plot *p, int want_y, pm_doc_scale sc, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t i = 0; i < p->nseries; i++) {
        const pmx_series *s = &p->series[i];
        for (size_t j = 0; j < s->count; j++) {
            if (!want_y) {
                widen(s->x[j], sc, lo, hi);
                if (s->x2)
                    widen(s->x2[j], sc, lo, hi);
                continue;
            }
            widen(s->y[j], sc, lo, hi);
            if (s->ylo) {
                widen(s->ylo[j], sc, lo, hi);
                widen(s->yhi[j], sc, lo, hi);
            }
            if (s->mark == PM_MARK_BARS && sc == PM_SCALE_LINEAR)
                widen(0, sc, lo, hi);
        }
    }
    for (size_t i = 0; i < p->nrefs; i++)
        if (p->refs[i].kind == (want_y ? PMX_REF_HRULE : PMX_REF_VRULE))
            widen(p->refs[i].a, sc, lo, hi);
}

static void make_axis(const pm_doc_plot *p, int want_y, axis *ax)
{
    pm_doc_scale sc = want_y ? p->yscale : p->xscale;
    double gmin = want_y ? p->ymin : p->xmin, gmax = want_y ? p->ymax : p->xmax;
    double lo, hi;
    data_range(p, want_y, sc, &lo, &hi);
    if (!isnan(gmin))
        lo = gmin;
    if (!isnan(gmax))
        hi = gmax;
    if (!(lo <= hi)) { /* no data: a unit range */
        lo = !isnan(gmin)   ? gmin
             : !isnan(gmax) ? (sc == PM_SCALE_LOG10 ? gmax / 10 : gmax - 1)
                            : (sc == PM_SCALE_LOG10 ? 1 : 0);
        hi = !isnan(gmax) ? gmax : (sc == PM_SCALE_LOG10 ? lo * 10 : lo + 1);
    }
    if (lo == hi) {
        if (sc == PM_SCALE_LOG10) {
            lo = isnan(gmin) ? lo / 10 : lo;
            hi = isnan(gmax) ? hi * 10 : hi;
        } else {
            double d = lo == 0 ? 1 : fabs(lo) / 2;
            lo = isnan(gmin) ? lo - d : lo;
            hi = isnan(gmax) ? hi + d : hi;
        }
    }
    ax->scale = sc;
    double elo = lo, ehi = hi;
    if (sc == PM_SCALE_LOG10)
        ax->nticks = pmx_ticks_log10(&elo, &ehi, 1, ax->ticks);
    else
        ax->nticks = pmx_ticks_linear(&elo, &ehi, want_y ? 5 : 6, 1, ax->ticks, &ax->step);
    /* Given limits stay as given; data limits widen to the nice ticks. */
    ax->lo = isnan(gmin) ? elo : gmin;
    ax->hi = isnan(gmax) ? ehi : gmax;
    size_t n = 0;
    if (sc == PM_SCALE_LOG10 && ax->nticks < 2) {
        ax->nticks = 0;
    }
    for (size_t i = 0; i < ax->nticks; i++)
        if (ax->ticks[i] >= ax->lo - 1e-9 * fabs(ax->hi - ax->lo) &&
            ax->ticks[i] <= ax->hi + 1e-9 * fabs(ax->hi - ax->lo))
            ax->ticks[n++] = ax->ticks[i];
    ax->nticks = n;
    if (sc == PM_SCALE_LOG10 && n < 2) { /* less than a decade: linear ticks */
        double a = ax->lo, b = ax->hi;
        ax->nticks = pmx_ticks_linear(&a, &b, 4, 0, ax->ticks, &ax->step);
    }
}

/* Position of v along the axis as a fraction 0..1 of its length. */
static double frac(const axis *ax, double v)
{
    if (ax->scale == PM_SCALE_LOG10)
        return (log10(v) - log10(ax->lo)) / (log10(ax->hi) - log10(ax->lo));
    return (v - ax->lo) / (ax->hi - ax->lo);
}

static double sx(const axis *ax, double v)
{
    return ML + frac(ax, v) * PW;
}

static double sy(const axis *ay, double v)
{
    return MT + (1 - frac(ay, v)) * PH;
}

static int inside(const axis *ax, double v)
{
    double tol = 1e-9 * (ax->hi - ax->lo);
    return v >= ax->lo - tol && v <= ax->hi + tol;
}

void pmx_svg_count_skips(const pm_doc_plot *p, const pmx_series *s, size_t *nonfinite,
                         size_t *nonpos, size_t *outside)
{
    *nonfinite = *nonpos = *outside = 0;
    for (size_t j = 0; j < s->count; j++) {
        double x = s->x[j], y = s->y[j], x2 = s->x2 ? s->x2[j] : x;
        if (!isfinite(x) || !isfinite(y) || !isfinite(x2)) {
            (*nonfinite)++;
        } else if ((p->xscale == PM_SCALE_LOG10 && (x <= 0 || x2 <= 0)) ||
                   (p->yscale == PM_SCALE_LOG10 && y <= 0)) {
            (*nonpos)++;
        } else if ((!isnan(p->xmin) && x < p->xmin) || (!isnan(p->xmax) && x2 > p->xmax) ||
                   (!isnan(p->ymin) && y < p->ymin) || (!isnan(p->ymax) && y > p->ymax)) {
            (*outside)++;
        }
    }
}

/* ---- drawing ---------------------------------------------------------------- */

static void num(FILE *fp, double v)
{
    char b[48];
    pmx_fmt_coord(b, sizeof b, v);
    fputs(b, fp);
}

static void draw_axes(FILE *fp, const pm_doc_plot *p, const axis *ax, const axis *ay)
{
    char lab[64];
    fputs("<g class=\"axes\">", fp);
    fprintf(fp, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" class=\"frame\"/>", ML,
            MT, PW, PH);
    for (size_t i = 0; i < ax->nticks; i++) {
        double x = sx(ax, ax->ticks[i]);
        fputs("<line class=\"grid\" x1=\"", fp);
        num(fp, x);
        fprintf(fp, "\" x2=\"");
        num(fp, x);
        fprintf(fp, "\" y1=\"%.2f\" y2=\"%.2f\"/>", MT, MT + PH + 5);
        pmx_tick_label(lab, sizeof lab, ax->ticks[i], ax->step, ax->scale);
        /* A label wider than the margin beside it ends at the edge. */
        double half = 0.5 * TICK_CHAR * (double)strlen(lab);
        const char *anchor = x + half > VB_W - 2 ? "end" : "middle";
        fprintf(fp, "<text class=\"tick\" text-anchor=\"%s\" x=\"", anchor);
        num(fp, *anchor == 'e' ? VB_W - 2 : x);
        fprintf(fp, "\" y=\"%.2f\">", MT + PH + 5 + FONT + 2);
        pmx_html_text(fp, lab);
        fputs("</text>", fp);
    }
    for (size_t i = 0; i < ay->nticks; i++) {
        double y = sy(ay, ay->ticks[i]);
        fprintf(fp, "<line class=\"grid\" x1=\"%.2f\" x2=\"%.2f\" y1=\"", ML - 5, ML + PW);
        num(fp, y);
        fputs("\" y2=\"", fp);
        num(fp, y);
        fputs("\"/>", fp);
        pmx_tick_label(lab, sizeof lab, ay->ticks[i], ay->step, ay->scale);
        fprintf(fp, "<text class=\"tick\" text-anchor=\"end\" x=\"%.2f\" y=\"", ML - 8);
        num(fp, y + FONT * 0.35);
        fputs("\">", fp);
        pmx_html_text(fp, lab);
        fputs("</text>", fp);
    }
    fprintf(fp, "<text class=\"label\" text-anchor=\"middle\" x=\"%.2f\" y=\"%.2f\">", ML + PW / 2,
            MT + PH + 5 + 2 * FONT + 12);
    pmx_html_text(fp, p->xlabel);
    fprintf(fp,
            "</text><text class=\"label\" text-anchor=\"middle\" "
            "transform=\"translate(%.2f %.2f) rotate(-90)\">",
            FONT + 2, MT + PH / 2);
    pmx_html_text(fp, p->ylabel);
    fputs("</text></g>\n", fp);
}

static int drawable(const pm_doc_plot *p, const axis *ax, const axis *ay, const pmx_series *s,
                    size_t j)
{
    double x = s->x[j], y = s->y[j];
    if (!usable(x, ax->scale) || !usable(y, ay->scale) || !inside(ax, x) || !inside(ay, y))
        return 0;
    if (s->x2 && (!usable(s->x2[j], ax->scale) || !inside(ax, s->x2[j])))
        return 0;
    (void)p;
    return 1;
}

static void point_title(FILE *fp, const pmx_series *s, size_t j)
{
    if (!s->labels)
        return;
    fputs("<title>", fp);
    pmx_html_text(fp, s->labels[j]);
    fputs("</title>", fp);
}

/* The marker of a series at (x, y): circle, square or a small dot on a line. */
static void marker(FILE *fp, const pmx_series *s, size_t j, double x, double y, double r)
{
    if (s->mark == PM_MARK_SQUARES) {
        fputs("<rect class=\"mark\" x=\"", fp);
        num(fp, x - r);
        fputs("\" y=\"", fp);
        num(fp, y - r);
        fprintf(fp, "\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\">", 2 * r, 2 * r,
                PALETTE[s->color]);
        point_title(fp, s, j);
        fputs("</rect>", fp);
        return;
    }
    fputs("<circle class=\"mark\" cx=\"", fp);
    num(fp, x);
    fputs("\" cy=\"", fp);
    num(fp, y);
    fprintf(fp, "\" r=\"%.2f\" fill=\"%s\">", r, PALETTE[s->color]);
    point_title(fp, s, j);
    fputs("</circle>", fp);
}

/* Error bar at point j; returns 0 when its bounds cannot be drawn. */
static int error_bar(FILE *fp, const axis *ax, const axis *ay, const pmx_series *s, size_t j)
{
    double lo = s->ylo[j], hi = s->yhi[j];
    if (!usable(lo, ay->scale) || !usable(hi, ay->scale))
        return 0;
    lo = fmax(lo, ay->lo);
    hi = fmin(hi, ay->hi);
    double x = sx(ax, s->x[j]), y0 = sy(ay, lo), y1 = sy(ay, hi);
    fprintf(fp, "<path class=\"errbar\" stroke=\"%s\" d=\"M", PALETTE[s->color]);
    num(fp, x);
    fputc(' ', fp);
    num(fp, y0);
    fputs("V", fp);
    num(fp, y1);
    fputs("M", fp);
    num(fp, x - 4);
    fputc(' ', fp);
    num(fp, y0);
    fputs("h8M", fp);
    num(fp, x - 4);
    fputc(' ', fp);
    num(fp, y1);
    fputs("h8\"/>", fp);
    return 1;
}

/* A polyline through the drawable points, broken where a point is not. */
static void polyline(FILE *fp, const pm_doc_plot *p, const axis *ax, const axis *ay,
                     const pmx_series *s)
{
    fprintf(fp, "<path class=\"mark line%s\" stroke=\"%s\" d=\"",
            s->mark == PM_MARK_DASHED ? " dashed" : "", PALETTE[s->color]);
    int pen = 0;
    for (size_t j = 0; j < s->count; j++) {
        if (!drawable(p, ax, ay, s, j)) {
            pen = 0;
            continue;
        }
        fputc(pen ? 'L' : 'M', fp);
        num(fp, sx(ax, s->x[j]));
        fputc(' ', fp);
        num(fp, sy(ay, s->y[j]));
        pen = 1;
    }
    fputs("\"/>", fp);
}

static void bars(FILE *fp, const pm_doc_plot *p, const axis *ax, const axis *ay,
                 const pmx_series *s)
{
    double base = ay->scale == PM_SCALE_LINEAR && inside(ay, 0) ? 0 : ay->lo;
    for (size_t j = 0; j < s->count; j++) {
        if (!drawable(p, ax, ay, s, j))
            continue;
        double x0 = sx(ax, fmin(s->x[j], s->x2[j])), x1 = sx(ax, fmax(s->x[j], s->x2[j]));
        double y0 = sy(ay, base), y1 = sy(ay, s->y[j]);
        fputs("<rect class=\"mark bar\" x=\"", fp);
        num(fp, x0);
        fputs("\" y=\"", fp);
        num(fp, fmin(y0, y1));
        fputs("\" width=\"", fp);
        num(fp, x1 - x0);
        fputs("\" height=\"", fp);
        num(fp, fabs(y1 - y0));
        fprintf(fp, "\" fill=\"%s\">", PALETTE[s->color]);
        point_title(fp, s, j);
        fputs("</rect>", fp);
    }
}

/* The clipped part of a series: its line or its bars. */
static void draw_series_clipped(FILE *fp, const pm_doc_plot *p, const axis *ax, const axis *ay,
                                const pmx_series *s)
{
    if (s->mark == PM_MARK_BARS)
        bars(fp, p, ax, ay, s);
    else if (s->mark == PM_MARK_LINE || s->mark == PM_MARK_DASHED || s->mark == PM_MARK_LINE_POINTS)
        polyline(fp, p, ax, ay, s);
}

/* The unclipped part: error bars and markers, which may stand on the frame
 * (a point at the axis limit stays whole). Returns the number of error bars
 * that could not be drawn. */
static size_t draw_series_marks(FILE *fp, const pm_doc_plot *p, const axis *ax, const axis *ay,
                                const pmx_series *s)
{
    size_t errskip = 0;
    if (s->mark == PM_MARK_BARS)
        return 0;
    for (size_t j = 0; j < s->count; j++) {
        if (!drawable(p, ax, ay, s, j))
            continue;
        if (s->ylo && !error_bar(fp, ax, ay, s, j))
            errskip++;
        double x = sx(ax, s->x[j]), y = sy(ay, s->y[j]);
        if (s->mark == PM_MARK_POINTS || s->mark == PM_MARK_SQUARES)
            marker(fp, s, j, x, y, 4);
        else if (s->mark == PM_MARK_LINE_POINTS || s->labels)
            marker(fp, s, j, x, y, s->mark == PM_MARK_LINE_POINTS ? 3 : 2);
    }
    return errskip;
}

static void draw_ref(FILE *fp, const axis *ax, const axis *ay, const pmx_ref *r, size_t k)
{
    fprintf(fp, "<path class=\"ref\" stroke-dasharray=\"%s\" d=\"", REF_DASH[k % 3]);
    if (r->kind == PMX_REF_HRULE || r->kind == PMX_REF_VRULE) {
        int v = r->kind == PMX_REF_VRULE;
        const axis *a = v ? ax : ay;
        if (usable(r->a, a->scale) && inside(a, r->a)) {
            if (v)
                fprintf(fp, "M%.2f %.2fV%.2f", sx(ax, r->a), MT, MT + PH);
            else
                fprintf(fp, "M%.2f %.2fH%.2f", ML, sy(ay, r->a), ML + PW);
        }
        fputs("\"/>\n", fp);
        return;
    }
    int pen = 0;
    for (int i = 0; i <= 96; i++) {
        double t = i / 96.0, x;
        if (ax->scale == PM_SCALE_LOG10)
            x = pow(10, log10(ax->lo) + t * (log10(ax->hi) - log10(ax->lo)));
        else
            x = ax->lo + t * (ax->hi - ax->lo);
        double y = r->a * pow(x, r->b);
        if (!usable(x, ax->scale) || !usable(y, ay->scale)) {
            pen = 0;
            continue;
        }
        /* Clamp far outside values so the clip path does the cutting
         * without coordinates overflowing the SVG number range. */
        double py = fmax(-1e4, fmin(1e4, sy(ay, y)));
        fputc(pen ? 'L' : 'M', fp);
        num(fp, sx(ax, x));
        fputc(' ', fp);
        num(fp, py);
        pen = 1;
    }
    fputs("\"/>\n", fp);
}

/* ---- legend ------------------------------------------------------------------ */

typedef struct legend_item {
    const char *name;
    const pmx_series *s; /* NULL for a reference line */
    size_t ref;          /* index of the reference line */
    double x, y;         /* position, filled by legend_layout */
} legend_item;

static double text_width(const char *s)
{
    size_t n = 0;
    for (const unsigned char *c = (const unsigned char *)s; *c; c++)
        n += (*c & 0xC0) != 0x80;
    return 9.2 * (double)n; /* room for the legend's 14 px, 16 px on a phone */
}

/* Place the items in rows below the x label; returns the rows' height. */
static double legend_layout(legend_item *it, size_t n, double top)
{
    double x = ML, y = top, h = 0;
    for (size_t i = 0; i < n; i++) {
        double w = 30 + text_width(it[i].name) + 18;
        if (x > ML && x + w > VB_W - MR) {
            x = ML;
            y += LEGEND_ROW;
        }
        it[i].x = x;
        it[i].y = y;
        x += w;
        h = y - top + LEGEND_ROW;
    }
    return h;
}

static void legend_swatch(FILE *fp, const legend_item *it)
{
    double x = it->x, y = it->y + LEGEND_ROW / 2;
    if (!it->s) {
        fprintf(fp, "<path class=\"ref\" stroke-dasharray=\"%s\" d=\"M%.2f %.2fh24\"/>",
                REF_DASH[it->ref % 3], x, y);
        return;
    }
    const pmx_series *s = it->s;
    const char *c = PALETTE[s->color];
    switch (s->mark) {
    case PM_MARK_BARS:
    case PM_MARK_SQUARES:
        fprintf(fp, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%d\" height=\"%d\" fill=\"%s\"/>",
                x + (s->mark == PM_MARK_BARS ? 4 : 8), y - (s->mark == PM_MARK_BARS ? 6 : 4),
                s->mark == PM_MARK_BARS ? 16 : 8, s->mark == PM_MARK_BARS ? 12 : 8, c);
        break;
    case PM_MARK_POINTS:
        fprintf(fp, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"4\" fill=\"%s\"/>", x + 12, y, c);
        break;
    default:
        fprintf(fp, "<path class=\"line%s\" stroke=\"%s\" d=\"M%.2f %.2fh24\"/>",
                s->mark == PM_MARK_DASHED ? " dashed" : "", c, x, y);
        if (s->mark == PM_MARK_LINE_POINTS)
            fprintf(fp, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"3\" fill=\"%s\"/>", x + 12, y, c);
    }
    if (s->ylo)
        fprintf(fp, "<path class=\"errbar\" stroke=\"%s\" d=\"M%.2f %.2fv12\"/>", c, x + 12, y - 6);
}

static void draw_legend(FILE *fp, const legend_item *it, size_t n)
{
    if (n == 0)
        return;
    fputs("<g class=\"legend\">", fp);
    for (size_t i = 0; i < n; i++) {
        legend_swatch(fp, &it[i]);
        fprintf(fp, "<text x=\"%.2f\" y=\"%.2f\">", it[i].x + 30,
                it[i].y + LEGEND_ROW / 2 + FONT * 0.35);
        pmx_html_text(fp, it[i].name);
        fputs("</text>", fp);
    }
    fputs("</g>\n", fp);
}

/* ---- the figure --------------------------------------------------------------- */

/* The caption's account of what is not drawn: per series, points with
 * non-finite coordinates, <= 0 on a log axis, outside the given limits,
 * error bars that could not be drawn; reference rules outside the axes. */
static void skip_notes(FILE *fp, const pm_doc_plot *p, const axis *ax, const axis *ay,
                       const size_t *errskip)
{
    for (size_t i = 0; i < p->nseries; i++) {
        const pmx_series *s = &p->series[i];
        size_t nf, np, out;
        pmx_svg_count_skips(p, s, &nf, &np, &out);
        if (nf + np + out + errskip[i] == 0)
            continue;
        fputs("<span class=\"skips\"> Not drawn in \u201c", fp);
        pmx_html_text(fp, s->name);
        fprintf(fp, "\u201d: %zu of %zu points", nf + np + out, s->count);
        const char *sep = " (";
        if (nf)
            fprintf(fp, "%s%zu not finite", sep, nf), sep = ", ";
        if (np)
            fprintf(fp, "%s%zu \u2264 0 on a log axis", sep, np), sep = ", ";
        if (out)
            fprintf(fp, "%s%zu outside the axis limits", sep, out), sep = ", ";
        if (errskip[i])
            fprintf(fp, "%s%zu error bars not finite or \u2264 0 on a log axis", sep, errskip[i]);
        fputs(*sep == ',' ? ").</span>" : ".</span>", fp);
    }
    for (size_t k = 0; k < p->nrefs; k++) {
        const pmx_ref *r = &p->refs[k];
        if (r->kind == PMX_REF_POWER)
            continue;
        const axis *a = r->kind == PMX_REF_VRULE ? ax : ay;
        if (usable(r->a, a->scale) && inside(a, r->a))
            continue;
        fputs("<span class=\"skips\"> Not drawn: the line \u201c", fp);
        pmx_html_text(fp, r->name);
        fprintf(fp, "\u201d at %g lies outside the axis range.</span>", r->a);
    }
}

static size_t drawable_count(const pm_doc_plot *p, const axis *ax, const axis *ay)
{
    size_t n = 0;
    for (size_t i = 0; i < p->nseries; i++)
        for (size_t j = 0; j < p->series[i].count; j++)
            n += drawable(p, ax, ay, &p->series[i], j);
    return n;
}

pm_status pmx_svg_figure(FILE *fp, const pm_doc_plot *p, size_t index, pm_error *err)
{
    axis ax = {0}, ay = {0};
    make_axis(p, 0, &ax);
    make_axis(p, 1, &ay);
    size_t nleg = 0;
    for (size_t i = 0; i < p->nseries; i++)
        nleg += p->series[i].name[0] != '\0';
    for (size_t k = 0; k < p->nrefs; k++)
        nleg += p->refs[k].name[0] != '\0';
    legend_item *items = malloc((nleg ? nleg : 1) * sizeof *items);
    size_t *errskip = calloc(p->nseries ? p->nseries : 1, sizeof *errskip);
    if (!items || !errskip) {
        free(items);
        free(errskip);
        return pm_error_set(err, PM_ENOMEM, "out of memory rendering a plot");
    }
    size_t m = 0;
    for (size_t i = 0; i < p->nseries; i++)
        if (p->series[i].name[0])
            items[m++] = (legend_item){p->series[i].name, &p->series[i], 0, 0, 0};
    for (size_t k = 0; k < p->nrefs; k++)
        if (p->refs[k].name[0])
            items[m++] = (legend_item){p->refs[k].name, NULL, k, 0, 0};
    double top = MT + PH + 5 + 2 * FONT + 22;
    double height = top + legend_layout(items, nleg, top) + 6;

    fprintf(fp, "<figure class=\"fig\" id=\"fig-%zu\">\n", index);
    if (p->title[0]) {
        fputs("<h3>", fp);
        pmx_html_text(fp, p->title);
        fputs("</h3>\n", fp);
    }
    fprintf(fp,
            "<svg class=\"plot\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" "
            "role=\"img\" aria-labelledby=\"plot-title-%zu\"><title id=\"plot-title-%zu\">",
            VB_W, ceil(height), index, index);
    if (p->title[0])
        pmx_html_text(fp, p->title);
    else {
        pmx_html_text(fp, p->ylabel);
        fputs(" against ", fp);
        pmx_html_text(fp, p->xlabel);
    }
    fprintf(fp,
            "</title>\n<defs><clipPath id=\"clip-%zu\"><rect x=\"%.2f\" y=\"%.2f\" "
            "width=\"%.2f\" height=\"%.2f\"/></clipPath></defs>\n",
            index, ML, MT, PW, PH);
    draw_axes(fp, p, &ax, &ay);
    fprintf(fp, "<g clip-path=\"url(#clip-%zu)\">\n", index);
    for (size_t k = 0; k < p->nrefs; k++)
        draw_ref(fp, &ax, &ay, &p->refs[k], k);
    for (size_t i = 0; i < p->nseries; i++)
        draw_series_clipped(fp, p, &ax, &ay, &p->series[i]);
    fputs("</g>\n<g class=\"marks\">\n", fp);
    for (size_t i = 0; i < p->nseries; i++)
        errskip[i] = draw_series_marks(fp, p, &ax, &ay, &p->series[i]);
    fputs("</g>\n", fp);
    if (drawable_count(p, &ax, &ay) == 0)
        fprintf(fp,
                "<text class=\"nodata\" text-anchor=\"middle\" x=\"%.2f\" y=\"%.2f\">no data "
                "points to draw</text>\n",
                ML + PW / 2, MT + PH / 2);
    draw_legend(fp, items, nleg);
    fputs("</svg>\n<figcaption>", fp);
    pmx_html_text(fp, p->caption);
    skip_notes(fp, p, &ax, &ay, errskip);
    fputs("</figcaption>\n</figure>\n", fp);
    free(items);
    free(errskip);
    return PM_OK;
}
