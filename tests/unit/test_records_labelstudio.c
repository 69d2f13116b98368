/* records: the Label Studio JSON export reader on a fixture with both
 * completed_by shapes, pairwise results shown in either order, cancelled,
 * ground-truth and empty annotations, choices and ratings. Expected values
 * by hand from tests/fixtures/records/labelstudio.json; epoch times from
 * date -u -d '...' +%s. */
#include "test_records_util.h"

#define FIXTURE PM_SOURCE_DIR "/tests/fixtures/records/labelstudio.json"

static void test_export(void **state)
{
    (void)state;
    trun t;
    read_path(&t, FIXTURE, NULL, NULL);
    assert_int_equal(t.st, PM_OK);
    assert_int_equal(t.fmt, PM_RECORDS_LABELSTUDIO);
    assert_int_equal(t.n, 5);
    /* Task 101 shows A on the left: left = A, right = B. The item's gold is
     * the ground truth of task 102 (B on the left, right selected: A). */
    assert_rec(&t.v[0], "7", "q1", "A", "A", 'A');
    assert_true(fabs(t.v[0].ts - 1615328168.728353) < 1e-6);
    assert_true(t.v[0].dur == 4.5);
    assert_int_equal(t.v[0].line, 1);
    assert_rec(&t.v[1], "8", "q1", "B", "A", 'A'); /* completed_by {id: 8, email} */
    assert_true(t.v[1].ts == 1615328400.0 && t.v[1].dur == 2);
    /* Task 102 shows B on the left: left = B. */
    assert_rec(&t.v[2], "7", "q1", "B", "A", 'B');
    assert_true(t.v[2].ts == 1615359600.0 && t.v[2].dur == 3.25);
    assert_int_equal(t.v[2].line, 2);
    /* Task 103: integer item key, completed_by without id (email), the
     * textarea is not a label; then a rating. */
    assert_rec(&t.v[3], "c@example.org", "55", "Sports", NULL, 0);
    assert_true(isnan(t.v[3].ts) && isnan(t.v[3].dur));
    assert_rec(&t.v[4], "7", "55", "4", NULL, 0);
    /* Task 104 (no data.item) has two choices in one answer: a multi-select
     * is not one label; skipped and counted (defect 18: it was read as the
     * label "News|Sports"). */
    assert_int_equal(t.stats.skipped[PM_RECORDS_SKIP_SEVERAL_CHOICES], 1);
    assert_string_equal(pm_records_skip_name(PM_RECORDS_SKIP_SEVERAL_CHOICES), "several-choices");
    assert_int_equal(t.stats.rows_read, 9);
    assert_int_equal(t.stats.rows_used, 5);
    assert_int_equal(t.stats.skipped[PM_RECORDS_SKIP_CANCELLED], 1);
    assert_int_equal(t.stats.skipped[PM_RECORDS_SKIP_GROUND_TRUTH], 1);
    assert_int_equal(t.stats.skipped[PM_RECORDS_SKIP_NO_RESULT], 1);
    assert_int_equal(t.stats.skipped[PM_RECORDS_SKIP_EMPTY_LABEL], 0);
}

static void test_label_field(void **state)
{
    (void)state;
    trun t;
    pm_records_options opt = {.label_field = "stars"};
    read_path(&t, FIXTURE, &opt, NULL);
    assert_int_equal(t.st, PM_OK);
    assert_int_equal(t.n, 1);
    assert_rec(&t.v[0], "7", "55", "4", NULL, 0);
    assert_int_equal(t.stats.rows_read, 9);
    assert_int_equal(t.stats.skipped[PM_RECORDS_SKIP_NO_RESULT], 6);

    /* An explicit item field that a task lacks is an error, not a fallback
     * (found first by the ground-truth pass, in task 2). */
    pm_records_options item = {.item_field = "text"};
    read_path(&t, FIXTURE, &item, NULL);
    assert_int_equal(t.st, PM_EPARSE);
    assert_non_null(strstr(t.err.text, "labelstudio.json: task 2 (id 102): data.text is missing"));
}

