/*
** prefmon — the whole public API in one include: `#include <prefmon/prefmon.h>`.
**
** Each topic header below can also be included on its own; every one
** states its ownership and error rules at its top. doc/api.md gives the
** conventions they share and the ABI policy. A new public header is added
** here (the `headers` test compiles this file as C99 and as C++).
*/
#ifndef PREFMON_PREFMON_H
#define PREFMON_PREFMON_H

#include "prefmon/action.h"
#include "prefmon/assess.h"
#include "prefmon/binom.h"
#include "prefmon/budget.h"
#include "prefmon/calib.h"
#include "prefmon/contract.h"
#include "prefmon/csv.h"
#include "prefmon/datapath.h"
#include "prefmon/decide.h"
#include "prefmon/export.h"
#include "prefmon/fit.h"
#include "prefmon/grid.h"
#include "prefmon/history.h"
#include "prefmon/history_report.h"
#include "prefmon/model.h"
#include "prefmon/monitor.h"
#include "prefmon/outfile.h"
#include "prefmon/pages.h"
#include "prefmon/pay.h"
#include "prefmon/pay_ledger.h"
#include "prefmon/plan.h"
#include "prefmon/prefs.h"
#include "prefmon/records.h"
#include "prefmon/records_write.h"
#include "prefmon/report.h"
#include "prefmon/reproduce.h"
#include "prefmon/rng.h"
#include "prefmon/seq.h"
#include "prefmon/sha256.h"
#include "prefmon/sim.h"
#include "prefmon/sim_score.h"
#include "prefmon/status.h"
#include "prefmon/text.h"
#include "prefmon/writer.h"
#include "prefmon/version.h"
#include "prefmon/weekly.h"

#endif
