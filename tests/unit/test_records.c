/* records: the generic CSV/TSV/JSONL readers, GAL, MT-Bench, gold files,
 * detection, and every documented error with its position. Expected
 * values are written out by hand from the fixtures; the real-data counts
 * come from cut/sort/awk over the same files (see each test). */
#define _GNU_SOURCE /* fopencookie: an endless stream without a line end */
#include "test_records_util.h"

static void test_csv_all_columns(void **state)
{
    (void)state;
    trun t;
    /* BOM, CRLF, a blank line, quoted fields with commas, doubled quotes and
     * a line end inside quotes, an unknown column, every optional field. */
    read_text(&t,
              "\xEF\xBB\xBF"
              "annotator,item,label,gold,timestamp,duration,batch\r\n"
              "w1,\"item, with comma\",P,G,2024-05-01T12:00:00Z,1.5,b1\r\n"
              "\r\n"
              "\"w2\",\"say \"\"hi\"\"\",G,,2024-05-01T12:00:00+02:00,,b1\r\n"
              "w1,\"two\nlines\",X,,1714564800.25,0,b2\r\n"
              "w3,i4,R,,,,\r\n",
              NULL, NULL);
    assert_int_equal(t.st, PM_OK);
    assert_int_equal(t.fmt, PM_RECORDS_CSV);
    assert_string_equal(t.ignored, "batch");
    assert_int_equal(t.n, 4);
    assert_rec(&t.v[0], "w1", "item, with comma", "P", "G", 0);
    assert_rec(&t.v[1], "w2", "say \"hi\"", "G", NULL, 0);
    assert_rec(&t.v[2], "w1", "two\nlines", "X", NULL, 0);
    assert_rec(&t.v[3], "w3", "i4", "R", NULL, 0);
    /* date -u -d '2024-05-01T12:00:00Z' +%s = 1714564800; +02:00 is 7200 s earlier. */
    assert_true(t.v[0].ts == 1714564800.0);
    assert_true(t.v[1].ts == 1714557600.0);
    assert_true(t.v[2].ts == 1714564800.25);
    assert_true(isnan(t.v[3].ts));
    assert_true(t.v[0].dur == 1.5 && isnan(t.v[1].dur) && t.v[2].dur == 0);
    /* Lines: the record's first line; the blank line 3 is skipped. */
    assert_int_equal(t.v[0].line, 2);
    assert_int_equal(t.v[1].line, 4);
    assert_int_equal(t.v[2].line, 5);
    assert_int_equal(t.v[3].line, 7);
    assert_int_equal(t.stats.rows_read, 4);
    assert_int_equal(t.stats.rows_used, 4);
}

static void test_csv_shown_left(void **state)
{
    (void)state;
    trun t;
    read_text(&t,
              "annotator,item,label,shown_left,gold\n"
              "a,x,left,A,B\n" /* left shown A: A */
              "a,x,left,B,\n"  /* left shown B: B */
              "a,x,Right,A,\n" /* right shown A: B */
              "a,x,right,B,\n" /* right shown B: A */
              "a,x,b,,tie\n"   /* item orientation, case-insensitive */
              "a,x,TIE,B,\n"   /* tie in either orientation */
              "a,y,,A,\n",     /* empty label: skipped, counted */
              NULL, "x\tA\ny\tB\n");
    assert_int_equal(t.st, PM_OK);
    assert_int_equal(t.n, 6);
    assert_rec(&t.v[0], "a", "x", "A", "B", 'A'); /* the row's own gold wins over the file's */
    assert_rec(&t.v[1], "a", "x", "B", "A", 'B');
    assert_rec(&t.v[2], "a", "x", "B", "A", 'A');
    assert_rec(&t.v[3], "a", "x", "A", "A", 'B');
    assert_rec(&t.v[4], "a", "x", "B", "tie", 0);
    assert_rec(&t.v[5], "a", "x", "tie", "A", 'B');
    assert_int_equal(t.stats.rows_read, 7);
    assert_int_equal(t.stats.rows_used, 6);
    assert_int_equal(t.stats.skipped[PM_RECORDS_SKIP_EMPTY_LABEL], 1);
}

