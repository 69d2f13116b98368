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
    /* Defect 12: strtod's hexadecimal, inf and nan are not decimal. */
    static const char *bad[] = {"",     " 1.5",   "1.5 ",  "1..5", "1.5.", "abc",      ".",
                                "0x10", "0X1A",   "0x1p3", "inf",  "-inf", "infinity", "nan",
                                "NAN",  "nan(1)", "1e",    "1e+",  "e5",   "+",        "1e999"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        double v;
        assert_int_equal(pmx_parse_number(bad[i], &v), -1);
    }
}

/* pmx_parse_number_n / pmx_parse_time_n (8 digits at a time) against
 * pmx_parse_number / pmx_parse_time (a byte at a time, then strtod): the
 * same status and bit for bit the same value, on digit strings of 0..20
 * bytes with, sometimes, one byte replaced by a near miss of a digit
 * ('/' and ':' around '0'..'9', bytes with a digit's low nibble but another
 * high nibble, '.', '-', 'e', 'T'). */
static void test_n_variants(void **state)
{
    (void)state;
    static const unsigned char odd[] = {'/',  ':',  '.',  '-',  'e',  'T',  ' ',  0x20,
                                        0x40, 0x3F, 0xB5, 0x70, 0x29, 0x3A, 0x13, 0xF9};
    uint64_t x = 2463534242u;
    char buf[32];
    for (int i = 0; i < 400000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        size_t n = (size_t)(x % 21);
        uint64_t y = x * 0x9E3779B97F4A7C15u;
        for (size_t k = 0; k < n; k++, y = y * 6364136223846793005u + 1442695040888963407u)
            buf[k] = (char)('0' + (y >> 33) % 10);
        if (n && (x >> 40) % 3 == 0)
            buf[(x >> 20) % n] = (char)odd[(x >> 50) % sizeof odd];
        buf[n] = '\0';
        double a = -7, b = -7, c = -7, d = -7;
        int ra = pmx_parse_number_n(buf, n, &a), rb = pmx_parse_number(buf, &b);
        assert_int_equal(ra, rb);
        if (ra == 0 && memcmp(&a, &b, sizeof a) != 0)
            fail_msg("'%s': %.17g, byte at a time %.17g", buf, a, b);
        int rc = pmx_parse_time_n(buf, n, &c), rd = pmx_parse_time(buf, &d);
        assert_int_equal(rc, rd);
        if (rc == 0 && memcmp(&c, &d, sizeof c) != 0)
            fail_msg("time '%s': %.17g, byte at a time %.17g", buf, c, d);
    }
    double v;
    assert_int_equal(pmx_parse_number_n("17000000000", 11, &v), 0);
    assert_true(v == 17000000000.0);
    assert_int_equal(pmx_parse_number_n("99999999", 8, &v), 0);
    assert_true(v == 99999999.0);
    assert_int_equal(pmx_parse_number_n("00000000", 8, &v), 0);
    assert_true(v == 0.0);
    assert_int_equal(pmx_parse_time_n("2024-05-01T12:00:00Z", 20, &v), 0);
    assert_true(v == 1714564800.0);
}

/* Defect 12: a date or time that does not exist is refused with its
 * reason (a PMX_TIME_* code), not rolled over into the next month; the
 * values of valid ones are epoch seconds computed by hand (2024-02-29 is
 * day 19782 since 1970-01-01: 54 years of 365 days plus 13 leap days). */
