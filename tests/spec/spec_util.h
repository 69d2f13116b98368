/*
** Spec-table helpers (header-only; every function is static).
**
** A table is a TSV file in tests/spec/data written by tests/spec/gen/gen_binom.py and
*gen_monitor.py:
** '#' comment lines, then one header line naming the columns, then rows with
** exactly that many tab-separated fields. The runner names the columns it
** expects; a header that differs, a row with the wrong field count, an empty
** line or an unparsable number is a failure (reported with file:line), never
** a skipped row. Every check is counted; spec_finish() prints exactly one
** line "N passed, M failed" and returns the exit status.
**
** Tolerances (see tests/spec/README.md):
**   linear values   |got - exp| <= rtol |exp|, rtol = SPEC_RTOL (1e-12) widened
**                   only by a row's stated conditioning; exp == 0 / inf must
**                   match exactly; the token "tiny" (reference < 1e-300) only
**                   requires 0 <= got < 1e-299;
**   log values      absolute SPEC_RTOL for |exp| <= 1e3, relative SPEC_RTOL
**                   beyond (a log of -1e5 carries ~1e-11 absolute rounding
**                   from its own magnitude), plus the same conditioning term;
**   integers        exactly.
*/
#ifndef PREFMON_SPEC_UTIL_H
#define PREFMON_SPEC_UTIL_H

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SPEC_RTOL 1e-12
#define SPEC_MAX_FIELDS 64
#define SPEC_MAX_LINE 8192
/* Uncertainty of a pass probability m = q0 + eta (s - q0) as the library
 * necessarily computes it in double: four roundings of numbers <= 1. */
#define SPEC_DM (8.0 * DBL_EPSILON / 2.0)

static long spec_passed;
static long spec_failed;

typedef struct spec_table {
    char path[4096];
    const char *name;
    FILE *f;
    long lineno;
    int ncols;
    const char *const *cols;
    char line[SPEC_MAX_LINE];
    char *field[SPEC_MAX_FIELDS];
} spec_table;

static inline void spec_fail(const spec_table *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static inline void spec_fail(const spec_table *t, const char *fmt, ...)
{
    va_list ap;
    fprintf(stdout, "FAIL %s:%ld: ", t->name, t->lineno);
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
    spec_failed++;
}

static inline int spec_split(spec_table *t)
{
    int n = 0;
    char *s = t->line;
    for (;;) {
        if (n == SPEC_MAX_FIELDS)
            return -1;
        t->field[n++] = s;
        char *tab = strchr(s, '\t');
        if (!tab)
            break;
        *tab = '\0';
        s = tab + 1;
    }
    return n;
}

/* Read one physical line into t->line without its newline. 1 = line, 0 = EOF,
 * -1 = too long or no final newline (reported). */
static inline int spec_readline(spec_table *t)
{
    if (!fgets(t->line, sizeof t->line, t->f))
        return 0;
    t->lineno++;
    size_t len = strlen(t->line);
    if (len == 0 || t->line[len - 1] != '\n') {
        spec_fail(t, "line too long or missing final newline");
        return -1;
    }
    t->line[len - 1] = '\0';
    return 1;
}

/* Open dir/name and check that its header is exactly `cols`. 0 on success;
 * -1 (reported as one failure) otherwise. */
static inline int spec_open(spec_table *t, const char *dir, const char *name,
                            const char *const *cols, int ncols)
{
    memset(t, 0, sizeof *t);
    t->name = name;
    t->cols = cols;
    t->ncols = ncols;
    snprintf(t->path, sizeof t->path, "%s/%s", dir, name);
    t->f = fopen(t->path, "r");
    if (!t->f) {
        spec_fail(t, "cannot open %s: %s", t->path, strerror(errno));
        return -1;
    }
    int r;
    while ((r = spec_readline(t)) == 1 && t->line[0] == '#')
        ;
    if (r != 1) {
        if (r == 0)
            spec_fail(t, "no header line");
        fclose(t->f);
        t->f = NULL;
        return -1;
    }
    int n = spec_split(t);
    int ok = n == ncols;
    for (int i = 0; ok && i < n; i++)
        ok = strcmp(t->field[i], cols[i]) == 0;
    if (!ok) {
        spec_fail(t, "header does not match the %d columns this runner expects (first: %s)", ncols,
                  cols[0]);
        fclose(t->f);
        t->f = NULL;
        return -1;
    }
    return 0;
}

/* Next data row: 1 = row in t->field, 0 = end of table, -1 = malformed row
 * (reported; the caller continues with the next one). */
static inline int spec_next(spec_table *t)
{
    if (!t->f)
        return 0;
    int r = spec_readline(t);
    if (r == 0) {
        fclose(t->f);
        t->f = NULL;
        return 0;
    }
    if (r < 0)
        return -1;
    if (t->line[0] == '#') {
        spec_fail(t, "comment line inside the table body");
        return -1;
    }
    int n = spec_split(t);
    if (n != t->ncols) {
        spec_fail(t, "expected %d tab-separated fields, got %d", t->ncols, n);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        if (t->field[i][0] == '\0') {
            spec_fail(t, "empty field %s", t->cols[i]);
            return -1;
        }
    }
    return 1;
}

static inline int spec_col(const spec_table *t, const char *col)
{
    for (int i = 0; i < t->ncols; i++)
        if (strcmp(t->cols[i], col) == 0)
            return i;
    fprintf(stderr, "spec runner bug: no column %s in %s\n", col, t->name);
    abort();
}

static inline const char *spec_str(const spec_table *t, const char *col)
{
    return t->field[spec_col(t, col)];
}

/* Strict number parse of a column ("inf", "-inf", "nan" accepted). Returns 0
 * and reports a failure when the field is not a number. */
static inline int spec_num(spec_table *t, const char *col, double *out)
{
    const char *s = spec_str(t, col);
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0') {
        spec_fail(t, "column %s: not a number: '%s'", col, s);
        return 0;
    }
    *out = v;
    return 1;
}

