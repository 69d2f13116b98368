/*
** prefmon — payments from each annotator's own monitoring outcome
** (arXiv 2502.06387, §6–7: the binary and linear contracts).
**
** Input: one row per annotator {pairs n_i, consistent x_i, amount already
** paid by the platform}, the contract terms, a money unit and a currency.
**   binary  wage = base + bonus * 1{x_i >= k_i}
**   linear  wage = base + slope * x_i / n_i
** The contract was designed for n pairs. An annotator with n_i != n pairs
** is paid by a rule fixed in advance (pm_threshold_rule, contract.h;
** pm_pay_rule_text prints it):
**   first-n   (default) judged on n pairs: with n_i > n, the first n of the
**             annotator's pair outcomes in order (pm_pay_evidence.outcomes;
**             without them PM_EINVAL: rerun assess, or choose scaled);
**             with 0 < n_i < n, no bonus on this batch's evidence: base
**             only, or base * n_i / n with partial = pro-rata;
**   scaled    the threshold is scaled, k_i = ceil(k * n_i / n), computed in
**             integers as (k * n_i + n - 1) / n (overflow is an error);
**             the linear wage uses the fraction x_i / n_i;
**   strict    PM_EINVAL naming the first such annotator (either rule).
** n_i = 0 is paid base, with the reason "no pairs", in every mode.
**
** Pay follows the action (prefmon/action.h): a row's bonus goes into an
** upload file only when its action is pay. block and review are withheld
** unless pay_flagged names them; hold is never uploaded (the bonus is held:
** a history store records it, pay_ledger.h). Every withheld row stays in
** the payment table with its action and the reason it was not uploaded.
**
** Money is exact. The terms are doubles; each is read as the shortest
** decimal that round-trips to it (the number a contract file shows, e.g.
** 1.005, not 1.00499999999999989...), the unit is a decimal string, and
** wage_units * unit is computed as an exact fraction in 128-bit integers and
** rounded ONCE to cents, half away from zero (1.005 -> 1.01, -1.005 ->
** -1.01). No binary double is ever printed as an amount. Terms whose
** decimals need more than 127 bits give PM_ERANGE (round them).
** Amounts are in hundredths of the currency, so only ISO 4217 currencies
** with two decimals are accepted (pm_pay_check_currency): JPY (0 decimals),
** KWD and BHD (3), XAU, XXX and codes outside ISO 4217 (BTC) are refused.
**
** bonus = wage - paid. A bonus <= 0 appears in the payment table with its
** reason but is never written to an upload file (the writers count it).
** Every text cell a spreadsheet would execute (first character = + - @ TAB
** CR, or the guard ' itself) is guarded with a leading quote by
** pm_csv_write_cell (prefmon/csv.h; reversible, so =x and '=x stay two
** cells), and every cell is quoted per RFC 4180 when it holds a comma,
** quote, CR or LF. Amounts are numbers and never guarded. Upload ids are
** checked against the platform's id format, never rewritten: an altered id
** would pay someone else (the upload writers below say what each takes).
** pm_pay_read_table undoes the guard (pm_csv_unguard, text.h).
**
** Ownership: every struct here is a plain value owned by the caller; the
** rows' annotator strings are borrowed from the input rows, except that a
** pm_pay_table read back owns its strings (pm_pay_table_free). Pure and
** thread-safe; the library never prints — writers take the caller's FILE* or
** pm_writer.
*/
#ifndef PREFMON_PAY_H
#define PREFMON_PAY_H

#include <stddef.h>
#include <stdio.h>

#include "prefmon/action.h"
#include "prefmon/assess.h"
#include "prefmon/export.h"
#include "prefmon/contract.h"
#include "prefmon/csv.h" /* pm_csv_write_cell, the cell writer of these files */
#include "prefmon/status.h"
#include "prefmon/writer.h"

PM_BEGIN_DECLS

/* The terms paid (pm_contract_terms) are declared in contract.h. */

#define PM_PAY_REASON 384

/** One annotator's outcome. */
typedef struct pm_pay_input {
    const char *annotator; /* non-empty; unique within a call */
    long pairs;            /* n_i >= 0 */
    long consistent;       /* 0 <= x_i <= n_i */
    long long paid_cents;  /* already paid by the platform, >= 0 */
} pm_pay_input;

