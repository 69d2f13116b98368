/*
** Preference probabilities: plain text (one per line) or JSONL preference
** rows with chosen/rejected scores, p = sigmoid(chosen - rejected).
*/
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "prefmon/prefs.h"

/* A line longer than this is an error, not an allocation. */
#define PREFS_MAX_LINE ((size_t)64 << 20)

struct pm_prefs {
    double *v;
    size_t n, cap;
    size_t json_rows;
    char msg[512];
};

pm_prefs *pm_prefs_new(void)
{
    return calloc(1, sizeof(pm_prefs));
}

void pm_prefs_free(pm_prefs *pr)
{
    if (!pr)
        return;
    free(pr->v);
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

size_t pm_prefs_json_rows(const pm_prefs *pr)
{
    return pr->json_rows;
}

const char *pm_prefs_errmsg(const pm_prefs *pr)
{
    return pr->msg;
}

double pm_sigmoid(double x)
{
    /* Branch on the sign so that exp never overflows. */
    if (x >= 0)
        return 1 / (1 + exp(-x));
    double e = exp(x);
    return e / (1 + e);
}

pm_status pm_prefs_add(pm_prefs *pr, double p)
{
    if (!(p >= 0 && p <= 1))
        return PM_EINVAL;
    if (pr->n == pr->cap) {
        size_t cap = pr->cap ? 2 * pr->cap : 1024;
        double *v = realloc(pr->v, cap * sizeof *v);
        if (!v) {
            snprintf(pr->msg, sizeof pr->msg, "out of memory");
            return PM_ENOMEM;
        }
        pr->v = v;
        pr->cap = cap;
    }
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

static pm_status parse_json_line(pm_prefs *pr, const char *line, size_t len, const char *name,
                                 long lineno, double *p)
{
    static const char *const chosen[] = {"chosen_score", "score_chosen", NULL};
    static const char *const rejected[] = {"rejected_score", "score_rejected", NULL};
    json_error_t jerr;
    json_t *row = json_loadb(line, len, JSON_DECODE_ANY, &jerr);
    if (!row) {
        snprintf(pr->msg, sizeof pr->msg, "%s:%ld:%d: invalid JSON: %s", name, lineno, jerr.column,
                 jerr.text);
        return PM_EPARSE;
    }
    pm_status st = PM_OK;
    double sc[2];
    const char *const *names[2] = {chosen, rejected};
    for (int i = 0; i < 2 && st == PM_OK; i++) {
        const char *key = names[i][0];
        int r = get_score(row, names[i], &sc[i], &key);
        if (r == 0) {
            snprintf(pr->msg, sizeof pr->msg,
                     "%s:%ld: field '%s': missing (looked for %s/%s at the top level and in "
                     "\"metadata\")",
                     name, lineno, key, names[i][0], names[i][1]);
            st = PM_EPARSE;
        } else if (r < 0 || !isfinite(sc[i])) {
            snprintf(pr->msg, sizeof pr->msg, "%s:%ld: field '%s': not a finite number", name,
                     lineno, key);
            st = PM_EPARSE;
        }
    }
    json_decref(row);
    if (st == PM_OK)
        *p = pm_sigmoid(sc[0] - sc[1]);
    return st;
}

static pm_status parse_text_line(pm_prefs *pr, const char *s, const char *name, long lineno,
                                 double *p)
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
    if (none || *end != '\0') {
        snprintf(pr->msg, sizeof pr->msg, "%s:%ld: probability: '%.60s' is not a number", name,
                 lineno, s);
        return PM_EPARSE;
    }
    if (!(v >= 0 && v <= 1)) {
        snprintf(pr->msg, sizeof pr->msg, "%s:%ld: probability: %.17g is outside [0, 1]", name,
                 lineno, v);
        return PM_EPARSE;
    }
    *p = v;
    return PM_OK;
}

pm_status pm_prefs_read_stream(pm_prefs *pr, FILE *fp, const char *name)
{
    size_t start = pr->n, start_json = pr->json_rows;
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0;
    pm_status st = PM_OK;
    pr->msg[0] = '\0';
    for (;;) {
        errno = 0;
        ssize_t len = getline(&line, &cap, fp);
        if (len < 0) {
            if (ferror(fp)) {
                snprintf(pr->msg, sizeof pr->msg, "%s:%ld: read error: %s", name, lineno + 1,
                         strerror(errno));
                st = PM_EIO;
            }
            break;
        }
        lineno++;
        if ((size_t)len > PREFS_MAX_LINE) {
            snprintf(pr->msg, sizeof pr->msg, "%s:%ld: line longer than %zu bytes", name, lineno,
                     PREFS_MAX_LINE);
            st = PM_EPARSE;
            break;
        }
        if (memchr(line, '\0', (size_t)len)) {
            snprintf(pr->msg, sizeof pr->msg, "%s:%ld: NUL byte in line", name, lineno);
            st = PM_EPARSE;
            break;
        }
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        char *s = line;
        /* Skip a UTF-8 byte order mark on the first line. */
        if (lineno == 1 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
            (unsigned char)s[2] == 0xBF)
            s += 3;
        /* A line of blanks (a stray CR included) is blank, not a value. */
        while (*s == ' ' || *s == '\t' || *s == '\r')
            s++;
        if (*s == '\0' || *s == '#')
            continue;
        double p;
        if (*s == '{') {
            st = parse_json_line(pr, s, strlen(s), name, lineno, &p);
            if (st == PM_OK)
                pr->json_rows++;
        } else {
            st = parse_text_line(pr, s, name, lineno, &p);
        }
        if (st == PM_OK)
            st = pm_prefs_add(pr, p);
        if (st != PM_OK)
            break;
    }
    free(line);
    if (st == PM_OK && pr->n == start) {
        snprintf(pr->msg, sizeof pr->msg, "%s: no preference probabilities found", name);
        st = PM_EPARSE;
    }
    if (st != PM_OK) { /* all or nothing */
        pr->n = start;
        pr->json_rows = start_json;
    }
    return st;
}

pm_status pm_prefs_read_file(pm_prefs *pr, const char *path)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        snprintf(pr->msg, sizeof pr->msg, "%s: cannot open: %s", path, strerror(errno));
        return PM_EIO;
    }
    pm_status st = pm_prefs_read_stream(pr, fp, path);
    fclose(fp);
    return st;
}
