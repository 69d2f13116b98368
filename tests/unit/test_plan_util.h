/* Shared by the plan unit tests: a key-only item pool. Header-only; each
 * test program includes it once, after <cmocka.h>. */
#ifndef TEST_PLAN_UTIL_H
#define TEST_PLAN_UTIL_H

#include <stdio.h>

#include "prefmon/plan.h"

/* A key-only pool "<prefix>0" ... "<prefix>{n-1}". */
static pm_plan_pool *key_pool(size_t n, const char *prefix)
{
    pm_plan_pool *p = pm_plan_pool_new(NULL);
    assert_non_null(p);
    for (size_t i = 0; i < n; i++) {
        char k[32];
        snprintf(k, sizeof k, "%s%zu", prefix, i);
        assert_int_equal(pm_plan_pool_add(p, k, NULL, NULL, NULL, NULL), PM_OK);
    }
    return p;
}

#endif
