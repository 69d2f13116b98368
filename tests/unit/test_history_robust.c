/* The history store when things go wrong, on SQLite and PostgreSQL: two
 * processes importing at once (one lands and the other is refused or waits
 * and lands; never a mix), a process SIGKILLed at random points of its
 * imports (the store checks clean afterwards and takes a new import), and
 * (PostgreSQL) the server stopped between two calls of an import (a clear
 * message; after a restart the store is as it was). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "test_history_util.h"

static int g_pg;

static void sleep_us(long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

#define R_ANN 3
#define R_PAIRS 6

/* An import of batch `name`: R_ANN annotators with R_PAIRS pairs each,
 * pausing pause_us between annotators so that two imports overlap. */
static pm_status imp(pm_history *h, const char *name, long pause_us, pm_error *err)
{
    pm_history_batch b = {.name = name, .parameters = "{\"test\": true}"};
    pm_status st = pm_history_begin_import(h, &b, 0, err);
    if (st != PM_OK)
        return st;
    for (int a = 0; a < R_ANN && st == PM_OK; a++) {
        pm_history_pair p[R_PAIRS];
        char items[R_PAIRS][32];
        long long cons = 0;
        for (int j = 0; j < R_PAIRS; j++) {
            snprintf(items[j], 32, "%s-%d", name, j);
            p[j] = (pm_history_pair){.item = items[j],
                                     .agree = (j + a) % 3 != 0,
                                     .q0 = 0.5,
                                     .delta = 0.02,
                                     .m0 = 0.5,
                                     .m1 = 0.95};
            cons += p[j].agree;
        }
        pm_history_row r = {.annotator = w_names[a],
                            .labels = 2 * R_PAIRS,
                            .pairs = R_PAIRS,
                            .consistent = cons,
                            .duration_median = NAN};
        if ((st = pm_history_put_row(h, &r, err)) != PM_OK)
            break;
        if (pause_us)
            sleep_us(pause_us);
        if ((st = pm_history_append_pairs(h, w_names[a], p, R_PAIRS, err)) != PM_OK)
            break;
        char key[64];
        int seen;
        snprintf(key, sizeof key, "%s/%d", name, a);
        st = pm_history_mark_key(h, key, &seen, err);
    }
    if (st != PM_OK) {
        pm_history_rollback(h);
        return st;
    }
    return pm_history_commit(h, err);
}

/* Every batch has all R_ANN rows and the store checks clean. */
static void assert_whole(const char *uri, long long *nbatches)
{
    pm_history *h = NULL;
    pm_error err = {0};
    if (pm_history_open(uri, 0, &h, &err) != PM_OK)
        fail_msg("reopen: %s", err.text);
    size_t n = 0;
    if (pm_history_check(h, NULL, NULL, &n, &err) != PM_OK)
        fail_msg("check: %s", err.text);
    long long partial = -1;
    assert_int_equal(pmx_scalar(h, "t", &err, &partial, NULL,
                                "SELECT COUNT(*) FROM batches b WHERE (SELECT COUNT(*) FROM "
                                "annotator_batches a WHERE a.batch_id = b.id) <> ?",
                                "i", (long long)R_ANN),
                     PM_OK);
    assert_int_equal(partial, 0);
    assert_int_equal(pmx_scalar(h, "t", &err, nbatches, NULL, "SELECT COUNT(*) FROM batches", ""),
                     PM_OK);
    pm_history_close(h);
}

/* Two children released at once import name_a and name_b; their exit
 * codes: 0 landed, 10 refused as already imported, 11 busy, 1 other. */
static void race(const char *uri, const char *name_a, const char *name_b, int codes[2])
{
    int go[2];
    assert_int_equal(pipe(go), 0);
    pid_t pid[2];
    const char *names[2] = {name_a, name_b};
    for (int i = 0; i < 2; i++) {
        pid[i] = fork();
        assert_true(pid[i] >= 0);
        if (pid[i] == 0) {
            close(go[1]);
            char c;
            (void)!read(go[0], &c, 1); /* EOF when the parent lets go */
            pm_history *h = NULL;
            pm_error err = {0};
            if (pm_history_open(uri, 0, &h, &err) != PM_OK)
                _exit(1);
            pm_status st = imp(h, names[i], 100000, &err);
            pm_history_close(h);
            if (st == PM_OK)
                _exit(0);
            if (st == PM_EPARSE && strstr(err.text, "already imported"))
                _exit(10);
            if (st == PM_EIO && strstr(err.text, "busy"))
                _exit(11);
            fprintf(stderr, "child %d: %s\n", i, err.text);
            _exit(1);
        }
    }
    close(go[0]);
    close(go[1]);
    for (int i = 0; i < 2; i++) {
        int ws;
        assert_int_equal(waitpid(pid[i], &ws, 0), pid[i]);
        assert_true(WIFEXITED(ws));
        codes[i] = WEXITSTATUS(ws);
    }
}

