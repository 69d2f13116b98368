/*
** Internal to the sequential statistics (pmx_ prefix, not installed): the
** shared argument check and the operating-characteristics DP from any
** starting log-likelihood ratio (pm_seq_operating starts at 0,
** pm_seq_remaining at a test's current value).
*/
#ifndef PREFMON_SEQ_INTERNAL_H
#define PREFMON_SEQ_INTERNAL_H

#include "prefmon/seq.h"

/** PM_OK when 0 < m0 < m1 < 1, else PM_EINVAL with a message naming fn. */
pm_status pmx_seq_check_m(double m0, double m1, const char *fn, pm_error *err);

/** pm_seq_operating started at ln L_0 = log_l0. */
pm_status pmx_seq_dp(double m0, double m1, double alpha_pass, double alpha_fail, double m,
                     long horizon, double log_l0, pm_seq_oc *out, double *pass_by, double *fail_by,
                     pm_error *err);

#endif
