/*
** Writing label events (prefmon/records_write.h): generic CSV, JSONL and a
** Label Studio export, formatted into one buffer and written in 64 KiB
** blocks. The shapes are the ones records_generic.c, records_jsonl.c and
** records_labelstudio.c read.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "prefmon/records_write.h"
#include "prefmon/text.h"

#define RECW_BUF ((size_t)64 << 10)

struct pm_records_writer {
    FILE *fp;
    char *name;
    pm_records_format format;
    unsigned fields;
    long rows;
    char *buf;
    size_t len;
    int io_failed;
    /* The last annotator, raw and encoded (CSV cell or JSON string). */
    char *ann_raw, *ann_enc;
    size_t ann_enc_len, ann_enc_cap;
};

static int flush(pm_records_writer *w)
{
    if (w->len && fwrite(w->buf, 1, w->len, w->fp) != w->len)
        w->io_failed = 1;
    w->len = 0;
    return !w->io_failed;
}

static void put(pm_records_writer *w, const char *s, size_t n)
{
    if (n > RECW_BUF - w->len) {
        flush(w);
        if (n > RECW_BUF) {
            if (fwrite(s, 1, n, w->fp) != n)
                w->io_failed = 1;
            return;
        }
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
}

static void puts_(pm_records_writer *w, const char *s)
{
    put(w, s, strlen(s));
}

static void putc_(pm_records_writer *w, char c)
{
    if (w->len == RECW_BUF)
        flush(w);
    w->buf[w->len++] = c;
}

/* A CSV text cell, as pm_csv_write_cell (prefmon/csv.h) writes it but into
 * the block buffer: as is; or, when it holds a separator, quote or line end,
 * or starts like a formula, quoted with doubled quotes and guarded with a
 * leading ' (pm_csv_guard), which the readers of a log undo. */
/* Bytes that end a plain CSV cell: NUL, ',', '"', CR, LF (a table: glibc's
 * strcspn builds one on every call, a third of a row's time). */
static const unsigned char csv_stop[256] = {[0] = 1, [','] = 1, ['"'] = 1, ['\r'] = 1, ['\n'] = 1};

static void put_csv(pm_records_writer *w, const char *s)
{
    size_t n = 0;
    int guard = pm_csv_needs_guard(s);
    while (!csv_stop[(unsigned char)s[n]])
        n++;
    if (!s[n] && !guard) {
        put(w, s, n);
        return;
    }
    putc_(w, '"');
    if (guard)
        putc_(w, '\'');
    for (; *s; s++) {
        if (*s == '"')
            putc_(w, '"');
        putc_(w, *s);
    }
    putc_(w, '"');
}

/* A JSON string with its quotes; UTF-8 passes through, control characters
 * are \u00XX, quote and backslash escaped. */
static void put_json(pm_records_writer *w, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    putc_(w, '"');
    for (;;) {
        size_t n = 0;
        while (s[n] && (unsigned char)s[n] >= 0x20 && s[n] != '"' && s[n] != '\\')
            n++;
        put(w, s, n);
        s += n;
        if (!*s)
            break;
        unsigned char c = (unsigned char)*s++;
        if (c == '"' || c == '\\') {
            putc_(w, '\\');
            putc_(w, (char)c);
        } else {
            char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            put(w, e, 6);
        }
    }
    putc_(w, '"');
}

static void put_num(pm_records_writer *w, double v)
{
    char b[PM_DOUBLE_TEXT];
    size_t n = pm_fmt_double(v, b, sizeof b);
    put(w, b, n < sizeof b ? n : sizeof b - 1);
}

/* The annotator's encoded cell, re-encoded only when the name changes
 * (a log is mostly runs of one annotator). A name of up to 8 KiB encodes
 * to at most 6 x 8 KiB + 2 bytes, which fits the flushed buffer whole, so
 * the cell is copied from there; a longer name is not cached. */
static int annotator(pm_records_writer *w, const char *a)
{
    if (w->ann_raw && strcmp(w->ann_raw, a) == 0) {
        put(w, w->ann_enc, w->ann_enc_len);
        return 1;
    }
    size_t n = strlen(a) + 1;
    free(w->ann_raw);
    w->ann_raw = NULL;
    flush(w);
    if (w->format == PM_RECORDS_CSV)
        put_csv(w, a);
    else
        put_json(w, a);
    if (n > 8192)
        return 1;
    if (w->len > w->ann_enc_cap) {
        char *e = realloc(w->ann_enc, w->len);
        if (!e)
            return 0;
        w->ann_enc = e;
        w->ann_enc_cap = w->len;
    }
    memcpy(w->ann_enc, w->buf, w->len);
    w->ann_enc_len = w->len;
    w->ann_raw = malloc(n);
    if (!w->ann_raw)
        return 0;
    memcpy(w->ann_raw, a, n);
    return 1;
}

static void csv_row(pm_records_writer *w, const pm_record *r)
{
    put_csv(w, r->item);
    putc_(w, ',');
    put_csv(w, r->label);
    if (w->fields & PM_RECW_SHOWN_LEFT) {
        putc_(w, ',');
        putc_(w, r->shown_left);
    }
    if (w->fields & PM_RECW_GOLD) {
        putc_(w, ',');
        if (r->gold)
            put_csv(w, r->gold);
    }
    if (w->fields & PM_RECW_TIMESTAMP) {
        putc_(w, ',');
        if (!isnan(r->timestamp))
            put_num(w, r->timestamp);
    }
    if (w->fields & PM_RECW_DURATION) {
        putc_(w, ',');
        if (!isnan(r->duration))
            put_num(w, r->duration);
    }
    put(w, "\r\n", 2);
}

static void jsonl_row(pm_records_writer *w, const pm_record *r)
{
    puts_(w, ",\"item\":");
    put_json(w, r->item);
    puts_(w, ",\"label\":");
    put_json(w, r->label);
    if (w->fields & PM_RECW_SHOWN_LEFT) {
        char s[] = ",\"shown_left\":\"A\"";
        s[15] = r->shown_left;
        put(w, s, sizeof s - 1);
    }
    if ((w->fields & PM_RECW_GOLD) && r->gold) {
        puts_(w, ",\"gold\":");
        put_json(w, r->gold);
    }
    if ((w->fields & PM_RECW_TIMESTAMP) && !isnan(r->timestamp)) {
        puts_(w, ",\"timestamp\":");
        put_num(w, r->timestamp);
    }
    if ((w->fields & PM_RECW_DURATION) && !isnan(r->duration)) {
        puts_(w, ",\"duration\":");
        put_num(w, r->duration);
    }
    put(w, "}\n", 2);
}

/* After the annotator's JSON string: the result and the rest of the task. */
static void ls_tail(pm_records_writer *w, const pm_record *r)
{
    int pairwise = r->shown_left && (!strcmp(r->label, "A") || !strcmp(r->label, "B"));
    puts_(w, "},\"result\":[{\"from_name\":\"preference\",\"to_name\":\"pair\",");
    if (pairwise) {
        puts_(w, (r->label[0] == 'A') == (r->shown_left == 'A')
                     ? "\"type\":\"pairwise\",\"value\":{\"selected\":\"left\"}}]"
                     : "\"type\":\"pairwise\",\"value\":{\"selected\":\"right\"}}]");
    } else {
        puts_(w, "\"type\":\"choices\",\"value\":{\"choices\":[");
        put_json(w, r->label);
        puts_(w, "]}}]");
    }
    puts_(w, ",\"was_cancelled\":false,\"ground_truth\":false");
    if ((w->fields & PM_RECW_DURATION) && !isnan(r->duration)) {
        puts_(w, ",\"lead_time\":");
        put_num(w, r->duration);
    }
    puts_(w, "}]}");
}

static void ls_head(pm_records_writer *w, const pm_record *r)
{
    char b[48];
    int n = snprintf(b, sizeof b, "%s{\"id\":%ld,\"data\":{\"item\":", w->rows ? ",\n" : "[\n",
                     w->rows + 1);
    put(w, b, (size_t)n);
    put_json(w, r->item);
    if (r->shown_left) {
        char s[] = ",\"shown_left\":\"A\"";
        s[15] = r->shown_left;
        put(w, s, sizeof s - 1);
    }
    puts_(w, "},\"annotations\":[{\"completed_by\":{\"email\":");
}

pm_status pm_records_write(pm_records_writer *w, const pm_record *r, pm_error *err)
{
    if (!r->annotator || !*r->annotator || !r->item || !*r->item || !r->label || !*r->label)
        return pm_error_set(err, PM_EINVAL,
                            "%s: record %ld: annotator, item and label are required", w->name,
                            w->rows + 1);
    if ((w->fields & PM_RECW_SHOWN_LEFT) && r->shown_left != 'A' && r->shown_left != 'B')
        return pm_error_set(err, PM_EINVAL, "%s: record %ld: shown_left must be A or B", w->name,
                            w->rows + 1);
    if (r->shown_left && r->shown_left != 'A' && r->shown_left != 'B')
        return pm_error_set(err, PM_EINVAL, "%s: record %ld: shown_left must be A, B or 0", w->name,
                            w->rows + 1);
    int ok;
    if (w->format == PM_RECORDS_CSV) {
        ok = annotator(w, r->annotator);
        putc_(w, ',');
        csv_row(w, r);
    } else if (w->format == PM_RECORDS_JSONL) {
        puts_(w, "{\"annotator\":");
        ok = annotator(w, r->annotator);
        jsonl_row(w, r);
    } else {
        ls_head(w, r);
        ok = annotator(w, r->annotator);
        ls_tail(w, r);
    }
    if (!ok)
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    w->rows++;
    if (w->io_failed)
        return pm_error_set(err, PM_EIO, "%s: write error", w->name);
    return PM_OK;
}

pm_status pm_records_writer_new(FILE *fp, const char *name, pm_records_format format,
                                unsigned fields, pm_records_writer **out, pm_error *err)
{
    *out = NULL;
    if (format != PM_RECORDS_CSV && format != PM_RECORDS_JSONL && format != PM_RECORDS_LABELSTUDIO)
        return pm_error_set(err, PM_EINVAL,
                            "records writer: format '%s' cannot be written (csv, jsonl or "
                            "labelstudio)",
                            pm_records_format_name(format));
    if (format == PM_RECORDS_LABELSTUDIO && (fields & (PM_RECW_GOLD | PM_RECW_TIMESTAMP)))
        return pm_error_set(err, PM_EINVAL,
                            "records writer: a Label Studio export carries no gold or timestamp "
                            "column (give gold to the reader as a --gold file)");
    if (fields & ~(PM_RECW_SHOWN_LEFT | PM_RECW_GOLD | PM_RECW_TIMESTAMP | PM_RECW_DURATION))
        return pm_error_set(err, PM_EINVAL, "records writer: unknown field bits 0x%x", fields);
    pm_records_writer *w = calloc(1, sizeof *w);
    const char *nm = name ? name : "<output>";
    if (w) {
        w->buf = calloc(
            1,
            RECW_BUF); /* zeroed: GCC -O2 (Release) cannot see that no unwritten byte is flushed */
        w->name = malloc(strlen(nm) + 1);
    }
    if (!w || !w->buf || !w->name) {
        pm_records_writer_free(w);
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    }
    strcpy(w->name, nm);
    w->fp = fp;
    w->format = format;
    w->fields = fields;
    if (format == PM_RECORDS_CSV) {
        puts_(w, "annotator,item,label");
        static const char *const opt[] = {",shown_left", ",gold", ",timestamp", ",duration"};
        for (unsigned i = 0; i < 4; i++)
            if (fields & (1u << i))
                puts_(w, opt[i]);
        put(w, "\r\n", 2);
    }
    *out = w;
    return PM_OK;
}

pm_status pm_records_writer_close(pm_records_writer *w, pm_error *err)
{
    if (w->format == PM_RECORDS_LABELSTUDIO)
        puts_(w, w->rows ? "\n]\n" : "[]\n");
    flush(w);
    int bad = w->io_failed || fflush(w->fp) != 0 || ferror(w->fp);
    pm_status st = bad ? pm_error_set(err, PM_EIO, "%s: write error", w->name) : PM_OK;
    pm_records_writer_free(w);
    return st;
}

void pm_records_writer_free(pm_records_writer *w)
{
    if (!w)
        return;
    free(w->buf);
    free(w->name);
    free(w->ann_raw);
    free(w->ann_enc);
    free(w);
}

long pm_records_writer_count(const pm_records_writer *w)
{
    return w->rows;
}
