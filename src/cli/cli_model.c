/* Model group (--utility --cost --value --u0 --wage-min --wage-max
 * --config), shared by the contract and gap commands. */
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

void cli_model_init(cli_model *cm)
{
    memset(cm, 0, sizeof *cm);
}

static int model_opt(void *self, int code, const char *arg)
{
    cli_model *cm = self;
    switch (code) {
    case CLI_OPT_UTILITY:
        cm->utility = arg;
        return 0;
    case CLI_OPT_COST:
        cm->cost = arg;
        return 0;
    case CLI_OPT_VALUE:
        cm->value = arg;
        return 0;
    case CLI_OPT_U0:
        cm->have_u0 = 1;
        return cli_double("--u0", arg, -1e300, 1e300, &cm->u0);
    case CLI_OPT_WAGE_MIN:
        cm->have_wmin = 1;
        return cli_double("--wage-min", arg, -1e300, 1e300, &cm->w_min);
    case CLI_OPT_WAGE_MAX:
        cm->have_wmax = 1;
        return cli_double("--wage-max", arg, -1e300, 1e300, &cm->w_max);
    case CLI_OPT_CONFIG:
        cm->config = arg;
        return 0;
    }
    return CLI_NOT_MINE;
}

/* --config FILE: a file that cannot be read (a directory included) is an
 * I/O error (3), like --pref-scores; a malformed one a data error. */
static int read_config(const cli_model *cm, pm_model *m)
{
    struct stat st;
    if (stat(cm->config, &st) == 0 && S_ISDIR(st.st_mode)) {
        cli_error("--config: %s: Is a directory", cm->config);
        return CLI_EIO;
    }
    pm_error err = {0};
    pm_status s = pm_model_read_json(cm->config, m, &err);
    if (s == PM_OK)
        return 0;
    cli_fail("--config", s, &err);
    return s == PM_EIO ? CLI_EIO : s == PM_EINVAL ? CLI_EUSAGE : CLI_EDATA;
}

/* Defaults, then --config, then the explicit options; then the paper's
 * assumptions. Bad specs and bounds are usage errors (2). */
static int model_finish(void *self)
{
    cli_model *cm = self;
    pm_model *m = &cm->model;
    pm_error err = {0};
    pm_status st;
    pm_model_default(m);
    if (cm->config) {
        int rc = read_config(cm, m);
        if (rc)
            return rc;
    }
    if ((cm->utility && (st = pm_utility_parse(cm->utility, &m->G, &err)) != PM_OK) ||
        (cm->cost && (st = pm_cost_parse(cm->cost, &m->E, &err)) != PM_OK) ||
        (cm->value && (st = pm_value_parse(cm->value, &m->mu, &err)) != PM_OK)) {
        cli_fail(NULL, st, &err);
        return CLI_EUSAGE;
    }
    if (cm->have_u0)
        m->u0 = cm->u0;
    if (cm->have_wmin)
        m->w_min = cm->w_min;
    if (cm->have_wmax)
        m->w_max = cm->w_max;
    if (!(m->w_min < m->w_max)) {
        cli_error("--wage-min %g must be below --wage-max %g", m->w_min, m->w_max);
        return CLI_EUSAGE;
    }
    if ((st = pm_model_check(m, &err)) != PM_OK) {
        cli_fail(NULL, st, &err);
        return CLI_EUSAGE;
    }
    return 0;
}

cli_group cli_model_group(cli_model *cm)
{
    static const struct option longopts[] = {
        {"utility", required_argument, NULL, CLI_OPT_UTILITY},
        {"cost", required_argument, NULL, CLI_OPT_COST},
        {"value", required_argument, NULL, CLI_OPT_VALUE},
        {"u0", required_argument, NULL, CLI_OPT_U0},
        {"wage-min", required_argument, NULL, CLI_OPT_WAGE_MIN},
        {"wage-max", required_argument, NULL, CLI_OPT_WAGE_MAX},
        {"config", required_argument, NULL, CLI_OPT_CONFIG},
        {NULL, 0, NULL, 0}};
    return (cli_group){longopts, model_opt, model_finish, cm};
}

void cli_model_columns(out_table *t)
{
    static const char *const cols[] = {"utility", "cost", "value", "u0", "wage_min", "wage_max"};
    for (size_t i = 0; i < sizeof cols / sizeof *cols; i++)
        out_col(t, cols[i]);
}

void cli_model_cells(out_table *t, const pm_model *m)
{
    char buf[PM_SPEC_MAX];
    out_str(t, pm_utility_format(&m->G, buf, sizeof buf));
    out_str(t, pm_cost_format(&m->E, buf, sizeof buf));
    out_str(t, pm_value_format(&m->mu, buf, sizeof buf));
    out_num(t, m->u0);
    out_num(t, m->w_min);
    out_num(t, m->w_max);
}
