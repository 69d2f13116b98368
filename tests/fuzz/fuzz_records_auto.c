/* Fuzz target for format detection (then whichever reader it picks). */
#define FUZZ_FORMAT PM_RECORDS_AUTO
#include "fuzz_records_common.h"
