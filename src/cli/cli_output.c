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
    }
    return CLI_NOT_MINE;
}

cli_group cli_output_group(cli_output *o)
{
    static const struct option format_only[] = {{"format", required_argument, NULL, CLI_OPT_FORMAT},
                                                {NULL, 0, NULL, 0}};
    static const struct option with_out[] = {{"format", required_argument, NULL, CLI_OPT_FORMAT},
                                             {"out", required_argument, NULL, CLI_OPT_OUT},
                                             {NULL, 0, NULL, 0}};
    return (cli_group){o->with_out ? with_out : format_only, output_opt, NULL, o};
}

int cli_emit(const out_table *t, out_format fmt)
{
    if (out_write(t, fmt, stdout) != 0 || fflush(stdout) != 0) {
        cli_error("cannot write the output: %s", strerror(errno));
        return CLI_EIO;
    }
    return CLI_OK;
}
