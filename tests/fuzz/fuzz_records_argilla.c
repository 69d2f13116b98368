/* Fuzz target for the Argilla reader (v1 records and datasets rows, v2
 * records and flattened exports; JSON Lines or one JSON list): see
 * fuzz_records_common.h. */
#define FUZZ_FORMAT PM_RECORDS_ARGILLA
#include "fuzz_records_common.h"
