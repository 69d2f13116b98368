/*
** Chatbot Arena battles: the clean_battle JSON document (one array of
** battle objects, as json.dump(battles, indent=2) writes it) or the same
** objects as JSON Lines. Checked against lm-sys/FastChat
** fastchat/serve/monitor/clean_battle_data.py: each battle is
**   {"question_id": conv_id, "model_a", "model_b", "winner": "model_a" |
**    "model_b" | "tie" | "tie (bothbad)", "judge": "arena_user_<ip or id>",
**    "conversation_a": [{"role", "content"}...], "conversation_b", "turn",
**    "anony", "language", "tstamp": epoch seconds}
** (the "simple" mode deletes question_id and the conversations; the
** conv_release mode keeps them and only anonymous battles).
**
** Mapping: annotator judge; label A when the smaller model name (byte
** order) won, B the other, tie for tie and tie (bothbad) (the MT-Bench rule,
** pmx_pair_verdict); shown_left the letter of model_a (the Arena shows
** model_a on the left); timestamp tstamp; duration the seconds since the
** same judge's previous vote in the file (battles are sorted by tstamp)
** when that is at most AR_MAX_GAP (30 minutes: a longer gap is a break),
** else none (a judge's first vote). item: "question_id|min|max" when
** the battle has a question_id; else "prompt:<64-bit FNV-1a of the first
** conversation_a content>|min|max" when it has a conversation; else
** "battle#<n>|min|max" (n its 1-based number in the file): nothing says
** which battles share a prompt, so each battle is its own item and no
** repeat is invented. Public Arena logs have essentially no repeats (a
** question_id is one conversation): self-consistency cannot be measured on
** them, only the side and speed flags.
**
** Streaming: the document is parsed by yajl (2.1) a block at a time and
** never held: memory is the block, the fields of the battles completed in
** it and at most max_line bytes of one battle (an object larger than
** max_line is refused with PM_ELIMIT naming its line). A small scanner
** runs over each block ahead of yajl: it finds the line of every battle's
** opening brace (record.line and messages) and refuses anything but objects
** as battles, so that yajl never buffers a value outside a battle. The one
** table that grows with the file is the previous vote's time per judge
** (a name and a number each, as the accumulator keeps per annotator).
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "io/records_internal.h"

enum { AR_QID, AR_MA, AR_MB, AR_WINNER, AR_JUDGE, AR_TSTAMP, AR_PROMPT, AR_N, AR_OTHER = -1 };
static const char *const ar_names[AR_N] = {"question_id", "model_a", "model_b",       "winner",
                                           "judge",       "tstamp",  "conversation_a"};

#define AR_BLOCK 65536

/* A judge's previous vote (open addressing on the name). */
typedef struct ar_last {
    char *judge;
    double ts;
} ar_last;

/* The longest gap between a judge's votes read as time spent on the later
 * one: a longer one is a break. */
#define AR_MAX_GAP 1800.0

typedef struct ar_battle {
    size_t off[AR_N], len[AR_N]; /* into the queue text; len (size_t)-1 absent */
    long line, num;
} ar_battle;

struct pmx_battles {
    yajl_handle h;
    pm_records *r;
    unsigned char *block;
    int array;      /* the document is one array (else a stream of objects) */
    int started;    /* the first non-blank byte was seen */
    int eof;        /* the file is read to its end */
    int configured; /* yajl's multiple-values setting is made */
    long line;      /* scanner: current line */
    long depth;     /* scanner: open containers */
    int in_str, esc;
    int in_battle;
    size_t bstart; /* scanner: byte offset of the battle's brace */
    size_t offset; /* scanner: bytes scanned */
    long *lines;   /* battle brace lines not yet taken by yajl (FIFO) */
    size_t nlines, head, cap;
    /* yajl side */
    long ydepth;
    int key;       /* the battle key whose value comes next */
    long conv;     /* depth inside conversation_a (0 outside) */
    int conv_key;  /* the next value inside it is a "content" */
    ar_battle cur; /* the battle being parsed */
    int in_cur;
    long battles; /* battles opened so far */
    pmx_buf text; /* field texts of queued battles */
    ar_battle *q; /* completed battles, not yet returned */
    size_t qn, qhead, qcap;
    struct ar_last *last; /* judge -> the time of their previous vote */
    size_t nlast, caplast;
    size_t last_bytes; /* of that table and its names, for pm_records_bytes */
    int failed;        /* err holds an error to report once the queue is empty */
    pm_status fail_code;
    pm_error fail;
};

