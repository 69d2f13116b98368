/* UTF-8 validation (RFC 3629): shared by the readers, which refuse keys
 * that are not UTF-8, and by the error record, which escapes them. */
#include "core/utf8.h"

#include <stdint.h>
#include <string.h>

size_t pmx_utf8_bad(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    /* Fast path: keys are mostly ASCII without NUL; 8 bytes at a time while
     * no byte has its top bit set or is zero (a borrow can flag a byte
     * falsely only past a zero one, which stops the words anyway). */
    const uint64_t lo = 0x0101010101010101u, hi = 0x8080808080808080u;
    while (n - i >= 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if ((w | ((w - lo) & ~w)) & hi)
            break;
        i += 8;
    }
    while (i < n && s[i] - 1u < 0x7Fu)
        i++;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) {
            if (c == 0)
                return i + 1;
            i++;
            continue;
        }
        size_t k;
        unsigned min;
        if (c >= 0xC2 && c <= 0xDF) {
            k = 1;
            min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            k = 2;
            min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3;
            min = 0x10000;
        } else {
            return i + 1;
        }
        if (n - i <= k)
            return i + 1;
        unsigned cp = c & (0x3F >> k);
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return i + 1;
            cp = (cp << 6) | (s[i + j] & 0x3F);
        }
        /* Overlong forms, surrogates and code points past U+10FFFF. */
        if (cp < min || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
            return i + 1;
        i += k + 1;
    }
    return 0;
}
