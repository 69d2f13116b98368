/* The Prodigy db-out and Chatbot Arena readers: the A/B mapping undone (the
 * same underlying preference shown in both orders gives one item and one
 * label), the shapes refused, and the arena reader's memory bound (a 50 MB
 * document read with a small max_line; an object over max_line refused). */
#include <sys/resource.h>

#include "test_records_util.h"

/* A compare task: outputs x (system A) and y (system B) on input 7; the
 * pair shown with A mapped to accept (y first) or to reject (x first). */
static const char *compare_line(char *buf, size_t n, int a_accept, const char *answer, long ts)
{
    snprintf(buf, n,
             "{\"id\":0,\"input\":{\"text\":\"in\"},\"accept\":{\"text\":\"%s\"},\"reject\":{"
             "\"text\":\"%s\"},\"mapping\":{\"%s\":\"accept\",\"%s\":\"reject\"},"
             "\"_input_hash\":7,\"_task_hash\":%d,\"answer\":\"%s\",\"_timestamp\":%ld,"
             "\"_annotator_id\":\"ds-ann\",\"_session_id\":\"ds-ann\"}\n",
             a_accept ? "x" : "y", a_accept ? "y" : "x", a_accept ? "A" : "B", a_accept ? "B" : "A",
             a_accept ? 11 : 12, answer, ts);
    return buf;
}

/* Preferring x is A whether x was mapped to accept (answer accept) or to
 * reject (answer reject); the item is the same; the side shown first
 * follows the mapping (the output mapped to reject is shown first). */
static void test_compare_mapping_undone(void **state)
{
    (void)state;
    char l1[512], l2[512], l3[512], l4[512], text[2100];
    compare_line(l1, sizeof l1, 1, "accept", 100); /* x mapped to accept, chosen */
    compare_line(l2, sizeof l2, 0, "reject", 160); /* x mapped to reject, chosen */
    compare_line(l3, sizeof l3, 1, "reject", 200); /* y chosen */
    compare_line(l4, sizeof l4, 0, "accept", 260); /* y chosen */
    snprintf(text, sizeof text, "%s%s%s%s", l1, l2, l3, l4);
    trun t;
    read_text(&t, text, NULL, NULL);
    assert_int_equal(t.st, PM_OK);
    assert_int_equal(t.fmt, PM_RECORDS_PRODIGY);
    assert_int_equal(t.n, 4);
    assert_string_equal(t.v[0].label, "A");
    assert_string_equal(t.v[1].label, "A");
    assert_string_equal(t.v[2].label, "B");
    assert_string_equal(t.v[3].label, "B");
    for (int i = 1; i < 4; i++)
        assert_string_equal(t.v[i].item, t.v[0].item);
    assert_int_equal(t.v[0].shown, 'B'); /* A mapped to accept: B (reject) shown first */
    assert_int_equal(t.v[1].shown, 'A');
    assert_true(t.v[1].ts == 160);
    assert_string_equal(t.v[0].annotator, "ds-ann");
    assert_int_equal(strncmp(t.v[0].item, "7|", 2), 0);
}

/* The choice form (ner.eval-ab): options in the mapping's order, the chosen
 * id in accept; the same choice in both orders is one item, one label. */
