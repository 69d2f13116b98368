/* Fuzz target for the labelstudio records reader: see fuzz_records_common.h. */
#define FUZZ_FORMAT PM_RECORDS_LABELSTUDIO
#include "fuzz_records_common.h"
