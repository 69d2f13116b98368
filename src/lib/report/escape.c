/* Escaping for the HTML report: every caller string passes through here,
 * so hostile text (markup, quotes, control bytes, broken UTF-8) is shown
 * as text and never changes the page's structure or its parse. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/internal.h"

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when the bytes there
 * are not one (RFC 3629: no overlong forms, surrogates or > U+10FFFF). */
static size_t utf8_seq(const unsigned char *s)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        unsigned lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
        if (s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80)
            return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        unsigned lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
        if (s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        return 4;
    }
    return 0;
}

void pmx_html_text(FILE *fp, const char *text)
{
    const unsigned char *s = (const unsigned char *)(text ? text : "");
    while (*s) {
        unsigned c = *s;
        switch (c) {
        case '&':
            fputs("&amp;", fp);
            s++;
            continue;
        case '<':
            fputs("&lt;", fp);
            s++;
            continue;
        case '>':
            fputs("&gt;", fp);
            s++;
            continue;
        case '"':
            fputs("&quot;", fp);
            s++;
            continue;
        case '\'':
            fputs("&#39;", fp);
            s++;
            continue;
        case '\t':
        case '\n':
            fputc((int)c, fp);
            s++;
            continue;
        default:
            break;
        }
        if (c < 0x20 || c == 0x7F) {
            fprintf(fp, "\\x%02X", c);
            s++;
            continue;
        }
        /* A NUL ends the string, so reading up to 3 bytes past a lead byte
         * stops at the terminator: the continuation checks fail on it. */
        size_t n = utf8_seq(s);
        if (n == 0) {
            fprintf(fp, "\\x%02X", c);
            s++;
        } else if (n == 2 && c == 0xC2 && s[1] < 0xA0) {
            /* C1 controls U+0080..U+009F: invalid in HTML text. */
            fprintf(fp, "\\u%04X", (unsigned)s[1]);
            s += 2;
        } else {
            fwrite(s, 1, n, fp);
            s += n;
        }
    }
}

void pmx_fmt_coord(char *buf, size_t size, double v)
{
    if (!isfinite(v))
        v = 0;
    if (fabs(v) < 0.005)
        v = 0;
    snprintf(buf, size, "%.2f", v);
}
