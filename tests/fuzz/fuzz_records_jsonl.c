/* Fuzz target for the jsonl records reader: see fuzz_records_common.h. */
#define FUZZ_FORMAT PM_RECORDS_JSONL
#include "fuzz_records_common.h"
