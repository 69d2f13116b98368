/*
** Helpers shared by the record readers: byte buffers, UTF-8 checking, time
** and number parsing, the canonical pairwise words, header synonyms and
** the gold table.
*/
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "io/records_internal.h"

int pmx_buf_add(pmx_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p)
            return -1;
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
    return 0;
}

int pmx_buf_set(pmx_buf *b, const char *s, size_t n)
{
    b->len = 0;
    return pmx_buf_add(b, s, n);
}

void pmx_buf_free(pmx_buf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

pm_status pmx_check_key(const pm_records *r, const char *field, const char *s, size_t n, long line,
                        long col, pm_error *err)
{
    size_t bad = pmx_utf8_bad(s, n);
    if (bad == 0)
        return PM_OK;
    return pm_error_at(err, PM_EPARSE, r->name, line, col > 0 ? col + (long)bad - 1 : 0,
                       "field '%s': byte 0x%02X at offset %zu is not valid UTF-8 (convert the file "
                       "to UTF-8, e.g. with iconv)",
                       field, (unsigned char)s[bad - 1], bad - 1);
}

/* Decimal notation only: [+-] digits [. digits] [(e|E) [+-] digits], at
 * least one digit before the exponent. strtod also reads hexadecimal
 * (0x10, 0x1p3), inf, infinity, nan and leading blanks, none of which is a
 * duration or a time in a log: they are refused here, before strtod. */
int pmx_is_decimal(const char *s)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    size_t digits = 0;
    while (*p >= '0' && *p <= '9')
        p++, digits++;
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9')
            p++, digits++;
    }
    if (!digits)
        return 0;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!(*p >= '0' && *p <= '9'))
            return 0;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return *p == '\0';
}

/* 10^k, exact in a double, for the plain-decimal fast paths below. */
static const double p10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                             1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

int pmx_parse_number(const char *s, double *out)
{
    char *end;
    /* Fast path for plain integers of up to 15 digits (ids, epoch seconds,
     * whole durations): exact in a double, no strtod call. */
    const char *q = s;
    long long iv = 0;
    while (*q >= '0' && *q <= '9' && q - s < 15)
        iv = iv * 10 + (*q++ - '0');
    if (*q == '\0' && q > s) {
        *out = (double)iv;
        return 0;
    }
    /* Plain decimals of up to 15 digits in all (durations such as 14.8):
     * digits and 10^k are exact doubles, so their IEEE quotient is the
     * correctly rounded value, the same as strtod's (Clinger's fast path). */
    if (*q == '.' && q > s) {
        const char *f = ++q;
        while (*q >= '0' && *q <= '9' && q - s < 16)
            iv = iv * 10 + (*q++ - '0');
        if (*q == '\0' && q > f) {
            *out = (double)iv / p10[q - f];
            return 0;
        }
    }
    if (!pmx_is_decimal(s))
        return -1;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* Eight ASCII digits, the first in the lowest byte, to their value; 0 when
 * a byte is not a digit (a byte has high nibble 3 and stays below 0x40
 * after adding 6 only for '0'..'9'). Three multiply-and-fold steps join
 * digit pairs, then pairs of pairs, then the two halves. */
static inline __attribute__((always_inline)) int digits8(uint64_t w, uint64_t *v)
{
    const uint64_t hi = 0xF0F0F0F0F0F0F0F0u, z = 0x3030303030303030u;
    if ((w & hi) != z || ((w + 0x0606060606060606u) & hi) != z)
        return 0;
    w -= z;
    w = (w * 10 + (w >> 8)) & 0x00FF00FF00FF00FFu;
    w = (w * 100 + (w >> 16)) & 0x0000FFFF0000FFFFu;
    *v = (w * 10000 + (w >> 32)) & 0xFFFFFFFFu;
    return 1;
}
#endif

/* The digits of s[i..n) appended to *v, up to the first byte that is not
 * one: where they stop. */
static inline size_t more_digits(const char *s, size_t i, size_t n, uint64_t *v)
{
    for (; i < n; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d > 9)
            break;
        *v = *v * 10 + d;
    }
    return i;
}

/* The leading digits of s[0..n) (n <= 15: below 10^15, exact in a double)
 * as *v, and how many there are; the first 8 at once when n >= 8 (none
 * counted when one of those is not a digit). */
static inline size_t leading_digits(const char *s, size_t n, uint64_t *v)
{
    *v = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (n >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        return digits8(w, v) ? more_digits(s, 8, n, v) : 0;
    }
#endif
    return more_digits(s, 0, n, v);
}

