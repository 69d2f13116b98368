/* Tables written as aligned text, CSV (RFC 4180) or JSON. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <jansson.h>

#include "out.h"
#include "prefmon/csv.h"
#include "prefmon/text.h"
#include "prefmon/writer.h"

/* CELL_DEC: a number given as its exact decimal text (money): a number in
 * CSV (never guarded), a string in JSON, text in the table. */
typedef enum { CELL_STR, CELL_DEC, CELL_NUM, CELL_INT, CELL_BOOL, CELL_NULL } cell_kind;

/* 16 bytes: a million annotators' table is 31 million cells. The strings
 * live in the table's arena (no malloc per cell). */
typedef struct cell {
    union {
        char *s; /* CELL_STR, CELL_DEC */
        double d;
        long long i;
    };
    cell_kind kind;
} cell;

/* Blocks of the table's strings, never moved (cells point into them). */
typedef struct str_block {
    struct str_block *next;
    size_t used, cap;
    char data[];
} str_block;

enum { STR_BLOCK = 1 << 16 };

struct out_table {
    int single, broken;
    char **cols;
    size_t ncols;
    cell *cells; /* row-major */
    size_t ncells, cap;
    str_block *strs;
    char **notes;
    size_t nnotes;
    char *view; /* out_view's list, or NULL */
};

/* Set once by the CLI's output options (out_set_display). */
static int display_wide;
static const char *display_columns;

/* Significant digits of numbers in the narrow view: the digits a person
 * reads; --wide and --columns keep the table's former 6. */
enum { DIGITS_NARROW = 4, DIGITS_WIDE = 6 };
/* Text longer than this may be cut to keep a column of the narrow view. */
enum { TEXT_CUT = 40 };

void out_set_display(int wide, const char *columns)
{
    display_wide = wide;
    display_columns = columns && *columns ? columns : NULL;
}

out_table *out_new(int single)
{
    out_table *t = calloc(1, sizeof *t);
    if (t)
        t->single = single;
    return t;
}

/* A copy of s in t's arena, or NULL when memory ran out. */
static char *str_copy(out_table *t, const char *s)
{
    size_t n = strlen(s) + 1;
    str_block *b = t->strs;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > STR_BLOCK ? n : STR_BLOCK;
        if (!(b = malloc(sizeof *b + cap)))
            return NULL;
        b->used = 0;
        b->cap = cap;
        b->next = t->strs;
        t->strs = b;
    }
    char *d = memcpy(b->data + b->used, s, n);
    b->used += n;
    return d;
}

void out_free(out_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->ncols; i++)
        free(t->cols[i]);
    for (str_block *b = t->strs, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    for (size_t i = 0; i < t->nnotes; i++)
        free(t->notes[i]);
    free(t->cols);
    free(t->cells);
    free(t->notes);
    free(t->view);
    free(t);
}

void out_col(out_table *t, const char *name)
{
    char **c = realloc(t->cols, (t->ncols + 1) * sizeof *c);
    char *s = strdup(name);
    if (!c || !s || t->ncells) {
        free(s);
        if (c)
            t->cols = c;
        t->broken = 1;
        return;
    }
    t->cols = c;
    t->cols[t->ncols++] = s;
}

void out_reserve(out_table *t, size_t rows)
{
    if (t->ncols == 0 || rows > ((size_t)-1 / sizeof(cell)) / t->ncols)
        return;
    size_t want = t->ncells + rows * t->ncols;
    if (want <= t->cap)
        return;
    cell *n = realloc(t->cells, want * sizeof *n);
    if (n) { /* (else the table grows as rows come) */
        t->cells = n;
        t->cap = want;
    }
}

void out_row(out_table *t)
{
    if (t->ncols == 0 || t->ncells % t->ncols != 0)
        t->broken = 1;
}