static void test_two_imports_at_once(void **state)
{
    (void)state;
    hbackend b;
    assert_int_equal(hbackend_fresh(&b, g_pg), 0);
    pm_history *h = NULL;
    pm_error err = {0};
    assert_int_equal(pm_history_open(b.uri, PM_HISTORY_CREATE, &h, &err), PM_OK);
    pm_history_close(h);

    /* the same batch: exactly one lands */
    int codes[2];
    race(b.uri, "same", "same", codes);
    assert_true((codes[0] == 0 && (codes[1] == 10 || codes[1] == 11)) ||
                (codes[1] == 0 && (codes[0] == 10 || codes[0] == 11)));
    long long n = 0;
    assert_whole(b.uri, &n);
    assert_int_equal(n, 1);

    /* two batches: both land (the second waited), their pairs not mixed */
    race(b.uri, "one", "two", codes);
    assert_int_equal(codes[0], 0);
    assert_int_equal(codes[1], 0);
    assert_whole(b.uri, &n);
    assert_int_equal(n, 3);
    assert_int_equal(pm_history_open(b.uri, 0, &h, &err), PM_OK);
    long long mixed = -1;
    /* per annotator, each batch's pairs are one run of seq numbers */
    assert_int_equal(pmx_scalar(h, "t", &err, &mixed, NULL,
                                "SELECT COUNT(*) FROM (SELECT annotator, batch_id FROM pairs "
                                "GROUP BY annotator, batch_id HAVING MAX(seq) - MIN(seq) + 1 <> "
                                "COUNT(*)) x",
                                ""),
                     PM_OK);
    assert_int_equal(mixed, 0);
    pm_history_close(h);
    hbackend_done(&b);
}

/* An import that waits more than 5 s for another is refused as busy,
 * cleanly: the holder's import then lands, the store checks clean. */
static void test_busy_refused(void **state)
{
    (void)state;
    hbackend b;
    assert_int_equal(hbackend_fresh(&b, g_pg), 0);
    pm_history *h = NULL;
    pm_error err = {0};
    assert_int_equal(pm_history_open(b.uri, PM_HISTORY_CREATE, &h, &err), PM_OK);
    pm_history_batch bt = {.name = "holder"};
    assert_int_equal(pm_history_begin_import(h, &bt, 0, &err), PM_OK);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        pm_history *c = NULL;
        pm_error e = {0};
        if (pm_history_open(b.uri, 0, &c, &e) != PM_OK)
            _exit(1);
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        pm_status st = imp(c, "waiter", 0, &e);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double waited = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
        pm_history_close(c);
        if (st == PM_EIO && strstr(e.text, "busy") && strstr(e.text, "cannot start the import") &&
            waited >= 4.5)
            _exit(0);
        fprintf(stderr, "waiter: status %d after %.1f s: %s\n", (int)st, waited, e.text);
        _exit(2);
    }
    int ws;
    assert_int_equal(waitpid(pid, &ws, 0), pid);
    assert_true(WIFEXITED(ws));
    assert_int_equal(WEXITSTATUS(ws), 0);
    pm_history_row r = {.annotator = "alice"};
    assert_int_equal(pm_history_put_row(h, &r, &err), PM_OK);
    assert_int_equal(pm_history_commit(h, &err), PM_OK);
    pm_history_close(h);
    long long n = 0;
    assert_int_equal(pm_history_open(b.uri, 0, &h, &err), PM_OK);
    assert_int_equal(pmx_scalar(h, "t", &err, &n, NULL, "SELECT COUNT(*) FROM batches", ""), PM_OK);
    assert_int_equal(n, 1);
    assert_int_equal(pm_history_check(h, NULL, NULL, NULL, &err), PM_OK);
    pm_history_close(h);
    hbackend_done(&b);
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static unsigned rnd(unsigned n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned)(rng_state % n);
}

