/* pm_plan_pool_split: the one rule plan --gold and simulate --gold-items
 * split their items by (gold in the key list's order, the rest in the
 * items' order, responses carried over, a gold key outside a texted pool
 * refused). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "prefmon/plan.h"

static pm_plan_pool *pool_of(const char *const *keys, size_t n, int texts)
{
    pm_plan_pool *p = pm_plan_pool_new(NULL);
    assert_non_null(p);
    for (size_t i = 0; i < n; i++) {
        char a[32], b[32];
        snprintf(a, sizeof a, "A of %s", keys[i]);
        snprintf(b, sizeof b, "B of %s", keys[i]);
        assert_int_equal(
            pm_plan_pool_add(p, keys[i], texts ? a : NULL, texts ? b : NULL, NULL, NULL), PM_OK);
    }
    return p;
}

static void test_split_order_and_texts(void **state)
{
    (void)state;
    static const char *const keys[] = {"k0", "k1", "k2", "k3", "k4"};
    static const char *const gk[] = {"k3", "k1"};
    pm_plan_pool *all = pool_of(keys, 5, 1), *g = pool_of(gk, 2, 0);
    pm_plan_pool *items = pm_plan_pool_new(NULL), *gold = pm_plan_pool_new(NULL);
    assert_int_equal(pm_plan_pool_split(all, g, "gold.tsv", items, gold, NULL), PM_OK);
    assert_int_equal(pm_plan_pool_count(gold), 2);
    assert_string_equal(pm_plan_pool_key(gold, 0), "k3");
    assert_string_equal(pm_plan_pool_key(gold, 1), "k1");
    assert_string_equal(pm_plan_pool_response(gold, 0, 1), "B of k3");
    assert_int_equal(pm_plan_pool_count(items), 3);
    assert_string_equal(pm_plan_pool_key(items, 0), "k0");
    assert_string_equal(pm_plan_pool_key(items, 1), "k2");
    assert_string_equal(pm_plan_pool_key(items, 2), "k4");
    assert_string_equal(pm_plan_pool_response(items, 2, 0), "A of k4");
    pm_plan_pool_free(all);
    pm_plan_pool_free(g);
    pm_plan_pool_free(items);
    pm_plan_pool_free(gold);
}

static void test_split_unknown_gold(void **state)
{
    (void)state;
    static const char *const keys[] = {"k0", "k1"};
    static const char *const gk[] = {"k9"};
    /* Texted items: a gold item without responses cannot be shown. */
    pm_plan_pool *all = pool_of(keys, 2, 1), *g = pool_of(gk, 1, 0);
    pm_plan_pool *items = pm_plan_pool_new(NULL), *gold = pm_plan_pool_new(NULL);
    pm_error err = {0};
    assert_int_equal(pm_plan_pool_split(all, g, "gold.tsv", items, gold, &err), PM_EPARSE);
    assert_non_null(strstr(err.text, "gold.tsv: gold item 'k9' is not in --items"));
    pm_plan_pool_free(all);
    pm_plan_pool_free(items);
    pm_plan_pool_free(gold);
    /* Key-only items: it is a key like the others. */
    all = pool_of(keys, 2, 0);
    items = pm_plan_pool_new(NULL);
    gold = pm_plan_pool_new(NULL);
    assert_int_equal(pm_plan_pool_split(all, g, "gold.tsv", items, gold, NULL), PM_OK);
    assert_int_equal(pm_plan_pool_count(gold), 1);
    assert_int_equal(pm_plan_pool_count(items), 2);
    pm_plan_pool_free(all);
    pm_plan_pool_free(g);
    pm_plan_pool_free(items);
    pm_plan_pool_free(gold);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_order_and_texts),
        cmocka_unit_test(test_split_unknown_gold),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
