/* prefmon reproduce: the paper's three findings on preference datasets. The
 * library computes every number, verdict and the page; this file parses the
 * options, calls it and prints (tables: cli_reproduce_tables.c). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli.h"
#include "cli_reproduce.h"
#include "prefmon/outfile.h"
#include "prefmon/pages.h"

static const char help[] =
    "usage: prefmon reproduce [--dataset NAME=FILE[,NAME=FILE..]] [--calibrate LIST|none]\n"
    "                         [--seed N] [--bins B] [--grid off|coarse|full] [--gap-n-max N]\n"
    "                         [--settings LIST]\n"
    "                         [--target E] [--out REPORT.html] [--table NAME]\n"
    "                         [--tables-out DIR] [--format table|csv|json]\n\n"
    "Regenerates the findings of arXiv 2502.06387 (Figures 1-3) on preference datasets\n"
    "(JSONL rows with chosen and rejected scores, as 'prefmon bound --pref-scores' reads\n"
    "them), plus a log-log panel of the gap with fitted slopes and the items needed for a\n"
    "target error sum against cbar. Each dataset is split (seeded shuffle, first half\n"
    "'eval'), randomly oriented and, for PKU and Skywork by default (as the authors did),\n"
    "calibrated by 30-bin histogram binning fitted on the other half; every figure uses\n"
    "the eval half. doc/reproduce.md says what each number is.\n\n"
    "options:\n"
    "  --dataset LIST            NAME=FILE pairs (default Ultra=data/ultrafeedback-sample.jsonl)\n"
    "  --calibrate LIST|none     dataset names to calibrate (default: those named PKU* or\n"
    "                            Skywork*, case-insensitive)\n"
    "  --seed N                  split and orientation seed (default 42; prefmon's generator,\n"
    "                            so the split is not the authors' numpy one)\n"
    "  --bins B                  calibration bins (default 30)\n"
    "  --grid off|coarse|full    the authors' grid search for Figure 3: off; coarse (default)\n"
    "                            at n = 1, 51, 101, ..; full at every n of the gap grid\n"
    "  --gap-n-max N             Figure 3 n grid 1, 11, .., N (default 201, the authors')\n"
    "  --settings LIST           Figure 3 settings: main, delta0, mu-low, G-tilde (default\n"
    "                            all; the log-log panel needs main)\n"
    "  --target E                error sum for the sample-size panel (default 0.1)\n"
    "  --out FILE                write the HTML report (one self-contained file)\n"
    "  --table NAME              print this table on stdout instead of the verdicts\n"
    "  --tables-out DIR          write every table to DIR/NAME.csv (or .json with\n"
    "                            --format json)\n" CLI_FORMAT_HELP
    "  --help                    this help\n\n"
    "Tables: datasets, calibration, fig1-hist, fig1-bound, fig2-self, fig2-bound, fig3,\n"
    "loglog, loglog-fit, samplesize, verdicts (the default on stdout), items (every\n"
    "item in split order with its orientation; not written by --tables-out).\n";

typedef struct opts {
    const char *datasets, *calibrate, *table, *tables_out;
    const char *out; /* --out, copied here for setup */
    long seed, bins;
    pm_repro_opts ro;
} opts;

/* "main,delta0": the bit mask of Fig. 3 settings. */
static int parse_settings(const char *arg, unsigned *mask)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", arg);
    *mask = 0;
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        int i = pm_repro_setting_index(tok);
        if (i < 0) {
            cli_error("--settings: '%s' is not one of main, delta0, mu-low, G-tilde", tok);
            return CLI_EUSAGE;
        }
        *mask |= 1u << i;
    }
    if (!*mask) {
        cli_error("--settings: no setting given");
        return CLI_EUSAGE;
    }
    return 0;
}

static int opt(void *self, int code, const char *arg)
{
    opts *o = self;
    switch (code) {
    case CLI_OPT_DATASET:
        o->datasets = arg;
        return 0;
    case CLI_OPT_CALIBRATE:
        o->calibrate = arg;
        return 0;
    case CLI_OPT_SEED:
        return cli_long("--seed", arg, 0, 2147483647L, &o->seed);
    case CLI_OPT_BINS:
        return cli_long("--bins", arg, 1, PM_CALIB_MAX_BINS, &o->bins);
    case CLI_OPT_GRID: {
        static const char *const names[] = {"off", "coarse", "full", NULL};
        int i = 0, rc = cli_choice("--grid", arg, names, &i);
        o->ro.grid = (pm_repro_grid)i;
        return rc;
    }
    case CLI_OPT_GAP_N_MAX:
        return cli_long("--gap-n-max", arg, 1, 10 * (PM_REPRO_MAX_GAP_NS - 1) + 1,
                        &o->ro.gap_n_max);
    case CLI_OPT_TARGET:
        return cli_open_unit("--target", arg, &o->ro.target);
    case CLI_OPT_TABLE:
        o->table = arg;
        return 0;
    case CLI_OPT_SETTINGS:
        return parse_settings(arg, &o->ro.settings);
    case CLI_OPT_TABLES_OUT:
        o->tables_out = arg;
        return 0;
    }
    return CLI_NOT_MINE;
}