static void test_killed_mid_import(void **state)
{
    (void)state;
    hbackend b;
    assert_int_equal(hbackend_fresh(&b, g_pg), 0);
    pm_history *h = NULL;
    pm_error err = {0};
    assert_int_equal(pm_history_open(b.uri, PM_HISTORY_CREATE, &h, &err), PM_OK);
    pm_history_close(h);
    rng_state = 0x9E3779B97F4A7C15ULL; /* fixed seed: the same kill times every run */
    int iters = g_pg ? 10 : 16;
    long long before = 0;
    for (int it = 0; it < iters; it++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            pm_history *c = NULL;
            pm_error e = {0};
            if (pm_history_open(b.uri, 0, &c, &e) != PM_OK)
                _exit(1);
            for (int j = 0;; j++) {
                char name[64];
                snprintf(name, sizeof name, "kill-%d-%d", it, j);
                if (imp(c, name, 0, &e) != PM_OK)
                    _exit(2);
            }
        }
        /* between 1 and 60 ms: some kills land before the first commit,
         * some between, most inside an import */
        sleep_us(1000L * (1 + (long)rnd(60)));
        assert_int_equal(kill(pid, SIGKILL), 0);
        int ws;
        assert_int_equal(waitpid(pid, &ws, 0), pid);
        assert_true(WIFSIGNALED(ws)); /* it never stopped on its own */
        long long n = 0;
        assert_whole(b.uri, &n);
        assert_true(n >= before);
        /* the batch the child was in (kill-<it>-<landed>) imports again */
        assert_int_equal(pm_history_open(b.uri, 0, &h, &err), PM_OK);
        char like[32], name[64];
        long long landed = 0;
        snprintf(like, sizeof like, "kill-%d-%%", it);
        assert_int_equal(pmx_scalar(h, "t", &err, &landed, NULL,
                                    "SELECT COUNT(*) FROM batches WHERE name LIKE ?", "t", like),
                         PM_OK);
        snprintf(name, sizeof name, "kill-%d-%lld", it, landed);
        if (imp(h, name, 0, &err) != PM_OK)
            fail_msg("re-import of %s: %s", name, err.text);
        pm_history_close(h);
        assert_whole(b.uri, &n);
        before = n;
    }
    /* a new import after all that */
    assert_int_equal(pm_history_open(b.uri, 0, &h, &err), PM_OK);
    assert_int_equal(imp(h, "after", 0, &err), PM_OK);
    pm_history_close(h);
    long long n = 0;
    assert_whole(b.uri, &n);
    assert_int_equal(n, before + 1);
    hbackend_done(&b);
}

static int pg_ctl_script(const char *what)
{
    const char *script = getenv("PM_TEST_PG_SCRIPT"), *dir = getenv("PM_TEST_PG_DIR"),
               *port = getenv("PM_TEST_PG_PORT");
    if (!script || !dir || !port)
        return -1;
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "sh '%s' %s '%s' '%s'", script, what, dir, port);
    return system(cmd);
}

static void test_server_goes_away(void **state)
{
    (void)state;
    hbackend b;
    assert_int_equal(hbackend_fresh(&b, 1), 0);
    pm_history *h = NULL;
    pm_error err = {0};
    assert_int_equal(pm_history_open(b.uri, PM_HISTORY_CREATE, &h, &err), PM_OK);
    assert_int_equal(imp(h, "before", 0, &err), PM_OK);
    pm_history_batch bt = {.name = "during"};
    assert_int_equal(pm_history_begin_import(h, &bt, 0, &err), PM_OK);
    pm_history_row r = {.annotator = "alice", .pairs = 1, .consistent = 1};
    assert_int_equal(pm_history_put_row(h, &r, &err), PM_OK);
    assert_int_equal(pg_ctl_script("halt"), 0);
    pm_history_pair p = {.item = "x", .agree = 1};
    pm_status st = pm_history_append_pairs(h, "alice", &p, 1, &err);
    int restarted = pg_ctl_script("restart");
    assert_int_equal(st, PM_EIO);
    assert_string_equal(strstr(err.text, "postgresql:///prefmon_test"), err.text);
    assert_non_null(strstr(err.text, "cannot store the pairs of annotator 'alice'"));
    assert_non_null(strstr(err.text, "server closed the connection unexpectedly"));
    pm_history_rollback(h);
    pm_history_close(h);
    assert_int_equal(restarted, 0);
    long long n = 0;
    assert_whole(b.uri, &n);
    assert_int_equal(n, 1);
    assert_int_equal(pm_history_open(b.uri, 0, &h, &err), PM_OK);
    int found = 0;
    assert_int_equal(
        pmx_scalar(h, "t", &err, NULL, &found, "SELECT 1 FROM batches WHERE name = 'during'", ""),
        PM_OK);
    assert_int_equal(found, 0);
    assert_int_equal(imp(h, "during", 0, &err), PM_OK);
    pm_history_close(h);
    hbackend_done(&b);
}

static int setup_sqlite(void **state)
{
    (void)state;
    g_pg = 0;
    return 0;
}

static int setup_pg(void **state)
{
    (void)state;
    g_pg = 1;
    if (!pg_uri()) {
        fprintf(stderr, "PM_TEST_PG is not set: run this test through ctest, which starts a "
                        "throwaway PostgreSQL server (scripts/pg-test.sh); without PostgreSQL "
                        "installed: apt-get install postgresql libpq-dev\n");
        return -1;
    }
    return 0;
}

int main(void)
{
    const struct CMUnitTest sqlite_tests[] = {
        cmocka_unit_test(test_two_imports_at_once),
        cmocka_unit_test(test_killed_mid_import),
        cmocka_unit_test(test_busy_refused),
    };
    const struct CMUnitTest pg_tests[] = {
        cmocka_unit_test(test_two_imports_at_once),
        cmocka_unit_test(test_killed_mid_import),
        cmocka_unit_test(test_busy_refused),
        cmocka_unit_test(test_server_goes_away),
    };
    int fails = cmocka_run_group_tests_name("sqlite", sqlite_tests, setup_sqlite, NULL);
    fails += cmocka_run_group_tests_name("postgresql", pg_tests, setup_pg, NULL);
    return fails;
}
