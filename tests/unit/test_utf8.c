/* core/utf8: the validator returns 1 + the offset of the first bad byte,
 * 0 for valid text. Each string here has one planted fault at a known
 * offset (or a valid multi-byte letter), at every offset across the 8-byte
 * words of the ASCII fast path and its tail. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/utf8.h"

#define LEN 41

static void test_fault_at_every_offset(void **state)
{
    (void)state;
    /* A NUL, a lone continuation byte, an overlong lead, a byte never in UTF-8. */
    static const unsigned char bad[] = {0x00, 0x80, 0xC0, 0xFF};
    char s[LEN];
    for (size_t b = 0; b < sizeof bad; b++) {
        for (size_t at = 0; at < LEN; at++) {
            memset(s, 'k', LEN);
            s[at] = (char)bad[b];
            assert_int_equal(pmx_utf8_bad(s, LEN), at + 1);
            /* The same fault past the length is not looked at. */
            assert_int_equal(pmx_utf8_bad(s, at), 0);
        }
    }
}

static void test_valid_letters_at_every_offset(void **state)
{
    (void)state;
    static const char *ok[] = {"\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\x7F"};
    char s[LEN + 4];
    for (size_t k = 0; k < sizeof ok / sizeof *ok; k++) {
        size_t n = strlen(ok[k]);
        for (size_t at = 0; at + n <= LEN; at++) {
            memset(s, 'k', LEN);
            memcpy(s + at, ok[k], n);
            assert_int_equal(pmx_utf8_bad(s, LEN), 0);
            if (n > 1) /* cut inside the letter: bad at its lead byte */
                assert_int_equal(pmx_utf8_bad(s, at + n - 1), at + 1);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fault_at_every_offset),
        cmocka_unit_test(test_valid_letters_at_every_offset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