/** What else pay follows, per input row (pm_pay_compute_ev); a zeroed
 *  value is "no pair order, action pay". */
typedef struct pm_pay_evidence {
    const char *outcomes;              /* the pair outcomes in order, '1' consistent, '0' not,
                                          exactly `pairs` of them with `consistent` ones; NULL: unknown */
    pm_action action;                  /* what the evidence says to do (pm_action_decide) */
    char action_reason[PM_PAY_REASON]; /* its one-line reason ("" when none) */
} pm_pay_evidence;

/** Partial work (0 < n_i < n) under first-n. */
typedef enum pm_pay_partial {
    PM_PAY_PARTIAL_BASE = 0,    /* base only */
    PM_PAY_PARTIAL_PRO_RATA = 1 /* base * n_i / n */
} pm_pay_partial;

/** pm_pay_options.pay_flagged: which withheld actions to upload anyway. */
#define PM_PAY_FLAGGED_REVIEW 0x1u
#define PM_PAY_FLAGGED_BLOCK 0x2u

typedef struct pm_pay_options {
    const char *unit;            /* money per contract unit, a decimal string > 0 ("0.10"),
                                    at most 6 decimal places (pm_pay_check_unit) */
    const char *currency;        /* ISO 4217 code of a 2-decimal currency ("USD") */
    int strict_n;                /* refuse n_i != n (under either threshold rule) */
    pm_threshold_rule threshold; /* how n_i != n is judged (default first-n) */
    pm_pay_partial partial;      /* first-n, 0 < n_i < n: base or pro-rata base */
    unsigned pay_flagged;        /* PM_PAY_FLAGGED_*: upload these actions too */
} pm_pay_options;

/** Defaults: unit "1" (one contract unit is one unit of the currency),
 *  currency "USD", strict_n 0, threshold first-n, partial base, nothing
 *  flagged paid. Set unit and currency to what is paid. */
PM_API void pm_pay_options_default(pm_pay_options *opt);

typedef struct pm_pay_row {
    const char *annotator; /* borrowed from the input */
    long pairs, consistent;
    long k_used; /* binary: the threshold applied (scaled when n_i != n); linear: 0 */
    int passed;  /* binary: consistent >= k_used; linear: 0 */
    long long wage_cents, paid_cents, bonus_cents;
    char reason[PM_PAY_REASON];           /* the wage's reason, then why nothing is uploaded */
    long judged_pairs, judged_consistent; /* the pairs the rule judged (first n) */
    int partial;                          /* 0 < n_i < n under first-n: no bonus on this evidence */
    pm_action action;                     /* the input's */
    int withheld;                         /* 1: the bonus is not uploaded (action, or below 0) */
    long long upload_cents;               /* what an upload file pays: bonus when > 0 and not
                                             withheld, plus released_cents */
    long long released_cents;             /* earlier holds paid with this row (pay_ledger.h) */
} pm_pay_row;

typedef struct pm_pay_summary {
    size_t rows;
    size_t payable;   /* upload_cents > 0: what an upload file contains */
    size_t zero;      /* bonus == 0 */
    size_t negative;  /* bonus < 0: reported, never uploaded */
    size_t no_pairs;  /* n_i == 0 */
    size_t scaled;    /* binary rows whose threshold was scaled */
    size_t withheld;  /* bonus > 0 but not uploaded: hold, review, block */
    size_t held;      /* ... of them with action hold */
    size_t partial;   /* first-n rows with 0 < n_i < n */
    size_t truncated; /* first-n rows judged on their first n of n_i > n pairs */
    long long wage_total_cents;
    long long bonus_total_cents;  /* sum of the positive bonuses */
    long long upload_total_cents; /* what the upload files pay */
} pm_pay_summary;

/**
 * Pay every row. out has room for `count` rows; sum may be NULL. On failure
 * nothing useful is in out (callers write nothing). PM_EINVAL for bad terms,
 * options, a bad row (named), a duplicated annotator (paying twice), or
 * n_i != n in strict mode; PM_ERANGE when an amount cannot be computed
 * exactly in 128 bits or exceeds 10^15 cents.
 */
