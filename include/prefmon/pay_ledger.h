/*
** prefmon — the payment ledger: what pay paid, held and released per batch,
** kept in the history store (prefmon/history.h) so that a batch is paid
** once, a held bonus is paid in the batch where the evidence decides (or
** when the buyer releases it), and every upload file can be traced to the
** ledger entries that paid it (its SHA-256).
**
** One pay run with a store:
**   pm_pay_ledger_check(h, batch)          refuse a batch paid before
**   pm_pay_compute_ev(...)                 the rows (pay.h)
**   pm_pay_ledger_release(h, ...)          pending holds paid with this run
**   write the upload file (pm_outfile), its SHA-256
**   pm_pay_ledger_record(h, ...)           one transaction
** Entries of a run (all in one transaction):
**   paid      every row of the batch: what its upload pays now for this
**             batch (0.00 when nothing: withheld, no bonus), so that the
**             batch is known to be paid;
**   held      a row whose action is hold, its bonus (> 0) kept back;
**   released  each hold paid now, under the batch it was held in, for the
**             amount held then (what that batch's evidence earned under its
**             contract).
** Amounts are cents of the run's currency; holds in another currency are
** left pending.
**
** Ownership: pm_pay_releases owns its strings (pm_pay_releases_free); the
** history handle and rows are borrowed.
*/
#ifndef PREFMON_PAY_LEDGER_H
#define PREFMON_PAY_LEDGER_H

#include <stddef.h>
#include <stdio.h>

#include "prefmon/export.h"
#include "prefmon/history.h"
#include "prefmon/pay.h"
#include "prefmon/status.h"

PM_BEGIN_DECLS

/** PM_OK when the ledger has no entry for batch; PM_EPARSE
 *  "store: batch 'NAME' is paid already (the ledger has its entries):
 *  paying a batch twice is refused" otherwise. */
PM_API pm_status pm_pay_ledger_check(pm_history *h, const char *batch, pm_error *err);

/** One pending hold paid by this run. */
typedef struct pm_pay_release {
    char *batch; /* the batch the bonus was held in */
    char *annotator;
    long long cents; /* the amount held, not yet released */
} pm_pay_release;

typedef struct pm_pay_releases {
    pm_pay_release *v;
    size_t n;
} pm_pay_releases;

/** Free a pm_pay_releases' contents and zero it; NULL is a no-op. */
PM_API void pm_pay_releases_free(pm_pay_releases *r);

/**
 * The holds pending in the ledger (in currency) that this run pays: those
 * of an annotator whose row here has action pay (the evidence has
 * decided), and those named by release ("all": every pending hold; an
 * annotator's name: theirs; NULL: none). Each is added to its annotator's
 * row (released_cents, upload_cents); an annotator released without a row
 * in this batch gets one appended at rows[*count] (room for `capacity`
 * rows; pairs 0, action pay, annotator borrowed from *out). A hold of an
 * annotator whose action here is block or review stays pending unless
 * release names them. release naming nobody with a pending hold is
 * PM_EINVAL ("no bonus of 'NAME' is held in STORE (in USD): nothing to
 * release"). *out is filled (free with pm_pay_releases_free) on success.
 */
PM_API pm_status pm_pay_ledger_release(pm_history *h, const char *currency, const char *release,
                                       pm_pay_row *rows, size_t *count, size_t capacity,
                                       pm_pay_releases *out, pm_error *err);

/** The number of pending holds in currency (for sizing rows). */
PM_API pm_status pm_pay_ledger_pending(pm_history *h, const char *currency, size_t *n,
                                       pm_error *err);

/**
 * Record the run in one transaction (the entries above). upload_sha256 is
 * the SHA-256 hex of the upload file written (NULL when none). Nothing is
 * recorded on failure (the store's message; PM_EIO or PM_EPARSE).
 */
PM_API pm_status pm_pay_ledger_record(pm_history *h, const char *batch, const char *currency,
                                      const pm_pay_row *rows, size_t count,
                                      const pm_pay_releases *rel, const char *upload_sha256,
                                      pm_error *err);

