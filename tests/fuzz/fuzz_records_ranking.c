/* Fuzz target for JSONL ranking lines ("ranking" as a list, rank groups or
 * id -> rank): the jsonl reader with its own corpus of rankings; see
 * fuzz_records_common.h. */
#define FUZZ_FORMAT PM_RECORDS_JSONL
#include "fuzz_records_common.h"