PM_API pm_status pm_pay_compute(const pm_contract_terms *t, const pm_pay_options *opt,
                                const pm_pay_input *in, size_t count, pm_pay_row *out,
                                pm_pay_summary *sum, pm_error *err);

/** pm_pay_compute with each row's evidence ev[i] (pair order, action);
 *  ev NULL is pm_pay_compute: every row's action is pay, no pair order. */
PM_API pm_status pm_pay_compute_ev(const pm_contract_terms *t, const pm_pay_options *opt,
                                   const pm_pay_input *in, const pm_pay_evidence *ev, size_t count,
                                   pm_pay_row *out, pm_pay_summary *sum, pm_error *err);

/**
 * The pay inputs of an assessment: row i pays rows[i].annotator for its
 * dup_pairs pairs with consistent of them consistent, paid_cents already
 * paid (the same for every row). *out is malloc'd with room for count rows
 * (at least one); the caller frees it with free(). The annotator strings
 * are borrowed from rows (keep the assessment alive). PM_EINVAL for a NULL
 * out, missing rows or paid_cents < 0; PM_ENOMEM.
 */
PM_API pm_status pm_pay_inputs_from_assessment(const pm_assess_row *rows, size_t count,
                                               long long paid_cents, pm_pay_input **out,
                                               pm_error *err);

/**
 * The pay inputs of a whole assessment, with each annotator's action
 * decided by pm_action_decide from the row alone (no store): verdict pass
 * or fail from the row's decision (too-few and no-pairs: undecided), its
 * flags, and m(eta1) = q0 + eta1 (1 - delta - q0) for the reason, in
 * (*ev)[i], with the row's pair_outcomes (NULL in an assessment written
 * before prefmon recorded the pair order). *out as in
 * pm_pay_inputs_from_assessment; *ev malloc'd the same way (free());
 * strings borrowed from a.
 */
PM_API pm_status pm_pay_inputs_from_assess(const pm_assess *a, long long paid_cents,
                                           pm_pay_input **out, pm_pay_evidence **ev, pm_error *err);

/**
 * Add to each in[i].paid_cents what the bonus file at path paid them
 * (matched by annotator id; several lines of one id add up): one of the
 * upload files pay writes, told apart by their first line: MTurk
 * (header with WorkerId and BonusAmount), Toloka (header with user_id and
 * amount) or Prolific (participant_id,amount lines, no header). Amounts as
 * pm_money_parse takes them. *unmatched (may be NULL) counts lines whose
 * id is not among in[]. PM_EPARSE "path:line:col: why" for a malformed
 * file, PM_EIO when it cannot be read; on failure in[] may be partly
 * updated (callers stop).
 */
PM_API pm_status pm_pay_read_paid(const char *path, pm_pay_input *in, size_t count,
                                  size_t *unmatched, pm_error *err);

/** The wage per hour of an annotator paid wage_cents for `labels` labels
 *  at a median of median_seconds each (labels x median as the time
 *  worked): wage / (labels * median / 3600) into *hourly, or NaN when labels
 *  < 1 or the median is unknown (NaN) or <= 0. Returns 1 when the wage is
 *  known and below rate (money per hour, the currency of wage_cents), else
 *  0. Prolific, for one, requires a minimum hourly reward. */
PM_API int pm_pay_hourly_below(long long wage_cents, long labels, double median_seconds,
                               double rate, double *hourly);

/** PM_OK when code is an ISO 4217 currency whose amounts have two
 *  decimals (USD, GBP, EUR, ...: the list is in pay.c, from ISO 4217 List
 *  One). PM_EINVAL, saying why, for anything else: a currency with 0 (JPY),
 *  3 (KWD, BHD) or 4 decimals, a metal or test code (XAU, XXX), a funds
 *  code, or no ISO 4217 code at all (BTC). */
PM_API pm_status pm_pay_check_currency(const char *code, pm_error *err);

/** PM_OK when unit is a positive decimal ("0.10", "10") with at most 6
 *  decimal places once trailing zeros are dropped; PM_EINVAL otherwise. */
PM_API pm_status pm_pay_check_unit(const char *unit, pm_error *err);

/** The payment rule in one or two sentences, to print before paying
 *  ("binary contract for n = 20 pairs: wage = 1.2 + 0.8 if consistent >= 17
 *  ..."). Truncated to size. */
