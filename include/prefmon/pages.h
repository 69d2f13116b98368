/*
** prefmon — whole report pages built from computed results.
**
** A page builder lays out numbers that were computed elsewhere (the
** pipeline layer) as a pm_doc (include/prefmon/report.h); it computes
** nothing. The caller renders the document with pm_doc_write_html and
** frees it with pm_doc_free.
**
** Ownership: inputs are borrowed for the call; *out is a new document owned
** by the caller (NULL on failure).
*/
#ifndef PREFMON_PAGES_H
#define PREFMON_PAGES_H

#include "prefmon/export.h"
#include "prefmon/history_report.h"
#include "prefmon/report.h"
#include "prefmon/reproduce.h"
#include "prefmon/sim_score.h"
#include "prefmon/status.h"
#include "prefmon/weekly.h"

PM_BEGIN_DECLS

/** The weekly report (what `prefmon report` writes): summary, the sortable
 *  annotator table, the consistency and gold plots, the contract with its
 *  gap curve, the payments with their histogram and table; a missing input
 *  is said so in its section. *out is NULL on failure. */
PM_API pm_status pm_page_weekly(const pm_report_data *d, pm_doc **out, pm_error *err);

/** prefmon simulate --html: what was simulated, per run each group's
 *  self-consistency flags against their exact law, interval coverage, the
 *  effort estimates against the truth, and (npay > 0) pay per group
 *  against its exact expectation. PM_EINVAL without a run; PM_ENOMEM. */
PM_API pm_status pm_page_simulation(const pm_sim_page *in, pm_doc **out, pm_error *err);

/** The reproduce page: the verdicts on the paper's claims, the data and
 *  its calibration, Figures 1-3 and the two panels beyond the paper, every
 *  number taken from r (pm_repro_verdicts_run, pm_repro_dataset_load,
 *  pm_repro_self_run). PM_EINVAL when r lacks a part; PM_ENOMEM. */
PM_API pm_status pm_page_paper(const pm_repro_report *r, pm_doc **out, pm_error *err);

/** The weekly page from the history store (what `prefmon report --history`
 *  writes): this week's actions first (a table of annotator, action,
 *  decision, flags, pairs, the two log e-values, the effort interval and
 *  the reason, in r's order), then each annotator's e-values batch by batch
 *  against their thresholds (small multiples of the annotators to block,
 *  review or hold, at most 12), everyone's effort interval and trajectory
 *  table, drift, pay per week from the ledger, and the settings.
 *  PM_EINVAL without a report (r from pm_history_report_build); PM_ENOMEM. */
PM_API pm_status pm_page_history(const pm_history_report *r, pm_doc **out, pm_error *err);

PM_END_DECLS

#endif
