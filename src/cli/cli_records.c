/* Records group: --input-format --gold --item-field --label-field --map, and the
 * reader they configure (include/prefmon/records.h), for every command that
 * reads annotation logs. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void cli_records_init(cli_records *r)
{
    memset(r, 0, sizeof *r);
    r->opt.format = PM_RECORDS_AUTO;
}

static int records_opt(void *self, int code, const char *arg)
{
    cli_records *r = self;
    switch (code) {
    case CLI_OPT_INPUT_FORMAT: {
        static const char *const names[] = {
            "auto",  "csv",     "tsv",   "jsonl",   "gal", "mtbench", "labelstudio", "toloka",
            "mturk", "prodigy", "arena", "argilla", "wmt", NULL}; /* pm_records_format */
        int i = 0;
        int rc = cli_choice("--input-format", arg, names, &i);
        r->opt.format = (pm_records_format)i;
        return rc;
    }
    case CLI_OPT_GOLD:
        r->gold = arg;
        return 0;
    case CLI_OPT_MAP:
        r->opt.map = arg; /* checked by pm_records_new */
        return 0;
    case CLI_OPT_ITEM_FIELD:
    case CLI_OPT_LABEL_FIELD:
        if (!*arg) {
            cli_error("--%s: the field name is empty",
                      code == CLI_OPT_ITEM_FIELD ? "item-field" : "label-field");
            return CLI_EUSAGE;
        }
        if (code == CLI_OPT_ITEM_FIELD)
            r->opt.item_field = arg;
        else
            r->opt.label_field = arg;
        return 0;
    }
    return CLI_NOT_MINE;
}

/* The formats a column map applies to (auto: decided per file). */
static int map_format(pm_records_format f)
{
    return f == PM_RECORDS_AUTO || f == PM_RECORDS_CSV || f == PM_RECORDS_TSV ||
           f == PM_RECORDS_JSONL || f == PM_RECORDS_TOLOKA || f == PM_RECORDS_MTURK;
}

/* The Label Studio options are refused with another forced format rather
 * than read and ignored. */
static int records_finish(void *self)
{
    const cli_records *r = self;
    int ls = r->opt.format == PM_RECORDS_AUTO || r->opt.format == PM_RECORDS_LABELSTUDIO ||
             r->opt.format == PM_RECORDS_ARGILLA;
    if (!ls && (r->opt.item_field || r->opt.label_field)) {
        cli_error("--%s: applies to Label Studio and Argilla exports only, not --input-format %s",
                  r->opt.item_field ? "item-field" : "label-field",
                  pm_records_format_name(r->opt.format));
        return CLI_EUSAGE;
    }
    if (r->opt.map && !map_format(r->opt.format)) {
        cli_error(
            "--map: applies to csv, tsv, jsonl, toloka and mturk logs only, not --input-format %s",
            pm_records_format_name(r->opt.format));
        return CLI_EUSAGE;
    }
    return 0;
}

cli_group cli_records_group(cli_records *r)
{
    static const struct option longopts[] = {
        {"input-format", required_argument, NULL, CLI_OPT_INPUT_FORMAT},
        {"gold", required_argument, NULL, CLI_OPT_GOLD},
        {"item-field", required_argument, NULL, CLI_OPT_ITEM_FIELD},
        {"label-field", required_argument, NULL, CLI_OPT_LABEL_FIELD},
        {"map", required_argument, NULL, CLI_OPT_MAP},
        {NULL, 0, NULL, 0}};
    return (cli_group){longopts, records_opt, records_finish, r};
}

/* A reader error: the library's "file:line:col: what" and its exit code. */
static int reader_fail(pm_status st, const pm_error *err)
{
    return cli_fail(NULL, st, err);
}

int cli_records_new(const cli_records *r, pm_records **out)
{
    pm_error err = {0};
    *out = pm_records_new(&r->opt, &err);
    if (!*out)
        return reader_fail(err.code ? err.code : PM_ENOMEM, &err);
    if (r->gold) {
        pm_status st = pm_records_read_gold(*out, r->gold, &err);
        if (st != PM_OK) {
            pm_records_free(*out);
            *out = NULL;
            return cli_fail("--gold", st, &err);
        }
        long lines = 0;
        const char *note = pm_records_gold_note(*out, &lines);
        if (*note)
            cli_warn("--gold %s (%ld line%s like it)", note, lines, lines > 1 ? "s" : "");
    }
    return 0;
}

/* Append "path: cols" to r->ignored ("; " between files). */
static int note_ignored(cli_records *r, const char *path, const char *cols)
{
    if (!*cols)
        return 0;
    size_t old = r->ignored ? strlen(r->ignored) : 0;
    size_t add = strlen(path) + strlen(cols) + 5;
    char *n = realloc(r->ignored, old + add);
    if (!n) {
        cli_error("out of memory");
        return CLI_EINTERNAL;
    }
    snprintf(n + old, add, "%s%s: %s", old ? "; " : "", path, cols);
    r->ignored = n;
    return 0;
}

/* Append note to r->notes ("; " between files). */
static int add_note(cli_records *r, const char *note)
{
    size_t old = r->notes ? strlen(r->notes) : 0, add = strlen(note) + 3;
    char *n = realloc(r->notes, old + add);
    if (!n) {
        cli_error("out of memory");
        return CLI_EINTERNAL;
    }
    snprintf(n + old, add, "%s%s", old ? "; " : "", note);
    r->notes = n;
    return 0;
}

int cli_records_open(cli_records *r, pm_records *rd, const char *path)
{
    pm_error err = {0};
    pm_status st = pm_records_open(rd, path, &err);
    if (st != PM_OK)
        return reader_fail(st, &err);
    pm_records_format f = pm_records_detected(rd);
    if (f != PM_RECORDS_LABELSTUDIO && f != PM_RECORDS_ARGILLA &&
        (r->opt.item_field || r->opt.label_field)) {
        cli_error("--%s: applies to Label Studio and Argilla exports only; %s was read as %s",
                  r->opt.item_field ? "item-field" : "label-field", path,
                  pm_records_format_name(f));
        return CLI_EUSAGE;
    }
    if (r->opt.map && !map_format(f)) {
        cli_error(
            "--map: applies to csv, tsv, jsonl, toloka and mturk logs only; %s was read as %s",
            path, pm_records_format_name(f));
        return CLI_EUSAGE;
    }
    int rc = note_ignored(r, path, pm_records_ignored(rd));
    const char *note = pm_records_note(rd);
    if (!rc && *note) /* said once, after the command's own output (cli_records_notes) */
        rc = add_note(r, note);
    return rc;
}

void cli_records_free(cli_records *r)
{
    free(r->ignored);
    r->ignored = NULL;
    free(r->notes);
    r->notes = NULL;
}

long cli_records_skipped(const pm_records_stats *s)
{
    long n = 0;
    for (int i = 0; i < PM_RECORDS_SKIP_COUNT; i++)
        n += s->skipped[i];
    return n;
}

void cli_records_report(const pm_records_stats *s, const char *prefix)
{
    long skipped = cli_records_skipped(s);
    fprintf(stderr, "%srows read %ld, used %ld, skipped %ld", prefix, s->rows_read, s->rows_used,
            skipped);
    for (int i = 0, first = 1; i < PM_RECORDS_SKIP_COUNT; i++) {
        if (!s->skipped[i])
            continue;
        fprintf(stderr, "%s%s %ld", first ? " (" : ", ", pm_records_skip_name(i), s->skipped[i]);
        first = 0;
    }
    fputs(skipped ? ")\n" : "\n", stderr);
}
