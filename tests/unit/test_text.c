/* core/text: the shared text forms. Checked by brute force where the
 * domain is small (every string of up to 3 bytes from an alphabet holding
 * every guard trigger, for the CSV guard's reversibility and injectivity)
 * and against strtod for the shortest decimal (random bit patterns). */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "prefmon/text.h"

static const char alphabet[] = "=+-@\t\r'ax1 ";
#define NA (sizeof alphabet - 1)

static void test_guard_roundtrip_and_injective(void **state)
{
    (void)state;
    /* all strings of length 0..3 over the alphabet: 1 + 11 + 121 + 1331 */
    enum { MAXS = 1 + NA + NA * NA + NA * NA * NA };
    static char guarded[MAXS][8];
    size_t count = 0;
    for (size_t len = 0; len <= 3; len++) {
        size_t total = 1;
        for (size_t i = 0; i < len; i++)
            total *= NA;
        for (size_t code = 0; code < total; code++) {
            char s[4] = {0};
            size_t c = code;
            for (size_t i = 0; i < len; i++, c /= NA)
                s[i] = alphabet[c % NA];
            char g[8];
            size_t n = pm_csv_guard(s, g, sizeof g);
            assert_int_equal(n, strlen(g));
            /* guarded exactly when the first byte is a trigger or the guard */
            int trig = len > 0 && strchr("=+-@\t\r'", s[0]) != NULL;
            assert_int_equal(n, len + (size_t)trig);
            if (trig)
                assert_int_equal(g[0], '\'');
            /* never starts with a formula trigger after guarding */
            assert_true(g[0] == '\0' || strchr("=+-@\t\r", g[0]) == NULL);
            assert_string_equal(pm_csv_unguard(g), s);
            memcpy(guarded[count++], g, sizeof g);
        }
    }
    assert_int_equal(count, MAXS);
    /* injective: two different names never share a guarded form */
    for (size_t i = 0; i < count; i++)
        for (size_t j = i + 1; j < count; j++)
            assert_true(strcmp(guarded[i], guarded[j]) != 0);
}

static void test_guard_named_cases(void **state)
{
    (void)state;
    char g[16];
    pm_csv_guard("=x", g, sizeof g);
    assert_string_equal(g, "'=x");
    pm_csv_guard("'=x", g, sizeof g);
    assert_string_equal(g, "''=x");
    pm_csv_guard("-1.33", g, sizeof g);
    assert_string_equal(g, "'-1.33");
    pm_csv_guard("abc", g, sizeof g);
    assert_string_equal(g, "abc");
    /* a human's leading apostrophe that guards nothing is left as it is */
    assert_string_equal(pm_csv_unguard("'hello"), "'hello");
    /* cut like snprintf */
    assert_int_equal(pm_csv_guard("=abcdef", g, 4), 8);
    assert_string_equal(g, "'=a");
    assert_int_equal(pm_csv_guard("=a", g, 1), 3);
    assert_string_equal(g, "");
}