static void push(out_table *t, cell c)
{
    if (t->ncells == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 64;
        cell *n = realloc(t->cells, cap * sizeof *n);
        if (!n) {
            t->broken = 1;
            return;
        }
        t->cells = n;
        t->cap = cap;
    }
    t->cells[t->ncells++] = c;
}

void out_str(out_table *t, const char *s)
{
    cell c = {.kind = CELL_STR, .s = str_copy(t, s ? s : "")};
    if (!c.s) {
        t->broken = 1;
        return;
    }
    push(t, c);
}

void out_decimal(out_table *t, const char *s)
{
    cell c = {.kind = CELL_DEC, .s = str_copy(t, s ? s : "")};
    if (!c.s) {
        t->broken = 1;
        return;
    }
    push(t, c);
}

void out_num(out_table *t, double v)
{
    push(t, (cell){.kind = CELL_NUM, .d = v});
}

void out_int(out_table *t, long long v)
{
    push(t, (cell){.kind = CELL_INT, .i = v});
}

void out_bool(out_table *t, int v)
{
    push(t, (cell){.kind = CELL_BOOL, .i = v != 0});
}

void out_null(out_table *t)
{
    push(t, (cell){.kind = CELL_NULL});
}

void out_view(out_table *t, const char *list)
{
    free(t->view);
    t->view = strdup(list);
    if (!t->view)
        t->broken = 1;
}

void out_note(out_table *t, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char **n = realloc(t->notes, (t->nnotes + 1) * sizeof *n);
    char *s = strdup(buf);
    if (!n || !s) {
        free(s);
        if (n)
            t->notes = n;
        t->broken = 1;
        return;
    }
    t->notes = n;
    t->notes[t->nnotes++] = s;
}

/* Text of a cell; digits: significant digits for numbers (17: exact).
 * A string cell is returned as it is (no length limit: an annotator name
 * may be long); anything else is formatted into buf. */
/* c->i in decimal, as "%lld" prints it, into buf (at least 21 bytes):
 * snprintf's format parsing was most of the cost of a crowd's CSV,
 * whose million rows are mostly counts. */
static const char *int_text(long long v, char *buf)
{
    char tmp[24], *p = tmp + sizeof tmp;
    unsigned long long u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;
    *--p = '\0';
    do
        *--p = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        *--p = '-';
    memcpy(buf, p, (size_t)(tmp + sizeof tmp - p));
    return buf;
}

static const char *cell_text(const cell *c, int digits, char *buf, size_t size)
{
    switch (c->kind) {
    case CELL_STR:
    case CELL_DEC:
        return c->s;
    case CELL_NUM:
        if (isnan(c->d))
            return "nan";
        else if (isinf(c->d))
            return c->d > 0 ? "inf" : "-inf";
        else if (digits >= 17)
            pm_fmt_double(c->d, buf, size);
        else if (digits <= DIGITS_NARROW && fabs(c->d) >= 1e4 && fabs(c->d) < 1e15)
            snprintf(buf, size, "%.0f", c->d); /* 12345, not 1.234e+04 */
        else
            snprintf(buf, size, "%.*g", digits, c->d);
        break;
    case CELL_INT:
        return size >= 21 ? int_text(c->i, buf) : (snprintf(buf, size, "%lld", c->i), buf);
    case CELL_BOOL:
        return c->i ? "true" : "false";
    case CELL_NULL:
        /* Empty in CSV; a dash keeps a text table readable. */
        return digits < 17 ? "-" : "";
    }
    return buf;
}

/* CSV: every text cell (and the header) through the library's one cell
 * writer, which guards a cell a spreadsheet would run ('=x, prefmon/text.h,
 * reversible) and quotes per RFC 4180; numbers, booleans and exact decimals
 * are written as they are, so -1.33 stays a number. The bytes are gathered
 * in memory and written a block at a time: a stdio call per cell and per
 * separator takes the stream's lock each time once a second thread has
 * run (--threads), and a million annotators' table spent two seconds so. */
