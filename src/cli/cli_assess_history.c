/* assess --history URI --batch NAME: import the logs as one batch and print
 * each annotator's decision across batches (pm_import_run; doc/assess.md,
 * "Across weeks"). Parses nothing itself: cli_assess hands over. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "prefmon/decide.h"
#include "prefmon/history.h"
#include "prefmon/outfile.h"

static void num_or_dash(out_table *t, double v)
{
    if (isfinite(v))
        out_num(t, v);
    else
        out_null(t);
}

static void columns(out_table *t)
{
    static const char *const cols[] = {"annotator", "labels",     "batch_pairs", "cross_pairs",
                                       "pairs",     "consistent", "q0_used",     "e_pass",
                                       "e_fail",    "verdict",    "expected",    "eta_low",
                                       "eta_high",  "delta_flip", "drift_at",    "reopened",
                                       "action",    "reason",     "flags"};
    for (size_t i = 0; i < sizeof cols / sizeof *cols; i++)
        out_col(t, cols[i]);
    /* What a person acts on; the rest with --wide or --format csv. */
    out_view(t, "annotator,pairs,consistent,eta_low?,eta_high?,verdict,action,flags,reason?");
}

static void row_cells(out_table *t, const pm_import_row *r)
{
    out_row(t);
    out_str(t, r->annotator);
    out_int(t, r->labels);
    out_int(t, r->batch_pairs);
    out_int(t, r->cross_pairs);
    out_int(t, r->res.pairs);
    out_int(t, r->res.consistent);
    out_num(t, r->q0_used);
    out_num(t, r->res.e_pass);
    out_num(t, r->res.e_fail);
    out_str(t, r->res.no_signal ? "no-signal" : pm_seq_verdict_name(r->res.verdict));
    num_or_dash(t, r->res.expected_more);
    num_or_dash(t, r->res.eta_low);
    num_or_dash(t, r->res.eta_high);
    num_or_dash(t, r->delta_flip);
    if (r->drift_at[0])
        out_str(t, r->drift_at);
    else
        out_null(t);
    out_int(t, r->res.seq.reopened);
    out_str(t, pm_action_name(r->action));
    out_str(t, r->reason);
    char flags[300];
    size_t k = pm_flags_format(r->flags, ",", "", flags, sizeof flags - 8);
    if (r->res.drift)
        snprintf(flags + k, sizeof flags - k, "%sdrift", k ? "," : "");
    else if (r->res.below_chance)
        snprintf(flags + k, sizeof flags - k, "%sbelow-chance", k ? "," : "");
    if (flags[0])
        out_str(t, flags);
    else
        out_null(t);
}

/* The summary on standard error: what was imported, the guarantees and
 * where delta came from. */
static void summary(const pm_import_result *r, const pm_import_options *o, const char *uri)
{
    long act[PM_ACTION_COUNT] = {0};
    for (size_t i = 0; i < r->n; i++)
        act[r->rows[i].action]++;
    fprintf(stderr,
            "# %s batch '%s' %s %s: %ld records read, %ld already in the store (skipped), "
            "%zu annotators, %ld cross-week pairs (an item labelled again in a later "
            "batch, paired with the store's last label)\n",
            r->dry_run ? "dry run: nothing written;" : "imported", o->batch,
            r->dry_run ? "would go into" : "into", uri, r->records_read, r->records_skipped, r->n,
            r->cross_pairs);
    if (r->replaced[0])
        fprintf(stderr, "# replaced: %s\n", r->replaced);
    fprintf(stderr, "# actions: %ld pay, %ld hold, %ld review, %ld block\n", act[PM_ACTION_PAY],
            act[PM_ACTION_HOLD], act[PM_ACTION_REVIEW], act[PM_ACTION_BLOCK]);
    fprintf(stderr,
            "# sequential tests over all batches (valid at every look): pass when e_pass >= "
            "1/%g (a shirker at eta <= %g passes with probability <= %g), fail when e_fail >= "
            "1/%g (an annotator at eta >= %g fails with probability <= %g); each reopening after "
            "a drift alarm spends alpha again\n",
            o->decide.alpha_pass, o->decide.eta0, o->decide.alpha_pass, o->decide.alpha_fail,
            o->decide.eta1, o->decide.alpha_fail);
    fprintf(stderr,
            "# drift: CUSUM after a pass, designed for %g false alarms per annotator per year "
            "of %g batches\n",
            o->decide.drift_rate, o->decide.batches_per_year);
    fprintf(stderr, "# delta %g (%s)%s%s%s; q0 of each batch's pairs: %s\n", r->delta,
            o->delta_source, r->delta_changed ? "; changed from the study's " : "",
            r->delta_changed ? r->first_delta : "", r->delta_changed ? " by --new-delta" : "",
            isnan(o->q0) ? "from the annotator's labels in earlier batches (0.5 without any)"
                         : "--q0 for everyone");
    if (r->nobody_reaches && r->n)
        fprintf(stderr,
                "# no annotator's interval reaches 1 - delta = %g: either delta is too "
                "small for this task or nobody works at full effort\n",
                1 - r->delta);
}