size_t pmx_battles_bytes(const pm_records *r)
{
    return r->arena ? r->arena->last_bytes : 0;
}

void pmx_battles_free(pm_records *r)
{
    struct pmx_battles *a = r->arena;
    if (!a)
        return;
    if (a->h)
        yajl_free(a->h);
    free(a->block);
    free(a->lines);
    free(a->q);
    for (size_t i = 0; i < a->caplast; i++)
        free(a->last[i].judge);
    free(a->last);
    pmx_buf_free(&a->text);
    free(a);
    r->arena = NULL;
}

static int set_fail(struct pmx_battles *a, pm_status code, long line, const char *fmt,
                    const char *s)
{
    if (!a->failed) {
        a->failed = 1;
        a->fail_code = code;
        pm_error_at(&a->fail, code, a->r->name, line, 0, fmt, s);
    }
    return 0; /* cancels the yajl parse */
}

static int nomem(struct pmx_battles *a)
{
    if (!a->failed) {
        a->failed = 1;
        a->fail_code = PM_ENOMEM;
        pm_error_set(&a->fail, PM_ENOMEM, "out of memory");
    }
    return 0;
}

/* ---- yajl callbacks ------------------------------------------------------ */

static long battle_depth(const struct pmx_battles *a)
{
    return a->array ? 1 : 0;
}

/* A scalar value (text of n bytes; is_str: a JSON string) at the current
 * position. */
static int value(struct pmx_battles *a, const char *s, size_t n, int is_str, const char *type)
{
    if (!a->in_cur)
        return 1;
    if (a->conv) {
        if (a->conv_key && is_str && a->cur.len[AR_PROMPT] == (size_t)-1) {
            a->cur.off[AR_PROMPT] = a->text.len;
            a->cur.len[AR_PROMPT] = n;
            if (pmx_buf_add(&a->text, s, n) || pmx_buf_add(&a->text, "", 1))
                return nomem(a);
        }
        a->conv_key = 0;
        return 1;
    }
    if (a->ydepth != battle_depth(a) + 1 || a->key == AR_OTHER)
        return 1;
    int k = a->key;
    a->key = AR_OTHER;
    if (!s) /* null: absent */
        return 1;
    if (k == AR_PROMPT)
        return 1; /* a conversation_a that is not a list: no prompt */
    int number = !is_str && type == NULL;
    if (!is_str && !(number && (k == AR_QID || k == AR_TSTAMP)))
        return set_fail(a, PM_EPARSE, a->cur.line, "field '%s': expected a string", ar_names[k]);
    if (a->cur.len[k] != (size_t)-1)
        return set_fail(a, PM_EPARSE, a->cur.line, "field '%s' appears twice", ar_names[k]);
    a->cur.off[k] = a->text.len;
    a->cur.len[k] = n;
    if (pmx_buf_add(&a->text, s, n) || pmx_buf_add(&a->text, "", 1))
        return nomem(a);
    return 1;
}

static int cb_null(void *ctx)
{
    return value(ctx, NULL, 0, 0, "null");
}

static int cb_boolean(void *ctx, int b)
{
    struct pmx_battles *a = ctx;
    if (a->in_cur && !a->conv && a->ydepth == battle_depth(a) + 1 && a->key != AR_OTHER &&
        a->key != AR_PROMPT)
        return set_fail(a, PM_EPARSE, a->cur.line, "field '%s': expected a string, not a boolean",
                        ar_names[a->key]);
    (void)b;
    return value(ctx, "", 0, 0, "boolean");
}

