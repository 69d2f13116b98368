/*
** The project's own delimited-record reader: RFC 4180 CSV (quoted fields
** with separators, doubled quotes and line ends inside), TSV and plain
** lines as dialects without quoting. See csv.h for the contract.
**
** Speed: the input is read in 256 KiB blocks. A record that is one line of
** data and separators (its line end LF or CRLF), whole in the block (most
** records), is found and split by one scan, 32 bytes at a time with AVX2
** where the CPU has it, else 16 with SSE2 (scan_plain); pm_csv_next then
** copies it at once, and the generic reader borrows it in place instead
** (pmx_csv_next_split). Any other record goes through the byte-state scan,
** whose unquoted bytes are copied by a table-driven inner loop that stops
** only at a separator, line end, quote or NUL. One record buffer and one
** field array are reused.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/csv_internal.h"
#include "prefmon/csv.h"

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#define CSV_SSE2 1
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define CSV_AVX2 1
#endif

#define CSV_BLOCK ((size_t)1 << 18)

enum { C_PLAIN = 0, C_SEP, C_NL, C_CR, C_QUOTE, C_NUL };
enum { S_START, S_UNQ, S_CR, S_QUOTED, S_QQ, S_QCR };

struct pm_csv {
    FILE *fp;
    const char *name;
    unsigned char *buf;
    size_t blen, bpos;
    int eof, ioerr;
    long long base;     /* file offset of buf[0] */
    long long limit;    /* read no byte at or past this file offset (-1: to the end) */
    long line;          /* line of the scan position */
    long long line_off; /* file offset where that line starts */
    char *rec;
    size_t rlen, rcap, max;
    pm_csv_field *f;
    size_t *foff;
    size_t nf, fcap;
    long rec_line;
    int rec_quoted;
    int rec_ascii;   /* the record came by the fast path and every byte is < 0x80 */
    int avx2;        /* scan_plain may use AVX2 */
    uint32_t *start; /* fast_record: the fields' starts in the line (scan_plain) */
    size_t scap;     /* ... room for scap fields and the end */
    char sep;
    int quoting;
    unsigned char cls[256];
};

pm_csv *pm_csv_new(size_t max, pm_error *err)
{
    if (max == 0) {
        pm_error_set(err, PM_EINVAL, "a CSV reader needs a record limit of at least 1 byte");
        return NULL;
    }
    pm_csv *c = calloc(1, sizeof *c);
    if (!c) {
        pm_error_set(err, PM_ENOMEM, "out of memory");
        return NULL;
    }
    c->max = max;
    pmx_csv_simd(c, 1);
    c->rcap = max + 1 < 4096 ? max + 1 : 4096;
    c->buf = malloc(CSV_BLOCK);
    c->rec = malloc(c->rcap);
    if (!c->buf || !c->rec) {
        pm_csv_free(c);
        pm_error_set(err, PM_ENOMEM, "out of memory");
        return NULL;
    }
    pm_csv_dialect(c, ',', 1);
    return c;
}

void pm_csv_free(pm_csv *c)
{
    if (!c)
        return;
    free(c->buf);
    free(c->rec);
    free(c->f);
    free(c->foff);
    free(c->start);
    free(c);
}

void pmx_csv_simd(pm_csv *c, int avx2)
{
    c->avx2 = 0;
#ifdef CSV_AVX2
    __builtin_cpu_init();
    c->avx2 = avx2 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt") &&
              __builtin_cpu_supports("bmi");
#else
    (void)avx2;
#endif
}

void pm_csv_dialect(pm_csv *c, char sep, int quoting)
{
    memset(c->cls, C_PLAIN, sizeof c->cls);
    c->sep = sep;
    c->quoting = quoting;
    if (sep)
        c->cls[(unsigned char)sep] = C_SEP;
    c->cls['\n'] = C_NL;
    c->cls['\r'] = C_CR;
    c->cls[0] = C_NUL;
    if (quoting)
        c->cls['"'] = C_QUOTE;
}

static int refill(pm_csv *c)
{
    if (c->eof)
        return 0;
    c->base += (long long)c->blen;
    c->bpos = 0;
    size_t want = CSV_BLOCK;
    if (c->limit >= 0 && (long long)want > c->limit - c->base)
        want = c->limit > c->base ? (size_t)(c->limit - c->base) : 0;
    c->blen = want ? fread(c->buf, 1, want, c->fp) : 0;
    if (c->blen < want || c->blen == 0 ||
        (c->limit >= 0 && c->base + (long long)c->blen >= c->limit)) {
        c->eof = 1;
        c->ioerr = ferror(c->fp) != 0;
    }
    return c->blen > 0;
}

