/* Fuzz target for the prodigy reader: see fuzz_records_common.h. */
#define FUZZ_FORMAT PM_RECORDS_PRODIGY
#include "fuzz_records_common.h"