static int cb_number(void *ctx, const char *s, size_t n)
{
    return value(ctx, s, n, 0, NULL);
}

static int cb_string(void *ctx, const unsigned char *s, size_t n)
{
    return value(ctx, (const char *)s, n, 1, "string");
}

static int open_container(struct pmx_battles *a, int map)
{
    long bd = battle_depth(a);
    if (a->ydepth == bd && map) {
        /* A battle opens: its line is the scanner's next. */
        memset(&a->cur, 0, sizeof a->cur);
        for (int k = 0; k < AR_N; k++)
            a->cur.len[k] = (size_t)-1;
        a->cur.line = a->head < a->nlines ? a->lines[a->head++] : a->line;
        a->cur.num = ++a->battles;
        a->in_cur = 1;
        a->key = AR_OTHER;
        a->conv = 0;
    } else if (a->in_cur && a->conv) {
        a->conv++;
        a->conv_key = 0;
    } else if (a->in_cur && a->ydepth == bd + 1 && a->key == AR_PROMPT) {
        a->conv = 1;
        a->key = AR_OTHER;
    } else if (a->in_cur && a->ydepth == bd + 1 && a->key != AR_OTHER) {
        return set_fail(a, PM_EPARSE, a->cur.line,
                        "field '%s': expected a string, not an object or a list", ar_names[a->key]);
    }
    a->ydepth++;
    return 1;
}

static int cb_start_map(void *ctx)
{
    return open_container(ctx, 1);
}

static int cb_start_array(void *ctx)
{
    return open_container(ctx, 0);
}

static int queue_battle(struct pmx_battles *a)
{
    for (int k = AR_MA; k <= AR_JUDGE; k++)
        if (a->cur.len[k] == (size_t)-1)
            return set_fail(a, PM_EPARSE, a->cur.line,
                            "missing field '%s' (a battle has model_a, model_b, winner, judge)",
                            ar_names[k]);
    if (a->qn == a->qcap) {
        size_t cap = a->qcap ? 2 * a->qcap : 64;
        ar_battle *q = realloc(a->q, cap * sizeof *q);
        if (!q)
            return nomem(a);
        a->q = q;
        a->qcap = cap;
    }
    a->q[a->qn++] = a->cur;
    a->in_cur = 0;
    return 1;
}

static int close_container(struct pmx_battles *a)
{
    a->ydepth--;
    if (a->in_cur && a->conv) {
        a->conv--;
        return 1;
    }
    if (a->in_cur && a->ydepth == battle_depth(a))
        return queue_battle(a);
    return 1;
}

static int cb_end(void *ctx)
{
    return close_container(ctx);
}

static int cb_map_key(void *ctx, const unsigned char *s, size_t n)
{
    struct pmx_battles *a = ctx;
    if (!a->in_cur)
        return 1;
    if (a->conv) {
        a->conv_key = n == 7 && !memcmp(s, "content", 7);
        return 1;
    }
    if (a->ydepth != battle_depth(a) + 1)
        return 1;
    a->key = AR_OTHER;
    for (int k = 0; k < AR_N; k++)
        if (strlen(ar_names[k]) == n && !memcmp(s, ar_names[k], n))
            a->key = k;
    return 1;
}

static const yajl_callbacks callbacks = {cb_null,   cb_boolean,     NULL,         NULL,
                                         cb_number, cb_string,      cb_start_map, cb_map_key,
                                         cb_end,    cb_start_array, cb_end};

/* ---- the scanner --------------------------------------------------------- */

/* Scan p[0..n) ahead of yajl: battle lines into the FIFO; *stop = bytes
 * yajl may parse (n, or where an error was found, recorded in a->fail). */
