/* sim_score: a simulated run scored against its truth, and the simulate page
 * built from the score without the CLI.
 *
 * The assessment is made from hand-built records (every annotator's pairs
 * and consistent count chosen), so each expected number is computed here
 * another way: the pass probability from the model's closed form
 * 1/2 + eta (1/2 - delta), P(fail) as a sum of binomial pmf terms below the
 * threshold of the rule pm_assess_rule_for gives, group tallies by counting
 * rows in a plain loop, the law of a group's flag count in closed form for
 * one or two members, wages from the linear rule by hand.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "prefmon/assess.h"
#include "prefmon/binom.h"
#include "prefmon/pages.h"
#include "prefmon/sim.h"
#include "prefmon/sim_score.h"

#define DELTA 0.02
#define ETA0 0.5
#define ETA1 0.9

/* One annotator of the hand-made run: truth and outcome. */
typedef struct member {
    const char *name;
    pm_sim_kind kind;
    double eta;
    long pairs, consistent;
} member;

static const member members[] = {
    {"zeta", PM_SIM_CAREFUL, 1.0, 40, 39},  {"alpha", PM_SIM_CAREFUL, 0.7, 40, 30},
    {"mid", PM_SIM_CAREFUL, 0.3, 40, 22},   {"bob", PM_SIM_SPAMMER, 0, 40, 20},
    {"lon", PM_SIM_LONGER, NAN, 40, 40},    {"lef", PM_SIM_LEFT, NAN, 40, 0},
    {"tiny", PM_SIM_CAREFUL, 1.0, 3, 3},    {"zz", PM_SIM_SPAMMER, 0, 5, 1},
    {"beta", PM_SIM_CAREFUL, 0.95, 40, 38},
};
#define NM (sizeof members / sizeof *members)

typedef struct fixture {
    pm_sim_annotator pool[NM];
    const char *names[NM];
    pm_sim_truth truth;
    pm_assess *a;
    pm_plan_summary sum;
} fixture;

/* Feed each member's pairs: item i twice, the same label for the first
 * `consistent` items, opposite labels after. */
static void fixture_make(fixture *f)
{
    memset(f, 0, sizeof *f);
    for (size_t i = 0; i < NM; i++) {
        f->pool[i] = (pm_sim_annotator){members[i].kind, members[i].eta};
        f->names[i] = members[i].name;
    }
    f->truth = (pm_sim_truth){f->pool, f->names, NM, DELTA};
    pm_assess_options opt;
    pm_assess_options_default(&opt);
    opt.delta = DELTA;
    opt.q0 = 0.5;
    opt.eta0 = ETA0;
    opt.eta1 = ETA1;
    f->a = pm_assess_new(&opt, NULL);
    assert_non_null(f->a);
    long line = 1;
    for (size_t m = 0; m < NM; m++)
        for (long i = 0; i < members[m].pairs; i++) {
            char item[32];
            snprintf(item, sizeof item, "item-%ld", i);
            for (int copy = 0; copy < 2; copy++) {
                const char *label = copy == 1 && i >= members[m].consistent ? "B" : "A";
                pm_record r = {members[m].name, item, label, NULL, 0, NAN, NAN, "test", line++, 0};
                assert_int_equal(pm_assess_add(f->a, &r, NULL), PM_OK);
            }
        }
    assert_int_equal(pm_assess_finish(f->a, NULL), PM_OK);
    f->sum.duplicates = 40;
    f->sum.gold = 0;
    f->sum.length = 100;
}

static const member *member_named(const char *name)
{
    for (size_t i = 0; i < NM; i++)
        if (strcmp(members[i].name, name) == 0)
            return &members[i];
    fail_msg("no member %s", name);
    return NULL;
}

static int group_by_hand(const member *m)
{
    if (m->kind == PM_SIM_SPAMMER)
        return PM_SIM_GROUP_SPAMMER;
    if (m->kind == PM_SIM_LONGER)
        return PM_SIM_GROUP_LONGER;
    if (m->kind == PM_SIM_LEFT)
        return PM_SIM_GROUP_LEFT;
    if (m->eta >= ETA1)
        return PM_SIM_GROUP_DILIGENT;
    return m->eta <= ETA0 ? PM_SIM_GROUP_SHIRKING : PM_SIM_GROUP_BETWEEN;
}

