/*
** Chunks of one generic-format file for the threaded reader (see
** records_split.h): the boundary finder and the range readers.
*/
/* mmap is POSIX; fseeko and off_t need the large-file interfaces. */
#define _DEFAULT_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/par.h"
#include "io/csv_internal.h"
#include "io/records_internal.h"
#include "io/records_split.h"

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#define SPLIT_SSE2 1
#endif

/* Line ends and double quotes in p[0..n): the scan behind every chunk
 * boundary (the whole file up to the last boundary is counted once). */
static void count(const unsigned char *p, size_t n, int quotes, long *nl, long *q)
{
    size_t i = 0;
    long a = 0, b = 0;
#ifdef SPLIT_SSE2
    /* A match compares to -1 in its byte: subtracting the comparisons
     * counts matches per byte lane, up to 255 blocks at a time, and
     * _mm_sad_epu8 sums the lanes. (__builtin_popcount of the movemask is
     * a library call without -mpopcnt: a tenth of the threaded read.) */
    const __m128i vn = _mm_set1_epi8('\n'), vq = _mm_set1_epi8('"'), zero = _mm_setzero_si128();
    while (i + 16 <= n) {
        size_t blocks = (n - i) / 16 < 255 ? (n - i) / 16 : 255;
        __m128i ca = zero, cb = zero;
        for (size_t k = 0; k < blocks; k++, i += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
            ca = _mm_sub_epi8(ca, _mm_cmpeq_epi8(v, vn));
            cb = _mm_sub_epi8(cb, _mm_cmpeq_epi8(v, vq));
        }
        __m128i sa = _mm_sad_epu8(ca, zero), sb = _mm_sad_epu8(cb, zero);
        a += _mm_cvtsi128_si32(sa) + _mm_extract_epi16(sa, 4);
        if (quotes)
            b += _mm_cvtsi128_si32(sb) + _mm_extract_epi16(sb, 4);
    }
#endif
    for (; i < n; i++) {
        a += p[i] == '\n';
        b += quotes && p[i] == '"';
    }
    *nl += a;
    *q += b;
}

/* The counts are taken per segment of SEG bytes, by several threads at
 * once; a boundary's counts are then its segment's prefix plus a scan of
 * less than SEG bytes. One thread counting a 262 MB log took 60-100 ms
 * (up to 400 ms when the kernel was slow to map the file's pages), all of
 * it before any thread could start parsing. */
#define SEG ((size_t)1 << 16)

typedef struct seg_job {
    const unsigned char *p; /* the data's first byte */
    size_t n;               /* bytes of data */
    int quotes;
    long *nl, *q; /* per segment */
} seg_job;

/* Counted pages are dropped from the mapping (not from the page cache)
 * every DROP_SEGS segments: a file's pages count as resident memory while
 * mapped, and a 342 MB log counted whole sat beside tables the reader had
 * already reserved (peak RSS 605 MB against 472 MB without it). */
#define DROP_SEGS 16

static void drop_pages(const unsigned char *from, const unsigned char *to)
{
    long ps = sysconf(_SC_PAGESIZE);
    uintptr_t page = ps > 0 ? (uintptr_t)ps : 4096;
    uintptr_t a = ((uintptr_t)from + page - 1) & ~(page - 1), b = (uintptr_t)to & ~(page - 1);
    if (b > a)
        madvise((void *)a, b - a, MADV_DONTNEED); /* (a failure only keeps them) */
}

static void count_segments(void *ctx, size_t lo, size_t hi, int k)
{
    (void)k;
    seg_job *j = ctx;
    size_t dropped = lo * SEG;
    for (size_t i = lo; i < hi; i++) {
        size_t off = i * SEG, len = j->n - off < SEG ? j->n - off : SEG;
        j->nl[i] = j->q[i] = 0;
        count(j->p + off, len, j->quotes, &j->nl[i], &j->q[i]);
        if ((i + 1 - lo) % DROP_SEGS == 0 || i + 1 == hi) {
            drop_pages(j->p + dropped, j->p + off + len);
            dropped = off + len;
        }
    }
}

/* Segments [0, nseg) of p[0..n) counted by up to `threads` threads, then
 * summed into prefixes: nl[i], q[i] the counts in p[0 .. i * SEG). */
static void count_all(const unsigned char *p, size_t n, int quotes, size_t nseg, int threads,
                      long *nl, long *q)
{
    seg_job job = {p, n, quotes, nl, q};
    pmx_par_for(nseg, threads, 1, count_segments, &job);
    /* per segment -> prefix (entry nseg: the whole data) */
    long a = 0, b = 0;
    for (size_t i = 0; i < nseg; i++) {
        long x = nl[i], y = q[i];
        nl[i] = a;
        q[i] = b;
        a += x;
        b += y;
    }
    nl[nseg] = a;
    q[nseg] = b;
}

