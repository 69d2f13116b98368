/*
** Preference probabilities: plain text (one per line) or JSONL preference
** rows with chosen/rejected scores, p = sigmoid(chosen - rejected).
*/
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "prefmon/prefs.h"

#include "core/file.h"
#include "core/lines.h"

/* A line longer than this is an error, not an allocation: pmx_lines never
 * holds more than this many bytes of one line. */
#define PREFS_MAX_LINE ((size_t)64 << 20)

struct pm_prefs {
    double *v;
    double *raw; /* the same values before folding (for calibration) */
    size_t n, cap;
    size_t json_rows;
};

pm_prefs *pm_prefs_new(pm_error *err)
{
    pm_prefs *pr = calloc(1, sizeof(pm_prefs));
    if (!pr)
        pm_error_set(err, PM_ENOMEM, "out of memory");
    return pr;
}

void pm_prefs_free(pm_prefs *pr)
{
    if (!pr)
        return;
    free(pr->v);
    free(pr->raw);
    free(pr);
}

size_t pm_prefs_count(const pm_prefs *pr)
{
    return pr->n;
}

const double *pm_prefs_values(const pm_prefs *pr)
{
    return pr->v;
}

const double *pm_prefs_raw_values(const pm_prefs *pr)
{
    return pr->raw;
}

size_t pm_prefs_json_rows(const pm_prefs *pr)
{
    return pr->json_rows;
}

double pm_sigmoid(double x)
{
    /* Branch on the sign so that exp never overflows. */
    if (x >= 0)
        return 1 / (1 + exp(-x));
    double e = exp(x);
    return e / (1 + e);
}

pm_status pm_prefs_add(pm_prefs *pr, double p, pm_error *err)
{
    if (!(p >= 0 && p <= 1))
        return pm_error_set(err, PM_EINVAL, "probability %.17g is outside [0, 1]", p);
    if (pr->n == pr->cap) {
        size_t cap = pr->cap ? 2 * pr->cap : 1024;
        double *v = cap <= SIZE_MAX / sizeof *v ? realloc(pr->v, cap * sizeof *v) : NULL;
        if (v)
            pr->v = v;
        double *raw = v ? realloc(pr->raw, cap * sizeof *raw) : NULL;
        if (!raw)
            return pm_error_set(err, PM_ENOMEM, "out of memory for %zu probabilities", cap);
        pr->raw = raw;
        pr->cap = cap;
    }
    pr->raw[pr->n] = p;
    pr->v[pr->n++] = p >= 0.5 ? p : 1 - p;
    return PM_OK;
}

/* Find a number-valued key among the aliases, in obj or obj.metadata. */
static int get_score(json_t *row, const char *const *names, double *out, const char **found)
{
    json_t *objs[2] = {row, json_object_get(row, "metadata")};
    for (int o = 0; o < 2; o++) {
        if (!json_is_object(objs[o]))
            continue;
        for (int i = 0; names[i]; i++) {
            json_t *v = json_object_get(objs[o], names[i]);
            if (v) {
                *found = names[i];
                if (!json_is_number(v))
                    return -1;
                *out = json_number_value(v);
                return 1;
            }
        }
    }
    return 0;
}

/* Where a line's text is reported: the input's name, the line number and
 * the column of the text's first byte (after a BOM and leading blanks). */
typedef struct line_pos {
    const char *name;
    long line, col0;
} line_pos;

