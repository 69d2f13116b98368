/*
** prefmon — one action per annotator, with a plain reason: the one rule
** that turns the evidence (a decision, flags, drift) into what a person
** does this week, used by assess (one log or a history store), pay (which
** follows it) and the report.
**
**   block    the evidence says the annotator does not work: a failed
**            decision (the sequential test's fail boundary, or the fixed-n
**            test's fail), or consistency below chance (outside the model:
**            m(eta) >= q0 is violated, e.g. an always-left clicker whom the
**            swapped repeat catches);
**   review   a flag a person must look at: one-label (no effort signal:
**            1 - delta <= q0, the test is inverted), same-side,
**            consistent-but-wrong, too-fast, or drift (a passed annotator
**            whose recent pairs alarm the change detector);
**   pay      passed and nothing to review;
**   hold     the evidence does not decide yet: the bonus is kept until it
**            does (or released by the buyer).
** block outranks review, review outranks pay and hold.
**
** Ownership: plain values; reason is a caller-owned buffer.
*/
#ifndef PREFMON_ACTION_H
#define PREFMON_ACTION_H

#include <stddef.h>

#include "prefmon/export.h"

PM_BEGIN_DECLS

typedef enum pm_action {
    PM_ACTION_PAY = 0,
    PM_ACTION_HOLD = 1,
    PM_ACTION_REVIEW = 2,
    PM_ACTION_BLOCK = 3,
    PM_ACTION_COUNT = 4
} pm_action;

/** "pay", "hold", "review", "block"; NULL out of range. */
PM_API const char *pm_action_name(pm_action a);

/** The outcome of the effort decision the action is taken on. */
typedef enum pm_verdict {
    PM_VERDICT_UNDECIDED = 0, /* not enough evidence either way (or no pairs) */
    PM_VERDICT_PASS = 1,
    PM_VERDICT_FAIL = 2
} pm_verdict;

/** What the action is decided from. */
typedef struct pm_action_input {
    pm_verdict verdict;
    unsigned flags;       /* PM_FLAG_* of prefmon/assess.h (low-effort is implied by a fail) */
    int drift;            /* 1: the change detector alarmed after a pass */
    const char *drift_at; /* the batch the drift started in (may be NULL) */
    long pairs;           /* pairs the decision rests on */
    long consistent;      /* ... that agreed */
    int below_chance;     /* 1: consistency significantly below chance (the caller's exact
                           * test, e.g. the confidence sequence for m entirely below q0) */
    double m1;            /* pass probability of a diligent annotator (eta1), for the reason */
} pm_action_input;

/** The action for in, and a one-line reason a person understands in
 *  reason[0..size) (cut like snprintf), e.g. "0 of 22 repeats agree; a
 *  diligent annotator would agree on about 21". */
PM_API pm_action pm_action_decide(const pm_action_input *in, char *reason, size_t size);

PM_END_DECLS

#endif
