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
#include "prefmon/report.h"
#include "prefmon/reproduce.h"
#include "prefmon/status.h"

PM_BEGIN_DECLS

/** The reproduce page: the verdicts on the paper's claims, the data and
 *  its calibration, Figures 1-3 and the two panels beyond the paper, every
 *  number taken from r (pm_repro_verdicts_run, pm_repro_dataset_load,
 *  pm_repro_self_run). PM_EINVAL when r lacks a part; PM_ENOMEM. */
PM_API pm_status pm_page_paper(const pm_repro_report *r, pm_doc **out, pm_error *err);

PM_END_DECLS

#endif