/* One export, complete or not at all (pm_outfile). */
static int export(const char *opt, const char *path, const pm_import_result *r, int block,
                  int format)
{
    pm_outfile *of = NULL;
    pm_error err = {0};
    pm_status st = pm_outfile_open(path, &of, &err);
    if (st != PM_OK)
        return cli_fail(opt, st, &err);
    pm_writer w = pm_writer_file(pm_outfile_stream(of));
    st = block ? pm_import_write_blocks(r, (pm_block_format)format, &w, &err)
               : pm_import_write_review(r, &w, &err);
    if (st != PM_OK) {
        pm_outfile_abort(of);
        return cli_fail(opt, st, &err);
    }
    st = pm_outfile_commit(of, &err);
    return st == PM_OK ? 0 : cli_fail(opt, st, &err);
}

int cli_assess_history(const cli_records *ro, const cli_history_opts *h,
                       const pm_assess_options *ao, const cli_output *out, char **paths, int n)
{
    if (!h->batch) {
        cli_error("--history needs --batch NAME (e.g. --batch 2026-W49)");
        return CLI_EUSAGE;
    }
    if (ao->delta_estimate) {
        cli_error("--delta estimate: with --history delta is fixed per study (give a number "
                  "and its source; see doc/assess.md, Across weeks)");
        return CLI_EUSAGE;
    }
    if (out->out_path) {
        cli_error("--out: not with --history (the store keeps the record)");
        return CLI_EUSAGE;
    }
    for (int i = 0; i < n; i++)
        if (!strcmp(paths[i], "-")) {
            cli_error("--history: a log must be a file (its SHA-256 is recorded), not -");
            return CLI_EUSAGE;
        }
    pm_import_options o;
    pm_import_options_default(&o);
    o.batch = h->batch;
    o.delta = ao->delta;
    o.delta_source = h->delta_source;
    o.new_delta = h->new_delta;
    o.q0 = ao->q0;
    o.assess = *ao;
    o.decide.alpha_pass = h->alpha_pass;
    o.decide.alpha_fail = h->alpha_fail;
    o.decide.eta0 = ao->eta0;
    o.decide.eta1 = h->eta1_given ? ao->eta1 : PM_DECIDE_ETA1;
    if (!(o.decide.eta0 < o.decide.eta1)) {
        cli_error("--eta0 %g: must be below eta1 = %g (the sequential default; give --eta1)",
                  o.decide.eta0, o.decide.eta1);
        return CLI_EUSAGE;
    }
    o.replace = h->replace;
    o.dry_run = h->dry_run;
    pm_import_result *r = NULL;
    pm_error err = {0};
    pm_status st = pm_import_run(h->uri, (const char *const *)paths, (size_t)n, &ro->opt, ro->gold,
                                 &o, &r, &err);
    if (st != PM_OK)
        return cli_fail(NULL, st, &err);
    out_table *t = out_new(0);
    int rc = t ? 0 : CLI_EINTERNAL;
    if (t) {
        columns(t);
        for (size_t i = 0; i < r->n; i++)
            row_cells(t, &r->rows[i]);
        rc = cli_emit(t, out->fmt);
        out_free(t);
    }
    /* The lists follow the import: none from a dry run. */
    if (!rc && !o.dry_run && h->block_out)
        rc = export("--block-out", h->block_out, r, 1, h->block_format);
    if (!rc && !o.dry_run && h->review_out)
        rc = export("--review-out", h->review_out, r, 0, 0);
    if (!rc)
        summary(r, &o, h->uri);
    if (!rc && o.dry_run && (h->block_out || h->review_out))
        fprintf(stderr, "# dry run: --block-out and --review-out not written\n");
    pm_import_result_free(r);
    return rc;
}