pm_status pm_csv_open(pm_csv *c, FILE *fp, const char *name, pm_error *err)
{
    c->fp = fp;
    c->name = name;
    c->blen = c->bpos = 0;
    c->eof = c->ioerr = 0;
    c->base = 0;
    c->limit = -1;
    c->line = 1;
    c->line_off = 0;
    c->nf = c->rlen = 0;
    pm_csv_dialect(c, ',', 1);
    refill(c);
    if (c->ioerr)
        return pm_error_at(err, PM_EIO, name, 0, 0, "read error");
    if (c->blen >= 3 && memcmp(c->buf, "\xEF\xBB\xBF", 3) == 0)
        c->bpos = c->line_off = 3;
    return PM_OK;
}

pm_status pmx_csv_open_range(pm_csv *c, FILE *fp, const char *name, long long start, long long end,
                             long line, pm_error *err)
{
    char sep = c->sep;
    int quoting = c->quoting;
    c->fp = fp;
    c->name = name;
    c->blen = c->bpos = 0;
    c->eof = c->ioerr = 0;
    c->base = start;
    c->limit = end;
    c->line = line;
    c->line_off = start;
    c->nf = c->rlen = 0;
    pm_csv_dialect(c, sep, quoting);
    refill(c);
    if (c->ioerr)
        return pm_error_at(err, PM_EIO, name, line, 0, "read error");
    return PM_OK;
}

void pmx_csv_position(const pm_csv *c, long long *offset, long *line)
{
    *offset = c->base + (long long)c->bpos;
    *line = c->line;
}

size_t pm_csv_peek(const pm_csv *c, const unsigned char **p)
{
    *p = c->buf + c->bpos;
    return c->blen - c->bpos;
}

size_t pm_csv_nfields(const pm_csv *c)
{
    return c->nf;
}

const pm_csv_field *pm_csv_fields(const pm_csv *c)
{
    return c->f;
}

long pm_csv_line(const pm_csv *c)
{
    return c->rec_line;
}

int pmx_csv_ascii(const pm_csv *c)
{
    return c->rec_ascii;
}

size_t pm_csv_read_raw(pm_csv *c, void *dst, size_t n, int *io_error)
{
    size_t have = c->blen - c->bpos, got;
    *io_error = 0;
    if (have) {
        got = have < n ? have : n;
        memcpy(dst, c->buf + c->bpos, got);
        c->bpos += got;
        return got;
    }
    if (c->eof)
        return 0;
    got = fread(dst, 1, n, c->fp);
    if (got < n && ferror(c->fp))
        *io_error = 1;
    return got;
}

static long col_of(const pm_csv *c, const unsigned char *p)
{
    return (long)(c->base + (p - c->buf) - c->line_off + 1);
}

static void newline(pm_csv *c, const unsigned char *after)
{
    c->line++;
    c->line_off = c->base + (after - c->buf);
}

static pm_status grow_slow(pm_csv *c, size_t need, pm_error *err)
{
    if (need > c->max + 1) /* callers check the limit first; never write past it */
        return pm_error_at(err, PM_ELIMIT, c->name, c->line, 0,
                           "record longer than %zu bytes (max_line)", c->max);
    size_t cap = 2 * c->rcap > need ? 2 * c->rcap : need;
    if (cap > c->max + 1)
        cap = c->max + 1;
    char *r = realloc(c->rec, cap);
    if (!r)
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    c->rec = r;
    c->rcap = cap;
    return PM_OK;
}

/* The record buffer holds need bytes (the common case inline). */
static inline pm_status grow(pm_csv *c, size_t need, pm_error *err)
{
    return need <= c->rcap ? PM_OK : grow_slow(c, need, err);
}

/* Room for `more` more fields. */
static pm_status fields_room_slow(pm_csv *c, size_t more, pm_error *err)
{
    size_t cap = c->fcap ? 2 * c->fcap : 32;
    while (cap < c->nf + more)
        cap *= 2;
    pm_csv_field *f = realloc(c->f, cap * sizeof *f);
    if (f)
        c->f = f;
    size_t *o = f ? realloc(c->foff, cap * sizeof *o) : NULL;
    if (!o)
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    c->foff = o;
    c->fcap = cap;
    return PM_OK;
}

static inline pm_status fields_room(pm_csv *c, size_t more, pm_error *err)
{
    return c->fcap - c->nf >= more ? PM_OK : fields_room_slow(c, more, err);
}

static inline pm_status field_room(pm_csv *c, pm_error *err)
{
    return fields_room(c, 1, err);
}

static inline pm_status push_field(pm_csv *c, const unsigned char *p, pm_error *err)
{
    pm_status s = field_room(c, err);
    if (s)
        return s;
    c->foff[c->nf] = c->rlen;
    c->f[c->nf].line = c->line;
    c->f[c->nf].col = col_of(c, p);
    c->nf++;
    return PM_OK;
}

