/* Fuzz target for the MTurk batch results reader (wide Input.* / Answer.*
 * columns, several records per row): see fuzz_records_common.h. */
#define FUZZ_FORMAT PM_RECORDS_MTURK
#include "fuzz_records_common.h"
