/* Shared CLI plumbing: messages, strict option parsing, monitor options. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "prefmon/prefs.h"
#include "prefmon/status.h"

const char *cli_cmd = "";

static void vmsg(const char *kind, const char *fmt, va_list ap)
{
    fprintf(stderr, "prefmon%s%s: %s", *cli_cmd ? " " : "", cli_cmd, kind);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg("", fmt, ap);
    va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg("warning: ", fmt, ap);
    va_end(ap);
}

int cli_exit_for(int st)
{
    switch ((pm_status)st) {
    case PM_OK:
        return CLI_OK;
    case PM_EINVAL:
        return CLI_EUSAGE;
    case PM_EIO:
        return CLI_EIO;
    case PM_ENOMEM:
    case PM_ENOCONV:
        return CLI_EINTERNAL;
    case PM_EPARSE:
    case PM_ERANGE:
    case PM_EINFEASIBLE:
    case PM_EMODEL:
    case PM_ELIMIT:
        return CLI_EDATA;
    }
    return CLI_EINTERNAL;
}

int cli_double(const char *opt, const char *arg, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(arg, &end);
    if (end == arg || *end != '\0' || errno == ERANGE || isnan(v)) {
        cli_error("%s: '%s' is not a number", opt, arg);
        return CLI_EUSAGE;
    }
    if (!(v >= lo && v <= hi)) {
        cli_error("%s: %s is outside [%g, %g]", opt, arg, lo, hi);
        return CLI_EUSAGE;
    }
    *out = v;
    return 0;
}

static int parse_long(const char *opt, const char *arg, const char *end_ok, long lo, long hi,
                      long *out, char **endp)
{
    char *end;
    errno = 0;
    /* Accept 1e6-style whole numbers too: people write n that way. */
    long long v = strtoll(arg, &end, 10);
    if (end != arg && (*end == 'e' || *end == 'E' || *end == '.')) {
        double d = strtod(arg, &end);
        if (d != floor(d) || fabs(d) > 9e18) {
            cli_error("%s: '%s' is not a whole number", opt, arg);
            return CLI_EUSAGE;
        }
        v = (long long)d;
    }
    if (end == arg || errno == ERANGE || !strchr(end_ok, *end)) {
        cli_error("%s: '%s' is not a whole number", opt, arg);
        return CLI_EUSAGE;
    }
    if (v < lo || v > hi) {
        cli_error("%s: %lld is outside [%ld, %ld]", opt, v, lo, hi);
        return CLI_EUSAGE;
    }
    *out = (long)v;
    if (endp)
        *endp = end;
    return 0;
}

int cli_long(const char *opt, const char *arg, long lo, long hi, long *out)
{
    return parse_long(opt, arg, "", lo, hi, out, NULL);
}

int cli_long_list(const char *opt, const char *arg, long lo, long hi, long **out, size_t *count)
{
    size_t n = 0, cap = 8;
    long *v = malloc(cap * sizeof *v);
    const char *s = arg;
    if (!v)
        return CLI_EINTERNAL;
    for (;;) {
        char *end;
        long x;
        int rc = parse_long(opt, s, ",", lo, hi, &x, &end);
        if (rc) {
            free(v);
            return rc;
        }
        if (n == cap) {
            long *nv = realloc(v, 2 * cap * sizeof *v);
            if (!nv) {
                free(v);
                return CLI_EINTERNAL;
            }
            v = nv;
            cap *= 2;
        }
        v[n++] = x;
        if (*end != ',')
            break;
        s = end + 1;
    }
    *out = v;
    *count = n;
    return 0;
}

int cli_choice(const char *opt, const char *arg, const char *const *names, int *index)
{
    char list[256] = "";
    for (int i = 0; names[i]; i++) {
        if (!strcmp(arg, names[i])) {
            *index = i;
            return 0;
        }
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", names[i]);
    }
    cli_error("%s: '%s' is not one of %s", opt, arg, list);
    return CLI_EUSAGE;
}

int cli_format(const char *arg, out_format *fmt)
{
    /* Same order as out_format. */
    static const char *const names[] = {"table", "csv", "json", NULL};
    int i;
    int rc = cli_choice("--format", arg, names, &i);
    if (!rc)
        *fmt = (out_format)i;
    return rc;
}