int pmx_parse_number_n(const char *s, size_t n, double *out)
{
    if (n == 0 || n > 15)
        return pmx_parse_number(s, out);
    uint64_t v;
    size_t i = leading_digits(s, n, &v);
    if (i == n) {
        *out = (double)v; /* below 10^15: exact */
        return 0;
    }
    /* A plain decimal (a duration such as 28.7) goes on here, as
     * pmx_parse_number's own fast path does, instead of being read again
     * from its first byte. */
    if (s[i] != '.' || i == 0 || i + 1 == n || more_digits(s, i + 1, n, &v) != n)
        return pmx_parse_number(s, out);
    *out = (double)v / p10[n - i - 1]; /* (Clinger: both exact, one rounding) */
    return 0;
}

static int iso_time(const char *s, double *out);
static int iso_seconds(const char *s, size_t n, double *out);

int pmx_parse_time_n(const char *s, size_t n, double *out)
{
    /* Epoch seconds of 8 to 15 digits (1700000000), read here as
     * pmx_parse_number_n reads them, without its call and checks: a tenth
     * of a row of a log with epoch times. */
    uint64_t v;
    if (n >= 8 && n <= 15 && leading_digits(s, n, &v) == n) {
        *out = (double)v;
        return 0;
    }
    if ((n == 20 || n == 19) && iso_seconds(s, n, out))
        return 0;
    /* Four digits then '-' is no number (a '-' after digits follows an
     * exponent's 'e'): an ISO date, parsed without first trying it as
     * epoch seconds, which cost as much again on every row of a log with
     * ISO times. */
    if (n >= 5 && s[4] == '-' && (unsigned)(s[0] - '0') < 10 && (unsigned)(s[1] - '0') < 10 &&
        (unsigned)(s[2] - '0') < 10 && (unsigned)(s[3] - '0') < 10)
        return iso_time(s, out);
    if (n == 0 || n > 15 || pmx_parse_number_n(s, n, out) != 0)
        return pmx_parse_time(s, out);
    return 0;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (H. Hinnant's days_from_civil). */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe - 719468;
}

/* Two digits at s as a number, or -1 (s[1] is read only when s[0] is a
 * digit, so a string ending at s[0] is not read past its NUL). */
static inline int two(const char *s)
{
    unsigned a = (unsigned)((unsigned char)s[0] - '0'); /* (isdigit: a call per byte) */
    if (a > 9)
        return -1;
    unsigned b = (unsigned)((unsigned char)s[1] - '0');
    return b > 9 ? -1 : (int)(a * 10 + b);
}

/* n (2 or 4) digits at *s as *v, *s moved past them; -1 when one is not a
 * digit. */
static int digits(const char **s, int n, int *v)
{
    *v = 0;
    for (int i = 0; i < n; i += 2) {
        int d = two(*s + i);
        if (d < 0)
            return -1;
        *v = *v * 100 + d;
    }
    *s += n;
    return 0;
}

/* 0, PMX_TIME_SYNTAX, or PMX_TIME_ZONE for an offset out of range. */
static int parse_zone(const char *s, double *off)
{
    int hh, mm = 0;
    *off = 0;
    if (*s == '\0')
        return 0;
    if ((*s == 'Z' || *s == 'z') && s[1] == '\0')
        return 0;
    if (*s != '+' && *s != '-')
        return PMX_TIME_SYNTAX;
    int sign = *s++ == '-' ? -1 : 1;
    if (digits(&s, 2, &hh))
        return PMX_TIME_SYNTAX;
    if (*s == ':')
        s++;
    if (*s && digits(&s, 2, &mm))
        return PMX_TIME_SYNTAX;
    if (*s)
        return PMX_TIME_SYNTAX;
    if (hh > 23 || mm > 59)
        return PMX_TIME_ZONE;
    *off = sign * (hh * 3600.0 + mm * 60.0);
    return 0;
}

static int leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : days[m - 1];
}

/* The shape nearly every exported ISO time has, YYYY-MM-DDTHH:MM:SS with
 * an optional Z (n = 19 or 20), when every field is in range: 1 with *out
 * as iso_time gives it (the sum of whole seconds is exact either way);
 * else 0, and iso_time decides, with its messages. It reads each byte
 * once, with no zone or fraction parsing: iso_time's general walk was 6 %
 * of a row of a log with ISO times. */