static inline int spec_long(spec_table *t, const char *col, long *out)
{
    const char *s = spec_str(t, col);
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno) {
        spec_fail(t, "column %s: not an integer: '%s'", col, s);
        return 0;
    }
    *out = v;
    return 1;
}

static inline void spec_pass(void)
{
    spec_passed++;
}

/* The core comparison: exact for 0 / inf / nan, else |got-exp| <= tol. */
static inline int spec_close(double got, double exp, double tol)
{
    if (isnan(exp))
        return isnan(got);
    if (isinf(exp) || exp == 0.0)
        return got == exp;
    return fabs(got - exp) <= tol;
}

/* Linear value in column `col` (may be "tiny"); rtol >= SPEC_RTOL. */
static inline void spec_check_lin(spec_table *t, const char *col, double got, double rtol)
{
    const char *s = spec_str(t, col);
    if (strcmp(s, "tiny") == 0) {
        if (got >= 0.0 && got < 1e-299)
            spec_pass();
        else
            spec_fail(t, "%s: expected a value below 1e-300, got %.17g", col, got);
        return;
    }
    double exp;
    if (!spec_num(t, col, &exp))
        return;
    if (spec_close(got, exp, rtol * fabs(exp)))
        spec_pass();
    else
        spec_fail(t, "%s: expected %.17g, got %.17g (rel err %.3g, tol %.3g)", col, exp, got,
                  exp != 0 ? fabs(got - exp) / fabs(exp) : INFINITY, rtol);
}

/* Log value: absolute SPEC_RTOL up to |exp| = 1e3, relative beyond, plus
 * `extra` (absolute, from conditioning). */
static inline void spec_check_log(spec_table *t, const char *col, double got, double extra)
{
    double exp;
    if (!spec_num(t, col, &exp))
        return;
    double tol = (fabs(exp) <= 1e3 ? SPEC_RTOL : SPEC_RTOL * fabs(exp)) + extra;
    if (isinf(exp) ? got == exp : fabs(got - exp) <= tol)
        spec_pass();
    else
        spec_fail(t, "%s: expected %.17g, got %.17g (abs err %.3g, tol %.3g)", col, exp, got,
                  fabs(got - exp), tol);
}

/* Absolute tolerance check against a numeric column. */
static inline void spec_check_abs(spec_table *t, const char *col, double got, double atol)
{
    double exp;
    if (!spec_num(t, col, &exp))
        return;
    if (isinf(exp) || isnan(exp) ? spec_close(got, exp, 0) : fabs(got - exp) <= atol)
        spec_pass();
    else
        spec_fail(t, "%s: expected %.17g, got %.17g (abs err %.3g, tol %.3g)", col, exp, got,
                  fabs(got - exp), atol);
}

static inline void spec_check_long(spec_table *t, const char *col, long got)
{
    long exp;
    if (!spec_long(t, col, &exp))
        return;
    if (got == exp)
        spec_pass();
    else
        spec_fail(t, "%s: expected %ld, got %ld", col, exp, got);
}

/* A condition the row implies (status codes and the like). */
static inline void spec_check_true(spec_table *t, int ok, const char *what)
{
    if (ok)
        spec_pass();
    else
        spec_fail(t, "%s", what);
}

/* One line, exactly: "N passed, M failed"; the exit status. A run that
 * checked nothing is a failure too. */
static inline int spec_finish(void)
{
    if (spec_passed + spec_failed == 0) {
        printf("FAIL: no checks ran\n");
        spec_failed = 1;
    }
    printf("%ld passed, %ld failed\n", spec_passed, spec_failed);
    return spec_failed > 0 ? 1 : 0;
}

#endif