static uint64_t next(uint64_t *s)
{
    /* splitmix64: an independent generator, not the library's */
    uint64_t z = (*s += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* pm_fmt_double keeps its last results by the value's bits: repeated values
 * (hits), values sharing a cache slot (evictions) and a buffer too small for
 * the text must all give exactly what the first, uncached call gave. */
static void test_fmt_double_cache(void **state)
{
    (void)state;
    enum { N = 5000 };
    static char first[N][PM_DOUBLE_TEXT];
    static double vals[N];
    uint64_t seed = 7;
    for (int i = 0; i < N; i++) {
        uint64_t bits = next(&seed);
        /* every third value from a small set that repeats, the rest random */
        double v = i % 3 == 0 ? (double)(i % 17) / 7.0 : 0;
        if (i % 3)
            memcpy(&v, &bits, sizeof v);
        if (!isfinite(v))
            v = 0.25;
        vals[i] = v;
    }
    for (int pass = 0; pass < 3; pass++) {
        for (int i = 0; i < N; i++) {
            char b[PM_DOUBLE_TEXT];
            size_t n = pm_fmt_double(vals[i], b, sizeof b);
            assert_int_equal(n, strlen(b));
            assert_true(strtod(b, NULL) == vals[i]);
            if (pass == 0) {
                /* the first call of a value that may have been cached
                 * before: check it against its first occurrence */
                int j = 0;
                while (j < i && vals[j] != vals[i])
                    j++;
                if (j < i)
                    assert_string_equal(b, first[j]);
                memcpy(first[i], b, sizeof b);
            } else {
                assert_string_equal(b, first[i]);
            }
            char small[4];
            assert_int_equal(pm_fmt_double(vals[i], small, sizeof small), n);
            assert_int_equal(strncmp(small, first[i], 3), 0);
            assert_int_equal(small[3 < n ? 3 : n], '\0');
        }
    }
}

static void test_fmt_double_shortest(void **state)
{
    (void)state;
    char b[PM_DOUBLE_TEXT];
    pm_fmt_double(0.9, b, sizeof b);
    assert_string_equal(b, "0.9");
    pm_fmt_double(0.1 + 0.2, b, sizeof b);
    assert_string_equal(b, "0.30000000000000004");
    pm_fmt_double(-10, b, sizeof b);
    assert_string_equal(b, "-10");
    pm_fmt_double(1e15, b, sizeof b);
    assert_string_equal(b, "1000000000000000");
    pm_fmt_double(1e16, b, sizeof b);
    assert_string_equal(b, "1e+16");
    pm_fmt_double(0.0001, b, sizeof b);
    assert_string_equal(b, "0.0001");
    pm_fmt_double(0.00001, b, sizeof b);
    assert_string_equal(b, "1e-05");
    pm_fmt_double(0, b, sizeof b);
    assert_string_equal(b, "0");
    pm_fmt_double(-0.0, b, sizeof b);
    assert_string_equal(b, "-0");
    pm_fmt_double(123456.5, b, sizeof b);
    assert_string_equal(b, "123456.5");
    pm_fmt_double(19.8, b, sizeof b);
    assert_string_equal(b, "19.8");
    pm_fmt_double(-2.2250738585072014e-308, b, sizeof b);
    assert_string_equal(b, "-2.2250738585072014e-308");
    pm_fmt_double(NAN, b, sizeof b);
    assert_string_equal(b, "nan");
    pm_fmt_double(-INFINITY, b, sizeof b);
    assert_string_equal(b, "-inf");
    pm_fmt_double(4.9406564584124654e-324, b, sizeof b);
    assert_string_equal(b, "5e-324");
    uint64_t seed = 42;
    for (int i = 0; i < 200000; i++) {
        uint64_t bits = next(&seed);
        double v;
        memcpy(&v, &bits, sizeof v);
        if (!isfinite(v))
            continue;
        size_t n = pm_fmt_double(v, b, sizeof b);
        assert_true(n < sizeof b);
        assert_true(strtod(b, NULL) == v);
        /* shortest: one digit fewer does not read back */
        char shorter[400];
        /* significant digits: the mantissa's digits without the leading
         * and trailing zeros */
        char m[PM_DOUBLE_TEXT];
        size_t nm = 0;
        for (const char *p = b; *p && *p != 'e'; p++)
            if (*p >= '0' && *p <= '9' && (nm > 0 || *p != '0'))
                m[nm++] = *p;
        while (nm > 1 && m[nm - 1] == '0')
            nm--;
        int digits = (int)nm;
        if (digits > 1) {
            snprintf(shorter, sizeof shorter, "%.*g", digits - 1, v);
            assert_true(strtod(shorter, NULL) != v);
        }
    }
}

/* pm_fmt_double against the plain search it replaced (kept here as the
 * reference: every digit count from 1 up until one reads back, then the
 * same notation rule), on the values its binary search could get wrong if
 * "p digits read back" were not monotone in p: powers of two and their
 * neighbours (asymmetric rounding intervals), neighbours of powers of ten,
 * short decimals, ratios k/n as the tables print them, subnormals, and
 * random bit patterns. */
static size_t ref_fmt(double v, char *buf, size_t size)
{
    char tmp[PM_DOUBLE_TEXT];
    if (!isfinite(v))
        return (size_t)snprintf(buf, size, "%s", isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
    int p = 1;
    for (; p < 17; p++) {
        snprintf(tmp, sizeof tmp, "%.*e", p - 1, v);
        if (strtod(tmp, NULL) == v)
            break;
    }
    snprintf(tmp, sizeof tmp, "%.*e", p - 1, v);
    int e = atoi(strchr(tmp, 'e') + 1);
    if (e >= -4 && e < 16)
        return (size_t)snprintf(buf, size, "%.*f", p - 1 - e > 0 ? p - 1 - e : 0, v);
    return (size_t)snprintf(buf, size, "%.*g", p, v);
}

static void same_as_ref(double v)
{
    char a[PM_DOUBLE_TEXT], r[PM_DOUBLE_TEXT];
    size_t na = pm_fmt_double(v, a, sizeof a), nr = ref_fmt(v, r, sizeof r);
    if (na != nr || strcmp(a, r) != 0)
        fail_msg("%a: %s, reference %s", v, a, r);
}

static void test_fmt_double_reference(void **state)
{
    (void)state;
    for (int k = -1074; k <= 1023; k++) {
        double t = ldexp(1.0, k);
        same_as_ref(t);
        same_as_ref(-t);
        same_as_ref(nextafter(t, 0));
        same_as_ref(nextafter(t, INFINITY));
    }
    for (int k = -320; k <= 308; k++) {
        double t = pow(10.0, k);
        same_as_ref(t);
        same_as_ref(nextafter(t, 0));
        same_as_ref(nextafter(t, INFINITY));
    }
    for (int n = 1; n <= 300; n++)
        for (int k = 0; k <= n; k++) {
            same_as_ref((double)k / n);
            same_as_ref(k / 10.0 + n);
        }
    same_as_ref(DBL_MAX);
    same_as_ref(DBL_MIN);
    same_as_ref(DBL_TRUE_MIN);
    uint64_t seed = 7;
    for (int i = 0; i < 50000; i++) {
        uint64_t bits = next(&seed);
        double v;
        memcpy(&v, &bits, sizeof v);
        same_as_ref(v);
    }
}

static void test_escape(void **state)
{
    (void)state;
    char b[64];
    size_t got = pm_text_escape("a\x1b[31mb\x07\r\n\t", b, sizeof b);
    assert_int_equal(got, strlen(b));
    assert_string_equal(b, "a\\x1B[31mb\\x07\\r\\n\\t");
    assert_true(pm_text_needs_escape("x\x7f"));
    assert_false(pm_text_needs_escape("caf\xc3\xa9 \xe2\x82\xac"));
    pm_text_escape("caf\xc3\xa9", b, sizeof b);
    assert_string_equal(b, "caf\xc3\xa9");
    /* bytes that are not UTF-8, and a truncated sequence at the end */
    pm_text_escape("\xff\xc3", b, sizeof b);
    assert_string_equal(b, "\\xFF\\xC3");
    /* a cut result never ends in half an escape or half a letter */
    size_t need = pm_text_escape("ab\x1b", b, 5);
    assert_int_equal(need, 6);
    assert_string_equal(b, "ab");
    need = pm_text_escape("a\xc3\xa9", b, 3);
    assert_int_equal(need, 3);
    assert_string_equal(b, "a");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_guard_roundtrip_and_injective),
        cmocka_unit_test(test_guard_named_cases),
        cmocka_unit_test(test_fmt_double_shortest),
        cmocka_unit_test(test_fmt_double_cache),
        cmocka_unit_test(test_fmt_double_reference),
        cmocka_unit_test(test_escape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
