/* Model options (--utility --cost --value --u0 --wage-min --wage-max
 * --config), shared by the contract and gap commands. */
#include <stdlib.h>

#include "cli.h"

struct cli_model {
    const char *utility, *cost, *value, *config;
    double u0, w_min, w_max;
    int have_u0, have_wmin, have_wmax;
};

cli_model *cli_model_new(void)
{
    return calloc(1, sizeof(cli_model));
}

void cli_model_free(cli_model *cm)
{
    free(cm);
}

/* Option codes 1300..1306 (see CLI_MODEL_LONGOPTS in both files). */
int cli_model_opt(cli_model *cm, int code, const char *arg)
{
    int rc = 0;
    switch (code) {
    case 1300:
        cm->utility = arg;
        break;
    case 1301:
        cm->cost = arg;
        break;
    case 1302:
        cm->value = arg;
        break;
    case 1303:
        rc = cli_double("--u0", arg, -1e300, 1e300, &cm->u0);
        cm->have_u0 = 1;
        break;
    case 1304:
        rc = cli_double("--wage-min", arg, -1e300, 1e300, &cm->w_min);
        cm->have_wmin = 1;
        break;
    case 1305:
        rc = cli_double("--wage-max", arg, -1e300, 1e300, &cm->w_max);
        cm->have_wmax = 1;
        break;
    case 1306:
        cm->config = arg;
        break;
    default:
        return -1;
    }
    return rc;
}

/* Defaults, then --config, then the explicit options; then the paper's
 * assumptions. Bad specs and bounds are usage errors (2); a config file
 * that cannot be read is an I/O error (3), a malformed one a data error. */
int cli_model_finish(cli_model *cm, pm_model *m)
{
    pm_error err = {0};
    pm_status st;
    pm_model_default(m);
    if (cm->config && (st = pm_model_read_json(cm->config, m, &err)) != PM_OK) {
        cli_error("--config: %s", err.text);
        return st == PM_EIO ? CLI_EIO : st == PM_EINVAL ? CLI_EUSAGE : CLI_EDATA;
    }
    if ((cm->utility && pm_utility_parse(cm->utility, &m->G, &err) != PM_OK) ||
        (cm->cost && pm_cost_parse(cm->cost, &m->E, &err) != PM_OK) ||
        (cm->value && pm_value_parse(cm->value, &m->mu, &err) != PM_OK)) {
        cli_error("%s", err.text);
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
        cli_error("%s", err.text);
        return CLI_EUSAGE;
    }
    return 0;
}

void cli_model_columns(out_table *t)
{
    out_col(t, "utility");
    out_col(t, "cost");
    out_col(t, "value");
    out_col(t, "u0");
    out_col(t, "wage_min");
    out_col(t, "wage_max");
}

void cli_model_cells(out_table *t, const pm_model *m)
{
    char buf[512];
    out_str(t, pm_utility_format(&m->G, buf, sizeof buf));
    out_str(t, pm_cost_format(&m->E, buf, sizeof buf));
    out_str(t, pm_value_format(&m->mu, buf, sizeof buf));
    out_num(t, m->u0);
    out_num(t, m->w_min);
    out_num(t, m->w_max);
}