#define CSV_BLOCK_BYTES ((size_t)1 << 18)

static int put(const pm_writer *w, const char *p, size_t n)
{
    return w->write(w->ctx, p, n);
}

/* The block so far to fp, the buffer emptied. */
static int drain(pm_buffer *b, FILE *fp)
{
    int bad = b->len && fwrite(b->data, 1, b->len, fp) != b->len;
    b->len = 0;
    return bad;
}

static int write_csv(const out_table *t, FILE *fp, int header)
{
    char buf[512];
    pm_buffer b = {0};
    pm_writer w = pm_writer_buffer(&b);
    int bad = 0;
    for (size_t j = 0; header && j < t->ncols && !bad; j++)
        bad = (j && put(&w, ",", 1)) || pm_csv_write_cell_to(&w, t->cols[j], NULL) != PM_OK;
    if (header && !bad)
        bad = put(&w, "\n", 1);
    for (size_t i = 0; i < t->ncells && !bad; i++) {
        const cell *c = &t->cells[i];
        const char *text = cell_text(c, 17, buf, sizeof buf);
        if (i % t->ncols && put(&w, ",", 1))
            bad = 1;
        else if (c->kind == CELL_STR ? pm_csv_write_cell_to(&w, text, NULL) != PM_OK
                                     : put(&w, text, strlen(text)))
            bad = 1;
        else if ((i + 1) % t->ncols == 0 &&
                 (put(&w, "\n", 1) || (b.len >= CSV_BLOCK_BYTES && drain(&b, fp))))
            bad = 1;
    }
    if (!bad)
        bad = drain(&b, fp);
    pm_buffer_free(&b);
    return bad ? -1 : 0;
}

/* A cell as a jansson value. JSON has no NaN or infinity: null (the log
 * columns keep the magnitude of tails that underflow). */
static json_t *cell_json(const cell *c)
{
    switch (c->kind) {
    case CELL_STR:
    case CELL_DEC:
        return json_stringn_nocheck(c->s, strlen(c->s));
    case CELL_NUM:
        return isfinite(c->d) ? json_real(c->d) : json_null();
    case CELL_INT:
        return json_integer(c->i);
    case CELL_BOOL:
        return json_boolean(c->i);
    case CELL_NULL:
        break;
    }
    return json_null();
}