PM_API pm_status pm_pay_rule_text(const pm_contract_terms *t, const pm_pay_options *opt, char *buf,
                                  size_t size, pm_error *err);

/** The threshold for n_i pairs, ceil(k * n_i / n), exactly; PM_ERANGE on
 *  overflow, PM_EINVAL unless n >= 1, k >= 0, n_i >= 0. */
PM_API pm_status pm_pay_scaled_threshold(long k, long n, long n_i, long *k_i, pm_error *err);

/** Parse an amount of money ("1", "1.5", "1.50", "0.05"; at most two
 *  decimals unless the rest are zeros) into cents. PM_EINVAL otherwise. */
PM_API pm_status pm_money_parse(const char *s, long long *cents, pm_error *err);

/** cents as "d.dd" ("-0.05", "12.30"); buf holds at least 32 bytes. */
PM_API void pm_money_format(long long cents, char *buf, size_t size);

/* ---- writers (to the caller's stream; PM_EIO on a write error) -------
 *
 * Each has a `_to` form writing through a pm_writer (writer.h: a callback or
 * a memory buffer) the same bytes; the FILE* form also flushes fp and checks
 * its error flag. A `_to` form that fails may have written part of the
 * output (the FILE* callers write to a pm_outfile, which discards it). */

/** The payment table: header annotator,pairs,consistent,wage,paid,bonus,
 *  reason,currency,unit, then every row (also bonus <= 0, with its reason);
 *  currency and unit come from opt, so every row says what its amounts are. */
PM_API pm_status pm_pay_write_table(FILE *fp, const pm_pay_row *rows, size_t count,
                                    const pm_pay_options *opt, pm_error *err);
PM_API pm_status pm_pay_write_table_to(const pm_writer *w, const pm_pay_row *rows, size_t count,
                                       const pm_pay_options *opt, pm_error *err);

/** Prolific bulk bonus: "participant_id,amount" lines, no header, amount in
 *  the study's currency with two decimals; rows with nothing to upload (upload_cents <= 0: bonus <=
 * 0, or withheld by the action) skipped
 *  (*skipped, may be NULL). A payable row whose id is not 24 hexadecimal
 *  digits is PM_EPARSE naming the row, detected before anything is
 *  written. */
PM_API pm_status pm_pay_write_prolific(FILE *fp, const pm_pay_row *rows, size_t count,
                                       size_t *skipped, pm_error *err);
PM_API pm_status pm_pay_write_prolific_to(const pm_writer *w, const pm_pay_row *rows, size_t count,
                                          size_t *skipped, pm_error *err);

/** worker -> assignment, for MTurk's SendBonus (which needs one assignment
 *  of the worker). The first pair listed for a worker is used. */
typedef struct pm_pay_assignment {
    const char *worker;
    const char *assignment;
} pm_pay_assignment;

/** A worker -> assignment map as read from a file. */
typedef struct pm_pay_assignments {
    pm_pay_assignment *v; /* strings owned by the map */
    size_t n;
} pm_pay_assignments;

/** Read the map from an MTurk batch results CSV (or any CSV) with
 *  WorkerId and AssignmentId columns, found by header name in any order
 *  (case-insensitive; other columns ignored). A missing column or an empty
 *  field is PM_EPARSE at file:line. Free with pm_pay_assignments_free. */
PM_API pm_status pm_pay_read_assignments(const char *path, pm_pay_assignments *out, pm_error *err);

/** Free what pm_pay_read_assignments allocated and zero *m; NULL is a no-op. */
PM_API void pm_pay_assignments_free(pm_pay_assignments *m);

/** MTurk: header WorkerId,AssignmentId,BonusAmount,Reason; Reason (which
 *  SendBonus requires and shows the worker) is `reason` when non-empty,
 *  else the row's reason. BonusAmount is in USD: pay in USD for MTurk. A payable worker missing
 *  from the map is PM_EINVAL naming the worker; a WorkerId not matching
 *  ^A[A-Z0-9]+$, an AssignmentId not matching ^[A-Z0-9]+$ (at most 64
 *  characters each) or a Reason over 4096 characters is PM_EPARSE naming
 *  the row; all detected before anything is written. */