/* ---- datasets ------------------------------------------------------------ */

static int is_name(const char *s, size_t len)
{
    if (len == 0 || len > 40)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '-' || s[i] == '_' || s[i] == '.'))
            return 0;
    return 1;
}

/* Split "A=f1,B=f2" into r->ds (names copied, paths point into a copy). */
static int parse_datasets(const char *arg, repro_run *r, char **store)
{
    char *s = strdup(arg);
    if (!s)
        return CLI_EINTERNAL;
    *store = s;
    size_t cap = 1;
    for (const char *c = s; *c; c++)
        cap += *c == ',';
    r->ds = calloc(cap, sizeof *r->ds);
    if (!r->ds)
        return CLI_EINTERNAL;
    for (char *tok = strtok(s, ","); tok; tok = strtok(NULL, ",")) {
        char *eq = strchr(tok, '=');
        if (!eq || !is_name(tok, (size_t)(eq - tok)) || !eq[1]) {
            cli_error("--dataset: '%s' is not NAME=FILE (NAME of letters, digits, '-', '_', '.')",
                      tok);
            return CLI_EUSAGE;
        }
        *eq = '\0';
        for (size_t i = 0; i < r->nds; i++)
            if (strcasecmp(r->ds[i].name, tok) == 0) {
                cli_error("--dataset: the name '%s' is given twice", tok);
                return CLI_EUSAGE;
            }
        pm_repro_dataset *d = &r->ds[r->nds++];
        d->name = tok;
        d->path = eq + 1;
        d->calibrate = pm_repro_calibrated_by_default(tok);
    }
    if (r->nds == 0) {
        cli_error("--dataset: no NAME=FILE given");
        return CLI_EUSAGE;
    }
    return 0;
}

static int apply_calibrate(const char *arg, repro_run *r)
{
    for (size_t i = 0; i < r->nds; i++)
        r->ds[i].calibrate = 0;
    if (strcmp(arg, "none") == 0)
        return 0;
    char *s = strdup(arg);
    if (!s)
        return CLI_EINTERNAL;
    int rc = 0;
    for (char *tok = strtok(s, ","); tok && !rc; tok = strtok(NULL, ",")) {
        size_t i = 0;
        while (i < r->nds && strcasecmp(r->ds[i].name, tok) != 0)
            i++;
        if (i == r->nds) {
            cli_error("--calibrate: '%s' is not one of the datasets given", tok);
            rc = CLI_EUSAGE;
        } else {
            r->ds[i].calibrate = 1;
        }
    }
    free(s);
    return rc;
}

/* Read one dataset, calibrate (or not) and compute its expert numbers. */
static int load(repro_run *r, pm_repro_dataset *d)
{
    pm_error err = {0};
    /* The default dataset is read from where pm_data_path finds it (any
     * working directory); its tables keep naming it data/... as before. */
    const char *shown = d->path;
    if (r->default_dataset)
        d->path = cli_data_path("ultrafeedback-sample.jsonl");
    pm_status st = pm_repro_dataset_load(d, &r->copts, &r->opts, &err);
    d->path = shown;
    if (st == PM_EIO && r->default_dataset) {
        cli_error("%s (the default dataset is looked for in $PREFMON_DATADIR, the installed "
                  "data directory and the source tree: set PREFMON_DATADIR or pass "
                  "--dataset Ultra=PATH)",
                  err.text);
        return CLI_EIO;
    }
    return st == PM_OK ? 0 : cli_fail(NULL, st, &err);
}

/* --tables-out must name a directory (checked before computing). */
static int check_dir(const char *dir)
{
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        cli_error("--tables-out: '%s' is not a directory", dir);
        return CLI_EIO;
    }
    return 0;
}

/* ---- the command ------------------------------------------------------------- */

static void free_run(repro_run *r)
{
    for (size_t i = 0; i < r->nds; i++)
        pm_repro_dataset_free(&r->ds[i]);
    free(r->ds);
    free(r->self);
}

