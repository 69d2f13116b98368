/* Monitor group: --monitor --delta --q0 --convention --cbar --pref-scores. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "prefmon/prefs.h"

void cli_monitor_init(cli_monitor *m, pm_convention default_convention)
{
    memset(m, 0, sizeof *m);
    m->kind = PM_MONITOR_SELF;
    m->convention = default_convention;
    m->delta = 0.02;
    m->q0 = 0.5;
}

static int monitor_opt(void *self, int code, const char *arg)
{
    cli_monitor *m = self;
    int i = 0, rc;
    switch (code) {
    case CLI_OPT_MONITOR: {
        static const char *const names[] = {"self", "expert", NULL}; /* pm_monitor_kind */
        m->have_monitor = 1;
        rc = cli_choice("--monitor", arg, names, &i);
        m->kind = (pm_monitor_kind)i;
        return rc;
    }
    case CLI_OPT_DELTA:
        m->have_delta = 1;
        return cli_double("--delta", arg, 0, 1, &m->delta);
    case CLI_OPT_Q0:
        m->have_q0 = 1;
        return cli_open_unit("--q0", arg, &m->q0);
    case CLI_OPT_CONVENTION: {
        static const char *const names[] = {"general", "paper", NULL}; /* pm_convention */
        m->have_convention = 1;
        rc = cli_choice("--convention", arg, names, &i);
        m->convention = (pm_convention)i;
        return rc;
    }
    case CLI_OPT_CBAR:
        m->have_cbar = 1;
        rc = cli_double("--cbar", arg, 0, 1, &m->cbar);
        if (!rc && !(m->cbar > 0)) {
            cli_error("--cbar: %s must be > 0 (an expert with cbar <= 0 carries no signal)", arg);
            rc = CLI_EUSAGE;
        }
        return rc;
    case CLI_OPT_PREF_SCORES:
        m->pref_path = arg;
        return 0;
    }
    return CLI_NOT_MINE;
}

int cli_read_prefs(const char *path, double **vals, size_t *count)
{
    pm_prefs *pr = pm_prefs_new(NULL);
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

/* The first option that does not fit the chosen scheme, as the whole
 * message, or NULL. */
static const char *combination_error(const cli_monitor *m)
{
    int expert = m->kind == PM_MONITOR_EXPERT, self = !expert;
    if (expert && m->have_q0)
        return "--q0: applies to --monitor self only (an expert's chance agreement is 1/2)";
    if (expert && m->have_delta)
        return "--delta: applies to --monitor self only (an expert is described by --cbar or "
               "--pref-scores)";
    if (expert && m->have_convention)
        return "--convention: applies to --monitor self only (an expert is described by --cbar "
               "or --pref-scores)";
    if (self && m->convention == PM_CONV_PAPER && m->have_q0)
        return "--q0: the paper convention fixes q0 = 1/2; use --convention general";
    if (self && m->have_cbar)
        return "--cbar: applies to --monitor expert only";
    if (m->have_cbar && m->pref_path)
        return "--cbar and --pref-scores: give one of them (cbar is computed from the scores)";
    if (m->need_prefs && !m->pref_path)
        return "--pref-scores FILE is required";
    /* Self-consistency does not depend on the preference distribution:
     * refuse the file rather than read it and ignore it. */
    if (self && m->pref_path && !m->need_prefs)
        return "--pref-scores: applies to --monitor expert only (self-consistency does not "
               "depend on the preferences)";
    if (expert && !m->have_cbar && !m->pref_path)
        return "--monitor expert needs --cbar C or --pref-scores FILE";
    return NULL;
}

static int check_combination(const cli_monitor *m)
{
    const char *e = combination_error(m);
    if (!e)
        return 0;
    cli_error("%s", e);
    return CLI_EUSAGE;
}

static int monitor_finish(void *self)
{
    cli_monitor *m = self;
    int rc = check_combination(m);
    if (!rc && m->pref_path)
        rc = cli_read_prefs(m->pref_path, &m->prefs, &m->nprefs);
    if (rc)
        return rc;
    pm_error err = {0};
    pm_status st;
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
        st = pm_scheme_expert(&m->scheme, m->cbar, &err);
        return st == PM_OK ? 0 : cli_fail(NULL, st, &err);
    }
    /* The library says why it refuses (s <= q0 under either convention). */
    st = pm_scheme_self(&m->scheme, m->convention, m->delta, m->q0, &err);
    return st == PM_OK ? 0 : cli_fail(NULL, st, &err);
}

cli_group cli_monitor_group(cli_monitor *m)
{
    static const struct option longopts[] = {
        {"monitor", required_argument, NULL, CLI_OPT_MONITOR},
        {"delta", required_argument, NULL, CLI_OPT_DELTA},
        {"q0", required_argument, NULL, CLI_OPT_Q0},
        {"convention", required_argument, NULL, CLI_OPT_CONVENTION},
        {"cbar", required_argument, NULL, CLI_OPT_CBAR},
        {"pref-scores", required_argument, NULL, CLI_OPT_PREF_SCORES},
        {NULL, 0, NULL, 0}};
    return (cli_group){longopts, monitor_opt, monitor_finish, m};
}

void cli_monitor_free(cli_monitor *m)
{
    free(m->prefs);
    m->prefs = NULL;
}

void cli_monitor_columns(out_table *t)
{
    static const char *const cols[] = {"monitor", "convention", "delta", "q0", "cbar", "c"};
    for (size_t i = 0; i < sizeof cols / sizeof *cols; i++)
        out_col(t, cols[i]);
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
