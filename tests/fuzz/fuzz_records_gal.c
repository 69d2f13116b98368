/* Fuzz target for the gal records reader: see fuzz_records_common.h. */
#define FUZZ_FORMAT PM_RECORDS_GAL
#include "fuzz_records_common.h"
