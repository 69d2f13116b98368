/* records: the Argilla reader on the fixtures in tests/fixtures/records/.
 * Item keys are the SHA-256 of the record's fields computed independently
 * with Python: hashlib.sha256("".join(f"{len(k)}:{k}{len(v)}:{v}" for k, v
 * in sorted(fields.items())).encode()).hexdigest() (byte lengths; ASCII
 * here); epoch times from calendar.timegm. Labels by hand. */
#include "test_records_util.h"

#define DIR PM_SOURCE_DIR "/tests/fixtures/records/"
#define H_P1 "cf7118b3794b89ee7e7b184f8e494f5ab796f994cc38a472034bceb6bd7e900b"
#define H_P2 "5f547b11f2ab5a4dd53ee925dbc860baf5f827b6d637038a3665ec003290dd87"
#define U1 "2b9a4c1e-7f3d-4e8a-9c51-0d6e2f1a8b01"
#define U2 "8e4f0a6c-2d1b-4c7e-a93f-5b8d1e0c4a02"
#define U3 "c1d7e3b5-9a2f-4b6c-8e0d-3f5a7c9e1b03"

static void test_v1_records(void **state)
{
    (void)state;
    trun t;
    read_path(&t, DIR "argilla_v1.json", NULL, NULL);
    assert_int_equal(t.st, PM_OK);
    assert_int_equal(t.fmt, PM_RECORDS_ARGILLA);
    assert_int_equal(t.n, 8);
    assert_rec(&t.v[0], U1, H_P1, "response-1", NULL, 0);
    assert_true(t.v[0].ts == 1714644000.0); /* updated_at 2024-05-02T10:00:00 */
    assert_true(isnan(t.v[0].dur));
    assert_int_equal(t.v[0].line, 1);
    assert_rec(&t.v[1], U2, H_P1, "response-2", NULL, 0);
    assert_rec(&t.v[2], U1, H_P2, "response-2", NULL, 0);
    assert_rec(&t.v[3], U3, H_P2, "response-1", NULL, 0);
    /* Record 3 repeats record 1's fields under another external_id: one item. */
    assert_rec(&t.v[4], U1, H_P1, "response-1", NULL, 0);
    assert_int_equal(t.v[4].line, 3);
    assert_int_equal(t.stats.rows_read, 11);
    assert_int_equal(t.stats.skipped[PM_RECORDS_SKIP_DRAFT], 1);
    assert_int_equal(t.stats.skipped[PM_RECORDS_SKIP_DISCARDED], 1);
    assert_int_equal(t.stats.skipped[PM_RECORDS_SKIP_NO_RESULT], 1);
}

static void test_rankings(void **state)
{
    (void)state;
    trun t;
    read_path(&t, DIR "argilla_v1_ranking.jsonl", NULL, NULL);
    assert_int_equal(t.st, PM_OK);
    assert_int_equal(t.n, 6);
    assert_string_equal(t.v[0].label, "response-1>response-2=response-3"); /* ranks 1, 2, 2 */
    assert_string_equal(t.v[1].label, "response-2>response-1>response-3");
    assert_string_equal(t.v[2].label, "response-1=response-3>response-2"); /* r3 1, r1 1, r2 2 */
    assert_string_equal(t.v[3].label, "response-1>response-2=response-3"); /* same as v[0] */
    assert_string_equal(t.v[0].item, t.v[3].item);
    assert_int_equal(t.v[2].line, 2);

    /* v2 flattened: values in order, strict; the suggestion is not a label. */
    pm_records_options opt = {.label_field = "ranking"};
    read_path(&t, DIR "argilla_v2_flat.jsonl", &opt, NULL);
    assert_int_equal(t.st, PM_OK);
    assert_int_equal(t.n, 6);
    assert_string_equal(t.v[0].label, "response-1>response-2");
    assert_string_equal(t.v[1].label, "response-2>response-1");
    assert_string_equal(t.v[0].annotator, U1);
    assert_string_equal(t.v[1].annotator, U2);

    /* datasets rows: {value: [...], rank: [...]}, a tie. */
    read_path(&t, DIR "argilla_v1_rows.jsonl", NULL, NULL);
    assert_int_equal(t.st, PM_OK);
    assert_string_equal(t.v[1].label, "response-1=response-2");
    assert_string_equal(t.v[0].item, t.v[2].item); /* metadata differs, fields do not */
}

static void test_item_field_and_errors(void **state)
{
    (void)state;
    trun t;
    pm_records_options opt = {.item_field = "prompt", .format = PM_RECORDS_ARGILLA};
    read_path(&t, DIR "argilla_v2.json", &opt, NULL);
    assert_int_equal(t.st, PM_OK);
    assert_rec(&t.v[0], U1, "Write a haiku about rain.", "response-1", NULL, 0);

    opt.item_field = "title";
    read_path(&t, DIR "argilla_v2.json", &opt, NULL);
    assert_error(&t, PM_EPARSE, "record 1: fields.title: missing");

    read_text(&t,
              "{\"fields\": {\"t\": \"x\"}, \"responses\": [{\"user_id\": null, \"values\": "
              "{\"q\": {\"value\": \"a\"}}, \"status\": \"submitted\"}]}\n",
              NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:1: responses[0].user_id: missing");
    read_text(&t,
              "{\"fields\": {\"t\": \"x\"}, \"responses\": [{\"user_id\": \"u\", \"values\": "
              "{\"q\": {\"value\": [{\"value\": \"a\"}, {\"value\": \"b\", \"rank\": 1}]}}, "
              "\"status\": \"submitted\"}]}\n",
              NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:1: responses[0].values.q.value[0]: rank missing");
    read_text(&t,
              "{\"_server_id\": \"s\", \"t\": \"x\", \"q.responses\": [\"a\", \"b\"], "
              "\"q.responses.users\": [\"u\"]}\n",
              NULL, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:1: q.responses.users: expected a list of 2 user ids");
    read_text(&t, "{\"a\": 1}\n", &(pm_records_options){.format = PM_RECORDS_ARGILLA}, NULL);
    assert_error(&t, PM_EPARSE, "in.txt:1: not an Argilla record");
    /* Multi-label in v1: several labels are not one label. */
    read_text(&t,
              "{\"fields\": {\"t\": \"x\"}, \"responses\": [{\"user_id\": \"u\", \"values\": "
              "{\"q\": {\"value\": [\"a\", \"b\"]}}, \"status\": \"submitted\"}, {\"user_id\": "
              "\"v\", \"values\": {\"q\": {\"value\": [\"a\"]}}, \"status\": \"submitted\"}]}\n",
              NULL, NULL);
    assert_int_equal(t.st, PM_OK);
    assert_int_equal(t.n, 1);
    assert_rec(&t.v[0], "v", "ecb50c63f8ac737af4b6b3602e6b4ea4a0609ae9e1152cde8fcc0069714d297f",
               "a", NULL, 0);
    assert_int_equal(t.stats.skipped[PM_RECORDS_SKIP_SEVERAL_CHOICES], 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v1_records),
        cmocka_unit_test(test_rankings),
        cmocka_unit_test(test_item_field_and_errors),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    cleanup_tmp();
    return rc;
}
