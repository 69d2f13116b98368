/*
** Internal: a pm_writer that gathers small writes into blocks before
** passing them on. The JSON writers hand over one token at a time (a key,
** a quote, a number: a hundred million writes for a million annotators'
** assessment), and each fwrite takes the stream's lock: batched, the writer
** underneath sees 64 KiB at a time.
**
** Ownership: the batch borrows the writer underneath (it must outlive the
** batch). A failed write underneath is kept and reported by every later
** write and by pmx_batch_flush.
*/
#ifndef PREFMON_CORE_BATCHED_H
#define PREFMON_CORE_BATCHED_H

#include <stddef.h>

#include "prefmon/writer.h"

#define PMX_BATCH_BYTES ((size_t)1 << 16)

typedef struct pmx_batch {
    const pm_writer *under;
    size_t n;
    int failed;
    char buf[PMX_BATCH_BYTES];
} pmx_batch;

/** A writer into b, passing b's bytes on to `under` in blocks. */
pm_writer pmx_batch_writer(pmx_batch *b, const pm_writer *under);
/** Pass on what b holds: 0, or non-zero when a write underneath failed
 *  (now or before). */
int pmx_batch_flush(pmx_batch *b);

#endif