PM_API pm_status pm_pay_write_mturk(FILE *fp, const pm_pay_row *rows, size_t count,
                                    const pm_pay_assignment *map, size_t map_count,
                                    const char *reason, size_t *skipped, pm_error *err);
PM_API pm_status pm_pay_write_mturk_to(const pm_writer *w, const pm_pay_row *rows, size_t count,
                                       const pm_pay_assignment *map, size_t map_count,
                                       const char *reason, size_t *skipped, pm_error *err);

/** Toloka (toloka-kit UserBonus): header user_id,amount,public_title,
 *  public_message; title and message are required. Toloka accepts 0.01 to
 *  100 dollars per Toloker per award: a larger bonus is PM_EINVAL naming the
 *  user; a user_id that is not 32 hexadecimal digits, or a title or message
 *  holding a control byte (a newline) or bytes that are not UTF-8, is
 *  PM_EPARSE; all detected before anything is written. */
PM_API pm_status pm_pay_write_toloka(FILE *fp, const pm_pay_row *rows, size_t count,
                                     const char *title, const char *message, size_t *skipped,
                                     pm_error *err);
PM_API pm_status pm_pay_write_toloka_to(const pm_writer *w, const pm_pay_row *rows, size_t count,
                                        const char *title, const char *message, size_t *skipped,
                                        pm_error *err);

/* ---- reading the payment table back ----------------------------------- */

/** One row of a payment table (pm_pay_write_table's columns). */
typedef struct pm_pay_entry {
    char *annotator; /* the name paid: the CSV guard undone (pm_csv_unguard) */
    char *reason;
    long pairs, consistent;                        /* 0 <= consistent <= pairs */
    long long wage_cents, paid_cents, bonus_cents; /* bonus = wage - paid, paid >= 0 */
    long line;                                     /* the file line the row starts on */
} pm_pay_entry;

/** A payment table as read: rows in file order, one currency and one unit,
 *  and its totals. Owned by the caller: pm_pay_table_free. */
typedef struct pm_pay_table {
    pm_pay_entry *rows;
    size_t count;
    char *path;     /* the name the file was read as, for messages */
    char *currency; /* every row's ("" when there is no row) */
    char *unit;     /* money per contract unit, every row's */
    size_t payable; /* rows with bonus > 0 (what an upload holds) */
    long long wage_total_cents, paid_total_cents, bonus_total_cents;
    long long upload_total_cents; /* the positive bonuses */
} pm_pay_table;

/**
 * Read the CSV that pm_pay_write_table writes (the same column list, found
 * by header name in any order; other columns are ignored), undoing the CSV
 * guard of text cells with pm_csv_unguard so that `=x` and `'=x` come back
 * as the two names they were. A table that contradicts itself is refused,
 * PM_EPARSE "path:line:col: field 'f': why": a missing column or field, an
 * amount that is not d.dd (an optional '-' first), a count that is not a
 * whole number >= 0, consistent > pairs, paid < 0, bonus != wage - paid, an
 * empty or repeated annotator, a currency or unit other than the first
 * row's, or a total that does not fit in a long long of cents (pay's own
 * amounts stop at 10^15 cents each; a total past 9.2 * 10^18 is refused,
 * never wrapped). PM_EIO when path cannot be read. On failure *out is
 * empty (nothing to free).
 */
PM_API pm_status pm_pay_read_table(const char *path, pm_pay_table *out, pm_error *err);

/** pm_pay_read_table from len bytes at buf (the payment table held in
 *  memory, e.g. written by pm_pay_write_table_to into a pm_buffer); name is
 *  used in messages (NULL: "<memory>"). The same checks and messages. */
PM_API pm_status pm_pay_read_table_mem(const char *buf, size_t len, const char *name,
                                       pm_pay_table *out, pm_error *err);

/** Free what pm_pay_read_table allocated and zero *t; NULL is a no-op. */
PM_API void pm_pay_table_free(pm_pay_table *t);

/** One CSV cell: guarded (pm_csv_guard: a leading ' before = + - @ TAB CR ') and quoted
 *  per RFC 4180 when needed. Exposed for the CLI's other CSV outputs. */
PM_API pm_status pm_csv_write_cell(FILE *fp, const char *text, pm_error *err);

PM_END_DECLS

#endif
