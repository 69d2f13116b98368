/* Fuzz target for the arena reader: see fuzz_records_common.h. */
#define FUZZ_FORMAT PM_RECORDS_ARENA
#include "fuzz_records_common.h"
