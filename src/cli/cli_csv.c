/* Small delimited-file reader for the CLI's side files (plan's key lists and
 * gold keys, pay's MTurk assignment map, annotator-name lists): RFC 4180
 * records (quotes, doubled quotes, line breaks inside quotes) or whole lines,
 * bounded memory (a record over the limit is an error at its position, so a
 * file without line ends costs at most the limit), "file:line:col" errors.
 * The label logs themselves are read by the library (prefmon/records.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli_csv.h"

pm_status cli_csv_open(cli_csv *c, const char *path, char sep, int quoting, pm_error *err)
{
    memset(c, 0, sizeof *c);
    c->name = path;
    c->sep = sep;
    c->quoting = quoting;
    c->max = CLI_CSV_MAX;
    c->line = 1;
    c->fp = fopen(path, "rb");
    if (!c->fp)
        return pm_error_set(err, PM_EIO, "%s: %s", path, strerror(errno));
    /* A UTF-8 byte order mark is not part of the first key. */
    int b0 = getc(c->fp);
    if (b0 == 0xEF) {
        int b1 = getc(c->fp), b2 = getc(c->fp);
        if (b1 == 0xBB && b2 == 0xBF)
            return PM_OK;
        rewind(c->fp);
    } else if (b0 != EOF) {
        ungetc(b0, c->fp);
    }
    return PM_OK;
}

void cli_csv_close(cli_csv *c)
{
    if (c->fp)
        fclose(c->fp);
    free(c->buf);
    free(c->start);
    memset(c, 0, sizeof *c);
}

/* Append one byte to the current field; PM_ELIMIT past the record limit
 * (max bytes of data; the buffer never holds more than max + 1 + fields). */
static pm_status put(cli_csv *c, int ch, pm_error *err)
{
    /* Field ends (NUL) do not count: each replaces a separator or line end. */
    if (ch != '\0' && c->len >= c->max)
        return pm_error_at(err, PM_ELIMIT, c->name, c->line, c->col, "record longer than %zu bytes",
                           c->max);
    if (c->len + 1 >= c->cap) {
        size_t nc = c->cap ? 2 * c->cap : 256;
        char *nb = realloc(c->buf, nc);
        if (!nb)
            return pm_error_set(err, PM_ENOMEM, "out of memory");
        c->buf = nb;
        c->cap = nc;
    }
    c->buf[c->len++] = (char)ch;
    return PM_OK;
}

/* End the current field (NUL-terminated in buf, its offset in start). */
static pm_status end_field(cli_csv *c, pm_error *err)
{
    pm_status st = put(c, '\0', err);
    if (st != PM_OK)
        return st;
    if (c->nf == c->capf) {
        size_t nc = c->capf ? 2 * c->capf : 16;
        size_t *ns = realloc(c->start, nc * sizeof *ns);
        if (!ns)
            return pm_error_set(err, PM_ENOMEM, "out of memory");
        c->start = ns;
        c->capf = nc;
    }
    c->start[c->nf++] = c->field_start;
    c->field_start = c->len;
    return PM_OK;
}

/* The next byte, counting lines and columns; a CR before LF is dropped. */
static int next_byte(cli_csv *c)
{
    int ch = getc(c->fp);
    if (ch == '\r') {
        int n = getc(c->fp);
        if (n == '\n')
            ch = '\n';
        else if (n != EOF)
            ungetc(n, c->fp);
    }
    if (ch == '\n') {
        c->line++;
        c->col = 0;
    } else if (ch != EOF) {
        c->col++;
    }
    return ch;
}

/* A quoted field, the opening quote consumed: up to the closing quote. */
static pm_status quoted(cli_csv *c, pm_error *err)
{
    long qline = c->line, qcol = c->col;
    for (;;) {
        int ch = next_byte(c);
        if (ch == EOF)
            return pm_error_at(err, PM_EPARSE, c->name, qline, qcol,
                               "quoted field not closed before the end of the file");
        if (ch == '"') {
            int n = getc(c->fp);
            if (n != '"') {
                if (n != EOF)
                    ungetc(n, c->fp);
                return PM_OK;
            }
            c->col++;
        }
        if (ch == '\0')
            return pm_error_at(err, PM_EPARSE, c->name, c->line, c->col, "NUL byte");
        pm_status st = put(c, ch, err);
        if (st != PM_OK)
            return st;
    }
}

