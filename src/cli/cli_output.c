/* Output group: --format and --out; writing a table to stdout. */
#include <errno.h>
#include <string.h>

#include "cli.h"

void cli_output_init(cli_output *o, int with_out)
{
    memset(o, 0, sizeof *o);
    o->fmt = OUT_TABLE;
    o->with_out = with_out;
}

static int output_opt(void *self, int code, const char *arg)
{
    cli_output *o = self;
    switch (code) {
    case CLI_OPT_FORMAT: {
        static const char *const names[] = {"table", "csv", "json", NULL}; /* out_format */
        int i = 0;
        int rc = cli_choice("--format", arg, names, &i);
        o->fmt = (out_format)i;
        return rc;
    }
    case CLI_OPT_OUT:
        /* Refused here, before anything is computed or printed. */
        if (!*arg) {
            cli_error("--out: empty path");
            return CLI_EUSAGE;
        }
        o->out_path = arg;
        return 0;
    case CLI_OPT_WIDE:
        o->wide = 1;
        out_set_display(o->wide, o->columns);
        return 0;
    case CLI_OPT_COLUMNS:
        /* Checked against each table when it is written (cli_emit). */
        if (!*arg || arg[strlen(arg) - 1] == ',' || strstr(arg, ",,") || *arg == ',') {
            cli_error("--columns: expected a comma-separated list of column names, got '%s'", arg);
            return CLI_EUSAGE;
        }
        o->columns = arg;
        out_set_display(o->wide, o->columns);
        return 0;
    }
    return CLI_NOT_MINE;
}

cli_group cli_output_group(cli_output *o)
{
    static const struct option format_only[] = {
        {"format", required_argument, NULL, CLI_OPT_FORMAT},
        {"wide", no_argument, NULL, CLI_OPT_WIDE},
        {"columns", required_argument, NULL, CLI_OPT_COLUMNS},
        {NULL, 0, NULL, 0}};
    static const struct option with_out[] = {{"format", required_argument, NULL, CLI_OPT_FORMAT},
                                             {"out", required_argument, NULL, CLI_OPT_OUT},
                                             {"wide", no_argument, NULL, CLI_OPT_WIDE},
                                             {"columns", required_argument, NULL, CLI_OPT_COLUMNS},
                                             {NULL, 0, NULL, 0}};
    return (cli_group){o->with_out ? with_out : format_only, output_opt, NULL, o};
}

int cli_check_columns(const out_table *t)
{
    char bad[256];
    if (out_unknown_column(t, bad, sizeof bad)) {
        cli_error("--columns: no column '%s' in this output (--format csv shows them all)", bad);
        return CLI_EUSAGE;
    }
    return CLI_OK;
}

int cli_emit(const out_table *t, out_format fmt)
{
    int rc = cli_check_columns(t);
    if (rc)
        return rc;
    if (out_write_view(t, fmt, stdout) != 0 || fflush(stdout) != 0) {
        cli_error("cannot write the output: %s", strerror(errno));
        return CLI_EIO;
    }
    return CLI_OK;
}