static pm_status too_long(pm_csv *c, const unsigned char *p, int st, pm_error *err)
{
    if (st == S_QUOTED)
        return pm_error_at(err, PM_ELIMIT, c->name, c->line, col_of(c, p),
                           "record longer than %zu bytes (max_line) inside a quoted field that "
                           "opened at line %ld, column %ld: a quote is probably not closed",
                           c->max, c->f[c->nf - 1].line, c->f[c->nf - 1].col);
    return pm_error_at(err, PM_ELIMIT, c->name, c->line, col_of(c, p),
                       "record longer than %zu bytes (max_line); raise the limit or check that "
                       "this is a text file with line ends",
                       c->max);
}

/* End the current field with its NUL, which counts against the limit like
 * the separator it replaces. */
static inline pm_status end_field(pm_csv *c, const unsigned char *p, int state, pm_error *err)
{
    if (c->rlen > c->max)
        return too_long(c, p, state, err);
    pm_status st = grow(c, c->rlen + 1, err);
    if (st)
        return st;
    c->rec[c->rlen++] = '\0';
    return PM_OK;
}

/* Turn offsets into pointers; returns 0 for a blank line (to be skipped). */
static int finish(pm_csv *c)
{
    if (c->nf == 1 && c->rlen == 1 && !c->rec_quoted)
        return 0;
    for (size_t i = 0; i < c->nf; i++) {
        size_t next = i + 1 < c->nf ? c->foff[i + 1] : c->rlen;
        c->f[i].s = c->rec + c->foff[i];
        c->f[i].len = next - c->foff[i] - 1;
    }
    return 1;
}

static void restart(pm_csv *c)
{
    c->nf = c->rlen = 0;
    c->rec_quoted = c->rec_ascii = 0;
    c->rec_line = c->line;
}

/* Copy a run of ordinary bytes (class C_PLAIN, or anything but '"', '\n'
 * and NUL inside quotes) into the record; returns the stop position. */
static const unsigned char *copy_run(pm_csv *c, const unsigned char *p, const unsigned char *end,
                                     int quoted, int *full, pm_error *err)
{
    size_t room = c->rlen >= c->max ? 0 : c->max - c->rlen;
    size_t n = (size_t)(end - p);
    *full = 0;
    if (n > room) {
        n = room;
        *full = 1;
    }
    if (n > 0 && grow(c, c->rlen + n + 1, err) != PM_OK)
        return NULL; /* out of memory: n <= room keeps the need within max + 1 */
    char *d = c->rec + c->rlen;
    const unsigned char *stop = p + n;
    if (quoted) {
        while (p < stop && *p != '"' && *p != '\n' && *p != '\0')
            *d++ = (char)*p++;
    } else {
        const unsigned char *cls = c->cls;
        while (p < stop && !cls[*p])
            *d++ = (char)*p++;
    }
    c->rlen = (size_t)(d - c->rec);
    /* Not over the limit when the run stopped at a byte that ends it (a
     * record of exactly max bytes fits). */
    if (p < stop || (p < end && (quoted ? *p == '"' || *p == '\n' || *p == '\0' : c->cls[*p])))
        *full = 0;
    return p;
}

static pm_status nul_byte(const pm_csv *c, const unsigned char *p, pm_error *err)
{
    return pm_error_at(err, PM_EPARSE, c->name, c->line, col_of(c, p),
                       "NUL byte: this is not a text file");
}

/* Append one byte that the scan loop handled itself ('\r', '\n', '"'). */
static pm_status put(pm_csv *c, const unsigned char *p, int st, char ch, pm_error *err)
{
    pm_status s;
    if (c->rlen >= c->max)
        return too_long(c, p, st, err);
    if ((s = grow(c, c->rlen + 2, err)))
        return s;
    c->rec[c->rlen++] = ch;
    return PM_OK;
}

/* One step outside quotes (states S_START, S_UNQ, S_CR) at *pp < end;
 * *eol = 1 when the record ends at the '\n' at *pp. */
