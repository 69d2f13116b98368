/* TEMPORARY stub until the report branch lands. */
#include "cli.h"
#include "cli_reproduce.h"
int repro_write_html(const repro_run *r, const char *path)
{
    (void)r;
    cli_error("%s: HTML not yet", path);
    return CLI_EINTERNAL;
}
