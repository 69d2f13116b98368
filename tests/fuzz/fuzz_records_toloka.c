/* Fuzz target for the Toloka results reader (quoted TSV with the
 * INPUT:/OUTPUT:/GOLDEN:/ASSIGNMENT: header): see fuzz_records_common.h. */
#define FUZZ_FORMAT PM_RECORDS_TOLOKA
#include "fuzz_records_common.h"