static inline pm_status step_plain(pm_csv *c, int *st, const unsigned char **pp,
                                   const unsigned char *end, int *eol, pm_error *err)
{
    const unsigned char *p = *pp;
    pm_status s;
    int full;
    if (*st == S_START) {
        if ((s = push_field(c, p, err)))
            return s;
        if (c->quoting && *p == '"') {
            *st = S_QUOTED;
            c->rec_quoted = 1;
            p++;
        } else {
            *st = S_UNQ;
        }
    } else if (*st == S_CR) {
        if (*p == '\n') {
            *eol = 1;
            return PM_OK;
        }
        if ((s = put(c, p, *st, '\r', err))) /* a lone CR is data */
            return s;
        *st = S_UNQ;
    } else {
        if (!(p = copy_run(c, p, end, 0, &full, err)))
            return PM_ENOMEM;
        if (full)
            return too_long(c, p, *st, err);
        if (p < end) {
            switch (c->cls[*p]) {
            case C_SEP:
                if ((s = end_field(c, p, *st, err)))
                    return s;
                *st = S_START;
                p++;
                break;
            case C_NL:
                *eol = 1;
                break;
            case C_CR:
                *st = S_CR;
                p++;
                break;
            case C_QUOTE:
                return pm_error_at(err, PM_EPARSE, c->name, c->line, col_of(c, p),
                                   "quote inside an unquoted field: quote the whole field "
                                   "and double the quotes inside it (\"a \"\"b\"\" c\")");
            default:
                return nul_byte(c, p, err);
            }
        }
    }
    *pp = p;
    return PM_OK;
}

/* One step inside or just after quotes (S_QUOTED, S_QQ, S_QCR). */
static inline pm_status step_quoted(pm_csv *c, int *st, const unsigned char **pp,
                                    const unsigned char *end, int *eol, pm_error *err)
{
    const unsigned char *p = *pp;
    pm_status s;
    int full;
    if (*st == S_QUOTED) {
        if (!(p = copy_run(c, p, end, 1, &full, err)))
            return PM_ENOMEM;
        if (full)
            return too_long(c, p, *st, err);
        if (p < end) {
            if (*p == '\0')
                return nul_byte(c, p, err);
            if (*p == '"') {
                *st = S_QQ;
            } else {
                if ((s = put(c, p, *st, '\n', err)))
                    return s;
                newline(c, p + 1);
            }
            p++;
        }
    } else if (*p == '\n') {
        *eol = 1;
        return PM_OK;
    } else if (*st == S_QCR) {
        return pm_error_at(err, PM_EPARSE, c->name, c->line, col_of(c, p),
                           "carriage return after the closing quote of a field");
    } else if (*p == '"') {
        if ((s = put(c, p, S_QUOTED, '"', err)))
            return s;
        *st = S_QUOTED;
        p++;
    } else if (c->sep && *p == (unsigned char)c->sep) {
        if ((s = end_field(c, p, *st, err)))
            return s;
        *st = S_START;
        p++;
    } else if (*p == '\r') {
        *st = S_QCR;
        p++;
    } else {
        return pm_error_at(err, PM_EPARSE, c->name, c->line, col_of(c, p),
                           "text after the closing quote of a field: a quote inside "
                           "a quoted field must be doubled (\"\")");
    }
    *pp = p;
    return PM_OK;
}

/* What scan_plain returns for a line that is not plain (a quote, a NUL, a
 * CR but the one of a CRLF line end), not whole in the block, or not under
 * the limit; and for one with more fields than the caller has room for. */
#define SCAN_NO SIZE_MAX
#define SCAN_MORE (SIZE_MAX - 1)

/* What scan_plain finds besides the length, and whether it may take
 * quotes (pmx_csv_next_split only). */
typedef struct scan_out {
    size_t k, cr; /* fields; 1 when the line ends in CRLF */
    int ascii;    /* no byte of the line is 0x80 or above */
    int quotes_ok, quoted;
    size_t nq; /* quotes in the line (counted when quotes_ok) */
} scan_out;

/* What the AVX2 scan reads of the reader, copied where a batch's stores
 * into its lines (through unsigned char *, which may alias anything)
 * cannot make the compiler read it again for every line. */
typedef struct scan_cfg {
    size_t max;
    char sep, quote; /* quote '\n' when quoting is off: never met inside a line */
} scan_cfg;

static inline scan_cfg scan_cfg_of(const pm_csv *c)
{
    return (scan_cfg){c->max, c->sep, c->quoting ? '"' : '\n'};
}

