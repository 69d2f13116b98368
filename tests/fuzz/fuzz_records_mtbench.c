/* Fuzz target for the mtbench records reader: see fuzz_records_common.h. */
#define FUZZ_FORMAT PM_RECORDS_MTBENCH
#include "fuzz_records_common.h"