/* P(fail) another way: the rule's threshold k, then sum_{x < k} pmf. */
static double fail_by_sum(long n, double m)
{
    if (n < 1)
        return 0;
    pm_assess_options opt;
    pm_assess_options_default(&opt);
    opt.eta0 = ETA0;
    opt.eta1 = ETA1;
    pm_assess_rule rule;
    assert_int_equal(pm_assess_rule_for(&opt, DELTA, 0.5, n, &rule, NULL), PM_OK);
    double s = 0;
    if (rule.decidable) {
        for (long x = 0; x < rule.k; x++)
            s += pm_dbinom((double)x, (double)n, m, 0);
        return s;
    }
    /* too-few: the sequential evidence on these pairs fails x when 1/L >=
     * 20 or when q0 = 1/2 lies above x/n outside the Jeffreys mixture's 95%
     * set (log M_n(q0) >= ln 20), computed here in closed form. */
    double m0 = 0.5 + ETA0 * (0.5 - DELTA), m1 = 0.5 + ETA1 * (0.5 - DELTA);
    for (long x = 0; x <= n; x++) {
        double ll = (double)x * log(m1 / m0) + (double)(n - x) * log((1 - m1) / (1 - m0));
        double lm = lgamma(0.5 + (double)x) + lgamma(0.5 + (double)(n - x)) -
                    lgamma(1.0 + (double)n) - 2 * lgamma(0.5) - (double)n * log(0.5);
        int below = (double)x / (double)n < 0.5 && lm >= log(20.0);
        if (-ll >= log(20.0) || below)
            s += pm_dbinom((double)x, (double)n, m, 0);
    }
    return s;
}

static double m_closed(const member *m)
{
    if (m->kind == PM_SIM_LONGER)
        return 1;
    if (m->kind == PM_SIM_LEFT)
        return 0;
    return 0.5 + m->eta * (0.5 - DELTA);
}

static void test_pass_prob(void **state)
{
    (void)state;
    for (double eta = 0; eta <= 1.0001; eta += 0.125) {
        pm_sim_annotator a = {PM_SIM_CAREFUL, eta};
        assert_true(fabs(pm_sim_pass_prob(&a, 0.03) - (0.5 + eta * 0.47)) < 1e-15);
    }
    pm_sim_annotator s = {PM_SIM_SPAMMER, 0}, l = {PM_SIM_LONGER, NAN}, f = {PM_SIM_LEFT, NAN};
    assert_true(pm_sim_pass_prob(&s, 0.02) == 0.5);
    assert_true(pm_sim_pass_prob(&l, 0.02) == 1);
    assert_true(pm_sim_pass_prob(&f, 0.02) == 0);
}

static void test_fail_prob(void **state)
{
    (void)state;
    pm_assess_options opt;
    pm_assess_options_default(&opt);
    opt.delta = DELTA;
    opt.q0 = 0.5;
    opt.eta0 = ETA0;
    opt.eta1 = ETA1;
    const long ns[] = {0, 1, 3, 5, 12, 40, 200};
    const double ms[] = {0.5, 0.74, 0.9, 0.98, 1};
    for (size_t i = 0; i < sizeof ns / sizeof *ns; i++)
        for (size_t j = 0; j < sizeof ms / sizeof *ms; j++) {
            double want = fail_by_sum(ns[i], ms[j]), got = pm_sim_fail_prob(&opt, ns[i], ms[j]);
            if (!(fabs(got - want) <= 1e-12 * (1 + want)))
                fail_msg("n %ld m %g: P(fail) %.17g, by the pmf sum %.17g", ns[i], ms[j], got,
                         want);
        }
    /* A spammer on 40 pairs fails with probability near 1 at this test. */
    assert_true(pm_sim_fail_prob(&opt, 40, 0.5) > 0.99);
    opt.q0 = NAN; /* per-annotator q0: no single rule */
    assert_true(isnan(pm_sim_fail_prob(&opt, 40, 0.5)));
}