int cli_emit(out_table *t, out_format fmt)
{
    if (out_write(t, fmt, stdout) != 0 || fflush(stdout) != 0) {
        cli_error("cannot write the output: %s", strerror(errno));
        return CLI_EIO;
    }
    return CLI_OK;
}

int cli_help(const char *help)
{
    fputs(help, stdout);
    return CLI_OK;
}

/* ---- monitor options --------------------------------------------------- */

void cli_monitor_init(cli_monitor *m, pm_convention default_convention)
{
    memset(m, 0, sizeof *m);
    m->kind = PM_MONITOR_SELF;
    m->convention = default_convention;
    m->delta = 0.02;
    m->q0 = 0.5;
}

int cli_monitor_opt(cli_monitor *m, int code, const char *arg)
{
    int rc = 0;
    switch (code) {
    case 1000: {
        static const char *const names[] = {"self", "expert", NULL}; /* pm_monitor_kind */
        int i = 0;
        m->have_monitor = 1;
        rc = cli_choice("--monitor", arg, names, &i);
        m->kind = (pm_monitor_kind)i;
        break;
    }
    case 1001:
        m->have_delta = 1;
        rc = cli_double("--delta", arg, 0, 1, &m->delta);
        break;
    case 1002:
        m->have_q0 = 1;
        rc = cli_double("--q0", arg, 0, 1, &m->q0);
        if (!rc && !(m->q0 > 0 && m->q0 < 1)) {
            cli_error("--q0: %s must be strictly between 0 and 1", arg);
            rc = CLI_EUSAGE;
        }
        break;
    case 1003: {
        static const char *const names[] = {"general", "paper", NULL}; /* pm_convention */
        int i = 0;
        m->have_convention = 1;
        rc = cli_choice("--convention", arg, names, &i);
        m->convention = (pm_convention)i;
        break;
    }
    case 1004:
        m->have_cbar = 1;
        rc = cli_double("--cbar", arg, 0, 1, &m->cbar);
        if (!rc && !(m->cbar > 0)) {
            cli_error("--cbar: %s must be > 0 (an expert with cbar <= 0 carries no signal)", arg);
            rc = CLI_EUSAGE;
        }
        break;
    case 1005:
        m->pref_path = arg;
        break;
    default:
        return 0;
    }
    return rc ? -rc : 1;
}

int cli_read_prefs(const char *path, double **vals, size_t *count)
{
    pm_prefs *pr = pm_prefs_new();
    if (!pr)
        return CLI_EINTERNAL;
    pm_error err = {0};
    pm_status st = pm_prefs_read_file(pr, path, &err);
    if (st != PM_OK) {
        cli_error("--pref-scores: %s", err.text);
        pm_prefs_free(pr);
        return st == PM_EIO ? CLI_EIO : CLI_EDATA;
    }
    *count = pm_prefs_count(pr);
    *vals = malloc(*count * sizeof **vals);
    if (!*vals) {
        pm_prefs_free(pr);
        return CLI_EINTERNAL;
    }
    memcpy(*vals, pm_prefs_values(pr), *count * sizeof **vals);
    pm_prefs_free(pr);
    return 0;
}