/* One pass over the line at p, split as it is scanned: its length
 * (before its '\n', or before the CR of a CRLF line end: o->cr = 1) when
 * the line up to its '\n' is shorter than c->max bytes and holds no byte
 * but data and separators (and quotes, when o->quotes_ok: o->quoted = 1),
 * and its fields' starts: start[0] = 0, start[k] one past the k-th
 * separator, o->k the number of fields (at most maxk, else SCAN_MORE);
 * start[o->k] is left for the caller. o->ascii = 1 when no byte of the
 * line is 0x80 or above (no UTF-8 check of its fields is then needed).
 * avail bytes of p may be read. Offsets fit 32 bits: a whole line is in
 * one block. The byte-state scan drops the CR of a CRLF line end as well
 * (step_plain, S_CR); a CR that ends a block with its '\n' in the next
 * goes to it too.
 *
 * A block of bytes gives five masks: line ends, separators, quotes (only
 * pmx_csv_next_split takes a line with quotes, and checks that they only
 * enclose whole fields), CRs and NULs (the CR of a CRLF line end passes),
 * and bytes >= 0x80. The results go through one struct: nine arguments,
 * three of them on the stack, cost 19 instructions a row.
 * Most lines are one or two 32-byte blocks, so where the CPU has AVX2 the
 * scan uses it (chosen once, at run time: the build stays for any x86-64)
 * and counts a block's separators with one popcount; else 16-byte SSE2
 * blocks; the rest of a block's bytes, byte by byte. (An index of the
 * whole 256 KiB block, built once and read per line, cost more: building
 * it touched every byte's four masks, and each line's words were read
 * back.) */
#define SCAN_BLOCK(W, POP, MASKS)                                                                  \
    for (; i + (W) <= avail && i < n; i += (W)) {                                                  \
        unsigned e, bad, qm, s, hi;                                                                \
        MASKS;                                                                                     \
        unsigned before = e ? (e & -e) - 1 : ~0u; /* the bytes of this line */                     \
        unsigned b = bad & before;                /* allowed: the CR of a CRLF line end */         \
        if (qm & before) {                                                                         \
            if (!o->quotes_ok)                                                                     \
                return SCAN_NO;                                                                    \
            o->quoted = 1;                                                                         \
            o->nq += (size_t)POP(qm & before);                                                     \
        }                                                                                          \
        if (b && (b != (e & -e) >> 1 || p[i + (size_t)__builtin_ctz(e) - 1] != '\r'))              \
            return SCAN_NO;                                                                        \
        high |= hi & before;                                                                       \
        s &= before;                                                                               \
        if (k + (size_t)POP(s) > maxk)                                                             \
            return SCAN_MORE;                                                                      \
        for (; s; s &= s - 1)                                                                      \
            start[k++] = (uint32_t)(i + (size_t)__builtin_ctz(s) + 1);                             \
        if (e) {                                                                                   \
            size_t len = i + (size_t)__builtin_ctz(e);                                             \
            o->k = k;                                                                              \
            o->ascii = !high;                                                                      \
            o->cr = b != 0;                                                                        \
            return len >= n ? SCAN_NO : len - o->cr;                                               \
        }                                                                                          \
    }

/* The bytes left after the blocks, one at a time. */
static size_t scan_tail(const pm_csv *c, const unsigned char *p, size_t i, size_t n,
                        uint32_t *start, size_t k, size_t maxk, unsigned high, scan_out *o)
{
    for (; i < n; i++) {
        unsigned char b = p[i], cl = c->cls[b];
        if (cl == C_NL || (cl == C_CR && i + 1 < n && p[i + 1] == '\n')) {
            o->k = k;
            o->ascii = !high;
            o->cr = cl == C_CR;
            return i;
        }
        if (cl == C_SEP) {
            if (k == maxk)
                return SCAN_MORE;
            start[k++] = (uint32_t)(i + 1);
        } else if (cl == C_QUOTE && o->quotes_ok) {
            o->quoted = 1;
            o->nq++;
        } else if (cl != C_PLAIN) {
            return SCAN_NO;
        }
        high |= b & 0x80u;
    }
    return SCAN_NO;
}

/* Bits set in a 16-bit mask, inline (without -mpopcnt, __builtin_popcount
 * is a library call). */
static inline unsigned pop16(unsigned x)
{
    x -= (x >> 1) & 0x5555u;
    x = (x & 0x3333u) + ((x >> 2) & 0x3333u);
    x = (x + (x >> 4)) & 0x0f0fu;
    return (x + (x >> 8)) & 0x1fu;
}

static size_t scan_plain_sse2(const pm_csv *c, const unsigned char *p, size_t avail,
                              uint32_t *start, size_t maxk, scan_out *o)
{
    size_t i = 0, k = 1, n = avail < c->max ? avail : c->max;
    unsigned high = 0;
    start[0] = 0;
#ifdef CSV_SSE2
    const __m128i nl = _mm_set1_epi8('\n'), vcr = _mm_set1_epi8('\r'), zero = _mm_setzero_si128();
    const __m128i q = _mm_set1_epi8(c->quoting ? '"' : '\n'), vs = _mm_set1_epi8(c->sep);
    SCAN_BLOCK(16, pop16, {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        e = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl));
        bad = (unsigned)_mm_movemask_epi8(
            _mm_or_si128(_mm_cmpeq_epi8(v, vcr), _mm_cmpeq_epi8(v, zero)));
        qm = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, q));
        s = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vs));
        hi = (unsigned)_mm_movemask_epi8(v);
    })
