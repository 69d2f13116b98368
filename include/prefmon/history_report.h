/*
** prefmon — the weekly page's numbers from the history store: what to do
** this week, each annotator's record week by week, drift, and pay per week
** (`prefmon report --history`; the page itself is pm_page_history in
** prefmon/pages.h, doc/report.md).
**
** Everything is read from the store and recomputed from what it holds:
**   actions     this batch's rows as stored by `assess --history` (action,
**               reason, decision, flags, pairs). A row without an action
**               (or with one this prefmon does not know) gets the action of
**               the replay below, and action_stored says so.
**   trajectory  per annotator, their pairs in seq order with the m0, m1 each
**               was tested with, replayed by pm_decide_replay (prefmon/
**               decide.h) up to the end of each batch they have a row in:
**               one point per batch with the two log e-values (against the
**               thresholds ln(1/alpha_pass), ln(1/alpha_fail)), the
**               confidence sequence for m and eta, the verdict, drift. Only
**               batches up to the chosen one count: the report of an older
**               batch is the report as it was then (its ledger too).
**               Each replay is the one assess --history made at the end of
**               that batch: the batch's delta and q0 rule from its stored
**               parameters ("delta"; "q0" when fixed for everyone, else the
**               annotator's label counts in the batches up to it, the sum
**               of squared label shares), and for the drift chart the
**               annotator's pairs over the store's batches so far. A batch
**               without them in its parameters: the delta stored with the
**               annotator's last pair, q0 from the counts.
**   order       by action (block, review, hold, pay), then by evidence:
**               block, review and hold by ln e_fail (the evidence against
**               diligence) from strongest to weakest, pay by ln e_pass from
**               strongest; then by annotator name (bytes). Those with the
**               strongest case to look at come first.
**   pay         the ledger (pm_history_ledger_list) summed per batch and
**               currency: paid, held, released cents and annotators paid;
**               entries of batches after the chosen one are left out,
**               entries of a batch no longer in the store (replaced) kept.
**
** Ownership: pm_history_report is filled by pm_history_report_build and
** owns every string and array in it; free with pm_history_report_free
** (safe on a zeroed or already freed report). The store handle is
** borrowed for the call.
*/
#ifndef PREFMON_HISTORY_REPORT_H
#define PREFMON_HISTORY_REPORT_H

#include <stddef.h>

#include "prefmon/action.h"
#include "prefmon/decide.h"
#include "prefmon/export.h"
#include "prefmon/history.h"
#include "prefmon/seq.h"
#include "prefmon/status.h"

PM_BEGIN_DECLS

/** One batch of the store, up to the chosen one. */
typedef struct pm_history_report_batch {
    char *name;
    char *imported_at;
    long long id;
} pm_history_report_batch;

/** One annotator at the end of one batch (cumulative to it). */
typedef struct pm_history_point {
    size_t batch;                  /* index into pm_history_report.batches */
    long pairs, consistent;        /* all pairs so far */
    long batch_pairs;              /* pairs in this batch */
    double log_e_pass, log_e_fail; /* ln of the e-values of the current opening */
    double m_low, m_high;          /* confidence sequence for m (running intersection) */
    double eta_low, eta_high;      /* ... for eta at this q0; NaN when below chance or none */
    double q0;                     /* chance agreement from the labels so far */
    pm_seq_verdict verdict;        /* of the replay at this point */
    int drift;                     /* the drift chart had alarmed (decision reopened) */
} pm_history_point;

/** One annotator of the chosen batch. */
typedef struct pm_history_report_ann {
    char *annotator;
    pm_action action;  /* this week's action */
    int action_stored; /* 1 from the store's row, 0 from the replay (none stored) */
    char *reason;      /* the stored reason, or the replay's */
    char *decision;    /* as stored; "" when none */
    char *flags;       /* as stored (pm_flags_format text); "" when none */
    long batch_pairs, batch_consistent; /* this batch's row */
    long labels;                        /* this batch's labels */
    double evidence;                    /* the sort key within the action (see above) */
    pm_decide_result result;            /* the replay to the end of the chosen batch */
    double q0, delta;                   /* used for it; NaN when no pairs */
    char *drift_batch;                  /* where the drift began, or NULL */
    pm_history_point *points;           /* one per batch the annotator has a row in */
    size_t npoints;
} pm_history_report_ann;

/** Pay of one batch in one currency, from the ledger. */
typedef struct pm_history_pay_week {
    char *batch;
    char *currency;
    long long paid_cents, held_cents, released_cents;
    long annotators_paid; /* distinct annotators with a paid entry */
    long annotators_held; /* distinct annotators with a held entry */
} pm_history_pay_week;

typedef struct pm_history_report {
    char *store;                      /* pm_history_name */
    char *backend;                    /* "sqlite" or "postgresql" */
    pm_history_report_batch *batches; /* oldest first, up to the chosen one */
    size_t nbatches;
    size_t batch;               /* index of the chosen batch (nbatches - 1) */
    char *parameters;           /* the chosen batch's parameters (JSON text) */
    pm_decide_options opt;      /* the replay's options */
    double threshold_pass;      /* ln(1/alpha_pass) */
    double threshold_fail;      /* ln(1/alpha_fail) */
    pm_history_report_ann *ann; /* the chosen batch's annotators, in the order above */
    size_t nann;
    long count[PM_ACTION_COUNT]; /* annotators per action */
    long drifting;               /* annotators whose replay shows drift */
    pm_history_pay_week *pay;    /* per batch (ledger order of first entry), currency */
    size_t npay;
} pm_history_report;

/**
 * Build the report of batch (NULL: the latest) from the store h with the
 * decision options opt (NULL: those the chosen batch was decided with, as
 * its parameters name them: alpha_pass, alpha_fail, eta0, eta1, cs_alpha,
 * drift_rate, batches_per_year, the rest pm_decide_options_default; they
 * set the thresholds, the confidence sequence's level and the drift chart;
 * the e-values come from the stored m0, m1). PM_EINVAL when the store has no batch of that name
 * (the message names the latest), PM_EPARSE when the store has no batch
 * at all or a stored pair cannot be replayed (m0, m1 outside (0, 1)),
 * PM_EIO when the store cannot be read, PM_ENOMEM. On failure *out is
 * left empty (nothing to free, freeing is harmless).
 */
PM_API pm_status pm_history_report_build(pm_history *h, const char *batch,
                                         const pm_decide_options *opt, pm_history_report *out,
                                         pm_error *err);

/** Free everything in r and zero it. NULL is a no-op. */
PM_API void pm_history_report_free(pm_history_report *r);

PM_END_DECLS

#endif