int cli_monitor_finish(cli_monitor *m, int need_prefs)
{
    if (m->kind == PM_MONITOR_EXPERT && m->have_q0) {
        cli_error("--q0: applies to --monitor self only (an expert's chance agreement is 1/2)");
        return CLI_EUSAGE;
    }
    if (m->kind == PM_MONITOR_EXPERT && (m->have_delta || m->have_convention)) {
        cli_error("%s: applies to --monitor self only (an expert is described by --cbar or "
                  "--pref-scores)",
                  m->have_delta ? "--delta" : "--convention");
        return CLI_EUSAGE;
    }
    if (m->kind == PM_MONITOR_SELF && m->convention == PM_CONV_PAPER && m->have_q0) {
        cli_error("--q0: the paper convention fixes q0 = 1/2; use --convention general");
        return CLI_EUSAGE;
    }
    if (m->kind == PM_MONITOR_SELF && m->have_cbar) {
        cli_error("--cbar: applies to --monitor expert only");
        return CLI_EUSAGE;
    }
    if (m->have_cbar && m->pref_path) {
        cli_error("--cbar and --pref-scores: give one of them (cbar is computed from the scores)");
        return CLI_EUSAGE;
    }
    if (need_prefs && !m->pref_path) {
        cli_error("--pref-scores FILE is required");
        return CLI_EUSAGE;
    }
    /* Self-consistency does not depend on the preference distribution:
     * refuse the file rather than read it and ignore it. */
    if (m->kind == PM_MONITOR_SELF && m->pref_path && !need_prefs) {
        cli_error("--pref-scores: applies to --monitor expert only (self-consistency does not "
                  "depend on the preferences)");
        return CLI_EUSAGE;
    }
    if (m->kind == PM_MONITOR_EXPERT && !m->have_cbar && !m->pref_path) {
        cli_error("--monitor expert needs --cbar C or --pref-scores FILE");
        return CLI_EUSAGE;
    }
    if (m->pref_path) {
        int rc = cli_read_prefs(m->pref_path, &m->prefs, &m->nprefs);
        if (rc)
            return rc;
    }
    if (m->kind == PM_MONITOR_EXPERT) {
        if (!m->have_cbar) {
            pm_cbar(m->prefs, NULL, m->nprefs, &m->cbar, NULL);
            if (!(m->cbar > 0)) {
                cli_error("--pref-scores: %s: every preference is exactly 1/2, so an expert "
                          "carries no signal (cbar = 0)",
                          m->pref_path);
                return CLI_EDATA;
            }
        }
        /* cbar is in (0, 1] here (checked when parsed or computed). */
        return pm_scheme_expert(&m->scheme, m->cbar, NULL) == PM_OK ? 0 : CLI_EUSAGE;
    }
    if (pm_scheme_self(&m->scheme, m->convention, m->delta, m->q0, NULL) != PM_OK) {
        cli_error("--delta %g with q0 = %g: a careful annotator (agreement %g) must agree "
                  "with themselves more often than chance",
                  m->delta, m->convention == PM_CONV_PAPER ? 0.5 : m->q0,
                  m->convention == PM_CONV_PAPER ? 1 - m->delta / 2 : 1 - m->delta);
        return CLI_EUSAGE;
    }
    return 0;
}

void cli_monitor_free(cli_monitor *m)
{
    free(m->prefs);
    m->prefs = NULL;
}

void cli_monitor_columns(out_table *t)
{
    out_col(t, "monitor");
    out_col(t, "convention");
    out_col(t, "delta");
    out_col(t, "q0");
    out_col(t, "cbar");
    out_col(t, "c");
}

void cli_monitor_cells(out_table *t, const cli_monitor *m)
{
    const pm_scheme *sc = &m->scheme;
    out_str(t, pm_monitor_name(sc->kind));
    if (sc->kind == PM_MONITOR_SELF) {
        out_str(t, pm_convention_name(sc->convention));
        out_num(t, sc->delta);
        out_num(t, sc->q0);
        out_null(t);
    } else {
        out_null(t);
        out_null(t);
        out_num(t, sc->q0);
        out_num(t, sc->cbar);
    }
    out_num(t, pm_scheme_c(sc));
}

int cli_parse(int argc, char **argv, const struct option *longopts, const cli_parser *p)
{
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
        int r = 0;
        if (c == '?' || c == ':') {
            cli_error(c == ':' ? "%s: missing value; see 'prefmon %s --help'"
                               : "%s: unknown option; see 'prefmon %s --help'",
                      argv[optind - 1], cli_cmd);
            return CLI_EUSAGE;
        }
        if (p->mon)
            r = cli_monitor_opt(p->mon, c, optarg);
        if (!r && p->test)
            r = cli_test_opt(p->test, c, optarg);
        if (r < 0)
            return -r;
        if (r > 0)
            continue;
        if (c == 1200) {
            if (!p->fmt)
                return CLI_EINTERNAL;
            r = cli_format(optarg, p->fmt);
            if (r)
                return r;
            continue;
        }
        if (c == 1201) {
            cli_help(p->help);
            return CLI_HELP_SHOWN;
        }
        r = p->opt ? p->opt(p->ud, c, optarg) : -1;
        if (r < 0) {
            cli_error("%s: not an option of this command", argv[optind - 1]);
            return CLI_EUSAGE;
        }
        if (r > 0)
            return r;
    }
    if (optind < argc) {
        cli_error("unexpected argument '%s'", argv[optind]);
        return CLI_EUSAGE;
    }
    return 0;
}