static int iso_seconds(const char *s, size_t n, double *out)
{
    /* The last valid date seen by this thread and its day number: a log's
     * rows come in runs of one day, and checking the date and counting its
     * days is most of the work. */
    static _Thread_local struct {
        uint64_t ymd8; /* "YYYY-MM-" */
        uint16_t dd;   /* "DD" */
        double day0;   /* its first second */
        int valid;     /* one is kept */
    } last;
    if ((s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' || s[16] != ':' ||
        (n == 20 && s[19] != 'Z' && s[19] != 'z'))
        return 0;
    int h = two(s + 11), mi = two(s + 14), sec = two(s + 17);
    if ((h | mi | sec) < 0 || h > 23 || mi > 59 || sec > 60)
        return 0;
    uint64_t ymd8;
    uint16_t dd;
    memcpy(&ymd8, s, 8);
    memcpy(&dd, s + 8, 2);
    if (!last.valid || ymd8 != last.ymd8 || dd != last.dd) {
        if (s[4] != '-' || s[7] != '-')
            return 0;
        int y1 = two(s), y2 = two(s + 2), mo = two(s + 5), d = two(s + 8);
        if ((y1 | y2 | mo | d) < 0)
            return 0;
        int y = y1 * 100 + y2;
        if (mo < 1 || mo > 12 || d < 1 || (d > 28 && d > days_in_month(y, mo)))
            return 0;
        last.ymd8 = ymd8;
        last.dd = dd;
        last.day0 = (double)days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400.0;
        last.valid = 1;
    }
    *out = last.day0 + h * 3600.0 + mi * 60.0 + sec;
    return 1;
}

const char *pmx_time_problem(int code)
{
    switch (code) {
    case PMX_TIME_MONTH:
        return "the month is not 01..12";
    case PMX_TIME_DAY:
        return "that month has no such day";
    case PMX_TIME_HOUR:
        return "the hour is not 00..23";
    case PMX_TIME_MINUTE:
        return "the minute is not 00..59";
    case PMX_TIME_SECOND:
        return "the second is not 00..60";
    case PMX_TIME_ZONE:
        return "the zone offset is not -23:59..+23:59";
    }
    return "not an ISO 8601 time or epoch seconds";
}

/* An ISO 8601 time (pmx_parse_time without epoch seconds). */
static int iso_time(const char *s, double *out)
{
    int y, mo, d, h = 0, mi = 0, sec = 0;
    double frac = 0, off;
    if (digits(&s, 4, &y) || *s++ != '-' || digits(&s, 2, &mo) || *s++ != '-' || digits(&s, 2, &d))
        return PMX_TIME_SYNTAX;
    int range = 0; /* the first impossible field, reported once the syntax is known good */
    if (mo < 1 || mo > 12)
        range = PMX_TIME_MONTH;
    else if (d < 1 || d > days_in_month(y, mo))
        range = PMX_TIME_DAY;
    if (*s == 'T' || *s == 't' || *s == ' ') {
        s++;
        if (digits(&s, 2, &h) || *s++ != ':' || digits(&s, 2, &mi))
            return PMX_TIME_SYNTAX;
        if (*s == ':') {
            s++;
            if (digits(&s, 2, &sec))
                return PMX_TIME_SYNTAX;
            if (*s == '.' || *s == ',') {
                double scale = 0.1;
                s++;
                if (!isdigit((unsigned char)*s))
                    return PMX_TIME_SYNTAX;
                while (isdigit((unsigned char)*s)) {
                    frac += (*s++ - '0') * scale;
                    scale /= 10;
                }
            }
        }
        if (!range)
            range = h > 23     ? PMX_TIME_HOUR
                    : mi > 59  ? PMX_TIME_MINUTE
                    : sec > 60 ? PMX_TIME_SECOND
                               : 0;
    }
    int z = parse_zone(s, &off);
    if (z)
        return z;
    if (range)
        return range;
    *out = (double)days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400.0 + h * 3600.0 +
           mi * 60.0 + sec + frac - off;
    return 0;
}

int pmx_parse_time(const char *s, double *out)
{
    if (pmx_parse_number(s, out) == 0)
        return 0;
    return iso_time(s, out);
}

int pmx_strieq(const char *a, const char *b)
{
    while (*a && *b && tolower((unsigned char)*a) == tolower((unsigned char)*b)) {
        a++;
        b++;
    }
    return *a == '\0' && *b == '\0';
}

const char *pmx_pairwise_word(const char *s)
{
    /* The canonical spellings first: they are nearly every row. */
    if (s[0] && !s[1] && (s[0] == 'A' || s[0] == 'B'))
        return s[0] == 'A' ? "A" : "B";
    if (strcmp(s, "tie") == 0)
        return "tie";
    static const char *const words[] = {"A", "B", "tie", "left", "right"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (pmx_strieq(s, words[i]))
            return words[i];
    return NULL;
}

/* Header synonyms: ours, crowd-kit's (worker, task, performer) and common
 * export names. */
static const struct {
    const char *name;
    int col;
} synonyms[] = {
    {"annotator", PMX_COL_ANNOTATOR},
    {"worker", PMX_COL_ANNOTATOR},
    {"performer", PMX_COL_ANNOTATOR},
    {"annotator_id", PMX_COL_ANNOTATOR},
    {"worker_id", PMX_COL_ANNOTATOR},
    {"item", PMX_COL_ITEM},
    {"task", PMX_COL_ITEM},
    {"item_key", PMX_COL_ITEM},
    {"label", PMX_COL_LABEL},
    {"gold", PMX_COL_GOLD},
    {"gold_label", PMX_COL_GOLD},
    {"timestamp", PMX_COL_TIMESTAMP},
    {"duration", PMX_COL_DURATION},
    {"duration_s", PMX_COL_DURATION},
    {"shown_left", PMX_COL_SHOWN_LEFT},
    {"left", PMX_COL_LEFT},
    {"right", PMX_COL_RIGHT},
};

int pmx_column_of(const char *name, size_t len)
{
    while (len > 0 && (*name == ' ' || *name == '\t')) {
        name++;
        len--;
    }
    while (len > 0 && (name[len - 1] == ' ' || name[len - 1] == '\t'))
        len--;
    for (size_t i = 0; i < sizeof synonyms / sizeof synonyms[0]; i++) {
        const char *w = synonyms[i].name;
        size_t j = 0;
        while (j < len && w[j] && tolower((unsigned char)name[j]) == w[j])
            j++;
        if (j == len && w[j] == '\0')
            return synonyms[i].col;
    }
    return -1;
}

const char *pmx_column_name(int col)
{
    static const char *const names[PMX_COL_N] = {
        "annotator", "item",       "label", "gold",  "timestamp",
        "duration",  "shown_left", "left",  "right",
    };
    return col >= 0 && col < PMX_COL_N ? names[col] : "?";
}

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211ull;
    return h;
}

static char **gold_find(const pmx_gold *g, const char *key)
{
    size_t mask = g->cap - 1, i = (size_t)hash_str(key) & mask;
    while (g->slot[i] && strcmp(g->slot[i], key) != 0)
        i = (i + 1) & mask;
    return &g->slot[i];
}

static int gold_grow(pmx_gold *g)
{
    size_t cap = g->cap ? 2 * g->cap : 256;
    pmx_gold ng = {calloc(cap, sizeof(char *)), cap, g->n};
    if (!ng.slot)
        return -1;
    for (size_t i = 0; i < g->cap; i++)
        if (g->slot[i])
            *gold_find(&ng, g->slot[i]) = g->slot[i];
    free(g->slot);
    *g = ng;
    return 0;
}

int pmx_gold_put(pmx_gold *g, const char *key, const char *val, const char **old)
{
    if ((g->n + 1) * 2 > g->cap && gold_grow(g) != 0)
        return -1;
    char **s = gold_find(g, key);
    if (*s) {
        const char *v = *s + strlen(*s) + 1;
        if (strcmp(v, val) == 0)
            return 0;
        *old = v;
        return 1;
    }
    size_t kn = strlen(key) + 1, vn = strlen(val) + 1;
    char *e = malloc(kn + vn);
    if (!e)
        return -1;
    memcpy(e, key, kn);
    memcpy(e + kn, val, vn);
    *s = e;
    g->n++;
    return 0;
}

const char *pmx_gold_get(const pmx_gold *g, const char *key)
{
    if (g->n == 0)
        return NULL;
    char *const *s = gold_find(g, key);
    return *s ? *s + strlen(*s) + 1 : NULL;
}

void pmx_gold_free(pmx_gold *g)
{
    for (size_t i = 0; i < g->cap; i++)
        free(g->slot[i]);
    free(g->slot);
    g->slot = NULL;
    g->cap = g->n = 0;
}

pm_status pmx_ignore_column(pm_records *r, const pm_csv_field *f, pm_error *err)
{
    if ((r->ignored.len && pmx_buf_add(&r->ignored, ",", 1)) ||
        pmx_buf_add(&r->ignored, f->s, f->len))
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    return PM_OK;
}

const char *pmx_json_text(pm_records *r, json_t *v, int slot)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v)) {
        snprintf(r->num[slot], sizeof r->num[slot], "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return r->num[slot];
    }
    return NULL;
}

int pmx_contains(const unsigned char *p, size_t n, const char *w)
{
    size_t k = strlen(w);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(p + i, w, k) == 0)
            return 1;
    return 0;
}