static void test_score_run(void **state)
{
    (void)state;
    fixture f;
    fixture_make(&f);
    pm_sim_score s;
    assert_int_equal(pm_sim_score_run(&f.truth, f.a, &f.sum, 0.4, &s, NULL), PM_OK);
    assert_true(s.dup_rate == 0.4);
    assert_int_equal(s.pairs, 40);
    assert_true(s.max_error == 0.2);
    /* Brute counts over the rows. */
    long n[PM_SIM_GROUP_COUNT] = {0}, fail[PM_SIM_GROUP_COUNT] = {0}, few[PM_SIM_GROUP_COUNT] = {0};
    double pf[PM_SIM_GROUP_COUNT] = {0};
    long cov = 0, cov_n = 0, points = 0;
    size_t count;
    const pm_assess_row *rows = pm_assess_rows(f.a, &count);
    assert_int_equal(count, NM);
    for (size_t i = 0; i < count; i++) {
        const member *m = member_named(rows[i].annotator);
        assert_int_equal(rows[i].dup_pairs, m->pairs);
        assert_int_equal(rows[i].consistent, m->consistent);
        int g = group_by_hand(m);
        n[g]++;
        fail[g] += rows[i].decision == PM_DECISION_FAIL;
        few[g] += rows[i].decision == PM_DECISION_TOO_FEW;
        pf[g] += fail_by_sum(m->pairs, m_closed(m));
        if (m->kind == PM_SIM_CAREFUL || m->kind == PM_SIM_SPAMMER) {
            points++;
            if (!isnan(rows[i].ci_low)) {
                cov_n++;
                cov += m->eta >= rows[i].ci_low && m->eta <= rows[i].ci_high;
            }
        }
    }
    for (int g = 0; g < PM_SIM_GROUP_COUNT; g++) {
        const pm_sim_tally *t = &s.group[g];
        assert_int_equal(t->n, n[g]);
        assert_int_equal(t->self, fail[g]);
        assert_int_equal(t->too_few, few[g]);
        if (n[g]) {
            assert_true(fabs(t->self_exact - pf[g] / (double)n[g]) < 1e-12);
            assert_true(t->self_rate == (double)fail[g] / (double)n[g]);
        }
    }
    /* The hand-made groups: 3 diligent (zeta, beta, tiny), one each between
     * and shirking, two spammers, a longer and a left clicker. */
    assert_int_equal(s.group[PM_SIM_GROUP_DILIGENT].n, 3);
    assert_int_equal(s.group[PM_SIM_GROUP_SPAMMER].n, 2);
    assert_int_equal(s.group[PM_SIM_GROUP_LEFT].self, 1);
    assert_int_equal(s.group[PM_SIM_GROUP_LONGER].self, 0);
    assert_true(s.group[PM_SIM_GROUP_LONGER].self_exact == 0);            /* m = 1 never fails */
    assert_true(fabs(s.group[PM_SIM_GROUP_LEFT].self_exact - 1) < 1e-15); /* m = 0 always */
    /* The law of the spammers' count: bob fails with p, zz (5 pairs, 1
     * agreeing) is too few for the fixed-n test but fails on the
     * sequential evidence, with pz; K ~ Bernoulli(p) + Bernoulli(pz); both
     * failed (bob 20 of 40, zz 1 of 5). */
    double p = fail_by_sum(40, 0.5), pz = fail_by_sum(5, 0.5);
    assert_true(pz > 0);
    const pm_sim_law *law = &s.group[PM_SIM_GROUP_SPAMMER].law;
    assert_int_equal(s.group[PM_SIM_GROUP_SPAMMER].self, 2);
    assert_true(law->decided);
    assert_true(fabs(law->mean - (p + pz)) < 1e-12);
    assert_true(fabs(law->below - 1) < 1e-12);
    assert_true(fabs(law->above - p * pz) < 1e-12);
    assert_int_equal(law->inside, p * pz >= 0.0005);
    /* One-member groups: K ~ Bernoulli(q), flagged 0 (alpha passes 30 of 40?)
     * or 1; P(K <= f) and P(K >= f) in closed form. */
    const pm_sim_tally *b = &s.group[PM_SIM_GROUP_BETWEEN];
    double q = fail_by_sum(40, 0.5 + 0.7 * (0.5 - DELTA));
    assert_true(fabs(b->law.below - (b->self ? 1 : 1 - q)) < 1e-12);
    assert_true(fabs(b->law.above - (b->self ? q : 1)) < 1e-12);
    /* Coverage, by counting; its interval is pm_clopper_pearson's at 99.9%. */
    assert_int_equal(s.coverage.cov, cov);
    assert_int_equal(s.coverage.n, cov_n);
    double lo, hi;
    assert_int_equal(pm_clopper_pearson(cov, cov_n, 0.999, &lo, &hi, NULL), PM_OK);
    assert_true(s.coverage.lo == lo && s.coverage.hi == hi);
    assert_int_equal(s.coverage.ok, hi >= 0.95);
    assert_int_equal((long)s.npoints, points);
    pm_sim_score_free(&s);
    assert_null(s.points);
    pm_assess_free(f.a);
}