static void test_choice_ab_orders(void **state)
{
    (void)state;
    const char *text =
        "{\"text\":\"t\",\"mapping\":{\"B\":\"accept\",\"A\":\"reject\"},\"options\":[{\"id\":"
        "\"B\","
        "\"text\":\"y\"},{\"id\":\"A\",\"text\":\"x\"}],\"_input_hash\":5,\"_task_hash\":1,"
        "\"accept\":[\"A\"],\"answer\":\"accept\",\"_annotator_id\":\"u\"}\n"
        "{\"text\":\"t\",\"mapping\":{\"A\":\"accept\",\"B\":\"reject\"},\"options\":[{\"id\":"
        "\"A\","
        "\"text\":\"x\"},{\"id\":\"B\",\"text\":\"y\"}],\"_input_hash\":5,\"_task_hash\":2,"
        "\"accept\":[\"A\"],\"answer\":\"accept\",\"_annotator_id\":\"u\"}\n"
        "{\"text\":\"t\",\"mapping\":{\"A\":\"accept\",\"B\":\"reject\"},\"options\":[{\"id\":"
        "\"A\","
        "\"text\":\"x\"},{\"id\":\"B\",\"text\":\"y\"}],\"_input_hash\":5,\"_task_hash\":2,"
        "\"accept\":[],\"answer\":\"accept\",\"_annotator_id\":\"u\"}\n"
        "{\"text\":\"t\",\"mapping\":{\"A\":\"accept\",\"B\":\"reject\"},\"options\":[{\"id\":"
        "\"A\","
        "\"text\":\"x\"},{\"id\":\"B\",\"text\":\"y\"}],\"_input_hash\":5,\"_task_hash\":2,"
        "\"accept\":[\"B\"],\"answer\":\"ignore\",\"_annotator_id\":\"u\"}\n";
    trun t;
    read_text(&t, text, NULL, NULL);
    assert_int_equal(t.st, PM_OK);
    assert_int_equal(t.n, 2);
    assert_string_equal(t.v[0].label, "A");
    assert_string_equal(t.v[1].label, "A");
    assert_string_equal(t.v[0].item, t.v[1].item);
    assert_int_equal(t.v[0].shown, 'B');
    assert_int_equal(t.v[1].shown, 'A');
    assert_int_equal(t.stats.rows_read, 4);
    assert_int_equal(t.stats.skipped[PM_RECORDS_SKIP_NO_RESULT], 1);
    assert_int_equal(t.stats.skipped[PM_RECORDS_SKIP_IGNORED], 1);
    assert_string_equal(pm_records_skip_name(PM_RECORDS_SKIP_IGNORED), "ignored");
}

/* Binary tasks: item _task_hash, label the answer; _session_id stands in
 * for a missing _annotator_id, and the note says so. */
static void test_binary_session(void **state)
{
    (void)state;
    const char *text = "{\"text\":\"a\",\"label\":\"POS\",\"_input_hash\":1,\"_task_hash\":21,"
                       "\"answer\":\"reject\",\"_session_id\":\"s1\"}\n";
    pm_records *r = pm_records_new(NULL, NULL);
    assert_non_null(r);
    pm_error err = {0};
    assert_int_equal(pm_records_open(r, write_tmp("in.txt", text, strlen(text)), &err), PM_OK);
    assert_non_null(strstr(pm_records_note(r), "_session_id"));
    pm_record rec;
    int got = 0;
    assert_int_equal(pm_records_next(r, &rec, &got, &err), PM_OK);
    assert_int_equal(got, 1);
    assert_string_equal(rec.annotator, "s1");
    assert_string_equal(rec.item, "21");
    assert_string_equal(rec.label, "reject");
    assert_true(isnan(rec.timestamp));
    pm_records_free(r);
}