#endif
    return scan_tail(c, p, i, n, start, k, maxk, high, o);
}

#ifdef CSV_AVX2
/* (always inlined: into scan_plain_avx2 and into splits_avx2's loop, both
 * built for AVX2 as it must be) */
__attribute__((target("avx2,popcnt,bmi"))) static inline __attribute__((always_inline)) size_t
scan_body_avx2(const pm_csv *c, const scan_cfg *g, const unsigned char *p, size_t avail,
               uint32_t *start, size_t maxk, scan_out *o)
{
    size_t i = 0, k = 1, n = avail < g->max ? avail : g->max;
    unsigned high = 0;
    start[0] = 0;
    const __m256i nl = _mm256_set1_epi8('\n'), vcr = _mm256_set1_epi8('\r');
    const __m256i zero = _mm256_setzero_si256(), vs = _mm256_set1_epi8(g->sep);
    const __m256i q = _mm256_set1_epi8(g->quote);
    SCAN_BLOCK(32, __builtin_popcount, {
        __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(p + i));
        e = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, nl));
        bad = (unsigned)_mm256_movemask_epi8(
            _mm256_or_si256(_mm256_cmpeq_epi8(v, vcr), _mm256_cmpeq_epi8(v, zero)));
        qm = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, q));
        s = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, vs));
        hi = (unsigned)_mm256_movemask_epi8(v);
    })
    return scan_tail(c, p, i, n, start, k, maxk, high, o);
}

/* The upper halves of the YMM registers are cleared by hand before going
 * back to code built for any x86-64: GCC 12 put no vzeroupper on this
 * path, and SSE code run with them dirty is slowed on every instruction
 * (the statistics after the last line of a file, a million annotators'
 * worth on the crowd shape, took half as long again). Not in the scan
 * itself: inlined into splits_avx2's loop it would clear the constants the
 * loop keeps in YMM registers, to be set up again for every line. */
__attribute__((target("avx2,popcnt,bmi"))) static size_t
scan_plain_avx2(const pm_csv *c, const unsigned char *p, size_t avail, uint32_t *start, size_t maxk,
                scan_out *o)
{
    scan_cfg g = scan_cfg_of(c);
    size_t n = scan_body_avx2(c, &g, p, avail, start, maxk, o);
    _mm256_zeroupper();
    return n;
}
#endif

static inline size_t scan_plain(const pm_csv *c, size_t pos, uint32_t *start, size_t maxk,
                                scan_out *o)
{
    const unsigned char *p = c->buf + pos;
    size_t avail = c->blen - pos;
#ifdef CSV_AVX2
    if (c->avx2)
        return scan_plain_avx2(c, p, avail, start, maxk, o);
#endif
    return scan_plain_sse2(c, p, avail, start, maxk, o);
}

/* Field p[from..to) of the line copied to the record buffer, whose first
 * byte is at column col0 (room for it was made). */
static inline void cut(pm_csv *c, size_t from, size_t to, long col0)
{
    pm_csv_field *f = &c->f[c->nf++];
    c->rec[to] = '\0';
    f->s = c->rec + from;
    f->len = to - from;
    f->line = c->line;
    f->col = col0 + (long)from;
}

/* The line p[0..len) consumed, len counting a CR before its '\n': the scan
 * position moves past the '\n'. */
static void consume(pm_csv *c, const unsigned char *p, size_t len)
{
    newline(c, p + len + 1);
    c->bpos += len + 1;
}

/* The line at the scan position when it is plain (scan_plain), with room
 * for its fields' starts in c->start (grown as needed: a plain line whole
 * in a block has at most a block of separators); SCAN_NO otherwise. */
static size_t plain_line(pm_csv *c, scan_out *o)
{
    for (;;) {
        size_t len = c->scap ? scan_plain(c, c->bpos, c->start, c->scap, o) : SCAN_MORE;
        if (len != SCAN_MORE)
            return len;
        size_t cap = c->scap ? 2 * c->scap : 64;
        uint32_t *s = cap <= CSV_BLOCK + 1 ? realloc(c->start, (cap + 1) * sizeof *s) : NULL;
        if (!s)
            return SCAN_NO; /* the byte-state scan reads it */
        c->start = s;
        c->scap = cap;
    }
}

/* The next record when it is a line of data and separators only, whole in
 * the block and under the limit (most records): one scan finds its end
 * and its separators, one copy takes it, and the fields are set directly.
 * The byte-state scan in pm_csv_next gives the same fields, lines and
 * columns; *done = 0 leaves the record to it untouched. *done = 2 for a
 * blank line (consumed, no record). */
