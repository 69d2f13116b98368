/*
** prefmon — the numbers of the weekly report: everything the report page
** (pm_page_weekly, prefmon/pages.h) shows, computed from an assessment, an
** optional contract and optional payments, as plain structs a caller can
** print, plot or check.
**
**   - per annotator with duplicate pairs: the exact Clopper–Pearson interval
**     of its consistency at the assessment's level and the threshold k of
**     the decision rule assess applied to its own number of pairs
**     (pm_assess_rule_for, the one source of that rule);
**   - the gap to first-best against n for linear and binary contracts,
**     solved with the contract's model, scheme and solve mode;
**   - the payments cross-checked against the assessment (every paid name is
**     an annotator of it, with the pairs and consistent counts it has there),
**     highest wage first, and a histogram of the wages in 1-2-5 bins.
**
** Ownership: pm_report_data borrows the assessment, the payment table and
** the path strings of its inputs (keep them until pm_report_data_free) and
** owns every array in it; pm_report_data_free frees those and zeroes it.
*/
#ifndef PREFMON_WEEKLY_H
#define PREFMON_WEEKLY_H

#include <stddef.h>

#include "prefmon/assess.h"
#include "prefmon/contract.h"
#include "prefmon/export.h"
#include "prefmon/pay.h"
#include "prefmon/status.h"

PM_BEGIN_DECLS

/** What the report is made of. */
typedef struct pm_report_inputs {
    const pm_assess *assess;     /* required (pm_assess_load_json) */
    const char *assess_path;     /* shown in the page's captions */
    const pm_contract *contract; /* NULL: no contract (pm_contract_load) */
    const pm_model *model;       /* the contract's model and scheme (with contract) */
    const pm_scheme *scheme;
    const char *contract_path;
    const long
        *gap_n; /* n of the gap curve (NULL: 1 2 3 5 10 ... 1000); the contract's n is added */
    size_t ngap_n;
    const pm_pay_table *payments; /* NULL: no payments (pm_pay_read_table) */
} pm_report_inputs;

/** One annotator with duplicate pairs, as plotted. */
typedef struct pm_report_ann {
    const pm_assess_row *row; /* borrowed from the assessment */
    double lo, hi;            /* Clopper–Pearson interval of the consistency at the level */
    long k;                   /* the rule's threshold for row->dup_pairs (-1: no test) */
    double threshold;         /* k / dup_pairs (NaN: no test) */
} pm_report_ann;

/** One point of the gap curve. */
typedef struct pm_report_gap {
    pm_contract_type type;
    long n;
    double normalized_gap; /* (C - C_n) / C; NaN when infeasible */
    int feasible;
    int chosen; /* the contract's own type and n */
} pm_report_gap;

/** One wage bin [lo, hi) in cents. */
typedef struct pm_report_bin {
    long long lo, hi;
    long count;
} pm_report_bin;

/** Longest flag text of one annotator ("low-effort same-side ..."). */
#define PM_REPORT_FLAGS 160

typedef struct pm_report_data {
    const char *assess_path, *contract_path, *pay_path; /* borrowed; NULL when absent */
    /* the assessment */
    const pm_assess_row *rows;
    size_t nrows;
    const pm_assess_options *aopt;
    const pm_assess_summary *sum;
    const pm_assess_row **order;    /* the rows, most pairs first, then by name */
    char (*flags)[PM_REPORT_FLAGS]; /* flags[i]: order[i]'s flags (pm_flags_format, " ") */
    pm_report_ann *ann;             /* annotators with pairs, by consistency then name */
    size_t nann;
    size_t ngold;         /* of ann, those with gold_n >= 1 */
    size_t nno_threshold; /* of ann, those without a test (k < 0) */
    size_t gold_no_pairs; /* rows with gold but no pairs */
    /* the contract (have_contract) and its gap curve, linear points first */
    int have_contract;
    pm_contract contract;
    pm_model model;
    pm_scheme scheme;
    pm_report_gap *gap;
    size_t ngap;
    /* The linear gap does not fall with n although wages are bounded below
     * (its feasible, positive points: the last n >= 10x the first and its gap
     * >= half the first's; w_min finite): gap_first and gap_last name them. */
    int gap_flat;
    const pm_report_gap *gap_first, *gap_last;
    /* the payments (have_pay) */
    int have_pay;
    const pm_pay_table *pay;   /* borrowed: currency, unit, totals, payable */
    const pm_pay_entry **paid; /* the rows, highest wage first, then by name */
    pm_report_bin *bins;
    size_t nbins;
} pm_report_data;

/**
 * Compute the report's numbers. PM_EPARSE "pay_path:line:col: field 'f':
 * why" when the payments contradict the assessment: a name that is not an
 * annotator of it, or pairs or consistent other than its own (payments of
 * another assessment). PM_EINVAL on missing inputs; a contract solver's
 * error (other than infeasible, which is a point of the curve) as is. On
 * failure *out is empty.
 */
PM_API pm_status pm_report_data_build(const pm_report_inputs *in, pm_report_data *out,
                                      pm_error *err);

/** Free what pm_report_data_build allocated and zero *d; NULL is a no-op. */
PM_API void pm_report_data_free(pm_report_data *d);

PM_END_DECLS

#endif
