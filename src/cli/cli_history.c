/* prefmon history: read the history store (list, show, export, check). The
 * store is always opened read-only: these commands never change it. */
#include <errno.h>
#include <string.h>

#include "cli.h"
#include "prefmon/history.h"
#include "prefmon/outfile.h"
#include "prefmon/text.h"

static const char help[] =
    "usage: prefmon history list --history URI [--format table|csv|json]\n"
    "       prefmon history show ANNOTATOR --history URI [--pairs] [--format table|csv|json]\n"
    "       prefmon history export --history URI [--format json|csv] [--table NAME] [--out "
    "FILE]\n"
    "       prefmon history check --history URI [--format table|csv|json]\n\n"
    "The history store keeps every imported batch: per annotator per batch their counts,\n"
    "decision and action, every pair outcome in order, the last label of each item, the\n"
    "record keys already imported and the payment ledger (doc/history.md).\n\n"
    "  list     the batches, oldest first: name, import time, files, records new/skipped\n"
    "  show     one annotator batch by batch (--pairs: every pair outcome in order)\n"
    "  export   the store as JSON (all tables, or --table NAME) or CSV (one --table)\n"
    "  check    schema version, references, pair numbering, counts against the stored\n"
    "           pairs, and the engine's own integrity check; problems on stderr, exit 1\n\n"
    "options:\n"
    "  --history URI             a SQLite file, or postgresql://... (a libpq URI)\n"
    "  --pairs                   show: the pair outcomes instead of the batch rows\n"
    "  --table NAME              export: batches, batch_files, annotator_batches,\n"
    "                            label_counts, pairs, last_labels, record_keys or ledger\n"
    "  --out FILE                export: write FILE (complete or not at all), not "
    "stdout\n" CLI_FORMAT_HELP "  --help                    this help\n";

typedef struct opts {
    const char *uri, *table;
    int pairs;
} opts;

static int opt(void *self, int code, const char *arg)
{
    opts *o = self;
    switch (code) {
    case CLI_OPT_HISTORY:
        o->uri = arg;
        return 0;
    case CLI_OPT_TABLE:
        o->table = arg;
        return 0;
    case CLI_OPT_PAIRS:
        o->pairs = 1;
        return 0;
    }
    return CLI_NOT_MINE;
}

static int finish(void *self)
{
    const opts *o = self;
    if (!o->uri) {
        cli_error("--history URI is required");
        return CLI_EUSAGE;
    }
    return 0;
}

/* ---- list ---- */

static int batch_row(void *ctx, const pm_history_batch *b)
{
    out_table *t = ctx;
    out_row(t);
    out_int(t, b->id);
    out_str(t, b->name);
    out_str(t, b->imported_at);
    char files[1024] = "", sums[1024] = "";
    size_t fl = 0, sl = 0;
    for (size_t i = 0; i < b->n_files; i++) {
        fl += (size_t)snprintf(files + (fl < sizeof files ? fl : sizeof files - 1),
                               fl < sizeof files ? sizeof files - fl : 1, "%s%s", i ? ";" : "",
                               b->files[i].name);
        sl += (size_t)snprintf(sums + (sl < sizeof sums ? sl : sizeof sums - 1),
                               sl < sizeof sums ? sizeof sums - sl : 1, "%s%s", i ? ";" : "",
                               b->files[i].sha256);
    }
    out_str(t, files);
    out_str(t, sums);
    out_int(t, b->records_new);
    out_int(t, b->records_skipped);
    out_str(t, b->parameters);
    return 0;
}

static int do_list(pm_history *h, out_format fmt)
{
    static const char *const cols[] = {"id",     "batch",       "imported_at",     "files",
                                       "sha256", "records_new", "records_skipped", "parameters"};
    out_table *t = out_new(0);
    if (!t)
        return CLI_EINTERNAL;
    for (size_t i = 0; i < sizeof cols / sizeof *cols; i++)
        out_col(t, cols[i]);
    pm_error err = {0};
    pm_status st = pm_history_list_batches(h, batch_row, t, &err);
    int rc = st == PM_OK ? cli_emit(t, fmt) : cli_fail(NULL, st, &err);
    out_free(t);
    return rc;
}

/* ---- show ---- */

