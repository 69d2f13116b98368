/* Fuzz target for the WMT / Appraise ranking CSV reader (judgeId,
 * systemNId, systemNrank): see fuzz_records_common.h. */
#define FUZZ_FORMAT PM_RECORDS_WMT
#include "fuzz_records_common.h"
