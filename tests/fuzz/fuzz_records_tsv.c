/* Fuzz target for the tsv records reader: see fuzz_records_common.h. */
#define FUZZ_FORMAT PM_RECORDS_TSV
#include "fuzz_records_common.h"