static void test_prodigy_refusals(void **state)
{
    (void)state;
    trun t;
    read_text(&t,
              "{\"text\":\"a\",\"_input_hash\":1,\"_task_hash\":2,\"answer\":\"accept\","
              "\"_annotator_id\":\"u\"}\n"
              "{\"text\":\"a\",\"_input_hash\":1,\"_task_hash\":2,\"answer\":\"maybe\","
              "\"_annotator_id\":\"u\"}\n",
              NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:2: field 'answer': 'maybe'");
    read_text(&t,
              "{\"text\":\"a\",\"spans\":[],\"_input_hash\":1,\"_task_hash\":2,\"answer\":"
              "\"accept\",\"_view_id\":\"ner_manual\",\"_annotator_id\":\"u\"}\n",
              NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:1: field '_view_id': 'ner_manual'");
    read_text(&t,
              "{\"text\":\"a\",\"_input_hash\":1,\"_task_hash\":2,\"answer\":\"accept\","
              "\"versions\":[],\"_annotator_id\":\"u\"}\n",
              NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:1: field 'versions'");
    read_text(&t,
              "{\"input\":{},\"accept\":{},\"reject\":{},\"mapping\":{\"A\":\"accept\",\"C\":"
              "\"reject\"},\"_input_hash\":1,\"_task_hash\":2,\"answer\":\"accept\","
              "\"_annotator_id\":\"u\"}\n",
              NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:1: field 'mapping'");
    read_text(&t,
              "{\"text\":\"a\",\"_input_hash\":1,\"answer\":\"accept\",\"_annotator_id\":\"u\"}\n",
              NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:1: field '_task_hash': missing");
    read_text(&t,
              "{\"text\":\"a\",\"_input_hash\":1,\"_task_hash\":2,\"answer\":\"accept\","
              "\"_timestamp\":\"noon\",\"_annotator_id\":\"u\"}\n",
              NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:1: field '_timestamp'");
}

/* One battle: judge j, models ma/mb, winner w, question q (NULL: none). */
static int battle(char *buf, size_t n, const char *q, const char *ma, const char *mb, const char *w,
                  const char *j, double ts)
{
    char qid[64] = "";
    if (q)
        snprintf(qid, sizeof qid, "\"question_id\": \"%s\", ", q);
    return snprintf(buf, n,
                    "{%s\"model_a\": \"%s\", \"model_b\": \"%s\", \"winner\": \"%s\", "
                    "\"judge\": \"%s\", \"anony\": true, \"tstamp\": %.1f}",
                    qid, ma, mb, w, j, ts);
}

/* The Arena orientation: A is the smaller name; shown_left the letter of
 * model_a; a swapped repeat of a question is one item with one label. */
static void test_arena_orientation(void **state)
{
    (void)state;
    char b1[256], b2[256], b3[256], text[1024];
    battle(b1, sizeof b1, "q1", "vicuna", "gpt-4", "model_b", "u", 100);
    battle(b2, sizeof b2, "q1", "gpt-4", "vicuna", "model_a", "u", 130);
    battle(b3, sizeof b3, NULL, "gpt-4", "vicuna", "tie (bothbad)", "u", 5000);
    snprintf(text, sizeof text, "[\n  %s,\n  %s,\n  %s\n]\n", b1, b2, b3);
    trun t;
    read_text(&t, text, NULL, NULL);
    assert_int_equal(t.st, PM_OK);
    assert_int_equal(t.fmt, PM_RECORDS_ARENA);
    assert_int_equal(t.n, 3);
    assert_rec(&t.v[0], "u", "q1|gpt-4|vicuna", "A", NULL, 'B');
    assert_rec(&t.v[1], "u", "q1|gpt-4|vicuna", "A", NULL, 'A');
    assert_rec(&t.v[2], "u", "battle#3|gpt-4|vicuna", "tie", NULL, 'A');
    assert_int_equal(t.v[0].line, 2);
    assert_int_equal(t.v[2].line, 4);
    assert_true(isnan(t.v[0].dur));
    assert_true(t.v[1].dur == 30);
    assert_true(isnan(t.v[2].dur)); /* 4870 s later: a break, not time spent */
    /* The same battles as JSON Lines, and with no newline at all. */
    snprintf(text, sizeof text, "%s\n%s\n%s\n", b1, b2, b3);
    read_text(&t, text, NULL, NULL);
    assert_int_equal(t.st, PM_OK);
    assert_int_equal(t.n, 3);
    assert_int_equal(t.v[2].line, 3);
    assert_string_equal(t.v[1].item, "q1|gpt-4|vicuna");
    snprintf(text, sizeof text, "[%s,%s,%s]", b1, b2, b3);
    read_text(&t, text, NULL, NULL);
    assert_int_equal(t.st, PM_OK);
    assert_int_equal(t.n, 3);
    assert_int_equal(t.v[2].line, 1);
    assert_string_equal(t.v[2].item, "battle#3|gpt-4|vicuna"); /* not battle 1's item */
}

static void test_arena_errors(void **state)
{
    (void)state;
    char b1[256], text[1024];
    battle(b1, sizeof b1, "q1", "vicuna", "gpt-4", "model_b", "u", 100);
    trun t;
    snprintf(text, sizeof text, "[\n  %s,\n  %.40s", b1, b1); /* truncated */
    read_text(&t, text, NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:3: truncated document");
    assert_int_equal(t.n, 1); /* the complete battle before it was read */
    snprintf(text, sizeof text,
             "[\n  %s,\n  {\"model_a\": \"x\", \"model_b\": [1], "
             "\"winner\": \"tie\", \"judge\": \"u\"}]",
             b1);
    read_text(&t, text, NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:3: field 'model_b': expected a string");
    snprintf(text, sizeof text,
             "[\n  %s,\n  {\"model_a\": \"x\", \"model_b\": \"x\", "
             "\"winner\": \"tie\", \"judge\": \"u\"}]",
             b1);
    read_text(&t, text, NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:3: field 'model_b': same model");
    snprintf(text, sizeof text, "[\n  %s,\n  \"battle\"\n]", b1);
    read_text(&t, text, NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:3: a battle must be a JSON object");
    snprintf(text, sizeof text,
             "[\n  %s,\n  {\"model_a\": \"x\", \"model_b\": \"y\", "
             "\"winner\": \"tie\", \"judge\": \"u\",}]",
             b1);
    read_text(&t, text, NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:3: invalid JSON");
}

static long peak_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* 50 MB of pretty-printed battles (each with a 2 KB conversation) read with
 * max_line 8192: every battle is returned, and the peak resident memory
 * grows by far less than the document (it is never held). */
static void test_arena_memory_bounded(void **state)
{
    (void)state;
    const char *path = write_tmp("big.txt", "", 0);
    char big[160];
    snprintf(big, sizeof big, "%s", path);
    FILE *fp = fopen(big, "wb");
    assert_non_null(fp);
    char pad[2049];
    memset(pad, 'w', sizeof pad - 1);
    pad[sizeof pad - 1] = '\0';
    long n = 0;
    size_t bytes = 0;
    fputs("[\n", fp);
    while (bytes < ((size_t)50 << 20)) {
        int k = fprintf(fp,
                        "%s  {\n    \"question_id\": \"q%ld\",\n    \"model_a\": \"m%ld\",\n"
                        "    \"model_b\": \"z\",\n    \"winner\": \"model_a\",\n    \"judge\": "
                        "\"j%ld\",\n    \"conversation_a\": [\n      {\"role\": \"user\", "
                        "\"content\": \"%s\"}\n    ],\n    \"tstamp\": %ld\n  }",
                        n ? ",\n" : "", n % 1000, n % 7, n % 50, pad, 1682000000 + n);
        assert_true(k > 0);
        bytes += (size_t)k;
        n++;
    }
    fputs("\n]\n", fp);
    assert_int_equal(fclose(fp), 0);
    long before = peak_rss_kb();
    pm_records_options o;
    pm_records_options_default(&o);
    o.max_line = 8192;
    pm_records *r = pm_records_new(&o, NULL);
    assert_non_null(r);
    pm_error err = {0};
    assert_int_equal(pm_records_open(r, big, &err), PM_OK);
    pm_record rec;
    long count = 0, last_line = 0;
    for (int got = 1; got;) {
        pm_status st = pm_records_next(r, &rec, &got, &err);
        if (st)
            fail_msg("%s", err.text);
        if (got) {
            count++;
            last_line = rec.line;
        }
    }
    pm_records_free(r);
    long grew = peak_rss_kb() - before;
    assert_int_equal(count, n);
    assert_int_equal(last_line, 2 + 11 * (n - 1)); /* 11 lines per battle */
    if (grew > 8 * 1024)
        fail_msg("reading %zu bytes raised the peak RSS by %ld KB", bytes, grew);
    /* A battle over max_line is refused, naming its line and the limit. */
    o.max_line = 1024;
    trun t;
    read_path(&t, big, &o, NULL);
    assert_error(&t, PM_ELIMIT, "big.txt:2: battle object larger than the limit of 1024 bytes");
    unlink(big);
}

/* The one table the arena reader grows (each judge's previous vote) is
 * counted by pm_records_bytes, so that --max-memory sees it: after 5,000
 * judges of 12-byte names it holds at least their names and slots. */
static void test_arena_judges_counted(void **state)
{
    (void)state;
    enum { JUDGES = 5000 };
    size_t cap = (size_t)JUDGES * 160 + 16, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    text[len++] = '[';
    for (int i = 0; i < JUDGES; i++) {
        char j[32];
        snprintf(j, sizeof j, "arena_u%05d", i); /* 12 bytes and the NUL */
        len += (size_t)battle(text + len, cap - len, "q", "a", "b", "model_a", j, 100.0 + i);
        text[len++] = i + 1 < JUDGES ? ',' : ']';
    }
    FILE *fp = fmemopen(text, len, "r");
    assert_non_null(fp);
    pm_error err = {0};
    pm_records *r = pm_records_new(NULL, &err);
    assert_int_equal(pm_records_open_stream(r, fp, "judges.json", &err), PM_OK);
    size_t before = pm_records_bytes(r);
    pm_record rec;
    int got, n = 0;
    while (pm_records_next(r, &rec, &got, &err) == PM_OK && got)
        n++;
    assert_int_equal(n, JUDGES);
    size_t after = pm_records_bytes(r);
    /* names (13 bytes each) plus a slot (a pointer and a time) per judge */
    assert_true(after - before >= (size_t)JUDGES * (13 + 16));
    pm_records_free(r);
    fclose(fp);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compare_mapping_undone), cmocka_unit_test(test_choice_ab_orders),
        cmocka_unit_test(test_binary_session),         cmocka_unit_test(test_prodigy_refusals),
        cmocka_unit_test(test_arena_orientation),      cmocka_unit_test(test_arena_errors),
        cmocka_unit_test(test_arena_memory_bounded),   cmocka_unit_test(test_arena_judges_counted),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    cleanup_tmp();
    return rc;
}