static void test_errors(void **state)
{
    (void)state;
    trun t;
    read_text(&t,
              "[{\"id\": 5, \"data\": {\"item\": \"x\"}, \"annotations\": [{\"completed_by\": 1, "
              "\"result\": [{\"from_name\": \"topic\", \"type\": \"choices\", \"value\": "
              "{\"choices\": [\"a\"]}}, {\"from_name\": \"stars\", \"type\": \"rating\", "
              "\"value\": {\"rating\": 2}}]}]}]",
              NULL, NULL);
    assert_error(&t, PM_EPARSE,
                 "in.txt: task 1 (id 5), annotation 1: controls 'topic' and 'stars' both give a "
                 "label");
    read_text(&t, "[{\"id\": 5, \"data\": {\"item\": \"x\"}, \"annotations\": [{\"result\": []}]}]",
              NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt: task 1 (id 5), annotation 1: completed_by is missing");
    /* JSON-MIN export: flat objects without annotations. */
    read_text(&t, "[{\"id\": 5, \"item\": \"x\", \"choice\": \"A\"}]", NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt: task 1 (id 5): not a task with an 'annotations' list");
    read_text(&t, "[\n  {\"id\": 5,\n   \"annotations\": [}\n]", NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:3:");
    read_text(&t, "[]", NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt: no records: the export has no tasks");
    /* Tasks but no annotation at all. */
    read_text(&t, "[{\"id\": 1, \"data\": {}, \"annotations\": []}]", NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt: no records");
    /* Conflicting ground truths for one item. */
    read_text(&t,
              "[{\"id\": 1, \"data\": {\"item\": \"x\"}, \"annotations\": ["
              "{\"completed_by\": 1, \"ground_truth\": true, \"result\": [{\"from_name\": \"c\", "
              "\"type\": \"choices\", \"value\": {\"choices\": [\"a\"]}}]}]},"
              "{\"id\": 2, \"data\": {\"item\": \"x\"}, \"annotations\": ["
              "{\"completed_by\": 1, \"ground_truth\": true, \"result\": [{\"from_name\": \"c\", "
              "\"type\": \"choices\", \"value\": {\"choices\": [\"b\"]}}]}]}]",
              NULL, NULL);
    assert_error(&t, PM_EPARSE,
                 "in.txt: task 2 (id 2), annotation 1: ground truth 'b' for item 'x'");
    /* A single task object (not a list) is read as a one-task export. */
    read_text(&t,
              "{\"id\": 3, \"data\": {\"item\": \"x\"}, \"annotations\": [{\"completed_by\": 4, "
              "\"created_at\": \"2024-05-01T12:00:00Z\", \"result\": [{\"from_name\": \"c\", "
              "\"type\": \"choices\", \"value\": {\"choices\": [\"a\"]}}]}]}",
              NULL, "x\tb\n");
    assert_int_equal(t.st, PM_OK);
    assert_int_equal(t.n, 1);
    assert_rec(&t.v[0], "4", "x", "a", "b", 0);
    assert_true(t.v[0].ts == 1714564800.0);
}

static void test_document_limit(void **state)
{
    (void)state;
    trun t;
    pm_records_options opt = {.max_document = 100};
    read_path(&t, FIXTURE, &opt, NULL);
    assert_int_equal(t.st, PM_ELIMIT);
    assert_non_null(strstr(t.err.text, "larger than 100 bytes (max_document)"));
    pm_records_options forced = {.format = PM_RECORDS_LABELSTUDIO};
    read_text(&t, "annotator,item,label\n", &forced, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:1:9: JSON: '[' or '{' expected");
}

/* Defect 7: with max_memory the parsed tree (PM_RECORDS_TREE_FACTOR bytes
 * per byte of JSON) is counted: a regular file is refused before parsing,
 * naming its size, the estimated need and the limit; a stream of unknown
 * size as soon as what it has read passes the limit; under a limit that
 * holds the tree the export reads, and pm_records_bytes reports the tree. */
static void test_memory_limit(void **state)
{
    (void)state;
    FILE *fp = fopen(FIXTURE, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    size_t size = (size_t)ftell(fp);
    rewind(fp);
    char want[200];
    trun t;
    pm_records_options opt = {.max_memory = size * PM_RECORDS_TREE_FACTOR - 1};
    read_path(&t, FIXTURE, &opt, NULL);
    assert_int_equal(t.st, PM_ELIMIT);
    snprintf(want, sizeof want,
             "Label Studio export of %zu bytes: it is read whole and its parsed tree needs "
             "about %zu bytes (%d per byte of JSON), more than the memory limit of %zu bytes",
             size, size * PM_RECORDS_TREE_FACTOR, PM_RECORDS_TREE_FACTOR, opt.max_memory);
    assert_non_null(strstr(t.err.text, want));
    opt.max_memory = size * PM_RECORDS_TREE_FACTOR;
    read_path(&t, FIXTURE, &opt, NULL);
    assert_int_equal(t.st, PM_OK);

    /* A stream (fmemopen: no file behind it) is stopped while reading. */
    char *text = malloc(size);
    assert_int_equal(fread(text, 1, size, fp), size);
    fclose(fp);
    pm_error err;
    pm_records_options small = {.max_memory = 1000};
    pm_records *r = pm_records_new(&small, &err);
    FILE *mem = fmemopen(text, size, "rb");
    assert_int_equal(pm_records_open_stream(r, mem, "pipe", &err), PM_ELIMIT);
    assert_non_null(strstr(err.text, "pipe: Label Studio export of at least "));
    assert_non_null(strstr(err.text, "the memory limit of 1000 bytes"));
    fclose(mem);
    pm_records_free(r);
    r = pm_records_new(NULL, &err);
    mem = fmemopen(text, size, "rb");
    assert_int_equal(pm_records_open_stream(r, mem, "pipe", &err), PM_OK);
    assert_int_equal(pm_records_bytes(r), size * PM_RECORDS_TREE_FACTOR);
    fclose(mem);
    pm_records_free(r);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_export),       cmocka_unit_test(test_label_field),
        cmocka_unit_test(test_errors),       cmocka_unit_test(test_document_limit),
        cmocka_unit_test(test_memory_limit),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    cleanup_tmp();
    return rc;
}