static void scan(struct pmx_battles *a, const unsigned char *p, size_t n, size_t *stop)
{
    pm_records *r = a->r;
    long bd = battle_depth(a);
    *stop = n;
    for (size_t i = 0; i < n; i++, a->offset++) {
        unsigned char c = p[i];
        if (c == '\n')
            a->line++;
        if (a->in_battle && a->offset - a->bstart + 1 > r->opt.max_line) {
            char msg[64];
            snprintf(msg, sizeof msg, "%zu", r->opt.max_line);
            set_fail(a, PM_ELIMIT, a->lines[a->nlines - 1],
                     "battle object larger than the limit of %s bytes (max_line)", msg);
            *stop = i;
            return;
        }
        if (a->in_str) {
            if (a->esc)
                a->esc = 0;
            else if (c == '\\')
                a->esc = 1;
            else if (c == '"')
                a->in_str = 0;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            continue;
        if (!a->started) {
            a->started = 1;
            a->array = c == '[';
            bd = battle_depth(a);
        }
        if (a->depth == bd && c != '{' && c != ',' && !(c == ']' && a->array)) {
            set_fail(a, PM_EPARSE, a->line, "%s",
                     a->array ? "a battle must be a JSON object {...}"
                              : "expected a JSON array of battles or one battle object per line");
            *stop = i;
            return;
        }
        if (c == '"') {
            a->in_str = 1;
        } else if (c == '{' || c == '[') {
            if (a->depth == bd) {
                if (a->nlines == a->cap && a->head) {
                    /* Taken lines are dropped first; the FIFO grows only
                     * with battles of this block. */
                    memmove(a->lines, a->lines + a->head, (a->nlines - a->head) * sizeof *a->lines);
                    a->nlines -= a->head;
                    a->head = 0;
                }
                if (a->nlines == a->cap) {
                    size_t cap = a->cap ? 2 * a->cap : 64;
                    long *l = realloc(a->lines, cap * sizeof *l);
                    if (!l) {
                        nomem(a);
                        *stop = i;
                        return;
                    }
                    a->lines = l;
                    a->cap = cap;
                }
                a->lines[a->nlines++] = a->line;
                a->in_battle = 1;
                a->bstart = a->offset;
            }
            a->depth++;
        } else if (c == '}' || c == ']') {
            if (a->depth > 0)
                a->depth--;
            if (a->depth == bd)
                a->in_battle = 0;
        }
    }
}

/* ---- reading -------------------------------------------------------------- */

static pm_status yajl_fail(struct pmx_battles *a, const unsigned char *p, size_t n, long line0,
                           pm_error *err)
{
    size_t at = yajl_get_bytes_consumed(a->h);
    long line = line0;
    for (size_t i = 0; i < at && i < n; i++)
        line += p[i] == '\n';
    unsigned char *msg = yajl_get_error(a->h, 0, p, n);
    char text[200];
    snprintf(text, sizeof text, "%s", msg ? (const char *)msg : "parse error");
    if (msg)
        yajl_free_error(a->h, msg);
    for (char *s = text; *s; s++)
        if (*s == '\n')
            *s = ' ';
    size_t k = strlen(text);
    while (k && text[k - 1] == ' ')
        text[--k] = '\0';
    return pm_error_at(err, PM_EPARSE, a->r->name, line, 0, "invalid JSON: %s", text);
}

pm_status pmx_arena_start(pm_records *r, pm_error *err)
{
    pmx_battles_free(r);
    struct pmx_battles *a = calloc(1, sizeof *a);
    if (!a)
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    r->arena = a;
    a->r = r;
    a->line = 1;
    a->block = malloc(AR_BLOCK);
    a->h = yajl_alloc(&callbacks, NULL, a);
    if (!a->block || !a->h || pmx_buf_set(&a->text, "", 0))
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    return PM_OK;
}

/* Read and parse the next block into the queue (*done at end of file). */
static pm_status feed(struct pmx_battles *a, pm_error *err)
{
    pm_records *r = a->r;
    int io_error = 0;
    size_t n = pm_csv_read_raw(r->csv, a->block, AR_BLOCK, &io_error);
    if (io_error)
        return pm_error_at(err, PM_EIO, r->name, a->line, 0, "read error");
    if (n == 0) {
        a->eof = 1;
        if (!a->started)
            return pm_error_at(err, PM_EPARSE, r->name, 1, 0, "no records: the file is empty");
        yajl_status ys = yajl_complete_parse(a->h);
        if (ys == yajl_status_error || a->depth > 0) {
            if (ys != yajl_status_error) /* cannot happen: yajl sees open containers too */
                return pm_error_at(err, PM_EPARSE, r->name, a->line, 0,
                                   "truncated document: it ends inside a value");
            return pm_error_at(err, PM_EPARSE, r->name, a->line, 0,
                               "truncated document: it ends inside %s",
                               a->in_str  ? "a string"
                               : a->depth ? "an object or a list (a closing } or ] is missing)"
                                          : "a value");
        }
        return PM_OK;
    }
    long line0 = a->line;
    size_t stop;
    scan(a, a->block, n, &stop);
    if (!a->configured && a->started) {
        /* One array, or a stream of objects (JSON Lines): only the stream
         * may hold several values. */
        yajl_config(a->h, yajl_allow_multiple_values, !a->array);
        a->configured = 1;
    }
    if (stop) {
        yajl_status ys = yajl_parse(a->h, a->block, stop);
        if (ys == yajl_status_error) {
            /* Earlier in the text than a scanner error: it is the one said. */
            a->failed = 1;
            a->fail_code = yajl_fail(a, a->block, stop, line0, &a->fail);
        }
    }
    return PM_OK;
}

static size_t ar_hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3u;
    return (size_t)h;
}