/* One record; *got = 0 at the end of the file. Blank lines are skipped. */
pm_status cli_csv_next(cli_csv *c, int *got, pm_error *err)
{
    *got = 0;
    c->len = c->nf = c->field_start = 0;
    int ch, after_quote = 0;
    pm_status st = PM_OK;
    while ((ch = next_byte(c)) == '\n')
        ; /* blank lines */
    if (ch == EOF)
        return ferror(c->fp) ? pm_error_set(err, PM_EIO, "%s: read error", c->name) : PM_OK;
    c->rec_line = c->line;
    for (; st == PM_OK; ch = next_byte(c)) {
        if (ch == EOF || ch == '\n' || (c->sep && ch == c->sep)) {
            st = end_field(c, err);
            after_quote = 0;
            if (ch == EOF || ch == '\n')
                break;
            continue;
        }
        if (after_quote)
            return pm_error_at(err, PM_EPARSE, c->name, c->line, c->col,
                               "'%c' after a closing quote (double a quote inside a quoted field)",
                               ch);
        if (ch == '\0')
            return pm_error_at(err, PM_EPARSE, c->name, c->line, c->col, "NUL byte");
        if (c->quoting && ch == '"' && c->len == c->field_start) {
            st = quoted(c, err);
            after_quote = 1;
            continue;
        }
        if (c->quoting && ch == '"')
            return pm_error_at(err, PM_EPARSE, c->name, c->line, c->col,
                               "quote inside an unquoted field (quote the whole field)");
        st = put(c, ch, err);
    }
    if (st != PM_OK)
        return st;
    if (ferror(c->fp))
        return pm_error_set(err, PM_EIO, "%s: read error", c->name);
    *got = 1;
    return PM_OK;
}

const char *cli_csv_field(const cli_csv *c, size_t i)
{
    return i < c->nf ? c->buf + c->start[i] : NULL;
}

/* The column named `name` (ASCII case-insensitive) in the current record. */
long cli_csv_column(const cli_csv *c, const char *name)
{
    for (size_t i = 0; i < c->nf; i++)
        if (!strcasecmp(cli_csv_field(c, i), name))
            return (long)i;
    return -1;
}

/* Reopen c on its file in another dialect, at the start. */
static pm_status reopen(cli_csv *c, char sep, int quoting, pm_error *err)
{
    const char *path = c->name;
    cli_csv_close(c);
    return cli_csv_open(c, path, sep, quoting, err);
}

pm_status cli_keys_open(cli_csv *c, const char *path, int first_field, long *col, pm_error *err)
{
    int got = 0;
    *col = 0;
    pm_status st = cli_csv_open(c, path, 0, 0, err);
    /* The file is read again once its dialect is known: not from a pipe. */
    if (st == PM_OK && fseek(c->fp, 0, SEEK_CUR) != 0)
        st = pm_error_set(err, PM_EIO, "%s: cannot be read twice (a pipe?): give a file", path);
    if (st == PM_OK)
        st = cli_csv_next(c, &got, err);
    if (st != PM_OK || !got)
        return st;
    int tab = strchr(cli_csv_field(c, 0), '\t') != NULL;
    char sep = tab ? '\t' : ',';
    pm_error ignored = {0};
    /* A header names the key column "item"; a first line that is no such
     * header is data (and a parse error in it is reported on the re-read). */
    if (reopen(c, sep, !tab, err) != PM_OK)
        return PM_EIO;
    if (cli_csv_next(c, &got, &ignored) == PM_OK && got && (*col = cli_csv_column(c, "item")) >= 0)
        return PM_OK;
    *col = 0;
    return first_field ? reopen(c, sep, !tab, err) : reopen(c, 0, 0, err);
}

size_t cli_csv_nfields(const cli_csv *c)
{
    return c->nf;
}
