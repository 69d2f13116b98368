/* action: every combination of verdict, flag set, drift and below-chance
 * against the precedence stated in action.h (block > review > pay/hold),
 * written out here independently as a table of conditions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "prefmon/action.h"
#include "prefmon/assess.h"

static void test_precedence_exhaustive(void **state)
{
    (void)state;
    for (int v = 0; v < 3; v++)
        for (unsigned f = 0; f < (1u << PM_FLAG_COUNT); f++)
            for (int drift = 0; drift < 2; drift++)
                for (int below = 0; below < 2; below++) {
                    pm_action_input in = {.verdict = (pm_verdict)v,
                                          .flags = f,
                                          .drift = drift,
                                          .drift_at = "2026-W49",
                                          .pairs = 22,
                                          .consistent = below ? 0 : 20,
                                          .below_chance = below,
                                          .m1 = 0.95};
                    char reason[256];
                    pm_action a = pm_action_decide(&in, reason, sizeof reason);
                    pm_action want;
                    if (v == PM_VERDICT_FAIL || below)
                        want = PM_ACTION_BLOCK;
                    else if ((f & (PM_FLAG_ONE_LABEL | PM_FLAG_SAME_SIDE | PM_FLAG_TOO_FAST |
                                   PM_FLAG_CONSISTENT_BUT_WRONG)) ||
                             drift)
                        want = PM_ACTION_REVIEW;
                    else if (v == PM_VERDICT_PASS)
                        want = PM_ACTION_PAY;
                    else
                        want = PM_ACTION_HOLD;
                    assert_int_equal(a, want);
                    assert_true(strlen(reason) > 10);
                    assert_null(strchr(reason, '\n'));
                }
}

static void test_reason_texts(void **state)
{
    (void)state;
    char r[256];
    pm_action_input in = {.verdict = PM_VERDICT_FAIL, .pairs = 22, .consistent = 0, .m1 = 0.955};
    assert_int_equal(pm_action_decide(&in, r, sizeof r), PM_ACTION_BLOCK);
    assert_string_equal(r, "0 of 22 repeats agree; a diligent annotator would agree on about 21");
    pm_action_input none = {.verdict = PM_VERDICT_UNDECIDED};
    assert_int_equal(pm_action_decide(&none, r, sizeof r), PM_ACTION_HOLD);
    assert_non_null(strstr(r, "no repeated items"));
    pm_action_input drift = {
        .verdict = PM_VERDICT_PASS, .drift = 1, .drift_at = "W3", .pairs = 40, .consistent = 30};
    assert_int_equal(pm_action_decide(&drift, r, sizeof r), PM_ACTION_REVIEW);
    assert_non_null(strstr(r, "since W3"));
    /* cut like snprintf, NULL buffer allowed */
    char small[8];
    pm_action_decide(&in, small, sizeof small);
    assert_int_equal(strlen(small), 7);
    assert_int_equal(pm_action_decide(&in, NULL, 0), PM_ACTION_BLOCK);
    assert_string_equal(pm_action_name(PM_ACTION_REVIEW), "review");
    assert_null(pm_action_name(PM_ACTION_COUNT));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_precedence_exhaustive),
        cmocka_unit_test(test_reason_texts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
