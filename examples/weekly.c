/*
** examples/weekly.c — a week of prefmon from a program, all in memory:
** label events built in the program, assess every annotator, design a
** binary contract for their number of duplicate pairs, pay each annotator
** from their own outcome, the payment table written to a memory buffer and
** read back, and the weekly HTML page built from all three into memory.
** No file is read or written.
**
** Build it against an installed prefmon through pkg-config:
**     cc examples/weekly.c $(pkg-config --cflags --libs prefmon) -o weekly
** (`make check` does, against a scratch install: tests/api/install.sh.)
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <prefmon/prefmon.h>

#define ITEMS 120 /* each annotator labels ITEMS items ...            */
#define DUPS 60   /* ... and sees the first DUPS of them a second time */

/* Three annotators: careful (repeats every label), sloppy (changes every
 * second repeat) and a spammer who always answers "A" on the first copy and
 * "B" on the second. The label of item i is A or B by a fixed pattern. */
static const char *label_for(int who, int item, int second)
{
    const char *truth = item % 3 ? "A" : "B";
    const char *other = item % 3 ? "B" : "A";
    switch (who) {
    case 0:
        return truth;
    case 1:
        return second && item % 2 ? other : truth;
    default:
        return second ? "B" : "A";
    }
}

static int fail(const char *what, pm_status st, const pm_error *err)
{
    fprintf(stderr, "weekly: %s: %s\n", what, err->text[0] ? err->text : pm_strerror(st));
    return 1;
}

int main(void)
{
    static const char *names[] = {"careful", "sloppy", "spammer"};
    pm_error err = {0};
    pm_status st;
    printf("prefmon %s (headers %s)\n", pm_version(), PM_VERSION_STRING);

    /* 1. assess: every label event, then one row per annotator */
    pm_assess_options aopt;
    pm_assess_options_default(&aopt);
    pm_assess *a = pm_assess_new(&aopt, &err);
    if (!a)
        return fail("assess", PM_ENOMEM, &err);
    for (int who = 0; who < 3; who++)
        for (int slot = 0; slot < ITEMS + DUPS; slot++) {
            int item = slot < ITEMS ? slot : slot - ITEMS;
            char key[32];
            snprintf(key, sizeof key, "item-%d", item);
            pm_record r = {0};
            r.annotator = names[who];
            r.item = key;
            r.label = label_for(who, item, slot >= ITEMS);
            r.timestamp = r.duration = 0.0 / 0.0; /* NaN: not given */
            r.file = "memory";
            r.line = slot + 1;
            if ((st = pm_assess_add(a, &r, &err)) != PM_OK)
                return fail("assess", st, &err);
        }
    if ((st = pm_assess_finish(a, &err)) != PM_OK)
        return fail("assess", st, &err);
    size_t n;
    const pm_assess_row *rows = pm_assess_rows(a, &n);

    /* 2. contract: binary, second-best, for DUPS pairs (the paper's model) */
    pm_model model;
    pm_model_default(&model);
    pm_scheme scheme;
    if ((st = pm_scheme_self(&scheme, PM_CONV_PAPER, 0.02, 0.5, &err)) != PM_OK)
        return fail("scheme", st, &err);
    pm_contract c;
    st = pm_contract_solve(&model, &scheme, DUPS, PM_CONTRACT_BINARY, PM_SOLVE_SECOND_BEST, &c,
                           &err);
    if (st != PM_OK)
        return fail("contract", st, &err);

    /* 3. pay each annotator from their own pairs */
    pm_pay_input in[3];
    pm_pay_row pay[3];
    for (size_t i = 0; i < n && i < 3; i++) {
        in[i].annotator = rows[i].annotator;
        in[i].pairs = rows[i].dup_pairs;
        in[i].consistent = rows[i].consistent;
        in[i].paid_cents = 0;
        printf("%-8s %2ld of %2ld pairs consistent  %s\n", rows[i].annotator, rows[i].consistent,
               rows[i].dup_pairs, pm_decision_name(rows[i].decision));
    }
    pm_pay_options popt;
    pm_pay_options_default(&popt);
    popt.unit = "1.00";
    popt.currency = "USD";
    pm_pay_summary sum;
    if ((st = pm_pay_compute(&c.terms, &popt, in, n, pay, &sum, &err)) != PM_OK)
        return fail("pay", st, &err);
    char rule[512];
    if (pm_pay_rule_text(&c.terms, &popt, rule, sizeof rule, &err) == PM_OK)
        printf("%s\n", rule);

    /* 4. the payment table into memory */
    pm_buffer table = {0};
    pm_writer w = pm_writer_buffer(&table);
    if ((st = pm_pay_write_table_to(&w, pay, n, &popt, &err)) != PM_OK)
        return fail("payments", st, &err);
    fwrite(table.data, 1, table.len, stdout);

    /* 5. the weekly page: the payments read back as the report reads them
     *    (every row checked against the assessment), the page's numbers,
     *    the page itself, rendered into memory */
    pm_pay_table paid;
    if ((st = pm_pay_read_table_mem(table.data, table.len, "payments", &paid, &err)) != PM_OK)
        return fail("payments read back", st, &err);
    pm_report_inputs rin = {0};
    rin.assess = a;
    rin.assess_path = "memory";
    rin.contract = &c;
    rin.model = &model;
    rin.scheme = &scheme;
    rin.contract_path = "memory";
    rin.payments = &paid;
    pm_report_data data;
    if ((st = pm_report_data_build(&rin, &data, &err)) != PM_OK)
        return fail("report data", st, &err);
    pm_doc *page = NULL;
    if ((st = pm_page_weekly(&data, &page, &err)) != PM_OK)
        return fail("weekly page", st, &err);
    pm_buffer html = {0};
    pm_writer hw = pm_writer_buffer(&html);
    if ((st = pm_doc_write_html_to(page, &hw, &err)) != PM_OK)
        return fail("page", st, &err);
    printf("weekly page: %zu bytes of HTML, %s\n", html.len,
           html.len > 15 && memcmp(html.data, "<!DOCTYPE html>", 15) == 0 ? "<!DOCTYPE html>"
                                                                          : "not HTML");

    pm_buffer_free(&html);
    pm_doc_free(page);
    pm_report_data_free(&data);
    pm_pay_table_free(&paid);
    pm_buffer_free(&table);
    pm_assess_free(a);
    return 0;
}