static int setup(repro_run *r, const opts *o, char **store)
{
    const char *def = "Ultra=data/ultrafeedback-sample.jsonl";
    r->default_dataset = o->datasets == NULL;
    int rc = parse_datasets(o->datasets ? o->datasets : def, r, store);
    if (!rc && o->calibrate)
        rc = apply_calibrate(o->calibrate, r);
    if (!rc && o->table && !repro_table_find(o->table)) {
        cli_error("--table: '%s' is not a table; see 'prefmon reproduce --help'", o->table);
        rc = CLI_EUSAGE;
    }
    if (!rc && o->tables_out)
        rc = check_dir(o->tables_out);
    pm_calib_opts_default(&r->copts);
    r->copts.seed = (uint64_t)o->seed;
    r->copts.bins = (int)o->bins;
    r->opts = o->ro;
    /* A lone table that shows no gap needs no contract solves (the verdicts
     * and the report need them all). */
    const repro_table *td = o->table ? repro_table_find(o->table) : NULL;
    if (td && !repro_table_needs_gaps(td) && !o->tables_out && !o->out)
        r->opts.gaps = r->opts.loglog = 0;
    r->gap_count = pm_repro_gap_ns(&r->opts, r->gap_ns);
    return rc;
}

static int compute(repro_run *r)
{
    for (size_t i = 0; i < r->nds; i++) {
        int rc = load(r, &r->ds[i]);
        if (rc)
            return rc;
    }
    r->self = malloc(sizeof *r->self);
    if (!r->self)
        return CLI_EINTERNAL;
    pm_error err = {0};
    pm_status st = pm_repro_self_run(&r->opts, r->self, &err);
    if (st != PM_OK)
        return cli_fail("self-consistency", st, &err);
    st = pm_repro_verdicts_run(r->self, r->ds, r->nds, &r->opts, &r->verdicts, &err);
    return st == PM_OK ? 0 : cli_fail(NULL, st, &err);
}

/* The HTML report (pm_page_paper) to path, atomically. */
static int write_html(const repro_run *r, const char *path)
{
    pm_repro_report rep = {r->ds, r->nds, r->self, &r->verdicts, r->opts, r->copts, r->command};
    pm_error err = {0};
    pm_doc *d = NULL;
    pm_outfile *of = NULL;
    pm_status st = pm_page_paper(&rep, &d, &err);
    if (st == PM_OK)
        st = pm_outfile_open(path, &of, &err);
    if (st == PM_OK) {
        st = pm_doc_write_html(d, pm_outfile_stream(of), &err);
        if (st == PM_OK)
            st = pm_outfile_commit(of, &err);
        else
            pm_outfile_abort(of);
    }
    pm_doc_free(d);
    return st == PM_OK ? 0 : cli_fail(NULL, st, &err);
}

static void command_line(repro_run *r, int argc, char **argv)
{
    size_t len = 0;
    r->command[0] = '\0';
    for (int i = 0; i < argc && len + 2 < sizeof r->command; i++) {
        int w = snprintf(r->command + len, sizeof r->command - len, "%s%s", i ? " " : "prefmon ",
                         argv[i]);
        len += w > 0 ? (size_t)w : 0;
    }
    if (len >= sizeof r->command)
        r->command[sizeof r->command - 1] = '\0';
}

int cli_reproduce(int argc, char **argv)
{
    static const struct option own[] = {{"dataset", required_argument, NULL, CLI_OPT_DATASET},
                                        {"calibrate", required_argument, NULL, CLI_OPT_CALIBRATE},
                                        {"seed", required_argument, NULL, CLI_OPT_SEED},
                                        {"bins", required_argument, NULL, CLI_OPT_BINS},
                                        {"grid", required_argument, NULL, CLI_OPT_GRID},
                                        {"gap-n-max", required_argument, NULL, CLI_OPT_GAP_N_MAX},
                                        {"target", required_argument, NULL, CLI_OPT_TARGET},
                                        {"table", required_argument, NULL, CLI_OPT_TABLE},
                                        {"tables-out", required_argument, NULL, CLI_OPT_TABLES_OUT},
                                        {"settings", required_argument, NULL, CLI_OPT_SETTINGS},
                                        {NULL, 0, NULL, 0}};
    opts o = {NULL, NULL, NULL, NULL, NULL, PM_CALIB_DEFAULT_SEED, PM_CALIB_DEFAULT_BINS, {0}};
    pm_repro_opts_default(&o.ro);
    cli_output out;
    cli_output_init(&out, 1);
    const cli_group groups[] = {{own, opt, NULL, &o}, cli_output_group(&out)};
    int rc;
    if (!cli_parse(argc, argv, help, groups, sizeof groups / sizeof *groups, &rc))
        return rc;
    o.out = out.out_path;
    repro_run r;
    memset(&r, 0, sizeof r);
    char *store = NULL;
    command_line(&r, argc, argv);
    rc = setup(&r, &o, &store);
    if (!rc)
        rc = compute(&r);
    if (!rc && out.out_path)
        rc = write_html(&r, out.out_path);
    if (!rc && o.tables_out)
        rc = repro_tables_write(&r, o.tables_out, out.fmt);
    if (!rc)
        rc = repro_table_emit(&r, repro_table_find(o.table ? o.table : "verdicts"), out.fmt);
    free_run(&r);
    free(store);
    return rc;
}
