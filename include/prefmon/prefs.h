/*
** prefmon — population preference probabilities p = P(y1 > y2 | x).
**
** Expert monitoring's power depends on how far these are from 1/2; prefmon
** reads them from
**   - a text file, one probability per line ('#' starts a comment, blank
**     lines are ignored), or
**   - a preference dataset in JSONL with a chosen and a rejected score, at
**     the top level or inside "metadata", named chosen_score/rejected_score
**     or score_chosen/score_rejected: p = sigmoid(chosen - rejected) (the
**     paper's Bradley–Terry link).
** The format is decided per line: a line starting with '{' is JSON (a key
** given twice is an error). Every value is folded to max(p, 1 - p) >= 1/2;
** the unfolded values are kept too (pm_prefs_raw_values).
**
** Ownership: a pm_prefs handle owns its values; pm_prefs_values() returns
** a borrowed pointer valid until the next call on the handle. Errors go to
** the caller's pm_error (the handle keeps no message). Not thread-safe per
** handle.
*/
#ifndef PREFMON_PREFS_H
#define PREFMON_PREFS_H

#include <stddef.h>
#include <stdio.h>

#include "prefmon/export.h"
#include "prefmon/status.h"

PM_BEGIN_DECLS

typedef struct pm_prefs pm_prefs;

/** A new empty set, or NULL with PM_ENOMEM in err when out of memory. */
PM_API pm_prefs *pm_prefs_new(pm_error *err);

/** Free the handle; NULL is a no-op. */
PM_API void pm_prefs_free(pm_prefs *pr);

/** Append every probability in the file. On a bad line returns PM_EPARSE
 *  (PM_ELIMIT for a line over 64 MiB, PM_EIO if unreadable or a
 *  directory) and fills err with "file:line[:col]: field: what"; the values
 *  read before it are discarded (all or nothing). Memory stays bounded on
 *  input without newlines (/dev/zero): reading stops at the line limit. */
PM_API pm_status pm_prefs_read_file(pm_prefs *pr, const char *path, pm_error *err);

/** As pm_prefs_read_file on an open stream; `name` is used in messages. */
PM_API pm_status pm_prefs_read_stream(pm_prefs *pr, FILE *fp, const char *name, pm_error *err);

/** Append one probability in [0,1] (folded); PM_EINVAL outside. */
PM_API pm_status pm_prefs_add(pm_prefs *pr, double p, pm_error *err);

PM_API size_t pm_prefs_count(const pm_prefs *pr);
PM_API const double *pm_prefs_values(const pm_prefs *pr);

/** The same values before folding, in reading order: sigmoid(chosen -
 *  rejected) for JSON rows (below 1/2 when the rejected response scored
 *  higher), the value as written for plain lines. Calibration needs them
 *  (include/prefmon/calib.h): a reward model's "chosen scored lower" is
 *  exactly the miscalibration it measures. Borrowed like pm_prefs_values. */
PM_API const double *pm_prefs_raw_values(const pm_prefs *pr);

/** Lines read as JSON preference rows (vs plain probabilities). */
PM_API size_t pm_prefs_json_rows(const pm_prefs *pr);

/** Logistic function 1 / (1 + e^-x), stable for large |x|. */
PM_API double pm_sigmoid(double x);

PM_END_DECLS

#endif