static pm_status fast_record(pm_csv *c, int *done, pm_error *err)
{
    const unsigned char *p = c->buf + c->bpos;
    *done = 0;
    if (!c->sep || c->cls[(unsigned char)c->sep] != C_SEP)
        return PM_OK;
    scan_out o = {0};
    size_t len = plain_line(c, &o), k = o.k;
    if (len == SCAN_NO || grow(c, len + 1, NULL) != PM_OK)
        return PM_OK;
    if (len > 0) {
        if (fields_room(c, k, err) != PM_OK)
            return PM_ENOMEM;
        memcpy(c->rec, p, len);
        const long col0 = col_of(c, p);
        c->start[k] = (uint32_t)(len + 1);
        for (size_t i = 0; i < k; i++)
            cut(c, c->start[i], c->start[i + 1] - 1, col0);
        c->rlen = len + 1;
        c->rec_ascii = o.ascii;
    }
    consume(c, p, len + o.cr);
    *done = len > 0 ? 1 : 2;
    return PM_OK;
}

/* The fields of a line with quotes (start[0..k], as scan_plain gives them
 * and start[k] = one past the line; nq the line's quotes, as the scan
 * counted them): each either "..." with no other quote (its content
 * between the quotes) or without any quote, into span; 0 for anything else
 * (a doubled quote, a separator or line end inside quotes, text after a
 * closing quote, a quote inside an unquoted field), which the byte-state
 * scan reads or reports. A field that opens and closes with a quote has
 * those two; the line has no other quote exactly when it has no more than
 * these: one compare, where a memchr per field had cost a line written by
 * R's write.csv (every field quoted) 250 instructions. */
static int unquote(const unsigned char *p, const uint32_t *start, size_t k, pmx_csv_span *span,
                   size_t nq)
{
    size_t ends = 0;
    for (size_t i = 0; i < k; i++) {
        uint32_t s = start[i], e = start[i + 1] - 1;
        if (e > s && p[s] == '"') {
            if (e - s < 2 || p[e - 1] != '"')
                return 0;
            ends += 2;
            span[i] = (pmx_csv_span){s, s + 1, e - s - 2};
        } else {
            span[i] = (pmx_csv_span){s, s, e - s};
        }
    }
    return ends == nq;
}

int pmx_csv_next_split(pm_csv *c, size_t nf, uint32_t *start, pmx_csv_span *span,
                       pmx_csv_split *out)
{
    if (c->bpos == c->blen && !refill(c))
        return 0;
    if (!c->sep || c->cls[(unsigned char)c->sep] != C_SEP || nf == 0)
        return 0;
    unsigned char *p = c->buf + c->bpos;
    scan_out o = {.quotes_ok = c->quoting};
    size_t len = scan_plain(c, c->bpos, start, nf, &o), k = o.k, cr = o.cr;
    int ascii = o.ascii, quoted = o.quoted;
    if (len == 0) {
        consume(c, p, cr);
        return 2;
    }
    if (len >= SCAN_MORE || k != nf)
        return 0;
    start[k] = (uint32_t)(len + 1);
    if (quoted && !unquote(p, start, k, span, o.nq))
        return 0;
    for (size_t i = 1; i < k; i++)
        p[start[i] - 1] = '\0';
    p[len] = '\0';
    out->span = NULL;
    if (quoted) {
        for (size_t i = 0; i < k; i++) /* each closing quote */
            p[span[i].at + span[i].len] = '\0';
        out->span = span;
    }
    restart(c);
    c->rec_ascii = ascii;
    out->p = (char *)p;
    out->start = start;
    out->line = c->line;
    out->col0 = col_of(c, p);
    out->ascii = ascii;
    consume(c, p, len + cr);
    return 1;
}

/* pmx_csv_next_splits' loop, with the scan SCAN inlined (the AVX2 one can
 * be only into a function built for AVX2 too): per line, what
 * pmx_csv_next_split does, without its call, its checks of the dialect and
 * the block, or the scan's constants set up again. */