pm_status pmx_records_chunks(pm_records *r, size_t chunk_bytes, int threads, pmx_chunk **out,
                             size_t *n, pm_error *err)
{
    *out = NULL;
    *n = 0;
    struct stat sb;
    if (!r || !r->ready || !r->own_fp || !r->fp ||
        (r->fmt != PM_RECORDS_CSV && r->fmt != PM_RECORDS_TSV && r->fmt != PM_RECORDS_JSONL) ||
        fstat(fileno(r->fp), &sb) != 0 || !S_ISREG(sb.st_mode))
        return PM_OK;
    long long pos, size = (long long)sb.st_size;
    long line;
    if (r->pend_i < r->pend_n)
        return PM_OK; /* lines split ahead, past the reader's position: read on as one */
    pmx_csv_position(r->csv, &pos, &line);
    if (pos >= size)
        return PM_OK;
    if (chunk_bytes < 1)
        chunk_bytes = 1;
    const unsigned char *map = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fileno(r->fp), 0);
    if (map == MAP_FAILED)
        return PM_OK; /* read by one thread instead */
    int quotes = r->fmt == PM_RECORDS_CSV;
    const long long base = pos; /* the counts run from the data's first byte */
    size_t data = (size_t)(size - base), nseg = (data + SEG - 1) / SEG;
    size_t cap = (size_t)((size - pos) / (long long)chunk_bytes) + 2, k = 0;
    pmx_chunk *ch = malloc(cap * sizeof *ch);
    long *pnl = malloc((nseg + 1) * sizeof *pnl), *pq = malloc((nseg + 1) * sizeof *pq);
    if (!ch || !pnl || !pq) {
        free(ch);
        free(pnl);
        free(pq);
        munmap((void *)map, (size_t)size);
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    }
    count_all(map + base, data, quotes, nseg, threads, pnl, pq);
    const long line0 = line;
    while (pos < size) {
        long long target = pos + (long long)chunk_bytes, end = size;
        if (target < size) {
            /* The counts at target: its segment's prefix and the rest. */
            size_t seg = (size_t)(target - base) / SEG;
            long long at = base + (long long)(seg * SEG);
            long nl = pnl[seg], q = pq[seg];
            count(map + at, (size_t)(target - at), quotes, &nl, &q);
            at = target;
            /* The first line end at or after target outside quotes. */
            for (; at < size; at++) {
                if (map[at] == '"' && quotes)
                    q++;
                else if (map[at] == '\n') {
                    nl++;
                    if (!(q & 1))
                        break;
                }
            }
            end = at < size ? at + 1 : size;
            ch[k++] = (pmx_chunk){pos, end, line};
            line = line0 + nl; /* (nl counts the line ends of [base, end)) */
        } else {
            ch[k++] = (pmx_chunk){pos, end, line};
        }
        pos = end;
    }
    free(pnl);
    free(pq);
    munmap((void *)map, (size_t)size);
    /* jansson sets its hash seed on the first object made: made here, in
     * one thread, before the chunks' threads parse lines at once. */
    json_decref(json_object());
    *out = ch;
    *n = k;
    return PM_OK;
}

pm_records *pmx_records_range(const pm_records *parent, const pmx_chunk *ch, pm_error *err)
{
    pm_records_options o = parent->opt;
    o.map = NULL;
    o.item_field = o.label_field = NULL;
    pm_records *r = pm_records_new(&o, err);
    if (!r)
        return NULL;
    free(r->name);
    size_t len = strlen(parent->name) + 1;
    r->name = malloc(len);
    if (r->name)
        memcpy(r->name, parent->name, len);
    r->fp = r->name ? fopen(r->name, "rb") : NULL;
    if (!r->fp) {
        pm_error_at(err, r->name ? PM_EIO : PM_ENOMEM, parent->name, ch->line, 0,
                    r->name ? "cannot open again for a second thread" : "out of memory");
        pm_records_free(r);
        return NULL;
    }
    r->own_fp = 1;
    if (fseeko(r->fp, (off_t)ch->start, SEEK_SET) != 0) {
        pm_error_at(err, PM_EIO, parent->name, ch->line, 0, "cannot seek");
        pm_records_free(r);
        return NULL;
    }
    r->fmt = parent->fmt;
    memcpy(r->map_col, parent->map_col, sizeof r->map_col); /* borrowed */
    r->gold = parent->gold;                                 /* borrowed */
    memcpy(r->col, parent->col, sizeof r->col);
    r->ncols = parent->ncols;
    memcpy(r->used, parent->used, sizeof r->used);
    r->nused = parent->nused;
    r->pair_ids = parent->pair_ids;
    memset(&r->row, 0, sizeof r->row);
    if (r->fmt == PM_RECORDS_TSV)
        pm_csv_dialect(r->csv, '\t', 0);
    else if (r->fmt == PM_RECORDS_JSONL)
        pm_csv_dialect(r->csv, '\0', 0);
    else
        pm_csv_dialect(r->csv, ',', 1);
    if (pmx_csv_open_range(r->csv, r->fp, r->name, ch->start, ch->end, ch->line, err) != PM_OK) {
        pmx_records_range_free(r);
        return NULL;
    }
    r->ready = 1;
    return r;
}

pm_status pmx_records_range_next(pm_records *r, pm_record *out, int *got, pm_error *err)
{
    *got = 0;
    if (r->fmt == PM_RECORDS_JSONL)
        return pmx_jsonl_record(r, out, got, err);
    return pmx_records_csv_record(r, out, got, err);
}

void pmx_records_range_free(pm_records *r)
{
    if (!r)
        return;
    memset(r->map_col, 0, sizeof r->map_col);
    memset(&r->gold, 0, sizeof r->gold);
    pm_records_free(r);
}

const char *pmx_records_file(const pm_records *r)
{
    return r->name;
}

pm_status pmx_records_chunks_done(pm_records *parent, const pm_records_stats *add, pm_error *err)
{
    parent->stats.rows_read += add->rows_read;
    parent->stats.rows_used += add->rows_used;
    for (int i = 0; i < PM_RECORDS_SKIP_COUNT; i++)
        parent->stats.skipped[i] += add->skipped[i];
    parent->ready = 0;
    if (parent->stats.rows_read == parent->file_rows)
        return pm_error_at(err, PM_EPARSE, parent->name, 0, 0,
                           "no records: the file has no data rows (label events)");
    return PM_OK;
}