/* ---- pay from the store's decisions --------------------------------------
 *
 * With a store, what pay follows comes from the store, not from the
 * one-batch assessment file: each annotator's action and reason are those
 * of their row of the batch paid (the decision over all their pairs across
 * weeks, written by assess --history), and the pairs judged come from the
 * store's pair outcomes in order (pm_history_annotator_pairs).
 *
 * Pairs are pooled for the bonus: walking the annotator's batches in pair
 * order (those imported up to the batch paid), each batch's pairs join the
 * pool; once the pool holds n pairs (the contract's n) the bonus of that
 * batch is judged on the pool's first n pairs (first-n) and the pool is
 * emptied (the rest of that batch's pairs are not carried over). So an
 * annotator with n or more pairs in one batch is judged on that batch's
 * first n, as without a store; one with fewer is paid base only and the
 * bonus is pending (said in the reason; nothing is owed yet, so no ledger
 * entry) until the batch in which their pairs reach n, which judges the
 * first n of the pairs pooled since (the reason says "pairs judged: W01
 * (2), W02 (1 of 4)"). The pool is recomputed from the store on every run
 * with this run's n (the contract is fixed for the study before its
 * batches): no state is kept besides the store's pairs. */

/** Which of the store's pairs count: the planned duplicates of each
 *  annotator (a plan manifest). A pair whose item is not among its
 *  annotator's planned items is an accidental repeat and is skipped; an
 *  annotator not listed has no planned pairs. */
typedef struct pm_pay_planned {
    const char *annotator;
    const char *const *items; /* the planned duplicate items, any order */
    size_t n;
} pm_pay_planned;

/**
 * pm_pay_compute_ev for the batch paid with the store h, each row's
 * pairs, consistent and evidence (action, reason, pair order) taken from
 * the store (above; only in[i].annotator and paid_cents are used for the
 * wage), then every row's reason says which batches' pairs were judged or
 * that the bonus is pending; the rows' pairs and consistent stay in[i]'s
 * (the assessment's of this batch), judged_pairs and judged_consistent
 * are the pooled pairs judged. planned (may be NULL: every stored pair
 * counts) lists the planned pairs of n_planned annotators. An annotator
 * of in[] without a row of batch in the store is PM_EPARSE naming them
 * ("the assessment is not of that batch"); a batch not in the store is
 * PM_EPARSE. Only the first-n threshold rule pools pairs; under scaled the
 * pool is this batch's pairs. Other errors as pm_pay_compute_ev and the
 * store's.
 */
PM_API pm_status pm_pay_compute_history(pm_history *h, const char *batch,
                                        const pm_contract_terms *t, const pm_pay_options *opt,
                                        const pm_pay_input *in, size_t count,
                                        const pm_pay_planned *planned, size_t n_planned,
                                        pm_pay_row *out, pm_pay_summary *sum, pm_error *err);

/** The planned pairs of a plan manifest (plan --manifest): an opaque
 *  handle, pm_pay_plan_free. */
typedef struct pm_pay_plan pm_pay_plan;

/**
 * Read the manifest at fp (name for messages) with pm_plan_read_manifest,
 * every check of it included, over key-only pools of the manifest's own
 * item keys (so the dataset the plan was made from is not needed); fp is
 * read twice (a file, not a pipe: PM_EIO). Each annotator's planned
 * duplicates are the items of their copy-2 rows (gold rows are shown once
 * and never pair). Errors as pm_plan_read_manifest's; *out set only on
 * success.
 */
PM_API pm_status pm_pay_plan_read(FILE *fp, const char *name, pm_pay_plan **out, pm_error *err);

/** The annotators of the plan with their planned items, for
 *  pm_pay_compute_history; valid while p lives. */
PM_API const pm_pay_planned *pm_pay_plan_annotators(const pm_pay_plan *p, size_t *n);

/** Free the plan; NULL is a no-op. */
PM_API void pm_pay_plan_free(pm_pay_plan *p);

PM_END_DECLS

#endif
