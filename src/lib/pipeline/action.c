/* One action per annotator (include/prefmon/action.h). */
#include <math.h>
#include <stdio.h>

#include "prefmon/action.h"
#include "prefmon/assess.h"

static const char *const action_names[PM_ACTION_COUNT] = {"pay", "hold", "review", "block"};

const char *pm_action_name(pm_action a)
{
    return (unsigned)a < PM_ACTION_COUNT ? action_names[a] : NULL;
}

/* "about 21" of n pairs at pass probability m, or "" when m is unknown. */
static void expected(char *buf, size_t size, long n, double m)
{
    if (isfinite(m) && m > 0)
        snprintf(buf, size, "; a diligent annotator would agree on about %.0f", (double)n * m);
    else if (size)
        buf[0] = '\0';
}

pm_action pm_action_decide(const pm_action_input *in, char *reason, size_t size)
{
    char exp[96];
    expected(exp, sizeof exp, in->pairs, in->m1);
    char buf[1] = {0};
    if (!reason || size == 0) {
        reason = buf;
        size = 1;
    }
    /* Consistency below chance cannot come from any effort (m(eta) >= q0):
     * a clicker the swapped repeat catches. */
    int below_chance = in->below_chance;
    if (in->verdict == PM_VERDICT_FAIL || below_chance) {
        snprintf(reason, size, "%ld of %ld repeats agree%s%s", in->consistent, in->pairs, exp,
                 below_chance ? " (below chance: outside the effort model)" : "");
        return PM_ACTION_BLOCK;
    }
    if (in->flags & PM_FLAG_ONE_LABEL) {
        snprintf(reason, size,
                 "one label for (almost) everything: repeats agree by themselves, "
                 "so they carry no evidence of effort");
        return PM_ACTION_REVIEW;
    }
    if (in->drift) {
        snprintf(reason, size, "passed before, but recent repeats disagree more often%s%s",
                 in->drift_at ? " since " : "", in->drift_at ? in->drift_at : "");
        return PM_ACTION_REVIEW;
    }
    unsigned review = PM_FLAG_SAME_SIDE | PM_FLAG_CONSISTENT_BUT_WRONG | PM_FLAG_TOO_FAST;
    if (in->flags & review) {
        char names[128];
        pm_flags_format(in->flags & review, ", ", "", names, sizeof names);
        snprintf(reason, size, "flagged %s: a person should look before paying", names);
        return PM_ACTION_REVIEW;
    }
    if (in->verdict == PM_VERDICT_PASS) {
        snprintf(reason, size, "%ld of %ld repeats agree: enough evidence of effort",
                 in->consistent, in->pairs);
        return PM_ACTION_PAY;
    }
    if (in->pairs == 0)
        snprintf(reason, size, "no repeated items yet: nothing to judge effort on");
    else
        snprintf(reason, size, "%ld of %ld repeats agree: not enough evidence yet either way",
                 in->consistent, in->pairs);
    return PM_ACTION_HOLD;
}