/* The judge's slot (a new one with ts NAN); NULL out of memory. */
static ar_last *last_vote(struct pmx_battles *a, const char *judge)
{
    if (2 * (a->nlast + 1) > a->caplast) {
        size_t cap = a->caplast ? 2 * a->caplast : 64;
        ar_last *t = calloc(cap, sizeof *t);
        if (!t)
            return NULL;
        for (size_t i = 0; i < a->caplast; i++)
            if (a->last[i].judge) {
                size_t j = ar_hash(a->last[i].judge) & (cap - 1);
                while (t[j].judge)
                    j = (j + 1) & (cap - 1);
                t[j] = a->last[i];
            }
        free(a->last);
        a->last_bytes += (cap - a->caplast) * sizeof *t;
        a->last = t;
        a->caplast = cap;
    }
    size_t j = ar_hash(judge) & (a->caplast - 1);
    while (a->last[j].judge && strcmp(a->last[j].judge, judge) != 0)
        j = (j + 1) & (a->caplast - 1);
    if (!a->last[j].judge) {
        size_t n = strlen(judge) + 1;
        if (!(a->last[j].judge = malloc(n)))
            return NULL;
        memcpy(a->last[j].judge, judge, n);
        a->last_bytes += n;
        a->last[j].ts = NAN;
        a->nlast++;
    }
    return &a->last[j];
}

