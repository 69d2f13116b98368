/* prefmon report — what cli_report.c computes and cli_report_doc.c renders.
 *
 * cli_report.c reads the three inputs and computes every number the report
 * shows (Clopper–Pearson intervals, the per-annotator test thresholds, the
 * gap curve through the contract solvers, the wage histogram); it also
 * prints those numbers as tables (--format). cli_report_doc.c only lays
 * them out as a pm_doc (prefmon/report.h). Ownership: report_data owns
 * everything in it; report_data_free releases it. */
#ifndef PREFMON_CLI_REPORT_H
#define PREFMON_CLI_REPORT_H

#include "prefmon/assess.h"
#include "prefmon/contract.h"
#include "prefmon/report.h"

/* One annotator with duplicate pairs, as plotted. */
typedef struct report_ann {
    const pm_assess_row *row; /* borrowed from the assessment */
    double lo, hi;            /* Clopper–Pearson interval of the consistency at level */
    long k;                   /* the test's threshold for row->dup_pairs (-1: none) */
    double threshold;         /* k / dup_pairs (NaN: none) */
} report_ann;

typedef struct report_gap {
    pm_contract_type type;
    long n;
    double normalized_gap; /* NaN when infeasible */
    int feasible;
} report_gap;

typedef struct report_pay {
    char *annotator, *reason;
    long pairs, consistent;
    long long wage, paid, bonus; /* cents */
} report_pay;

typedef struct report_bin {
    long long lo, hi; /* cents, [lo, hi) */
    long count;
} report_bin;

typedef struct report_data {
    const char *assess_path, *contract_path, *pay_path;
    /* the assessment */
    pm_assess *assess;
    const pm_assess_row *rows;
    size_t nrows;
    const pm_assess_options *aopt;
    const pm_assess_summary *sum;
    const pm_assess_row **order; /* the rows, most pairs first, then by name */
    report_ann *ann;             /* annotators with pairs, by consistency then name */
    size_t nann;
    size_t ngold; /* of ann, those with gold_n >= 1 */
    /* the contract (have_contract) and its gap curve */
    int have_contract;
    pm_contract contract;
    pm_model model;
    pm_scheme scheme;
    report_gap *gap;
    size_t ngap;
    /* the payments (have_pay) */
    int have_pay;
    report_pay *pay;
    size_t npay;
    char currency[16], unit[64];
    long long total_wage, total_paid, total_bonus, total_upload;
    report_bin *bins;
    size_t nbins;
} report_data;

/* Build the document; NULL with err set on failure. */
pm_doc *report_build_doc(const report_data *d, pm_error *err);

#endif