static pm_status parse_json_line(const char *line, size_t len, const line_pos *at, double *p,
                                 pm_error *err)
{
    static const char *const chosen[] = {"chosen_score", "score_chosen", NULL};
    static const char *const rejected[] = {"rejected_score", "score_rejected", NULL};
    json_error_t jerr;
    /* Duplicate keys are refused, as for --config: which of two scores
     * counts would otherwise be the parser's accident. */
    json_t *row = json_loadb(line, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);
    if (!row)
        return pm_error_at(err, PM_EPARSE, at->name, at->line,
                           jerr.column > 0 ? at->col0 + jerr.column - 1 : 0, "invalid JSON: %s",
                           jerr.text);
    pm_status st = PM_OK;
    double sc[2];
    const char *const *names[2] = {chosen, rejected};
    for (int i = 0; i < 2 && st == PM_OK; i++) {
        const char *key = names[i][0];
        int r = get_score(row, names[i], &sc[i], &key);
        if (r == 0)
            st = pm_error_at(err, PM_EPARSE, at->name, at->line, 0,
                             "field '%s': missing (looked for %s/%s at the top level and in "
                             "\"metadata\")",
                             key, names[i][0], names[i][1]);
        else if (r < 0 || !isfinite(sc[i]))
            st = pm_error_at(err, PM_EPARSE, at->name, at->line, 0,
                             "field '%s': not a finite number", key);
    }
    json_decref(row);
    if (st == PM_OK)
        *p = pm_sigmoid(sc[0] - sc[1]);
    return st;
}

static pm_status parse_text_line(const char *s, const line_pos *at, double *p, pm_error *err)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    /* No number at all ("\r ", "abc"): check before skipping trailing
     * blanks, or an empty field would read as 0. */
    int none = end == s;
    while (*end == ' ' || *end == '\t' || *end == '\r')
        end++;
    /* ERANGE on underflow (1e-320) still gives a valid tiny probability;
     * on overflow (1e999) v is HUGE_VAL and fails the range check below. */
    if (none || *end != '\0')
        return pm_error_at(err, PM_EPARSE, at->name, at->line, 0,
                           "probability: '%.60s' is not a number", s);
    if (!(v >= 0 && v <= 1))
        return pm_error_at(err, PM_EPARSE, at->name, at->line, 0,
                           "probability: %.17g is outside [0, 1]", v);
    *p = v;
    return PM_OK;
}

/* One line: skipped (blank, comment), or one value added. */
static pm_status read_line(pm_prefs *pr, char *line, size_t len, const line_pos *lp, pm_error *err)
{
    while (len > 0 && line[len - 1] == '\r')
        line[--len] = '\0';
    char *s = line;
    /* Skip a UTF-8 byte order mark on the first line. */
    if (lp->line == 1 && len >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
        (unsigned char)s[2] == 0xBF)
        s += 3;
    /* A line of blanks (a stray CR included) is blank, not a value. */
    while (*s == ' ' || *s == '\t' || *s == '\r')
        s++;
    if (*s == '\0' || *s == '#')
        return PM_OK;
    line_pos at = {lp->name, lp->line, (long)(s - line) + 1};
    double p = 0;
    pm_status st;
    if (*s == '{') {
        st = parse_json_line(s, len - (size_t)(s - line), &at, &p, err);
        if (st == PM_OK)
            pr->json_rows++;
    } else {
        st = parse_text_line(s, &at, &p, err);
    }
    return st == PM_OK ? pm_prefs_add(pr, p, err) : st;
}

pm_status pm_prefs_read_stream(pm_prefs *pr, FILE *fp, const char *name, pm_error *err)
{
    size_t start = pr->n, start_json = pr->json_rows;
    pmx_lines lr;
    pmx_lines_init(&lr, fp, name, PREFS_MAX_LINE);
    pm_status st;
    for (;;) {
        const char *line;
        size_t len;
        st = pmx_lines_next(&lr, &line, &len, err);
        if (st != PM_OK || !line)
            break;
        line_pos lp = {name, lr.lineno, 1};
        st = read_line(pr, lr.buf, len, &lp, err);
        if (st != PM_OK)
            break;
    }
    pmx_lines_free(&lr);
    if (st == PM_OK && pr->n == start)
        st = pm_error_at(err, PM_EPARSE, name, 0, 0, "no preference probabilities found");
    if (st != PM_OK) { /* all or nothing */
        pr->n = start;
        pr->json_rows = start_json;
    }
    return st;
}

pm_status pm_prefs_read_file(pm_prefs *pr, const char *path, pm_error *err)
{
    FILE *fp = pmx_open_input(path, err);
    if (!fp)
        return PM_EIO;
    pm_status st = pm_prefs_read_stream(pr, fp, path, err);
    fclose(fp);
    return st;
}
