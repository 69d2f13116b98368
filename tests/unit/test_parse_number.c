/* io/records: pmx_parse_number's shortcuts (plain integers, plain decimals
 * of up to 15 digits) must give bit for bit what strtod gives, the
 * reference here, and leave everything else (signs, exponents, spaces, a
 * bare point, 16+ digits) to strtod's rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "io/records_internal.h"

static void same_as_strtod(const char *s)
{
    double got = -1, want;
    char *end;
    assert_int_equal(pmx_parse_number(s, &got), 0);
    want = strtod(s, &end);
    assert_int_equal(*end, '\0');
    if (memcmp(&got, &want, sizeof got) != 0)
        fail_msg("%s: %.17g, strtod %.17g", s, got, want);
}

static void test_random_decimals(void **state)
{
    (void)state;
    uint64_t x = 88172645463325252u;
    char buf[32];
    for (int i = 0; i < 300000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int nd = 2 + (int)(x % 15); /* 2..16 digits: 16 goes to strtod */
        int ip = 1 + (int)((x >> 8) % (uint64_t)(nd - 1));
        size_t k = 0;
        uint64_t y = x * 0x9E3779B97F4A7C15u;
        for (int d = 0; d < nd; d++, y /= 10) {
            if (d == ip)
                buf[k++] = '.';
            buf[k++] = (char)('0' + y % 10);
        }
        buf[k] = '\0';
        same_as_strtod(buf);
    }
}

static void test_edges(void **state)
{
    (void)state;
    static const char *ok[] = {"0.1",
                               "0.3",
                               "14.8",
                               "999999999999999",
                               "99999999999999.9",
                               "0.000000000000001",
                               "9007199254740993.0",
                               "1.",
                               ".5",
                               "1.5e3",
                               "+2.5",
                               "1234567890123456.7"};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        same_as_strtod(ok[i]);
    static const char *bad[] = {"", " 1.5", "1.5 ", "1..5", "1.5.", "abc", "."};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        double v;
        assert_int_equal(pmx_parse_number(bad[i], &v), -1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_decimals),
        cmocka_unit_test(test_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
