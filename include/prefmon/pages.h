/*
** prefmon — whole report pages built from what the library computed: each
** builder lays out its input structs as a pm_doc (prefmon/report.h) and
** computes nothing itself.
**
** Ownership: *out is a new document the caller frees with pm_doc_free (the
** document copies what it needs; the input is borrowed for the call).
*/
#ifndef PREFMON_PAGES_H
#define PREFMON_PAGES_H

#include "prefmon/export.h"
#include "prefmon/report.h"
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

PM_END_DECLS

#endif
