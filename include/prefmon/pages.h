/*
** prefmon — whole report pages built from numbers computed elsewhere: each
** lays out a pm_doc (prefmon/report.h) and computes nothing itself.
**
** Ownership: the page is a new pm_doc owned by the caller (pm_doc_free);
** the data passed in is only read, during the call.
*/
#ifndef PREFMON_PAGES_H
#define PREFMON_PAGES_H

#include "prefmon/export.h"
#include "prefmon/report.h"
#include "prefmon/status.h"
#include "prefmon/weekly.h"

PM_BEGIN_DECLS

/** The weekly report (what `prefmon report` writes): summary, the sortable
 *  annotator table, the consistency and gold plots, the contract with its
 *  gap curve, the payments with their histogram and table; a missing input
 *  is said so in its section. *out is NULL on failure. */
PM_API pm_status pm_page_weekly(const pm_report_data *d, pm_doc **out, pm_error *err);

PM_END_DECLS

#endif
