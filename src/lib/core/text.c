/* Text forms shared by every writer (include/prefmon/text.h). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "prefmon/text.h"

/* snprintf-style copy: the length wanted, the buffer cut and terminated. */
static size_t put(char *buf, size_t size, const char *s, size_t n)
{
    if (size > 0) {
        size_t k = n < size - 1 ? n : size - 1;
        memcpy(buf, s, k);
        buf[k] = '\0';
    }
    return n;
}

/* The last results by the value's bits, per thread: finding the shortest
 * digits costs 4-7 printf and strtod calls (about half a microsecond), and
 * a table's numbers repeat (its parameter columns on every row, and the
 * rates of annotators with few labels: 0.5, 1, 2/3): a million annotators'
 * CSV spent 10 of its 15 s here. Direct-mapped; a hit is the exact bits, so
 * the text is the same as computed. 512 entries of 40 bytes. */
#define FMT_CACHE_BITS 9
typedef struct fmt_entry {
    uint64_t bits;
    unsigned char len; /* 0: empty */
    char s[PM_DOUBLE_TEXT - 7];
} fmt_entry;
static _Thread_local fmt_entry fmt_cache[1 << FMT_CACHE_BITS];

static size_t shortest(double v, char *buf, size_t size);

size_t pm_fmt_double(double v, char *buf, size_t size)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    fmt_entry *e = &fmt_cache[(bits * 0x9e3779b97f4a7c15ULL) >> (64 - FMT_CACHE_BITS)];
    if (e->len && e->bits == bits)
        return put(buf, size, e->s, e->len);
    char tmp[PM_DOUBLE_TEXT];
    size_t n = shortest(v, tmp, sizeof tmp);
    if (n > 0 && n < sizeof e->s) {
        memcpy(e->s, tmp, n + 1);
        e->len = (unsigned char)n;
        e->bits = bits;
    }
    return put(buf, size, tmp, n);
}

/* pm_fmt_double without the cache. */
static size_t shortest(double v, char *buf, size_t size)
{
    char tmp[PM_DOUBLE_TEXT];
    if (isnan(v))
        return put(buf, size, "nan", 3);
    if (isinf(v))
        return v > 0 ? put(buf, size, "inf", 3) : put(buf, size, "-inf", 4);
    /* The fewest significant digits p that read back (17 always do, IEEE
     * 754 binary64). The p-digit rounding of v is the p-digit decimal
     * nearest v, and p-digit decimals are (p+1)-digit ones, so each more
     * digit comes at least as near v. A subnormal's reals that read back
     * lie symmetrically around it, so once p digits read back every larger
     * p does: a binary search finds the smallest p in 4 or 5 tries. Zero is
     * searched one by one. */
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int p, have_e = 0; /* tmp holds v's p-digit "%.*e" form */
    if (isnormal(v)) {
        /* A normal v has 53 bits: any decimal that reads back as v lies
         * within 2^-53 |v| of it, nearer than half the spacing of 15-digit
         * decimals (at least 5e-16 |v|). So when v has a shortest form of
         * p <= 15 digits, its 15-digit rounding is that form with zeros
         * after it: one printf and one strtod find p, and 16 or 17 digits
         * take one more of each (a table of 5,000 annotators spent a
         * quarter of its instructions in the search's 4-7 of each). */
        snprintf(tmp, sizeof tmp, "%.14e", v);
        if (strtod(tmp, NULL) == v) {
            const char *dot = strchr(tmp, '.'), *z = strchr(tmp, 'e');
            while (z > dot + 1 && z[-1] == '0')
                z--;
            p = 1 + (int)(z - dot - 1);
            have_e = 1; /* (its p-digit rounding is the same decimal) */
        } else {
            snprintf(tmp, sizeof tmp, "%.15e", v);
            p = strtod(tmp, NULL) == v ? 16 : 17;
            have_e = p == 16;
        }
    } else if (bits & 0x000fffffffffffffULL) {
        /* Subnormals (fewer bits, so fewer digits may read back). */
        int lo = 1, hi = 17;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            snprintf(tmp, sizeof tmp, "%.*e", mid - 1, v);
            if (strtod(tmp, NULL) == v)
                hi = mid;
            else
                lo = mid + 1;
        }
        p = lo;
    } else {
        for (p = 1; p < 17; p++) {
            snprintf(tmp, sizeof tmp, "%.*e", p - 1, v);
            if (strtod(tmp, NULL) == v)
                break;
        }
    }
    /* The notation as Python's repr chooses it: positional for decimal
     * exponents -4..15 (-10 is "-10", not "-1e+01"), scientific outside. */
    if (!have_e)
        snprintf(tmp, sizeof tmp, "%.*e", p - 1, v);
    int e = atoi(strchr(tmp, 'e') + 1);
    int n;
    if (e >= -4 && e < 16)
        n = snprintf(tmp, sizeof tmp, "%.*f", p - 1 - e > 0 ? p - 1 - e : 0, v);
    else
        n = snprintf(tmp, sizeof tmp, "%.*g", p, v);
    return put(buf, size, tmp, n < 0 ? 0 : (size_t)n);
}

int pm_csv_needs_guard(const char *s)
{
    return s && s[0] != '\0' && strchr("=+-@\t\r'", s[0]) != NULL;
}

size_t pm_csv_guard(const char *s, char *buf, size_t size)
{
    const char *t = s ? s : "";
    size_t n = strlen(t);
    if (!pm_csv_needs_guard(t))
        return put(buf, size, t, n);
    if (size > 0) {
        buf[0] = '\'';
        put(buf + 1, size - 1, t, n);
        if (size == 1)
            buf[0] = '\0';
    }
    return n + 1;
}

const char *pm_csv_unguard(const char *s)
{
    if (s && s[0] == '\'' && pm_csv_needs_guard(s + 1))
        return s + 1;
    return s;
}

/* Length in bytes of the valid UTF-8 character at s (1..4), or 0 when the
 * byte at s is a control byte or does not start a valid character. */
static size_t plain_char(const char *s)
{
    unsigned char c = (unsigned char)*s;
    if (c < 0x20 || c == 0x7F)
        return 0;
    if (c < 0x80)
        return 1;
    size_t k = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    for (size_t j = 1; j < k; j++)
        if (s[j] == '\0')
            return 0;
    return pmx_utf8_bad(s, k) ? 0 : k;
}

int pm_text_needs_escape(const char *s)
{
    for (size_t k; s && *s; s += k)
        if ((k = plain_char(s)) == 0)
            return 1;
    return 0;
}

size_t pm_text_escape(const char *s, char *buf, size_t size)
{
    size_t o = 0, kept = 0;
    for (size_t k; s && *s; s += k) {
        char esc[8];
        const char *piece = s;
        size_t len = k = plain_char(s);
        if (k == 0) {
            unsigned char c = (unsigned char)*s;
            len = c == '\n' || c == '\r' || c == '\t'
                      ? (size_t)snprintf(esc, sizeof esc, "\\%c",
                                         c == '\n'   ? 'n'
                                         : c == '\r' ? 'r'
                                                     : 't')
                      : (size_t)snprintf(esc, sizeof esc, "\\x%02X", c);
            piece = esc;
            k = 1;
        }
        /* A cut result ends before the first piece that does not fit whole,
         * so it never holds half a character or half an escape. */
        if (kept == o && size > 0 && o + len <= size - 1) {
            memcpy(buf + o, piece, len);
            kept += len;
        }
        o += len;
    }
    if (size > 0)
        buf[kept] = '\0';
    return o;
}
