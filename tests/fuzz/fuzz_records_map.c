/* Fuzz target for the csv records reader under a column map (the header
 * names of a platform export, and a stray 'label' column the map shadows):
 * see fuzz_records_common.h. */
#define FUZZ_FORMAT PM_RECORDS_CSV
#define FUZZ_MAP                                                                                   \
    "annotator=participant_id,item=task_id,label=choice,timestamp=submitted_at,"                   \
    "duration=time_spent_s,shown_left=left,gold=gold_choice"
#include "fuzz_records_common.h"