static int ann_row(void *ctx, const pm_history_row *r)
{
    out_table *t = ctx;
    out_row(t);
    out_str(t, r->batch);
    out_int(t, r->labels);
    char counts[1024] = "";
    size_t cl = 0;
    for (size_t i = 0; i < r->n_counts && cl < sizeof counts; i++)
        cl += (size_t)snprintf(counts + cl, sizeof counts - cl, "%s%s=%lld", i ? ";" : "",
                               r->counts[i].label, r->counts[i].count);
    out_str(t, counts);
    out_int(t, r->pairs);
    out_int(t, r->consistent);
    out_int(t, r->gold_n);
    out_int(t, r->gold_agree);
    out_int(t, r->left_n);
    out_int(t, r->left_k);
    out_num(t, r->duration_median);
    out_int(t, r->duration_n);
    out_str(t, r->decision ? r->decision : "");
    out_str(t, r->action ? r->action : "");
    out_str(t, r->flags ? r->flags : "");
    out_str(t, r->reason ? r->reason : "");
    return 0;
}

static int pair_row(void *ctx, const pm_history_pair *p)
{
    out_table *t = ctx;
    out_row(t);
    out_int(t, p->seq);
    out_str(t, p->batch);
    out_str(t, p->item);
    out_int(t, p->agree);
    out_num(t, p->q0);
    out_num(t, p->delta);
    out_num(t, p->m0);
    out_num(t, p->m1);
    return 0;
}

static int count_name(void *ctx, const char *name)
{
    const char **want = ctx;
    if (!strcmp(name, *want)) {
        *want = NULL;
        return 1;
    }
    return 0;
}

static int do_show(pm_history *h, const char *ann, int pairs, out_format fmt)
{
    static const char *const rcols[] = {"batch",      "labels",          "label_counts", "pairs",
                                        "consistent", "gold_n",          "gold_agree",   "left_n",
                                        "left_k",     "duration_median", "duration_n",   "decision",
                                        "action",     "flags",           "reason"};
    static const char *const pcols[] = {"seq", "batch", "item", "agree", "q0", "delta", "m0", "m1"};
    pm_error err = {0};
    const char *want = ann;
    pm_status st = pm_history_annotators(h, count_name, &want, &err);
    if (st != PM_OK)
        return cli_fail(NULL, st, &err);
    if (want) {
        char shown[512];
        pm_text_escape(ann, shown, sizeof shown);
        cli_error("%s: no annotator '%s' in the store", pm_history_name(h), shown);
        return CLI_EDATA;
    }
    out_table *t = out_new(0);
    if (!t)
        return CLI_EINTERNAL;
    const char *const *cols = pairs ? pcols : rcols;
    size_t n = pairs ? sizeof pcols / sizeof *pcols : sizeof rcols / sizeof *rcols;
    for (size_t i = 0; i < n; i++)
        out_col(t, cols[i]);
    out_note(t, "annotator %s", ann);
    st = pairs ? pm_history_annotator_pairs(h, ann, pair_row, t, &err)
               : pm_history_annotator_rows(h, ann, ann_row, t, &err);
    int rc = st == PM_OK ? cli_emit(t, fmt) : cli_fail(NULL, st, &err);
    out_free(t);
    return rc;
}

/* ---- export ---- */

static int file_write(void *ctx, const char *data, size_t len)
{
    return fwrite(data, 1, len, ctx) != len;
}

static int do_export(pm_history *h, const opts *o, int fmt_given, out_format fmt,
                     const char *out_path)
{
    if (fmt_given && fmt == OUT_TABLE) {
        cli_error("export writes json or csv, not a table");
        return CLI_EUSAGE;
    }
    pm_history_format hf = fmt_given && fmt == OUT_CSV ? PM_HISTORY_CSV : PM_HISTORY_JSON;
    if (hf == PM_HISTORY_CSV && !o->table) {
        cli_error("export --format csv writes one table: give --table NAME (batches, "
                  "batch_files, annotator_batches, label_counts, pairs, last_labels, "
                  "record_keys, ledger)");
        return CLI_EUSAGE;
    }
    if (o->table) {
        int known = 0;
        for (const char *const *t = pm_history_tables(); *t; t++)
            known |= !strcmp(*t, o->table);
        if (!known) {
            cli_error("--table: '%s' is not one of batches, batch_files, annotator_batches, "
                      "label_counts, pairs, last_labels, record_keys, ledger",
                      o->table);
            return CLI_EUSAGE;
        }
    }
    pm_error err = {0};
    if (!out_path) {
        pm_status st = pm_history_export(h, o->table, hf, file_write, stdout, &err);
        if (st == PM_OK && fflush(stdout) != 0)
            st = pm_error_set(&err, PM_EIO, "cannot write the output: %s", strerror(errno));
        return st == PM_OK ? CLI_OK : cli_fail(NULL, st, &err);
    }
    pm_outfile *of = NULL;
    pm_status st = pm_outfile_open(out_path, &of, &err);
    if (st != PM_OK)
        return cli_fail("--out", st, &err);
    st = pm_history_export(h, o->table, hf, file_write, pm_outfile_stream(of), &err);
    if (st != PM_OK) {
        pm_outfile_abort(of);
        return cli_fail(NULL, st, &err);
    }
    st = pm_outfile_commit(of, &err);
    return st == PM_OK ? CLI_OK : cli_fail("--out", st, &err);
}