#define SPLITS_BODY(SCAN)                                                                          \
    size_t n = 0;                                                                                  \
    int ascii = 0;                                                                                 \
    while (n < max && c->bpos < c->blen) {                                                         \
        unsigned char *p = c->buf + c->bpos;                                                       \
        uint32_t *st = start + n * (nf + 1);                                                       \
        pmx_csv_span *sp = span + n * nf;                                                          \
        scan_out o = {.quotes_ok = c->quoting};                                                    \
        size_t len = SCAN(c, p, c->blen - c->bpos, st, nf, &o), k = o.k;                           \
        if (len == 0) { /* a blank line: skipped */                                                \
            consume(c, p, o.cr);                                                                   \
            continue;                                                                              \
        }                                                                                          \
        if (len >= SCAN_MORE || k != nf)                                                           \
            break;                                                                                 \
        st[k] = (uint32_t)(len + 1);                                                               \
        if (o.quoted && !unquote(p, st, k, sp, o.nq))                                              \
            break;                                                                                 \
        for (size_t i = 1; i < k; i++)                                                             \
            p[st[i] - 1] = '\0';                                                                   \
        p[len] = '\0';                                                                             \
        out[n].span = NULL;                                                                        \
        if (o.quoted) {                                                                            \
            for (size_t i = 0; i < k; i++)                                                         \
                p[sp[i].at + sp[i].len] = '\0';                                                    \
            out[n].span = sp;                                                                      \
        }                                                                                          \
        out[n].p = (char *)p;                                                                      \
        out[n].start = st;                                                                         \
        out[n].line = c->line;                                                                     \
        out[n].col0 = col_of(c, p);                                                                \
        out[n].ascii = ascii = o.ascii;                                                            \
        consume(c, p, len + o.cr);                                                                 \
        n++;                                                                                       \
    }                                                                                              \
    if (n) {                                                                                       \
        restart(c);                                                                                \
        c->rec_ascii = ascii;                                                                      \
    }

static size_t splits_sse2(pm_csv *c, size_t nf, uint32_t *start, pmx_csv_span *span,
                          pmx_csv_split *out, size_t max)
{
    SPLITS_BODY(scan_plain_sse2)
    return n;
}

#ifdef CSV_AVX2
__attribute__((target("avx2,popcnt,bmi"))) static size_t splits_avx2(pm_csv *c, size_t nf,
                                                                     uint32_t *start,
                                                                     pmx_csv_span *span,
                                                                     pmx_csv_split *out, size_t max)
{
    const scan_cfg g = scan_cfg_of(c);
#define SCAN_AVX2(c, p, avail, start, maxk, o) scan_body_avx2(c, &g, p, avail, start, maxk, o)
    SPLITS_BODY(SCAN_AVX2)
#undef SCAN_AVX2
    _mm256_zeroupper(); /* (see scan_plain_avx2) */
    return n;
}
#endif

size_t pmx_csv_next_splits(pm_csv *c, size_t nf, uint32_t *start, pmx_csv_span *span,
                           pmx_csv_split *out, size_t max)
{
    if (c->bpos == c->blen && !refill(c))
        return 0;
    if (!c->sep || c->cls[(unsigned char)c->sep] != C_SEP || nf == 0)
        return 0;
#ifdef CSV_AVX2
    if (c->avx2)
        return splits_avx2(c, nf, start, span, out, max);
#endif
    return splits_sse2(c, nf, start, span, out, max);
}

pm_status pm_csv_next(pm_csv *c, int *got, pm_error *err)
{
    int st = S_START;
    pm_status s;
    *got = 0;
    restart(c);
    for (;;) {
        if (c->bpos == c->blen && !refill(c))
            break;
        if (st == S_START && c->nf == 0) {
            int done;
            if ((s = fast_record(c, &done, err)))
                return s;
            if (done == 1) {
                *got = 1;
                return PM_OK;
            }
            if (done == 2) {
                restart(c);
                continue;
            }
        }
        const unsigned char *p = c->buf + c->bpos, *end = c->buf + c->blen;
        while (p < end) {
            int eol = 0;
            s = st < S_QUOTED ? step_plain(c, &st, &p, end, &eol, err)
                              : step_quoted(c, &st, &p, end, &eol, err);
            if (s)
                return s;
            if (!eol)
                continue;
            if ((s = end_field(c, p, st, err)))
                return s;
            p++;
            newline(c, p);
            c->bpos = (size_t)(p - c->buf);
            if (finish(c)) {
                *got = 1;
                return PM_OK;
            }
            restart(c);
            st = S_START;
        }
        c->bpos = (size_t)(p - c->buf);
    }
    if (c->ioerr)
        return pm_error_at(err, PM_EIO, c->name, c->line, 0, "read error");
    if (st == S_QUOTED)
        return pm_error_at(err, PM_EPARSE, c->name, c->f[c->nf - 1].line, c->f[c->nf - 1].col,
                           "quoted field not closed before the end of the file");
    if (c->nf == 0)
        return PM_OK;
    const unsigned char *p = c->buf + c->bpos;
    /* "a,b," at the end of the file: the last field is empty. */
    if (st == S_START && (s = push_field(c, p, err)))
        return s;
    if ((s = end_field(c, p, st, err)))
        return s;
    *got = finish(c);
    return PM_OK;
}