static json_t *row_json(const out_table *t, size_t r)
{
    json_t *o = json_object();
    for (size_t j = 0; o && j < t->ncols; j++) {
        if (json_object_set_new_nocheck(o, t->cols[j], cell_json(&t->cells[r * t->ncols + j]))) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

json_t *out_json(const out_table *t)
{
    if (t->broken || t->ncols == 0 || t->ncells % t->ncols != 0)
        return NULL;
    size_t nrows = t->ncells / t->ncols;
    if (t->single && nrows == 1)
        return row_json(t, 0);
    json_t *a = json_array();
    for (size_t r = 0; a && r < nrows; r++) {
        if (json_array_append_new(a, row_json(t, r))) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

/* jansson writes reals with %.17g (0.9 as 0.90000000000000002); rewrite
 * each real, which its dumper passes as one chunk outside any string, in
 * the shortest form that reads back as the same double, keeping jansson's
 * ".0" on whole reals. String chunks are told apart by the lone '"' chunks
 * jansson writes around every string (a quote inside one is escaped). */
typedef struct dump_state {
    FILE *fp;
    int in_string;
} dump_state;

/* A number with a fraction or an exponent, i.e. a real, not an integer. */
static int is_real_chunk(const char *buf, size_t size)
{
    if (size == 0 || !(buf[0] == '-' || isdigit((unsigned char)buf[0])))
        return 0;
    for (size_t i = 0; i < size; i++)
        if (!(isdigit((unsigned char)buf[i]) || strchr("-+.eE", buf[i])))
            return 0;
    return memchr(buf, '.', size) || memchr(buf, 'e', size) || memchr(buf, 'E', size);
}

static int dump_chunk(const char *buf, size_t size, void *data)
{
    dump_state *ds = data;
    char num[64];
    if (size == 1 && buf[0] == '"') {
        ds->in_string = !ds->in_string;
    } else if (!ds->in_string && size < sizeof num && is_real_chunk(buf, size)) {
        memcpy(num, buf, size);
        num[size] = 0;
        pm_fmt_double(strtod(num, NULL), num, sizeof num);
        if (!strpbrk(num, ".eE"))
            strcat(num, ".0");
        return fputs(num, ds->fp) < 0 ? -1 : 0;
    }
    return fwrite(buf, 1, size, ds->fp) == size ? 0 : -1;
}

int out_write_json(const json_t *v, FILE *fp)
{
    dump_state ds = {fp, 0};
    if (!v || json_dump_callback(v, dump_chunk, &ds, JSON_INDENT(2) | JSON_REAL_PRECISION(17)))
        return -1;
    return fputc('\n', fp) == EOF || ferror(fp) ? -1 : 0;
}

static int write_json(const out_table *t, FILE *fp)
{
    json_t *v = out_json(t);
    int rc = out_write_json(v, fp);
    json_decref(v);
    return rc;
}

/* s for the terminal: control bytes escaped (pm_text_escape), so that a
 * name holding ESC, BEL, CR or LF cannot act on the terminal or split a
 * row. Returns s itself, or a copy in *owned (freed by the caller); NULL
 * when memory ran out. */
static const char *shown(const char *s, char **owned)
{
    *owned = NULL;
    if (!pm_text_needs_escape(s))
        return s;
    size_t n = pm_text_escape(s, NULL, 0);
    *owned = malloc(n + 1);
    if (*owned)
        pm_text_escape(s, *owned, n + 1);
    return *owned;
}

/* Text of every cell as the table shows it (6 significant digits, escaped
 * text): texts[i] points into owned[i] or the cell; NULL on no memory. */
static const char **table_texts(const out_table *t, int digits, char ***owned_out)
{
    const char **texts = calloc(t->ncells + 1, sizeof *texts);
    char **owned = calloc(t->ncells + 1, sizeof *owned);
    int ok = texts && owned;
    for (size_t i = 0; ok && i < t->ncells; i++) {
        char buf[512];
        const cell *c = &t->cells[i];
        const char *x = cell_text(c, digits, buf, sizeof buf);
        if (x == buf) {
            owned[i] = strdup(buf);
            texts[i] = owned[i];
        } else {
            texts[i] = shown(x, &owned[i]);
        }
        ok = texts[i] != NULL;
    }
    if (!ok) {
        for (size_t i = 0; owned && i < t->ncells; i++)
            free(owned[i]);
        free(owned);
        free(texts);
        return NULL;
    }
    *owned_out = owned;
    return texts;
}

static int write_rows(const out_table *t, const char **texts, FILE *fp)
{
    size_t nrows = t->ncells / t->ncols;
    if (t->single && nrows == 1) {
        /* One result: a vertical name/value list reads better. */
        size_t w = 0;
        for (size_t j = 0; j < t->ncols; j++)
            if (strlen(t->cols[j]) > w)
                w = strlen(t->cols[j]);
        for (size_t j = 0; j < t->ncols; j++)
            fprintf(fp, "%-*s  %s\n", (int)w, t->cols[j], texts[j]);
        return ferror(fp) ? -1 : 0;
    }
    size_t *w = calloc(t->ncols, sizeof *w);
    if (!w)
        return -1;
    for (size_t j = 0; j < t->ncols; j++)
        w[j] = strlen(t->cols[j]);
    for (size_t i = 0; i < t->ncells; i++) {
        size_t len = strlen(texts[i]);
        if (len > w[i % t->ncols])
            w[i % t->ncols] = len;
    }
    for (size_t j = 0; j < t->ncols; j++)
        fprintf(fp, "%s%-*s", j ? "  " : "", j + 1 < t->ncols ? (int)w[j] : 0, t->cols[j]);
    fputc('\n', fp);
    for (size_t i = 0; i < t->ncells; i++) {
        size_t j = i % t->ncols;
        const char *text = texts[i];
        /* Numbers right-aligned, text left-aligned. */
        int num = t->cells[i].kind == CELL_NUM || t->cells[i].kind == CELL_INT;
        if (j + 1 == t->ncols && !num)
            fprintf(fp, "%s%s\n", j ? "  " : "", text);
        else
            fprintf(fp, num ? "%s%*s%s" : "%s%-*s%s", j ? "  " : "", (int)w[j], text,
                    j + 1 == t->ncols ? "\n" : "");
    }
    free(w);
    return ferror(fp) ? -1 : 0;
}

static void free_texts(const out_table *t, const char **texts, char **owned)
{
    for (size_t i = 0; i < t->ncells; i++)
        free(owned[i]);
    free(owned);
    free(texts);
}

/* A note as "# " lines; width > 0: broken at spaces so that each line
 * fits width (continued with "#   "); a word longer than a line is broken
 * where the line ends. */
static void write_note(const char *note, size_t width, FILE *fp)
{
    size_t room = width > 4 ? width - 4 : 0, len = strlen(note);
    const char *lead = "# ";
    while (width && len + strlen(lead) > width) {
        size_t cut = room + 1 < len ? room + 1 : len;
        while (cut > 0 && note[cut] != ' ')
            cut--;
        if (cut == 0) /* one long word */
            cut = room;
        fprintf(fp, "%s%.*s\n", lead, (int)cut, note);
        note += cut;
        while (*note == ' ')
            note++;
        len = strlen(note);
        lead = "#   ";
    }
    fprintf(fp, "%s%s\n", lead, note);
}

static int write_text(const out_table *t, int digits, size_t width, FILE *fp)
{
    for (size_t i = 0; i < t->nnotes; i++) {
        char *owned;
        const char *note = shown(t->notes[i], &owned);
        if (!note)
            return -1;
        write_note(note, width, fp);
        free(owned);
    }
    char **owned = NULL;
    const char **texts = table_texts(t, digits, &owned);
    if (!texts)
        return -1;
    int rc = write_rows(t, texts, fp);
    free_texts(t, texts, owned);
    return rc;
}

/* Index of the column named by the len bytes at name, or -1. */
static long col_index(const out_table *t, const char *name, size_t len)
{
    for (size_t j = 0; j < t->ncols; j++)
        if (strlen(t->cols[j]) == len && memcmp(t->cols[j], name, len) == 0)
            return (long)j;
    return -1;
}

/* The columns of a comma-separated list into idx (and opt: the name ends in
 * '?'); returns their count, or -1 with the first unknown name in bad. */
static long parse_list(const out_table *t, const char *list, size_t *idx, unsigned char *opt,
                       char *bad, size_t size)
{
    long n = 0;
    for (const char *p = list; *p && *p != '|';) {
        size_t len = strcspn(p, ",|");
        size_t name_len = len && p[len - 1] == '?' ? len - 1 : len;
        long j = col_index(t, p, name_len);
        if (j < 0) {
            if (bad)
                snprintf(bad, size, "%.*s", (int)name_len, p);
            return -1;
        }
        if ((size_t)n < t->ncols) { /* a name listed twice is shown once more */
            idx[n] = (size_t)j;
            if (opt)
                opt[n] = name_len != len;
            n++;
        }
        p += len + (p[len] == ',');
    }
    return n;
}

const char *out_unknown_column(const out_table *t, char *buf, size_t size)
{
    if (!display_columns)
        return NULL;
    size_t *idx = malloc((t->ncols + 1) * sizeof *idx);
    long n = idx ? parse_list(t, display_columns, idx, NULL, buf, size) : 0;
    free(idx);
    return n < 0 ? buf : NULL;
}

/* A new table of the columns idx[0..n) of t, with t's notes. */
static out_table *project(const out_table *t, const size_t *idx, size_t n)
{
    out_table *p = out_new(t->single);
    if (!p)
        return NULL;
    for (size_t i = 0; i < t->nnotes; i++)
        out_note(p, "%s", t->notes[i]);
    for (size_t j = 0; j < n; j++)
        out_col(p, t->cols[idx[j]]);
    for (size_t r = 0; t->ncols && r < t->ncells / t->ncols; r++) {
        out_row(p);
        for (size_t j = 0; j < n; j++) {
            cell c = t->cells[r * t->ncols + idx[j]];
            if ((c.kind == CELL_STR || c.kind == CELL_DEC) && !(c.s = str_copy(p, c.s))) {
                p->broken = 1;
                continue;
            }
            push(p, c);
        }
    }
    if (p->broken) {
        out_free(p);
        return NULL;
    }
    return p;
}

/* t with only the --columns (out_set_display), or NULL (out of memory, or
 * a name t lacks: checked before by out_unknown_column). */
static out_table *projected(const out_table *t)
{
    size_t *idx = malloc((t->ncols + 1) * sizeof *idx);
    long n = idx ? parse_list(t, display_columns, idx, NULL, NULL, 0) : -1;
    out_table *p = n > 0 ? project(t, idx, (size_t)n) : NULL;
    free(idx);
    return p;
}

static int same_cell(const cell *a, const cell *b)
{
    if (a->kind != b->kind)
        return 0;
    switch (a->kind) {
    case CELL_STR:
    case CELL_DEC:
        return strcmp(a->s, b->s) == 0;
    case CELL_NUM:
        return a->d == b->d || (isnan(a->d) && isnan(b->d));
    case CELL_INT:
    case CELL_BOOL:
        return a->i == b->i;
    case CELL_NULL:
        return 1;
    }
    return 0;
}

/* Column j holds one value on every row (of at least two). */
static int constant_col(const out_table *t, size_t j)
{
    size_t nrows = t->ncells / t->ncols;
    if (nrows < 2)
        return 0;
    for (size_t r = 1; r < nrows; r++)
        if (!same_cell(&t->cells[j], &t->cells[r * t->ncols + j]))
            return 0;
    return 1;
}

/* Columns of the terminal fp writes to; 100 when it is not a terminal (a
 * file or pipe, where the output must not depend on the caller's window). */
static size_t term_width(FILE *fp)
{
    struct winsize ws;
    if (isatty(fileno(fp)) && ioctl(fileno(fp), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col < 40 ? 40 : ws.ws_col;
    return 100;
}

/* The parameters (columns constant over the rows, outside the view) as
 * "name=value" notes packed into lines that fit width. */
static void param_notes(const out_table *src, out_table *dst, const unsigned char *param,
                        size_t width)
{
    char line[1024] = "";
    size_t used = 0;
    for (size_t j = 0; j < src->ncols; j++) {
        if (!param[j])
            continue;
        char buf[512], item[700];
        snprintf(item, sizeof item, "%s=%s", src->cols[j],
                 cell_text(&src->cells[j], DIGITS_WIDE, buf, sizeof buf));
        size_t len = strlen(item);
        if (used && (used + 2 + len + 2 > width || used + 2 + len >= sizeof line)) {
            out_note(dst, "%s", line);
            used = 0;
        }
        used += (size_t)snprintf(line + used, sizeof line - used, "%s%s", used ? "  " : "", item);
    }
    if (used)
        out_note(dst, "%s", line);
}

/* Last resort when the kept columns are still wider than the terminal: the
 * widest text column is cut, its long cells ending in ".." (the full text
 * is in --wide and --format csv|json), so that no row wraps. w: the widths
 * of t's columns; idx: p's columns in t. 1 when a cell was cut. */
static int cut_to_fit(out_table *p, const size_t *w, const size_t *idx, size_t n, size_t width)
{
    enum { MIN_CUT = 12 };
    int cut = 0;
    size_t *cw = malloc((n + 1) * sizeof *cw);
    unsigned char *text = calloc(n + 1, 1);
    if (!cw || !text)
        goto done;
    for (size_t k = 0; k < n; k++)
        cw[k] = w[idx[k]];
    for (size_t i = 0; i < p->ncells; i++)
        text[i % n] |= p->cells[i].kind == CELL_STR;
    for (;;) {
        size_t total = 0, widest = n;
        for (size_t k = 0; k < n; k++) {
            total += cw[k] + (k ? 2 : 0);
            if (text[k] && cw[k] > MIN_CUT && (widest == n || cw[k] > cw[widest]))
                widest = k;
        }
        if (total <= width || widest == n)
            break;
        size_t keep = total - width < cw[widest] - MIN_CUT ? cw[widest] - (total - width) : MIN_CUT;
        for (size_t i = widest; i < p->ncells; i += n) {
            cell *c = &p->cells[i];
            if (c->kind == CELL_STR && strlen(c->s) > keep && !pm_text_needs_escape(c->s)) {
                strcpy(c->s + keep - 2, "..");
                cut = 1;
            }
        }
        cw[widest] = keep;
    }
done:
    free(cw);
    free(text);
    return cut;
}

/* The narrow view (out_view): chosen columns, parameters as notes, then
 * optional columns dropped from the right until a row fits the terminal. */
static int write_narrow(const out_table *t, FILE *fp)
{
    size_t nc = t->ncols, width = term_width(fp);
    size_t *idx = calloc(nc + 1, sizeof *idx), *w = calloc(nc + 1, sizeof *w);
    unsigned char *opt = calloc(nc + 1, 1), *in = calloc(nc + 1, 1), *param = calloc(nc + 1, 1);
    unsigned char *text = calloc(nc + 1, 1), *pset = calloc(nc + 1, 1);
    size_t *pidx = calloc(nc + 1, sizeof *pidx);
    char **owned = NULL;
    const char **texts = NULL;
    out_table *p = NULL;
    int rc = -1;
    long n = 0;
    if (!idx || !w || !opt || !in || !param || !text || !pset || !pidx)
        goto done;
    if (t->view) {
        n = parse_list(t, t->view, idx, opt, NULL, 0);
        if (n < 0)
            goto done; /* a command named a column it does not have */
    } else {
        for (size_t j = 0; j < nc; j++)
            if (!constant_col(t, j)) {
                opt[n] = n > 0;
                idx[n++] = j;
            }
    }
    for (long k = 0; k < n; k++)
        in[idx[k]] = 1;
    /* The parameters a view names after '|' (the only ones shown as notes). */
    const char *bar = t->view ? strchr(t->view, '|') : NULL;
    long np = bar ? parse_list(t, bar + 1, pidx, NULL, NULL, 0) : 0;
    if (np < 0)
        goto done;
    for (long k = 0; k < np; k++)
        pset[pidx[k]] = 1;
    for (size_t i = 0; i < t->ncells; i++)
        text[i % nc] |= t->cells[i].kind == CELL_STR;
    texts = table_texts(t, DIGITS_NARROW, &owned);
    if (!texts)
        goto done;
    for (size_t j = 0; j < nc; j++)
        w[j] = strlen(t->cols[j]);
    for (size_t i = 0; i < t->ncells; i++)
        if (strlen(texts[i]) > w[i % nc])
            w[i % nc] = strlen(texts[i]);
    /* A vertical (single-row) table is as wide as its longest line. */
    if (!(t->single && t->ncells == nc)) {
        for (;;) {
            size_t total = 0;
            for (long k = 0; k < n; k++) {
                /* Long text is cut (cut_to_fit) before a column goes. */
                size_t wk = w[idx[k]];
                total += (text[idx[k]] && wk > TEXT_CUT ? TEXT_CUT : wk) + (k ? 2 : 0);
            }
            long drop = -1;
            for (long k = n - 1; total > width && k >= 0 && drop < 0; k--)
                if (opt[k])
                    drop = k;
            if (drop < 0)
                break;
            in[idx[drop]] = 0;
            memmove(idx + drop, idx + drop + 1, (size_t)(n - drop - 1) * sizeof *idx);
            memmove(opt + drop, opt + drop + 1, (size_t)(n - drop - 1));
            n--;
        }
    }
    size_t hidden = 0;
    for (size_t j = 0; j < nc; j++) {
        /* A view's parameters are noted even over a single row. */
        param[j] = !in[j] && (t->view ? pset[j] && (t->ncells == nc || constant_col(t, j))
                                      : constant_col(t, j));
        hidden += !in[j] && !param[j];
    }
    p = project(t, idx, (size_t)n);
    if (!p)
        goto done;
    int cut = !(t->single && t->ncells == nc) && cut_to_fit(p, w, idx, (size_t)n, width);
    param_notes(t, p, param, width);
    if (hidden)
        out_note(p, "%zu more column%s with --wide, --columns or --format csv|json", hidden,
                 hidden == 1 ? "" : "s");
    if (cut)
        out_note(p, "text ending in '..' is cut to fit %zu columns (--wide shows it all)", width);
    rc = write_text(p, DIGITS_NARROW, width, fp);
done:
    if (texts)
        free_texts(t, texts, owned);
    out_free(p);
    free(idx);
    free(w);
    free(opt);
    free(in);
    free(param);
    free(text);
    free(pset);
    free(pidx);
    return rc;
}

static int write_format(const out_table *t, out_format fmt, int view, FILE *fp)
{
    switch (fmt) {
    case OUT_CSV:
        return write_csv(t, fp, 1);
    case OUT_JSON:
        return write_json(t, fp);
    case OUT_TABLE:
        return view ? write_narrow(t, fp) : write_text(t, DIGITS_WIDE, 0, fp);
    }
    return -1;
}

int out_write(const out_table *t, out_format fmt, FILE *fp)
{
    if (t->broken || t->ncols == 0 || t->ncells % t->ncols != 0)
        return -1;
    return write_format(t, fmt, 0, fp);
}

json_t *out_json_view(const out_table *t)
{
    if (!display_columns)
        return out_json(t);
    if (t->broken || t->ncols == 0 || t->ncells % t->ncols != 0)
        return NULL;
    out_table *p = projected(t);
    json_t *j = p ? out_json(p) : NULL;
    out_free(p);
    return j;
}

int out_write_view(const out_table *t, out_format fmt, FILE *fp)
{
    if (t->broken || t->ncols == 0 || t->ncells % t->ncols != 0)
        return -1;
    if (!display_columns)
        return write_format(t, fmt, !display_wide, fp);
    /* --columns: exactly the listed columns, in every format. */
    out_table *p = projected(t);
    int rc = p ? write_format(p, fmt, 0, fp) : -1;
    out_free(p);
    return rc;
}

int out_write_part(const out_table *t, FILE *fp, int header)
{
    if (t->broken || t->ncols == 0 || t->ncells % t->ncols != 0)
        return -1;
    if (!display_columns)
        return write_csv(t, fp, header);
    out_table *p = projected(t);
    int rc = p ? write_csv(p, fp, header) : -1;
    out_free(p);
    return rc;
}

void out_clear_rows(out_table *t)
{
    t->ncells = 0;
    for (str_block *b = t->strs, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    t->strs = NULL;
}