/* The queued battle i as a record. */
static pm_status emit(struct pmx_battles *a, const ar_battle *b, pm_record *out, pm_error *err)
{
    pm_records *r = a->r;
    const char *t = a->text.s;
    long line = b->line;
    memset(out, 0, sizeof *out);
    out->file = r->name;
    out->line = line;
    out->timestamp = out->duration = NAN;
    pm_status st;
    for (int k = AR_QID; k <= AR_JUDGE; k++) {
        if (b->len[k] == (size_t)-1)
            continue;
        const char *s = t + b->off[k];
        if (b->len[k] == 0)
            return pm_error_at(err, PM_EPARSE, r->name, line, 0, "field '%s' is empty",
                               ar_names[k]);
        if (memchr(s, '\0', b->len[k]))
            return pm_error_at(err, PM_EPARSE, r->name, line, 0,
                               "field '%s': the string contains a NUL character (\\u0000)",
                               ar_names[k]);
        if ((st = pmx_check_key(r, ar_names[k], s, b->len[k], line, 0, err)))
            return st;
    }
    char prefix[64];
    const char *pre = prefix;
    size_t plen;
    if (b->len[AR_QID] != (size_t)-1) {
        pre = t + b->off[AR_QID];
        plen = b->len[AR_QID];
    } else if (b->len[AR_PROMPT] != (size_t)-1) {
        uint64_t h = 0xcbf29ce484222325u;
        const unsigned char *s = (const unsigned char *)t + b->off[AR_PROMPT];
        for (size_t i = 0; i < b->len[AR_PROMPT]; i++)
            h = (h ^ s[i]) * 0x100000001b3u;
        plen = (size_t)snprintf(prefix, sizeof prefix, "prompt:%016llx", (unsigned long long)h);
    } else {
        plen = (size_t)snprintf(prefix, sizeof prefix, "battle#%ld", b->num);
    }
    const char *ma = t + b->off[AR_MA], *mb = t + b->off[AR_MB], *w = t + b->off[AR_WINNER];
    int a_low;
    int rc = pmx_pair_verdict(&r->key2, pre, plen, ma, b->len[AR_MA], mb, b->len[AR_MB], w,
                              &out->label, &a_low);
    if (rc < 0)
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    if (rc == PMX_PAIR_SAME)
        return pm_error_at(err, PM_EPARSE, r->name, line, 0,
                           "field 'model_b': same model '%.100s' as model_a", mb);
    if (rc == PMX_PAIR_WINNER)
        return pm_error_at(err, PM_EPARSE, r->name, line, 0,
                           "field 'winner': '%.100s' is not model_a, model_b, tie or tie (bothbad)",
                           w);
    out->item = r->key2.s;
    out->annotator = t + b->off[AR_JUDGE];
    out->shown_left = a_low ? 'A' : 'B'; /* model_a is shown on the left */
    out->gold = pmx_gold_get(&r->gold, out->item);
    if (b->len[AR_TSTAMP] != (size_t)-1) {
        const char *ts = t + b->off[AR_TSTAMP];
        int badt = pmx_parse_time(ts, &out->timestamp);
        if (badt > 0)
            return pm_error_at(err, PM_EPARSE, r->name, line, 0,
                               "field 'tstamp': '%.60s' is not a possible time: %s", ts,
                               pmx_time_problem(badt));
        if (badt)
            return pm_error_at(err, PM_EPARSE, r->name, line, 0,
                               "field 'tstamp': '%.60s' is not epoch seconds or an ISO 8601 time",
                               ts);
        /* The speed signal: the time since the judge's previous vote. */
        ar_last *lv = last_vote(a, out->annotator);
        if (!lv)
            return pm_error_set(err, PM_ENOMEM, "out of memory");
        double gap = out->timestamp - lv->ts;
        if (gap >= 0 && gap <= AR_MAX_GAP)
            out->duration = gap;
        lv->ts = out->timestamp;
    }
    return PM_OK;
}

pm_status pmx_arena_record(pm_records *r, pm_record *out, int *got, pm_error *err)
{
    struct pmx_battles *a = r->arena;
    *got = 0;
    while (a->qhead == a->qn) {
        if (a->failed) {
            if (err)
                *err = a->fail;
            return a->fail_code;
        }
        if (a->eof)
            return PM_OK;
        /* The queue is empty: its text restarts, keeping the open battle's
         * fields (at most max_line bytes). */
        a->qhead = a->qn = 0;
        if (a->in_cur) {
            size_t from = a->text.len;
            for (int k = 0; k < AR_N; k++)
                if (a->cur.len[k] != (size_t)-1 && a->cur.off[k] < from)
                    from = a->cur.off[k];
            memmove(a->text.s, a->text.s + from, a->text.len - from);
            a->text.len -= from;
            for (int k = 0; k < AR_N; k++)
                if (a->cur.len[k] != (size_t)-1)
                    a->cur.off[k] -= from;
        } else {
            a->text.len = 0;
        }
        pm_status st = feed(a, err);
        if (st)
            return st;
    }
    const ar_battle *b = &a->q[a->qhead++];
    r->stats.rows_read++;
    pm_status st = emit(a, b, out, err);
    if (st)
        return st;
    r->stats.rows_used++;
    *got = 1;
    return PM_OK;
}
