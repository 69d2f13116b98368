/* Shared by the history store's tests: a fresh store on either backend,
 * and a realistic two-week import written through the public API with the
 * numbers it must read back computed here, independently of the store. */
#ifndef TEST_HISTORY_UTIL_H
#define TEST_HISTORY_UTIL_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "prefmon/history.h"
#include "store/db.h"

typedef struct hbackend {
    int pg;        /* 0 SQLite, 1 PostgreSQL */
    char uri[512]; /* the store for this test */
    char dir[256]; /* SQLite: the temporary folder */
} hbackend;

/* The PostgreSQL store of the ctest fixture (scripts/pg-test.sh start). */
static const char *pg_uri(void)
{
    return getenv("PM_TEST_PG");
}

/* Drop everything in the test database: each test starts from nothing. */
static inline int pg_reset(const char *uri)
{
    pmx_db *db;
    pm_error err = {0};
    if (pmx_pg_open(uri, "test", 0, &db, &err) != PM_OK) {
        fprintf(stderr, "cannot reach the test server: %s\n", err.text);
        return -1;
    }
    pm_status st = db->ops->exec(db, "DROP SCHEMA public CASCADE; CREATE SCHEMA public", &err);
    db->ops->close(db);
    if (st != PM_OK)
        fprintf(stderr, "cannot reset the test database: %s\n", err.text);
    return st == PM_OK ? 0 : -1;
}

/* Fill b with a fresh, empty store location. 0 on success. */
static inline int hbackend_fresh(hbackend *b, int pg)
{
    memset(b, 0, sizeof *b);
    b->pg = pg;
    if (pg) {
        const char *u = pg_uri();
        if (!u) {
            fprintf(stderr, "PM_TEST_PG is not set: run this test through ctest, which starts a "
                            "PostgreSQL server (scripts/pg-test.sh; install postgresql)\n");
            return -1;
        }
        snprintf(b->uri, sizeof b->uri, "%s", u);
        return pg_reset(u);
    }
    snprintf(b->dir, sizeof b->dir, "/tmp/prefmon-history-XXXXXX");
    if (!mkdtemp(b->dir))
        return -1;
    snprintf(b->uri, sizeof b->uri, "%s/store.db", b->dir);
    return 0;
}

static inline void hbackend_done(hbackend *b)
{
    if (!b->pg && b->dir[0]) {
        char cmd[600];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", b->dir);
        if (system(cmd) != 0)
            fprintf(stderr, "cannot remove %s\n", b->dir);
    }
}

/* ---- a realistic week ----------------------------------------------------
 * Three annotators; annotator k labels items; every pair's agreement comes
 * from a fixed bit pattern, so the expected counts are sums of those bits. */

#define W_ANN 3
static const char *const w_names[W_ANN] = {"alice", "bob", "=carol"};

/* The agree bit of pair j of annotator a in week w (1-based weeks). */
static inline int w_agree(int w, int a, int j)
{
    return ((j * 7 + a * 3 + w) % 5) != 0;
}

/* Pairs per annotator per week: different so that a mix-up shows. */
static inline int w_npairs(int w, int a)
{
    return 4 + a + 2 * w;
}

static inline long long w_consistent(int w, int a)
{
    long long c = 0;
    for (int j = 0; j < w_npairs(w, a); j++)
        c += w_agree(w, a, j);
    return c;
}

/* The pass probabilities: not short decimals, so that a lossy round trip
 * shows (0.1 + 0.2 is 0.30000000000000004). */
static inline double w_m0(int w)
{
    return 0.1 + 0.2 + w * 1e-17;
}

static inline void w_file(pm_history_file *f, int w, const char *name)
{
    char data[64];
    int n = snprintf(data, sizeof data, "labels of week %d\n", w);
    f->name = name;
    pm_sha256_buf(data, (size_t)n, f->sha256);
    f->size = n;
}

/* Import week w (name "2026-W4<w+7>") with rows, counts, pairs, last
 * labels of items "item-<j>" and record keys "rec-<w>-<a>-<j>" plus the
 * keys of the week before (a cumulative export). Returns the status. */
static inline pm_status w_import(pm_history *h, int w, unsigned flags, pm_error *err)
{
    char bname[32], fname[32], params[128];
    snprintf(bname, sizeof bname, "2026-W%d", 47 + w);
    snprintf(fname, sizeof fname, "export-w%d.json", w);
    snprintf(params, sizeof params, "{\"delta\": 0.02, \"eta0\": 0.5, \"eta1\": 0.9, \"week\": %d}",
             w);
    pm_history_file f;
    w_file(&f, w, fname);
    pm_history_batch b = {0};
    b.name = bname;
    b.imported_at = NULL;
    b.parameters = params;
    b.files = &f;
    b.n_files = 1;
    pm_status st = pm_history_begin_import(h, &b, flags, err);
    if (st != PM_OK)
        return st;
    for (int a = 0; a < W_ANN && st == PM_OK; a++) {
        int np = w_npairs(w, a);
        pm_history_count counts[2] = {{"A", 10 + a + w}, {"B", 5 + w}};
        pm_history_row r = {0};
        r.annotator = w_names[a];
        r.labels = 15 + a + 2 * w;
        r.counts = counts;
        r.n_counts = 2;
        r.pairs = np;
        r.consistent = w_consistent(w, a);
        r.gold_n = 3;
        r.gold_agree = a % 4;
        r.left_n = 20;
        r.left_k = 10 + a;
        r.duration_median = a == 1 ? NAN : 12.5 + a;
        r.duration_n = a == 1 ? 0 : 15;
        r.decision = a == 2 ? "reject" : "accept";
        r.action = a == 2 ? "hold" : "pay";
        r.reason = "exact test at n pairs";
        r.flags = a == 2 ? "fast,left" : "";
        if ((st = pm_history_put_row(h, &r, err)) != PM_OK)
            break;
        pm_history_pair *p = calloc((size_t)np, sizeof *p);
        char(*items)[32] = calloc((size_t)np, 32);
        for (int j = 0; j < np; j++) {
            snprintf(items[j], 32, "item-%d-%d", w, j);
            p[j].item = items[j];
            p[j].agree = w_agree(w, a, j);
            p[j].q0 = 0.5;
            p[j].delta = 0.02;
            p[j].m0 = w_m0(w);
            p[j].m1 = 0.9 - j * 1e-3;
        }
        st = pm_history_append_pairs(h, w_names[a], p, (size_t)np, err);
        free(p);
        free(items);
        if (st != PM_OK)
            break;
        /* last labels: "shared" is labelled every week (a pair across
         * weeks), "only-w<w>" once */
        char only[32], lab[8];
        snprintf(only, sizeof only, "only-w%d", w);
        snprintf(lab, sizeof lab, "%c", w % 2 ? 'A' : 'B');
        pm_history_label l[2] = {{w_names[a], "shared", lab, NULL}, {w_names[a], only, "A", NULL}};
        if ((st = pm_history_put_last_labels(h, l, 2, err)) != PM_OK)
            break;
        for (int ww = w - 1; ww <= w && st == PM_OK; ww++)
            for (int j = 0; ww >= 1 && j < 3 && st == PM_OK; j++) {
                char key[64];
                int seen;
                snprintf(key, sizeof key, "rec-%d-%d-%d", ww, a, j);
                st = pm_history_mark_key(h, key, &seen, err);
            }
    }
    if (st != PM_OK) {
        pm_history_rollback(h);
        return st;
    }
    return pm_history_commit(h, err);
}

#endif