/* ---- check ---- */

static void problem(void *ctx, const char *text)
{
    const pm_history *h = ctx;
    char shown[PM_ERROR_TEXT];
    pm_text_escape(text, shown, sizeof shown);
    cli_error("%s: %s", pm_history_name(h), shown);
}

static int do_check(pm_history *h, out_format fmt)
{
    size_t n = 0;
    pm_error err = {0};
    pm_status st = pm_history_check(h, problem, h, &n, &err);
    if (st != PM_OK && st != PM_EPARSE)
        return cli_fail(NULL, st, &err);
    if (st == PM_EPARSE && n == 0)
        return cli_fail(NULL, st, &err);
    out_table *t = out_new(1);
    if (!t)
        return CLI_EINTERNAL;
    out_col(t, "store");
    out_col(t, "backend");
    out_col(t, "schema_version");
    out_col(t, "problems");
    out_row(t);
    out_str(t, pm_history_name(h));
    out_str(t, pm_history_backend(h));
    out_int(t, pm_history_schema_version(h));
    out_int(t, (long long)n);
    int rc = cli_emit(t, fmt);
    out_free(t);
    return rc ? rc : n ? CLI_EDATA : CLI_OK;
}

int cli_history(int argc, char **argv)
{
    static const struct option own[] = {{"history", required_argument, NULL, CLI_OPT_HISTORY},
                                        {"table", required_argument, NULL, CLI_OPT_TABLE},
                                        {"pairs", no_argument, NULL, CLI_OPT_PAIRS},
                                        {NULL, 0, NULL, 0}};
    opts o = {0};
    cli_output out;
    cli_output_init(&out, 1);
    out.fmt = (out_format)-1; /* to tell "--format table" from no --format */
    const cli_group groups[] = {{own, opt, finish, &o}, cli_output_group(&out)};
    int rc, first = 0;
    if (!cli_parse_operands(argc, argv, help, groups, sizeof groups / sizeof *groups, &first, &rc))
        return rc;
    int nops = argc - first;
    const char *action = nops > 0 ? argv[first] : NULL;
    int fmt_given = (int)out.fmt != -1;
    out_format fmt = fmt_given ? out.fmt : OUT_TABLE;
    static const char *const actions[] = {"list", "show", "export", "check", NULL};
    int which = -1;
    if (!action) {
        cli_error("give an action: list, show ANNOTATOR, export or check");
        return CLI_EUSAGE;
    }
    if ((rc = cli_choice("action", action, actions, &which)) != 0)
        return rc;
    if (nops != (which == 1 ? 2 : 1)) {
        if (which == 1 && nops == 1)
            cli_error("show needs the annotator: prefmon history show ANNOTATOR --history URI");
        else
            cli_error("%s takes no operand after '%s'", action,
                      which == 1 ? argv[first + 1] : action);
        return CLI_EUSAGE;
    }
    if (which != 2 && (o.table || out.out_path)) {
        cli_error("%s is for export only", o.table ? "--table" : "--out");
        return CLI_EUSAGE;
    }
    if (which != 1 && o.pairs) {
        cli_error("--pairs is for show only");
        return CLI_EUSAGE;
    }
    pm_history *h = NULL;
    pm_error err = {0};
    pm_status st = pm_history_open(o.uri, PM_HISTORY_READONLY, &h, &err);
    if (st != PM_OK)
        return cli_fail(NULL, st, &err);
    switch (which) {
    case 0:
        rc = do_list(h, fmt);
        break;
    case 1:
        rc = do_show(h, argv[first + 1], o.pairs, fmt);
        break;
    case 2:
        rc = do_export(h, &o, fmt_given, fmt, out.out_path);
        break;
    default:
        rc = do_check(h, fmt);
        break;
    }
    pm_history_close(h);
    return rc;
}