static void test_crowdkit_shapes(void **state)
{
    (void)state;
    trun t;
    read_text(&t, "task,worker,label\nt1,w1,cat\nt1,w2,dog\n", NULL, NULL);
    assert_int_equal(t.st, PM_OK);
    assert_int_equal(t.n, 2);
    assert_rec(&t.v[0], "w1", "t1", "cat", NULL, 0);
    assert_rec(&t.v[1], "w2", "t1", "dog", NULL, 0);

    /* Pairwise: the item is the unordered pair, A the smaller id. */
    read_text(&t,
              "worker,left,right,label\n"
              "w1,m2,m1,m2\n"
              "w1,m1,m2,m2\n"
              "w2,m1,m2,m1\n"
              "w2,m2,m1,tie\n",
              NULL, "m1|m2\tB\n");
    assert_int_equal(t.st, PM_OK);
    assert_int_equal(t.n, 4);
    assert_rec(&t.v[0], "w1", "m1|m2", "B", "B", 'B');
    assert_rec(&t.v[1], "w1", "m1|m2", "B", "B", 'A');
    assert_rec(&t.v[2], "w2", "m1|m2", "A", "B", 'A');
    assert_rec(&t.v[3], "w2", "m1|m2", "tie", "B", 'B');

    read_text(&t, "worker,left,right,label\nw1,m1,m2,m3\n", NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:2:10: field 'label': 'm3' is neither left 'm1'");
    read_text(&t, "worker,left,right,label\nw1,m1,m1,m1\n", NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:2:7: field 'right': same id 'm1'");
    read_text(&t, "worker,left,label\nw1,m1,m1\n", NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:1: column 'left' without 'right'");
}

static void test_tsv_and_jsonl(void **state)
{
    (void)state;
    trun t;
    /* TSV has no quoting: quotes are data. */
    read_text(&t, "worker\titem\tlabel\nw\t\"q\" x\tA\n", NULL, NULL);
    assert_int_equal(t.st, PM_OK);
    assert_int_equal(t.fmt, PM_RECORDS_TSV);
    assert_int_equal(t.n, 1);
    assert_rec(&t.v[0], "w", "\"q\" x", "A", NULL, 0);

    read_text(&t,
              "{\"annotator\": \"a\", \"item\": \"x\", \"label\": \"left\", \"shown_left\": \"B\", "
              "\"timestamp\": \"2024-05-01T12:00:00Z\", \"duration\": 2.5, \"extra\": [1]}\n"
              "\n"
              "{\"worker\": 17, \"task\": 3, \"label\": \"tie\", \"shown_left\": null, "
              "\"timestamp\": 1714564800}\r\n",
              NULL, NULL);
    assert_int_equal(t.st, PM_OK);
    assert_int_equal(t.fmt, PM_RECORDS_JSONL);
    assert_int_equal(t.n, 2);
    assert_rec(&t.v[0], "a", "x", "B", NULL, 'B');
    assert_true(t.v[0].ts == 1714564800.0 && t.v[0].dur == 2.5);
    assert_rec(&t.v[1], "17", "3", "tie", NULL, 0);
    assert_int_equal(t.v[1].line, 3);

    read_text(&t, "{\"annotator\": \"a\", \"item\": \"x\", \"label\": }\n", NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:1:");
    read_text(&t, "{\"annotator\": \"a\", \"item\": \"x\", \"label\": \"A\"}\n[1]\n", NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:2:1: a JSON Lines record must be an object");
    read_text(&t, "{\"annotator\": \"a\", \"worker\": \"b\", \"item\": \"x\", \"label\": \"A\"}\n",
              NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:1: keys 'annotator' and 'worker' both give the annotator");
    read_text(&t, "{\"annotator\": \"a\", \"item\": [1], \"label\": \"A\"}\n", NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:1: key 'item': expected a string or a number");
}

static void test_csv_errors(void **state)
{
    (void)state;
    trun t;
    read_text(&t, "annotator,item,label\nw1,it\"em,A\n", NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:2:6: quote inside an unquoted field");
    read_text(&t, "annotator,item,label\nw1,\"item\"x,A\n", NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:2:10: text after the closing quote");
    read_text(&t, "annotator,item,label\nw1,i,A\nw2,\"open,B\nw3,i,A\n", NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:3:4: quoted field not closed before the end of the file");
    read_text(&t, "annotator,item,label\nw1,i,A,extra\n", NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:2:8: row has 4 fields but the header has 3");
    read_text(&t, "annotator,item,label\nw1,i\n", NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:2: row has 2 fields but the header has 3");
    read_text(&t, "annotator,item,label,shown_left\nw1,i,C,A\n", NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:2:6: field 'label': 'C' is not A, B, tie, left or right");
    read_text(&t, "annotator,item,label,shown_left\nw1,i,left,\n", NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:2:6: field 'label': 'left' is a screen side");
    read_text(&t, "annotator,item,label,shown_left\nw1,i,A,C\n", NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:2:8: field 'shown_left': 'C' is not A or B");
    read_text(&t, "annotator,item,label\n,i,A\n", NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:2:1: field 'annotator' is empty");
    read_text(&t, "annotator,item,label,annotator\nw,i,A,w\n", NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:1:22: header: column 'annotator' appears twice");
    read_text(&t, "annotator,item,label,Worker\nw,i,A,w\n", NULL, NULL);
    assert_error(&t, PM_EPARSE,
                 "in.txt:1:22: header: columns 'annotator' and 'Worker' both give the annotator");
    /* Messages that quote input stay one printable line. */
    read_text(&t, "annotator,item,label,\"a\nb\",\"a\nb\"\n", NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:2:4: header: column 'a\\nb' appears twice");
    read_text(&t, "annotator,item,label,shown_left\nw,i,A,\x01\xff\n", NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:2:7: field 'shown_left': '\\x01\\xFF' is not A or B");
    read_text(&t, "annotator,label\nw,A\n", NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:1: missing column 'item'");
    read_text(&t, "annotator,item\nw,i\n", NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:1: missing column 'label'");
    read_text(&t, "annotator,item,label,timestamp\nw,i,A,yesterday\n", NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:2:7: field 'timestamp': 'yesterday' is not an ISO 8601");
    read_text(&t, "annotator,item,label,duration\nw,i,A,-1\n", NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:2:7: field 'duration': '-1' is not a duration");
    /* Invalid UTF-8: the byte's own column. */
    read_text(&t, "annotator,item,label\nw,ab\xC3(,A\n", NULL, NULL);
    assert_error(&t, PM_EPARSE,
                 "in.txt:2:5: field 'item': byte 0xC3 at offset 2 is not valid UTF-8");
    read_text(&t, "annotator,item,label\nw,\"q\xED\xA0\x80\",A\n", NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:2:4: field 'item': byte 0xED at offset 1");
    /* A NUL byte. */
    static const char nul[] = "annotator,item,label\nw,i\0x,A\n";
    read_path(&t, write_tmp("in.txt", nul, sizeof nul - 1), NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:2:4: NUL byte");
}

static void test_empty_inputs(void **state)
{
    (void)state;
    trun t;
    read_text(&t, "", NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:1: no records: the file is empty");
    read_text(&t, "\n\r\n  \n", NULL, NULL);
    assert_error(&t, PM_EPARSE, "no records");
    read_text(&t, "annotator,item,label\n", NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt: no records: the file has no data rows");
    pm_records_options csv = {.format = PM_RECORDS_CSV};
    read_text(&t, "", &csv, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:1: no records: the file is empty");
    /* No newline at all: the last row still counts. */
    read_text(&t, "annotator,item,label\nw,i,A", NULL, NULL);
    assert_int_equal(t.st, PM_OK);
    assert_int_equal(t.n, 1);
    assert_rec(&t.v[0], "w", "i", "A", NULL, 0);
    read_text(&t, "annotator,item,label\nw,i,", NULL, NULL);
    assert_int_equal(t.st, PM_OK);
    assert_int_equal(t.stats.skipped[PM_RECORDS_SKIP_EMPTY_LABEL], 1);
    /* Only skipped rows: not an error, every row is counted. */
    assert_int_equal(t.stats.rows_read, 1);
    read_text(&t, "something else\n", NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:1: cannot tell the format");
}

/* A line of n bytes of 'x' after a header, with or without a line end. */
static const char *big_file(size_t n, int newline)
{
    static const char head[] = "annotator,item,label\nw,";
    size_t len = sizeof head - 1 + n + 3;
    char *s = malloc(len);
    assert_non_null(s);
    memcpy(s, head, sizeof head - 1);
    memset(s + sizeof head - 1, 'x', n);
    memcpy(s + sizeof head - 1 + n, ",A\n", 3);
    const char *path = write_tmp("big.txt", s, newline ? len : len - 1);
    free(s);
    return path;
}

static void test_long_lines(void **state)
{
    (void)state;
    trun t;
    /* 1 MiB of item in one line: over the default limit (1 MiB per record). */
    read_path(&t, big_file((size_t)1 << 20, 1), NULL, NULL);
    assert_error(&t, PM_ELIMIT, "big.txt:2:");
    assert_non_null(strstr(t.err.text, "record longer than 1048576 bytes (max_line)"));
    /* The limit is where the record crossed it: column 1048577 of line 2
     * ("w," is 2 bytes, then 1048574 x's fit, the next byte does not). */
    assert_non_null(strstr(t.err.text, "big.txt:2:1048577:"));
    /* Raised limit: the same file reads. */
    /* A record of exactly max_line bytes fits (the header here is 20 bytes,
     * so is the first row); one byte more does not, at its column. */
    pm_records_options tight = {.max_line = 20};
    read_text(&t, "annotator,item,label\nw,abcdefghijklmnop,A\n", &tight, NULL);
    assert_int_equal(t.st, PM_OK);
    assert_int_equal(t.n, 1);
    read_text(&t, "annotator,item,label\nw,\"abcdefghijklmno\",A\r\n", &tight, NULL);
    assert_int_equal(t.st, PM_OK);
    read_text(&t, "annotator,item,label\nw,abcdefghijklmnopq,A\n", &tight, NULL);
    assert_error(&t, PM_ELIMIT, "in.txt:2:21: record longer than 20 bytes");
    read_text(&t, "annotator,item,label\nw,\"abcdefghijklmnopq\nrest", &tight, NULL);
    assert_error(&t, PM_ELIMIT,
                 "in.txt:3:1: record longer than 20 bytes (max_line) inside a quoted "
                 "field that opened at line 2, column 3");
    /* Raised limit, and no line end at all: the same record reads whole. */
    pm_records_options opt = {.max_line = 2u << 20};
    pm_error err = {0};
    pm_records *r = pm_records_new(&opt, &err);
    assert_int_equal(pm_records_open(r, big_file((size_t)1 << 20, 0), &err), PM_OK);
    pm_record rec;
    int got;
    assert_int_equal(pm_records_next(r, &rec, &got, &err), PM_OK);
    assert_int_equal(got, 1);
    assert_int_equal(strlen(rec.item), (size_t)1 << 20);
    assert_string_equal(rec.label, "A");
    assert_int_equal(pm_records_next(r, &rec, &got, &err), PM_OK);
    assert_int_equal(got, 0);
    pm_records_free(r);
}

/* An endless stream of one byte (a 1 GB line, or /dev/zero, without the
 * gigabyte): the reader must stop at its limit having read little more. */
static size_t served;

static ssize_t endless_read(void *cookie, char *buf, size_t n)
{
    memset(buf, *(const char *)cookie, n);
    served += n;
    return (ssize_t)n;
}

static void test_endless_input(void **state)
{
    (void)state;
    static char x = 'x', zero = '\0';
    cookie_io_functions_t io = {.read = endless_read};
    for (int f = PM_RECORDS_AUTO; f <= PM_RECORDS_WMT; f++) {
        for (int z = 0; z < 2; z++) {
            pm_records_options opt = {
                .format = (pm_records_format)f, .max_line = 1 << 16, .max_document = 1 << 16};
            pm_error err = {0};
            pm_records *r = pm_records_new(&opt, &err);
            FILE *fp = fopencookie(z ? &zero : &x, "r", io);
            assert_non_null(fp);
            served = 0;
            pm_status st = pm_records_open_stream(r, fp, "endless", &err);
            pm_record rec;
            int got;
            while (st == PM_OK && (st = pm_records_next(r, &rec, &got, &err)) == PM_OK && got)
                ;
            /* x: over the line limit, or the document limit for Label
             * Studio (jansson reads a bare word whole before judging it);
             * the format cannot be told from x's; NUL: not a text file;
             * Argilla and Arena: not JSON, refused at the first byte. */
            if (z || f == PM_RECORDS_AUTO || f == PM_RECORDS_ARGILLA || f == PM_RECORDS_ARENA)
                assert_int_equal(st, PM_EPARSE);
            else
                assert_int_equal(st, PM_ELIMIT);
            assert_true(strncmp(err.text, "endless:1:", 10) == 0 ||
                        strncmp(err.text, "endless: ", 9) == 0);
            /* At most the limit plus the reader's two 256 KiB blocks. */
            assert_true(served <= (1 << 16) + (2u << 18) + 8192);
            if (st != PM_EPARSE && st != PM_ELIMIT)
                fail_msg("format %d, byte %d: %s", f, z, err.text);
            fclose(fp);
            pm_records_free(r);
        }
    }
}

static void test_gold_file(void **state)
{
    (void)state;
    trun t;
    const char *log = "annotator,item,label\nw,\"a,1\",X\nw,b,Y\nw,c,Z\n";
    read_text(&t, log, NULL, "item,label\n\"a,1\",G\nb,P\n");
    assert_int_equal(t.st, PM_OK);
    assert_int_equal(t.n, 3);
    assert_rec(&t.v[0], "w", "a,1", "X", "G", 0);
    assert_rec(&t.v[1], "w", "b", "Y", "P", 0);
    assert_rec(&t.v[2], "w", "c", "Z", NULL, 0);
    read_text(&t, log, NULL, "b\tP\nb\tG\n");
    assert_int_equal(t.st, PM_EPARSE);
    assert_non_null(strstr(t.err.text, "gold.txt:2:3: item 'b' has gold 'G' here but 'P' before"));
    read_text(&t, log, NULL, "b\tP\tX\n");
    assert_non_null(strstr(t.err.text, "gold.txt:1:5: gold rows are item<TAB>label"));
    read_text(&t, log, NULL, "");
    assert_non_null(strstr(t.err.text, "gold.txt: no gold labels"));
}

static void test_gal_fixture(void **state)
{
    (void)state;
    trun t;
    read_text(&t, "A1\thttp://a.com\tG\nA2\thttp://a.com\tP\nA1\thttp://a.com\tG\n", NULL,
              "http://a.com\tG\n");
    assert_int_equal(t.st, PM_OK);
    assert_int_equal(t.fmt, PM_RECORDS_GAL);
    assert_int_equal(t.n, 3);
    assert_rec(&t.v[1], "A2", "http://a.com", "P", "G", 0);
    read_text(&t, "A1\thttp://a.com\tG\nA2\thttp://a.com\n", NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:2: row has 2 tab-separated fields");
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Real data: AdultContent2 (Get-Another-Label). Row count, distinct workers
 * and rows whose item has gold from cut | sort -u | wc -l and an awk join:
 * 92,721 rows, 825 workers, 3,324 rows with gold; label counts G 70706,
 * P 10579, R 4340, X 7096 (awk over column 3). */
static void test_gal_adultcontent2(void **state)
{
    (void)state;
    pm_error err = {0};
    pm_records *r = pm_records_new(NULL, &err);
    assert_non_null(r);
    assert_int_equal(pm_records_read_gold(r, PM_SOURCE_DIR "/data/adultcontent2/gold.txt", &err),
                     PM_OK);
    assert_int_equal(pm_records_open(r, PM_SOURCE_DIR "/data/adultcontent2/labels.txt", &err),
                     PM_OK);
    assert_int_equal(pm_records_detected(r), PM_RECORDS_GAL);
    char **workers = malloc(100000 * sizeof *workers);
    assert_non_null(workers);
    long n = 0, gold = 0, g = 0, p = 0, rr = 0, x = 0;
    pm_record rec;
    int got;
    while (pm_records_next(r, &rec, &got, &err) == PM_OK && got) {
        assert_true(n < 100000);
        workers[n++] = strdup(rec.annotator);
        gold += rec.gold != NULL;
        g += strcmp(rec.label, "G") == 0;
        p += strcmp(rec.label, "P") == 0;
        rr += strcmp(rec.label, "R") == 0;
        x += strcmp(rec.label, "X") == 0;
    }
    assert_int_equal(err.code, PM_OK);
    assert_int_equal(n, 92721);
    assert_int_equal(gold, 3324);
    assert_int_equal(g, 70706);
    assert_int_equal(p, 10579);
    assert_int_equal(rr, 4340);
    assert_int_equal(x, 7096);
    qsort(workers, (size_t)n, sizeof *workers, cmp_str);
    long distinct = 0;
    for (long i = 0; i < n; i++)
        distinct += i == 0 || strcmp(workers[i], workers[i - 1]) != 0;
    assert_int_equal(distinct, 825);
    for (long i = 0; i < n; i++)
        free(workers[i]);
    free(workers);
    pm_records_free(r);
}

static void test_mtbench(void **state)
{
    (void)state;
    trun t;
    read_text(&t,
              "question_id\tcategory\tmodel_a\tmodel_b\tturn\tjudge\twinner\n"
              "81\twriting\tvicuna\talpaca\t1\tj1\tmodel_a\n"
              "81\twriting\talpaca\tvicuna\t1\tj1\tmodel_a\n"
              "81\twriting\talpaca\tvicuna\t2\tj2\ttie (bothbad)\n"
              "82\tmath\tgpt-4\tclaude-v1\t1\tj2\tmodel_b\n",
              NULL, NULL);
    assert_int_equal(t.st, PM_OK);
    assert_int_equal(t.fmt, PM_RECORDS_MTBENCH);
    assert_string_equal(t.ignored, "category");
    assert_int_equal(t.n, 4);
    assert_rec(&t.v[0], "j1", "81|1|alpaca|vicuna", "B", NULL, 0);
    assert_rec(&t.v[1], "j1", "81|1|alpaca|vicuna", "A", NULL, 0);
    assert_rec(&t.v[2], "j2", "81|2|alpaca|vicuna", "tie", NULL, 0);
    assert_rec(&t.v[3], "j2", "82|1|claude-v1|gpt-4", "A", NULL, 0);
    /* CSV form with quoting, and the errors. */
    read_text(&t,
              "question_id,model_a,model_b,turn,judge,winner,conversation_a,tstamp\n"
              "81,a,b,1,j,model_b,\"[{\"\"role\"\": \"\"user\"\"}]\",1714564800.5\n",
              NULL, NULL);
    assert_int_equal(t.st, PM_OK);
    assert_string_equal(t.ignored, "conversation_a");
    assert_int_equal(t.n, 1);
    assert_rec(&t.v[0], "j", "81|1|a|b", "B", NULL, 0);
    assert_true(t.v[0].ts == 1714564800.5);
    read_text(&t, "question_id,model_a,model_b,turn,judge,winner\n81,a,b,1,j,draw\n", NULL, NULL);
    assert_error(
        &t, PM_EPARSE,
        "in.txt:2:12: field 'winner': 'draw' is not model_a, model_b, tie or tie (bothbad)");
    read_text(&t, "question_id,model_a,turn,judge,winner\n81,a,1,j,tie\n", NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:1: missing column 'model_b'");
}

/* Real data: the MT-Bench human judgments. Counts from awk (LC_ALL=C, byte
 * order of model names): 1,751 rows, 65 judges, 1,232 items, labels A 721,
 * B 613, tie 417. */
static void test_mtbench_real(void **state)
{
    (void)state;
    pm_error err = {0};
    pm_records *r = pm_records_new(NULL, &err);
    assert_int_equal(
        pm_records_open(r, PM_SOURCE_DIR "/data/mtbench-human/human_judgments_partial.tsv", &err),
        PM_OK);
    assert_int_equal(pm_records_detected(r), PM_RECORDS_MTBENCH);
    long n = 0, a = 0, b = 0, tie = 0;
    pm_record rec;
    int got;
    while (pm_records_next(r, &rec, &got, &err) == PM_OK && got) {
        n++;
        a += strcmp(rec.label, "A") == 0;
        b += strcmp(rec.label, "B") == 0;
        tie += strcmp(rec.label, "tie") == 0;
    }
    assert_int_equal(err.code, PM_OK);
    assert_int_equal(n, 1751);
    assert_int_equal(a, 721);
    assert_int_equal(b, 613);
    assert_int_equal(tie, 417);
    pm_records_free(r);
}

/* The row estimate: a file of identical lines, whatever its size, is
 * counted exactly from the density of the block read (size / line length);
 * a stream that is not a regular file has no estimate. */
static void test_estimate_rows(void **state)
{
    (void)state;
    enum { ROWS = 100000 };
    const char line[] = "w1,item-000001,A\n"; /* 17 bytes */
    size_t n = 21 + (ROWS)*17;
    char *text = malloc(n + 1);
    assert_non_null(text);
    memcpy(text, "annotator,item,label\n", 21);
    for (int i = 0; i < ROWS; i++)
        memcpy(text + 21 + (size_t)i * 17, line, 17);
    pm_error err = {0};
    pm_records *r = pm_records_new(NULL, &err);
    assert_int_equal(pm_records_open(r, write_tmp("est.csv", text, n), &err), PM_OK);
    size_t est = pm_records_estimate_rows(r);
    /* n / 17 = ROWS + 21/17: the header counts as a part row. */
    assert_true(est >= ROWS && est <= ROWS + 2);
    FILE *mem = fmemopen(text, n, "r");
    assert_int_equal(pm_records_open_stream(r, mem, "mem", &err), PM_OK);
    assert_int_equal(pm_records_estimate_rows(r), 0);
    fclose(mem);
    pm_records_free(r);
    free(text);
}

/* Defect 1: the same log given twice, under any name, would pair every
 * row with its own copy; refused on the second open (PM_EINVAL naming both
 * names). Another file, and a copy of the same bytes, are fine. */
static void test_same_file_twice(void **state)
{
    (void)state;
    char path[160], dot[200], sym[200], hard[200], copy[200];
    snprintf(path, sizeof path, "%s", write_tmp("twice.csv", "annotator,item,label\na,i,A\n", 26));
    snprintf(copy, sizeof copy, "%s", write_tmp("copy.csv", "annotator,item,label\na,i,A\n", 26));
    snprintf(dot, sizeof dot, "%s/./twice.csv", tmpdir);
    snprintf(sym, sizeof sym, "%s/sym.csv", tmpdir);
    snprintf(hard, sizeof hard, "%s/hard.csv", tmpdir);
    unlink(sym);
    unlink(hard);
    assert_int_equal(symlink(path, sym), 0);
    assert_int_equal(link(path, hard), 0);
    const char *again[] = {path, dot, sym, hard};
    for (size_t k = 0; k < 4; k++) {
        pm_error err = {0};
        pm_records *r = pm_records_new(NULL, &err);
        assert_int_equal(pm_records_open(r, path, &err), PM_OK);
        assert_int_equal(pm_records_open(r, copy, &err), PM_OK);
        assert_int_equal(pm_records_open(r, again[k], &err), PM_EINVAL);
        char want[512];
        snprintf(want, sizeof want, "%s and %s are the same file", path, again[k]);
        assert_non_null(strstr(err.text, want));
        pm_records_free(r);
    }
    /* Standard input redirected from it: a stream on the same file. */
    pm_error err = {0};
    pm_records *r = pm_records_new(NULL, &err);
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    assert_int_equal(pm_records_open_stream(r, fp, "<stdin>", &err), PM_OK);
    assert_int_equal(pm_records_open(r, sym, &err), PM_EINVAL);
    assert_non_null(strstr(err.text, "<stdin> and "));
    fclose(fp);
    pm_records_free(r);
    const char *made[] = {path, copy, sym, hard};
    for (size_t k = 0; k < 4; k++)
        unlink(made[k]);
}

static void test_several_files(void **state)
{
    (void)state;
    pm_error err = {0};
    pm_records *r = pm_records_new(NULL, &err);
    pm_record rec;
    int got;
    write_tmp("gold.txt", "w\tx\ty\n", 6); /* a GAL file under another name */
    assert_int_equal(
        pm_records_open(r, write_tmp("in.txt", "annotator,item,label\na,i,A\n", 26), &err), PM_OK);
    assert_int_equal(pm_records_next(r, &rec, &got, &err), PM_OK);
    assert_int_equal(got, 1);
    assert_int_equal(pm_records_next(r, &rec, &got, &err), PM_OK);
    assert_int_equal(got, 0);
    char path[160];
    snprintf(path, sizeof path, "%s/gold.txt", tmpdir);
    assert_int_equal(pm_records_open(r, path, &err), PM_OK);
    assert_int_equal(pm_records_detected(r), PM_RECORDS_GAL);
    assert_int_equal(pm_records_next(r, &rec, &got, &err), PM_OK);
    assert_int_equal(got, 1);
    assert_string_equal(rec.annotator, "w");
    assert_string_equal(rec.label, "y");
    assert_int_equal(pm_records_next(r, &rec, &got, &err), PM_OK);
    assert_int_equal(got, 0);
    /* After the end, next without open is an error, not a crash. */
    assert_int_equal(pm_records_next(r, &rec, &got, &err), PM_EINVAL);
    pm_records_stats s;
    pm_records_stats_get(r, &s);
    assert_int_equal(s.rows_read, 2);
    assert_int_equal(s.rows_used, 2);
    assert_int_equal(pm_records_open(r, "/nonexistent/x.csv", &err), PM_EIO);
    assert_non_null(strstr(err.text, "/nonexistent/x.csv: cannot open: No such file"));
    pm_records_free(r);
}

static void test_names(void **state)
{
    (void)state;
    for (int f = PM_RECORDS_AUTO; f <= PM_RECORDS_WMT; f++)
        assert_int_equal(pm_records_format_parse(pm_records_format_name((pm_records_format)f)), f);
    assert_int_equal(pm_records_format_parse("xml"), -1);
    assert_string_equal(pm_records_skip_name(PM_RECORDS_SKIP_CANCELLED), "cancelled");
    assert_string_equal(pm_records_skip_name(PM_RECORDS_SKIP_DRAFT), "draft");
    assert_string_equal(pm_records_skip_name(PM_RECORDS_SKIP_DISCARDED), "discarded");
    assert_string_equal(pm_records_skip_name(PM_RECORDS_SKIP_COUNT), "?");
}

/* The column map: a platform's own column names give the fields; a
 * column that would give a mapped field by its own name is then ignored;
 * bad maps are refused up front; a missing mapped column lists the header. */
static void test_column_map(void **state)
{
    (void)state;
    trun t;
    pm_records_options o;
    pm_records_options_default(&o);
    o.map = "annotator=participant_id, item=task_id,label=Choice,timestamp=submitted_at,"
            "duration=secs,shown_left=left,gold=expected";
    read_text(&t,
              "participant_id,task_id,choice,submitted_at,secs,left,expected,label\n"
              "p1,t9,left,2024-05-01T12:00:00Z,4.5,B,A,zzz\n"
              "p2,t9,,,,,,\n",
              &o, NULL);
    assert_int_equal(t.st, PM_OK);
    assert_int_equal(t.fmt, PM_RECORDS_CSV);
    assert_int_equal(t.n, 1);
    assert_rec(&t.v[0], "p1", "t9", "B", "A", 'B');
    assert_true(t.v[0].ts == 1714564800.0 && t.v[0].dur == 4.5);
    assert_string_equal(t.ignored, "label");
    assert_int_equal(t.stats.skipped[PM_RECORDS_SKIP_EMPTY_LABEL], 1);

    /* JSONL keys, and TSV detected through the mapped annotator column. */
    o.map = "annotator=user,item=q,label=answer";
    read_text(&t,
              "{\"user\": \"u\", \"q\": 7, \"answer\": \"yes\", \"label\": \"no\"}\n"
              "{\"user\": \"u\", \"q\": 7, \"answer\": \"no\"}\n",
              &o, NULL);
    assert_int_equal(t.st, PM_OK);
    assert_int_equal(t.fmt, PM_RECORDS_JSONL);
    assert_int_equal(t.n, 2);
    assert_rec(&t.v[0], "u", "7", "yes", NULL, 0);
    assert_rec(&t.v[1], "u", "7", "no", NULL, 0);
    read_text(&t, "User\tq\tanswer\nu\tx\tyes\n", &o, NULL);
    assert_int_equal(t.st, PM_OK);
    assert_int_equal(t.fmt, PM_RECORDS_TSV);
    assert_rec(&t.v[0], "u", "x", "yes", NULL, 0);

    read_text(&t, "user,question,answer\nu,x,yes\n", &o, NULL);
    assert_error(&t, PM_EPARSE,
                 "in.txt:1: column map: no column 'q' (for item) in the header; its columns "
                 "are: user, question, answer");

    const char *bad[][2] = {
        {"annotator", "is not field=column"},
        {"who=user", "unknown field 'who'"},
        {"annotator=", "field 'annotator' needs one column name"},
        {"annotator=a,annotator=b", "field 'annotator' is given twice"},
        {"annotator=a,item=A", "column 'a' is mapped to both 'annotator' and 'item'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pm_error err = {0};
        o.map = bad[i][0];
        assert_null(pm_records_new(&o, &err));
        assert_int_equal(err.code, PM_EINVAL);
        if (!strstr(err.text, bad[i][1]))
            fail_msg("map '%s': got \"%s\"", bad[i][0], err.text);
    }
}

/* Detection failing lists the first line's columns (bounded). */
static void test_cannot_tell_lists_columns(void **state)
{
    (void)state;
    trun t;
    read_text(&t, "participant_id,\"task_id\",choice\np,t,A\n", NULL, NULL);
    assert_error(&t, PM_EPARSE,
                 "in.txt:1: cannot tell the format: the first line is not a header with an "
                 "annotator (or worker) column, nor MT-Bench's (question_id ... winner), nor "
                 "worker<TAB>item<TAB>label, nor JSON. Its 3 columns: participant_id, task_id, "
                 "choice. Name the fields with a column map");
    char wide[400] = "";
    for (int i = 0; i < 30; i++)
        snprintf(wide + strlen(wide), sizeof wide - strlen(wide), "%sc%d", i ? "," : "", i);
    strcat(wide, "\n");
    read_text(&t, wide, NULL, NULL);
    assert_error(&t, PM_EPARSE, "Its 30 columns: c0, c1,");
    assert_non_null(strstr(t.err.text, "c23 ... (6 more). Name"));
}

/* Toloka's results TSV: detection, the columns it names, quoted fields
 * (Toloka's escaping), several INPUT:* columns joined into one content key,
 * the started time when there is no submitted one, and the map. */
static void test_toloka(void **state)
{
    (void)state;
    trun t;
    read_text(&t,
              "INPUT:left\tINPUT:right\tOUTPUT:result\tGOLDEN:result\tGOLDEN:other\t"
              "ASSIGNMENT:worker_id\tASSIGNMENT:started\n"
              "a.png\t\"b\tc.png\"\tleft\tright\tx\tw1\t2024-05-01T12:00:00.500\n"
              "a.png\t\"b\tc.png\"\t\tleft\t\tw1\t2024-05-01T12:00:01\n"
              "\"q\"\"x\"\td\tright\t\t\tw2\t2024-05-01T12:00:02\n",
              NULL, NULL);
    assert_int_equal(t.st, PM_OK);
    assert_int_equal(t.fmt, PM_RECORDS_TOLOKA);
    assert_int_equal(t.n, 2);
    assert_rec(&t.v[0], "w1", "a.png|b\tc.png", "left", "right", 0);
    assert_true(t.v[0].ts == 1714564800.5 && isnan(t.v[0].dur));
    assert_rec(&t.v[1], "w2", "q\"x|d", "right", NULL, 0);
    assert_int_equal(t.v[1].line, 4);
    assert_int_equal(t.stats.skipped[PM_RECORDS_SKIP_EMPTY_LABEL], 1);
    assert_string_equal(t.ignored, "GOLDEN:other");

    /* submitted wins over started; one INPUT column is the key as it is;
     * the only OUTPUT:* column is the label, GOLDEN:<its field> the gold. */
    read_text(&t,
              "INPUT:image\tOUTPUT:animal\tGOLDEN:animal\tASSIGNMENT:worker_id\t"
              "ASSIGNMENT:started\tASSIGNMENT:submitted\n"
              "u1\tcat\tdog\tw\t2024-05-01T12:00:00\t2024-05-01T12:00:30\n",
              NULL, NULL);
    assert_int_equal(t.st, PM_OK);
    assert_rec(&t.v[0], "w", "u1", "cat", "dog", 0);
    assert_true(t.v[0].ts == 1714564830.0);
    assert_string_equal(t.ignored, "ASSIGNMENT:started");

    read_text(&t, "INPUT:x\tOUTPUT:a\tOUTPUT:b\tASSIGNMENT:worker_id\nq\t1\t2\tw\n", NULL, NULL);
    assert_error(&t, PM_EPARSE,
                 "in.txt:1: Toloka results: no OUTPUT:result column and several OUTPUT:* "
                 "columns (OUTPUT:a, OUTPUT:b)");
    pm_records_options o;
    pm_records_options_default(&o);
    o.map = "label=OUTPUT:b,item=ASSIGNMENT:task_id";
    read_text(&t,
              "INPUT:x\tOUTPUT:a\tOUTPUT:b\tASSIGNMENT:worker_id\tASSIGNMENT:task_id\n"
              "q\t1\t2\tw\tT7\n",
              &o, NULL);
    assert_int_equal(t.st, PM_OK);
    assert_rec(&t.v[0], "w", "T7", "2", NULL, 0);
    assert_string_equal(t.ignored, "INPUT:x,OUTPUT:a");
    read_text(&t, "OUTPUT:result\tASSIGNMENT:worker_id\n1\tw\n", NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:1: Toloka results: no INPUT:* column");
    read_text(&t, "INPUT:x\tOUTPUT:result\tASSIGNMENT:worker_id\nq\t1\tw\textra\n", NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:2:");
    read_text(
        &t,
        "INPUT:x\tOUTPUT:result\tASSIGNMENT:worker_id\tASSIGNMENT:submitted\nq\t1\tw\tyesterday\n",
        NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:2:");
    assert_non_null(strstr(t.err.text, "field 'timestamp'"));
}

/* MTurk batch results: one record per item of a HIT, SubmitTime in the
 * CSV's Java form (PDT = UTC-7) or ISO, WorkTimeInSeconds a duration only
 * for one item per HIT (with a note otherwise), the item rules and errors. */
static void test_mturk(void **state)
{
    (void)state;
    trun t;
    /* Wide: items 1 and 2; slot 2 of the second row unused (skipped). */
    read_text(
        &t,
        "\"HITId\",\"AssignmentId\",\"WorkerId\",\"SubmitTime\",\"WorkTimeInSeconds\","
        "\"Input.item_1\",\"Input.item_2\",\"Input.gold_1\",\"Answer.label_1\","
        "\"Answer.label_2\"\n"
        "\"H1\",\"X1\",\"A7\",\"Wed Mar 15 10:21:05 PDT 2023\",\"60\",\"i1\",\"i2\",\"cat\","
        "\"cat\",\"dog\"\n"
        "\"H2\",\"X2\",\"A7\",\"2023-03-15T17:22:00Z\",\"30\",\"i1\",\"\",\"\",\"dog\",\"\"\n",
        NULL, NULL);
    assert_int_equal(t.st, PM_OK);
    assert_int_equal(t.fmt, PM_RECORDS_MTURK);
    assert_int_equal(t.n, 3);
    assert_rec(&t.v[0], "A7", "i1", "cat", "cat", 0);
    assert_rec(&t.v[1], "A7", "i2", "dog", NULL, 0);
    assert_rec(&t.v[2], "A7", "i1", "dog", NULL, 0);
    /* 2023-03-15 17:21:05 UTC = 1678900865. */
    assert_true(t.v[0].ts == 1678900865.0 && t.v[1].ts == 1678900865.0);
    assert_true(t.v[2].ts == 1678900920.0);
    assert_true(isnan(t.v[0].dur) && isnan(t.v[2].dur));
    assert_int_equal(t.v[2].line, 3);
    assert_int_equal(t.stats.rows_read, 4);
    assert_int_equal(t.stats.skipped[PM_RECORDS_SKIP_EMPTY_LABEL], 1);
    assert_string_equal(t.ignored, "HITId,AssignmentId,WorkTimeInSeconds");

    /* One item per HIT: the work time is the duration. */
    read_text(&t,
              "WorkerId,AssignmentId,WorkTimeInSeconds,Input.text,Answer.sentiment\n"
              "A1,X,12,hello,pos\n",
              NULL, NULL);
    assert_int_equal(t.st, PM_OK);
    assert_rec(&t.v[0], "A1", "hello", "pos", NULL, 0);
    assert_true(t.v[0].dur == 12.0 && isnan(t.v[0].ts));

    /* A map names the item and label; numbered columns pair by number. */
    pm_records_options o;
    pm_records_options_default(&o);
    o.map = "item=Input.tweet,label=Answer.choice";
    read_text(&t,
              "WorkerId,AssignmentId,Input.id1,Input.tweet1,Input.id2,Input.tweet2,"
              "Answer.choice1,Answer.choice2\n"
              "A1,X,7,hi,8,yo,pos,neg\n",
              &o, NULL);
    assert_int_equal(t.st, PM_OK);
    assert_int_equal(t.n, 2);
    assert_rec(&t.v[0], "A1", "hi", "pos", NULL, 0);
    assert_rec(&t.v[1], "A1", "yo", "neg", NULL, 0);
    read_text(&t,
              "WorkerId,AssignmentId,Input.id1,Input.tweet1,Input.id2,Input.tweet2,"
              "Answer.choice1,Answer.choice2\n"
              "A1,X,7,hi,8,yo,pos,neg\n",
              NULL, NULL);
    assert_error(&t, PM_EPARSE,
                 "in.txt:1: MTurk results: cannot tell which Input.* column is the item");

    /* Errors at file:line:column. */
    read_text(&t, "WorkerId,AssignmentId,Input.item_1,Answer.label_1\nA1,X,,yes\n", NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:2:6: field 'item' is empty");
    read_text(&t,
              "WorkerId,AssignmentId,SubmitTime,Input.item,Answer.label\n"
              "A1,X,Wed Mar 15 10:21:05 CET 2023,i,yes\n",
              NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:2:6: field 'timestamp'");
    read_text(&t, "WorkerId,AssignmentId,Input.item_1,Answer.label_2\nA1,X,i,yes\n", NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:1: MTurk results: item 1 has an item column but no label");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_all_columns),
        cmocka_unit_test(test_csv_shown_left),
        cmocka_unit_test(test_crowdkit_shapes),
        cmocka_unit_test(test_tsv_and_jsonl),
        cmocka_unit_test(test_csv_errors),
        cmocka_unit_test(test_empty_inputs),
        cmocka_unit_test(test_long_lines),
        cmocka_unit_test(test_endless_input),
        cmocka_unit_test(test_gold_file),
        cmocka_unit_test(test_gal_fixture),
        cmocka_unit_test(test_gal_adultcontent2),
        cmocka_unit_test(test_mtbench),
        cmocka_unit_test(test_mtbench_real),
        cmocka_unit_test(test_estimate_rows),
        cmocka_unit_test(test_several_files),
        cmocka_unit_test(test_same_file_twice),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_column_map),
        cmocka_unit_test(test_cannot_tell_lists_columns),
        cmocka_unit_test(test_toloka),
        cmocka_unit_test(test_mturk),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    cleanup_tmp();
    return rc;
}
