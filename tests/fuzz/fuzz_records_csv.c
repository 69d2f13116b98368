/* Fuzz target for the csv records reader: see fuzz_records_common.h. */
#define FUZZ_FORMAT PM_RECORDS_CSV
#include "fuzz_records_common.h"