static void test_score_unknown_annotator(void **state)
{
    (void)state;
    fixture f;
    fixture_make(&f);
    f.names[3] = "robert"; /* the assessment's "bob" is now no one */
    pm_sim_score s;
    pm_error err = {0};
    assert_int_equal(pm_sim_score_run(&f.truth, f.a, &f.sum, NAN, &s, &err), PM_EINVAL);
    assert_non_null(strstr(err.text, "'bob'"));
    assert_null(s.points);
    pm_assess_free(f.a);
}

static void test_pay_groups(void **state)
{
    (void)state;
    fixture f;
    fixture_make(&f);
    /* Linear: w = 0.1 + 2 X / n, paid in cents; expected 0.1 + 2 m. */
    pm_contract_terms lin = {PM_CONTRACT_LINEAR, 40, 0.1, 2, 0, 0};
    pm_sim_pay g[PM_SIM_GROUP_COUNT];
    assert_int_equal(pm_sim_pay_groups(&f.truth, f.a, &lin, g, NULL), PM_OK);
    const member *alpha = member_named("alpha");
    assert_int_equal(g[PM_SIM_GROUP_BETWEEN].n, 1);
    assert_true(fabs(g[PM_SIM_GROUP_BETWEEN].mean_wage - (0.1 + 2.0 * 30 / 40)) < 1e-9);
    assert_true(fabs(g[PM_SIM_GROUP_BETWEEN].mean_expected - (0.1 + 2 * m_closed(alpha))) < 1e-12);
    /* The left clicker: 0 consistent, m = 0: the base both ways. */
    assert_true(fabs(g[PM_SIM_GROUP_LEFT].mean_wage - 0.1) < 1e-9);
    assert_true(fabs(g[PM_SIM_GROUP_LEFT].mean_expected - 0.1) < 1e-12);
    /* Binary at the contract's own n: base + bonus P(X >= k) by the pmf. */
    pm_contract_terms bin = {PM_CONTRACT_BINARY, 40, 0.2, 0, 1.5, 33};
    double tail = 0;
    for (long x = 33; x <= 40; x++)
        tail += pm_dbinom((double)x, 40, 0.9, 0);
    assert_true(fabs(pm_sim_expected_wage(&bin, 40, 0.9) - (0.2 + 1.5 * tail)) < 1e-12);
    assert_true(pm_sim_expected_wage(&bin, 0, 0.9) == 0.2);
    assert_int_equal(pm_sim_pay_groups(&f.truth, f.a, &bin, g, NULL), PM_OK);
    /* Shirking: mid alone, 22 of 40 < 33: the base. */
    assert_true(fabs(g[PM_SIM_GROUP_SHIRKING].mean_wage - 0.2) < 1e-9);
    pm_assess_free(f.a);
}

/* The page from scores alone: every section, the verdicts' numbers as the
 * score has them, and the pay table. */
static char *render(const pm_sim_page *in)
{
    pm_doc *d = NULL;
    assert_int_equal(pm_page_simulation(in, &d, NULL), PM_OK);
    FILE *fp = tmpfile();
    assert_non_null(fp);
    assert_int_equal(pm_doc_write_html(d, fp, NULL), PM_OK);
    long size = ftell(fp);
    rewind(fp);
    char *html = malloc((size_t)size + 1);
    assert_int_equal(fread(html, 1, (size_t)size, fp), (size_t)size);
    html[size] = '\0';
    fclose(fp);
    pm_doc_free(d);
    return html;
}

