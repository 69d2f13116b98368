/* Side files through the library's CSV reader (cli_csv.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli_csv.h"

pm_status cli_csv_open(cli_csv *c, const char *path, char sep, int quoting, pm_error *err)
{
    memset(c, 0, sizeof *c);
    c->name = path;
    c->fp = fopen(path, "rb");
    if (!c->fp)
        return pm_error_set(err, PM_EIO, "%s: cannot open: %s", path, strerror(errno));
    c->r = pm_csv_new(CLI_CSV_MAX, NULL);
    if (!c->r)
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    pm_status st = pm_csv_open(c->r, c->fp, path, err);
    pm_csv_dialect(c->r, sep, quoting);
    return st;
}

void cli_csv_close(cli_csv *c)
{
    if (c->fp)
        fclose(c->fp);
    pm_csv_free(c->r);
    memset(c, 0, sizeof *c);
}

pm_status cli_csv_next(cli_csv *c, int *got, pm_error *err)
{
    pm_status st = pm_csv_next(c->r, got, err);
    c->nf = st == PM_OK && *got ? pm_csv_nfields(c->r) : 0;
    c->f = c->nf ? pm_csv_fields(c->r) : NULL;
    c->rec_line = pm_csv_line(c->r);
    return st;
}

const char *cli_csv_field(const cli_csv *c, size_t i)
{
    return i < c->nf ? c->f[i].s : NULL;
}

size_t cli_csv_nfields(const cli_csv *c)
{
    return c->nf;
}

long cli_csv_column(const cli_csv *c, const char *name)
{
    for (size_t i = 0; i < c->nf; i++)
        if (!strcasecmp(c->f[i].s, name))
            return (long)i;
    return -1;
}

/* Does the first line (as buffered) name a column "item"? Header names are
 * plain words, quoted or not; a first line longer than the buffer is data. */
static int header_has_item(const unsigned char *p, size_t n, char sep)
{
    const unsigned char *nl = memchr(p, '\n', n);
    size_t len = nl ? (size_t)(nl - p) : n;
    size_t i = 0;
    while (i <= len) {
        size_t j = i;
        while (j < len && p[j] != (unsigned char)sep)
            j++;
        size_t a = i, b = j;
        while (b > a && (p[b - 1] == '\r' || p[b - 1] == ' '))
            b--;
        if (b - a >= 2 && p[a] == '"' && p[b - 1] == '"')
            a++, b--;
        if (b - a == 4 && !strncasecmp((const char *)p + a, "item", 4))
            return 1;
        i = j + 1;
    }
    return 0;
}

pm_status cli_keys_open(cli_csv *c, const char *path, int first_field, long *col, pm_error *err)
{
    *col = 0;
    pm_status st = cli_csv_open(c, path, 0, 0, err);
    if (st != PM_OK)
        return st;
    const unsigned char *p;
    size_t n = pm_csv_peek(c->r, &p);
    const unsigned char *nl = memchr(p, '\n', n);
    int tab = memchr(p, '\t', nl ? (size_t)(nl - p) : n) != NULL;
    char sep = tab ? '\t' : ',';
    if (header_has_item(p, n, sep)) {
        pm_csv_dialect(c->r, sep, !tab);
        int got = 0;
        if ((st = cli_csv_next(c, &got, err)) != PM_OK)
            return st;
        *col = cli_csv_column(c, "item");
        return PM_OK;
    }
    if (first_field)
        pm_csv_dialect(c->r, sep, !tab);
    return PM_OK;
}