static void test_time_ranges(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int code;
    } bad[] = {{"2024-02-30T00:00:00Z", PMX_TIME_DAY},
               {"2023-02-29", PMX_TIME_DAY},
               {"2100-02-29", PMX_TIME_DAY},
               {"2024-04-31", PMX_TIME_DAY},
               {"2024-01-00", PMX_TIME_DAY},
               {"2024-13-01", PMX_TIME_MONTH},
               {"2024-00-10", PMX_TIME_MONTH},
               {"2024-01-01T24:00:00Z", PMX_TIME_HOUR},
               {"2024-01-01T23:60Z", PMX_TIME_MINUTE},
               {"2024-01-01T23:59:61Z", PMX_TIME_SECOND},
               {"2024-01-01T10:00+24:00", PMX_TIME_ZONE},
               {"0x10", PMX_TIME_SYNTAX},
               {"inf", PMX_TIME_SYNTAX},
               {"nan", PMX_TIME_SYNTAX},
               {"2024-02-30X", PMX_TIME_SYNTAX}};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        double v = -7;
        int got = pmx_parse_time(bad[i].s, &v);
        if (got != bad[i].code)
            fail_msg("%s: code %d, want %d", bad[i].s, got, bad[i].code);
        assert_int_equal(pmx_parse_time_n(bad[i].s, strlen(bad[i].s), &v), bad[i].code);
        assert_non_null(pmx_time_problem(got));
    }
    double v;
    assert_int_equal(pmx_parse_time("2024-02-29", &v), 0);
    assert_true(v == 19782.0 * 86400);
    assert_int_equal(pmx_parse_time("2000-02-29T23:59:60Z", &v), 0); /* a leap second */
    assert_true(v == 11016.0 * 86400 + 86400);
    assert_int_equal(pmx_parse_time("2024-12-31T23:59:59+23:59", &v), 0);
}

/* pmx_parse_time_n's shortcut for YYYY-MM-DDTHH:MM:SS[Z] against
 * pmx_parse_time (iso_time's general walk): the same status and bit for
 * bit the same value on 400,000 strings of that shape with fields drawn
 * round their ranges (months 00..13, days 00..32, hours 00..25, minutes
 * and seconds 00..62, years 0000..9999 and 1896..2104 for leap years),
 * each separator and the zone letter sometimes another byte, and
 * sometimes one byte replaced by a near miss of a digit; a date is kept for
 * a few rows, so that runs of one date (which the shortcut keeps) are met
 * with good and bad times and with bytes of the date changed. */
static void test_iso_shortcut(void **state)
{
    (void)state;
    static const char sep10[] = {'T', 't', ' ', 'X', 'T', 'T'};
    static const char zone[] = {'Z', 'z', '\0', '+', 'Z', 'Z'};
    static const unsigned char odd[] = {'/', ':', '-', 'T', ' ', 0x3A, 0x2F, 0xB0, 0x40, '9'};
    uint64_t x = 88172645463325252u;
    char buf[64];
    int year = 2024, mo = 5, day = 1;
    for (int i = 0; i < 400000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        uint64_t y = x * 0x9E3779B97F4A7C15u;
        /* a new date on 2 rows in 5: runs of one date, as logs have them
         * (the shortcut keeps the last date it read) */
        if ((y >> 62) == 0 || (y >> 13) % 5 < 2) {
            year = (y & 1) ? (int)((y >> 1) % 10000) : 1896 + (int)((y >> 1) % 209);
            mo = (int)((y >> 16) % 14);
            day = (int)((y >> 20) % 33);
        }
        snprintf(buf, sizeof buf, "%04d-%02d-%02d%c%02d:%02d:%02d%c", year, mo, day,
                 sep10[(y >> 26) % 6], (int)((y >> 29) % 26), (int)((y >> 34) % 63),
                 (int)((y >> 40) % 63), zone[(y >> 46) % 6]);
        size_t n = strlen(buf);
        if ((y >> 49) % 5 == 0)
            buf[(y >> 52) % n] = (char)odd[(y >> 57) % sizeof odd];
        if ((y >> 61) == 0)
            buf[4] = '/';
        n = strlen(buf); /* (a NUL may have been written) */
        double c = -7, d = -7;
        int rc = pmx_parse_time_n(buf, n, &c), rd = pmx_parse_time(buf, &d);
        if (rc != rd)
            fail_msg("time '%s': status %d, general walk %d", buf, rc, rd);
        if (rc == 0 && memcmp(&c, &d, sizeof c) != 0)
            fail_msg("time '%s': %.17g, general walk %.17g", buf, c, d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_decimals), cmocka_unit_test(test_edges),
        cmocka_unit_test(test_n_variants),      cmocka_unit_test(test_time_ranges),
        cmocka_unit_test(test_iso_shortcut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