static void test_page(void **state)
{
    (void)state;
    fixture f;
    fixture_make(&f);
    pm_sim_score s[2];
    assert_int_equal(pm_sim_score_run(&f.truth, f.a, &f.sum, 0.4, &s[0], NULL), PM_OK);
    assert_int_equal(pm_sim_score_run(&f.truth, f.a, &f.sum, 0.5, &s[1], NULL), PM_OK);
    pm_sim_contract_pay pay = {"c.json", PM_CONTRACT_LINEAR, {{0}}};
    pm_contract_terms lin = {PM_CONTRACT_LINEAR, 40, 0.1, 2, 0, 0};
    assert_int_equal(pm_sim_pay_groups(&f.truth, f.a, &lin, pay.group, NULL), PM_OK);
    pm_sim_page in = {7, 99, NM, DELTA, "items.jsonl", s, 1, &pay, 1};
    char *html = render(&in);
    assert_non_null(strstr(html, "Simulation: monitoring against the truth"));
    assert_non_null(strstr(html, "id=\"detection\""));
    assert_non_null(strstr(html, "id=\"coverage\""));
    assert_non_null(strstr(html, "id=\"pay\""));
    assert_non_null(strstr(html, "items.jsonl"));
    assert_non_null(strstr(html, "shirking (1 annotators, 40 pairs each)"));
    char want[200];
    snprintf(want, sizeof want, "simulated 2 of 2 flagged; the exact law");
    assert_non_null(strstr(html, want));
    snprintf(want, sizeof want, "has mean %.4g", s[0].group[PM_SIM_GROUP_SPAMMER].law.mean);
    assert_non_null(strstr(html, want));
    snprintf(want, sizeof want, "%.4f", pay.group[PM_SIM_GROUP_BETWEEN].mean_expected);
    assert_non_null(strstr(html, want));
    free(html);
    /* Two runs: a section per run, the pay heading names the first. */
    in.nruns = 2;
    in.npay = 0;
    html = render(&in);
    assert_non_null(strstr(html, "id=\"detection-1\""));
    assert_non_null(strstr(html, "id=\"detection-2\""));
    assert_non_null(strstr(html, "dup rate 0.5, 40 pairs"));
    assert_null(strstr(html, "id=\"pay"));
    free(html);
    in.nruns = 0;
    pm_doc *d = (pm_doc *)&in;
    assert_int_equal(pm_page_simulation(&in, &d, NULL), PM_EINVAL);
    assert_null(d);
    pm_sim_score_free(&s[0]);
    pm_sim_score_free(&s[1]);
    pm_assess_free(f.a);
}

static void test_names(void **state)
{
    (void)state;
    char **a, **b, **c;
    assert_int_equal(pm_sim_names(12, 5, &a, NULL), PM_OK);
    assert_int_equal(pm_sim_names(12, 5, &b, NULL), PM_OK);
    assert_int_equal(pm_sim_names(12, 6, &c, NULL), PM_OK);
    int seen[13] = {0}, same = 1, in_order = 1;
    for (size_t i = 0; i < 12; i++) {
        unsigned k = 0;
        char tail;
        assert_int_equal(strlen(a[i]), 5);
        assert_int_equal(sscanf(a[i], "a%4u%c", &k, &tail), 1);
        assert_true(k >= 1 && k <= 12);
        seen[k]++;
        assert_string_equal(a[i], b[i]); /* the seed decides */
        same &= strcmp(a[i], c[i]) == 0;
        in_order &= k == i + 1;
    }
    for (int k = 1; k <= 12; k++)
        assert_int_equal(seen[k], 1); /* a permutation */
    assert_false(same);               /* another seed, another order */
    assert_false(in_order);           /* rank does not tell the pool position */
    pm_sim_names_free(a, 12);
    pm_sim_names_free(b, 12);
    pm_sim_names_free(c, 12);
    assert_int_equal(pm_sim_names(12345, 1, &a, NULL), PM_OK);
    assert_int_equal(strlen(a[0]), 6); /* a + 5 digits */
    pm_sim_names_free(a, 12345);
}

static void test_truth(void **state)
{
    (void)state;
    pm_sim_annotator pool[3] = {{PM_SIM_CAREFUL, 0.9}, {PM_SIM_LONGER, NAN}, {PM_SIM_SPAMMER, 0}};
    const char *names[3] = {"=HYPERLINK(\"x\")", "a,b", "'quote"};
    pm_sim_truth t = {pool, names, 3, 0.02};
    FILE *fp = tmpfile();
    assert_int_equal(pm_sim_write_truth(fp, &t, 42, 18446744073709551615u, NULL), PM_OK);
    rewind(fp);
    char buf[512];
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    assert_string_equal(buf, "annotator,kind,eta,delta,seed,label_seed\n"
                             "\"'=HYPERLINK(\"\"x\"\")\",careful,0.9,0.02,42,18446744073709551615\n"
                             "\"a,b\",longer,,0.02,42,18446744073709551615\n"
                             "''quote,spammer,0,0.02,42,18446744073709551615\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pass_prob),  cmocka_unit_test(test_fail_prob),
        cmocka_unit_test(test_score_run),  cmocka_unit_test(test_score_unknown_annotator),
        cmocka_unit_test(test_pay_groups), cmocka_unit_test(test_page),
        cmocka_unit_test(test_names),      cmocka_unit_test(test_truth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
