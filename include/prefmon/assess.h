/*
** prefmon — assess every annotator from a stream of label events.
**
** One row per annotator: self-consistency on hidden
** duplicates under the monitor module's general convention with the
** annotator's own chance agreement q0, the likelihood-ratio decision for the
** annotator's own number of pairs, gold agreement, side and speed, and flags.
** See the definitions next to each field and option below; the method is
** that of arXiv 2502.06387, §3 (self-consistency monitoring) and §4 (tests).
**
** Streaming: pm_assess_add keeps, per distinct (annotator, item) key, only
** what pairing needs: a 16-byte slot (annotator, item, the latest label or
** the head of the key's event list, and a 32-bit hash of the latest
** record, which tells a repeated line from a re-label) in a table kept at
** most 70% full, i.e. 16..46 bytes per key (12..35 before the hash); each distinct annotator, item
*and
** label string once (a 32-byte slot at most 70% full holding strings up to
** 23 bytes inline; for annotators and labels 16 bytes of index and a copy
** of the string, for items 8 bytes of index and a copy only of a string
** longer than 23 bytes); and, for annotators whose every label so far carries a
** timestamp, a 16-byte event per label (the timestamp and label), because
** only they may need their pairs re-made in timestamp order at finish (an
** annotator's first label without a timestamp stops that list; finish
** re-pairs only annotators whose timestamps went back in input order).
** Durations are kept (8 bytes each) for the exact median, only for rows
** that have one. bench/bench_pipeline (CSV file to rows) and
** bench/bench_assess (in memory) measure the total per key.
** pm_assess_finish computes the rows.
**
** Ownership: a pm_assess handle owns everything it returns (rows, annotator
** names, the summary), valid until pm_assess_free. Records passed to
** pm_assess_add are borrowed for the call only. Not thread-safe per handle.
*/
#ifndef PREFMON_ASSESS_H
#define PREFMON_ASSESS_H

#include <stddef.h>
#include <stdio.h>

#include "prefmon/action.h"
#include "prefmon/export.h"
#include "prefmon/records.h"
#include "prefmon/seq.h"
#include "prefmon/status.h"
#include "prefmon/writer.h"

PM_BEGIN_DECLS

typedef struct pm_assess pm_assess;

typedef struct pm_assess_options {
    double delta;        /* repeat disagreement of a careful annotator, [0,1) (0.02) */
    int delta_estimate;  /* 1: estimate delta from the data (see pm_assess_summary) */
    double q0;           /* chance agreement for everyone, (0,1); NAN (default): per
                          * annotator sum_k pi_k^2 over all their labels */
    double level;        /* two-sided confidence level of ci_low/ci_high (0.95) */
    double eta0, eta1;   /* the test's effort levels, 0 <= eta0 < eta1 <= 1 (0.8, 1) */
    double max_error;    /* too-few when the test's error sum exceeds this (0.2) */
    double min_duration; /* too-fast below this median duration, seconds; NAN: off */
    double fast_ratio;   /* too-fast below fast_ratio x the pool median (0.25); 0: off */
    double alpha;        /* family-wise level of the same-side and consistent-but-wrong
                          * flags and of the repeat test, Holm-corrected across
                          * annotators (0.05) */
    int drop_identical;  /* 1: drop a record without timestamp identical to its key's
                          * previous one (see Repeats below); 0 (default): pair it */
    size_t max_bytes;    /* PM_ELIMIT past this much memory (see pm_assess_add,
                          * pm_assess_finish); 0: no limit */
    double alpha_pass;   /* the sequential evidence on these pairs alone (pm_assess_row.e_pass): */
    double alpha_fail;   /* pass when e_pass >= 1/alpha_pass, fail when e_fail >= 1/alpha_fail
                          * (0.05 each) */
    int keep_pairs;      /* 1: keep each annotator's pair outcomes in order and each
                          * (annotator, item)'s first and last label (pm_assess_row_pairs,
                          * pm_assess_row_keys, pm_assess_row.pair_outcomes): 32 bytes
                          * more per label event and a copy of each item string;
                          * 0 (default): not kept */
    int threads;         /* accumulators, each fed the annotators whose name hashes to it
                          * (at most PM_ASSESS_MAX_THREADS); pm_assess_read reads a regular
                          * csv, tsv or jsonl file with that many threads, and
                          * pm_assess_finish computes the rows with as many. Results are
                          * identical for every value. 0 or 1 (default): one */
} pm_assess_options;

#define PM_ASSESS_MAX_THREADS 64

/** The defaults above. */
PM_API void pm_assess_options_default(pm_assess_options *opt);

typedef enum pm_decision {
    PM_DECISION_PASS = 0,
    PM_DECISION_FAIL = 1,
    PM_DECISION_TOO_FEW = 2, /* the test for this many pairs has error sum > max_error, and
                              * the sequential evidence does not decide either */
    PM_DECISION_NO_PAIRS = 3,
    PM_DECISION_COUNT = 4
} pm_decision;

/** "pass", "fail", "too-few", "no-pairs"; NULL when out of range. */
PM_API const char *pm_decision_name(pm_decision d);

/* Flags, a bitset. Definitions (exact):
 *   low-effort       decision is fail.
 *   same-side        exact two-sided binomial test of the left-shown choices
 *                    (left_k of left_n, labels A/B with a known shown_left)
 *                    against 1/2: p = min(1, 2 min(P(X <= k), P(X >= k))),
 *                    Holm-adjusted over the annotators with left_n >= 1;
 *                    flagged when the adjusted p <= alpha.
 *   too-fast         median_duration < min_duration, or median_duration <
 *                    fast_ratio x the pool median, the pool median being the
 *                    median of the annotators' median durations when at
 *                    least 3 annotators have one.
 *   consistent-but-wrong  decision pass, gold_n >= 1, and gold agreement
 *                    significantly below the rest of the pool: one-sided
 *                    exact binomial p = P(X <= gold_agree), X ~ Bin(gold_n,
 *                    r) with r the pooled gold agreement of all OTHER
 *                    annotators (leave-one-out), Holm-adjusted over the
 *                    annotators so tested; flagged when adjusted p <= alpha.
 *   one-label        1 - delta <= q0 (e.g. a single label used): consistency
 *                    carries no effort signal; eta_hat, ci_*, p_value are NaN
 *                    and, since every test then has error sum >= 1, the
 *                    decision is too-few (no-pairs without pairs). */
#define PM_FLAG_LOW_EFFORT 0x01u
#define PM_FLAG_SAME_SIDE 0x02u
#define PM_FLAG_TOO_FAST 0x04u
#define PM_FLAG_CONSISTENT_BUT_WRONG 0x08u
#define PM_FLAG_ONE_LABEL 0x10u
#define PM_FLAG_COUNT 5

/** The name of flag number i (bit 1 << i), i < PM_FLAG_COUNT; else NULL. */
PM_API const char *pm_flag_name(int i);

/** The set flags' names in bit order joined by sep ("low-effort,same-side"),
 *  or `none` when no flag is set (NULL: ""). snprintf-style: returns the
 *  length wanted; the text is cut (never mid-name) when >= size. The one
 *  text form of a flag set: tables, CSV, the report and simulate use it. */
PM_API size_t pm_flags_format(unsigned flags, const char *sep, const char *none, char *buf,
                              size_t size);

/** The fixed-n decision rule that pm_assess applies to one annotator with n
 *  pairs (the one source of it: simulate and the report call this, not a
 *  copy). The test is pm_test_design's likelihood-ratio test of m(eta0)
 *  against m(eta1) for the self-consistency scheme (general convention,
 *  given delta and q0); it decides only when its error sum is at most
 *  opt->max_error. */
typedef struct pm_assess_rule {
    long n;                        /* pairs the rule is for */
    int decidable;                 /* 0: too-few (error sum > max_error) or no effort signal */
    int no_signal;                 /* 1 - delta <= q0: the one-label case */
    long k;                        /* pass when consistent >= k (decidable only) */
    double error_sum;              /* the design's type I + type II error (NaN when no signal) */
    double m0, m1;                 /* pass probability of one pair at eta0 and eta1 */
    double q0;                     /* the chance agreement the rule is for */
    double alpha_pass, alpha_fail; /* the sequential rule's (opt) */
} pm_assess_rule;

/** The rule for n >= 1 pairs. PM_EINVAL on a bad delta, q0 or n. */
PM_API pm_status pm_assess_rule_for(const pm_assess_options *opt, double delta, double q0, long n,
                                    pm_assess_rule *out, pm_error *err);

/** The decision the rule gives `consistent` of rule->n pairs: the fixed-n
 *  test's when decidable; else (too-few, with a signal) the sequential
 *  evidence on these pairs alone, looked at once: pass when L >=
 *  1/alpha_pass, fail when 1/L >= 1/alpha_fail or when the 95% confidence
 *  set for m (pm_seq_cs_bounds, Jeffreys mixture) lies entirely below q0
 *  (below chance), L the likelihood ratio of m1 against m0; too-few
 *  otherwise. */
PM_API pm_decision pm_assess_rule_apply(const pm_assess_rule *rule, long consistent);

/** One annotator. NaN where undefined. */
typedef struct pm_assess_row {
    const char *annotator;
    long labels;            /* label events */
    long dup_pairs;         /* consecutive pairs on repeated items */
    long consistent;        /* pairs with equal labels */
    double consistency;     /* consistent / dup_pairs */
    double q0;              /* chance agreement used */
    double eta_hat;         /* clip((consistency - q0) / (1 - delta - q0), 0, 1) */
    double ci_low, ci_high; /* Clopper-Pearson at level, mapped the same way */
    double p_value;         /* P(X >= consistent | m(eta0)), exact */
    pm_decision decision;   /* the fixed-n rule's; where it is too-few but the sequential
                             * evidence on these pairs decides (sequential, after flags),
                             * that verdict */
    long gold_n;            /* labels on items with a gold label */
    long gold_agree;        /* ... equal to it */
    double gold_rate;       /* gold_agree / gold_n */
    double left_rate;       /* share of A/B labels with a known side that chose the left */
    double median_duration;
    unsigned flags;
    pm_seq_verdict sequential; /* the sequential rule on these pairs alone, one look at the
                                * end: pass when e_pass >= 1/alpha_pass, fail when e_fail >=
                                * 1/alpha_fail or below chance, else continue (also with no
                                * pairs or no signal) */
    double e_pass, e_fail;     /* L_n and 1/L_n, L_n the likelihood ratio of m(eta1) against
                                * m(eta0) at this row's q0 and delta; NaN with no pairs, no
                                * signal or m(eta1) = 1 (delta = 0 and eta1 = 1) */
    int below_chance;          /* the 95% confidence set for m at these pairs (pm_seq_cs_bounds,
                                * Jeffreys mixture) lies entirely below q0 */
    pm_action action;          /* pm_action_decide on the decision, flags and below_chance */
    const char *pair_outcomes; /* keep_pairs (or read back from a file that has them):
                                * "1101...", one character per pair in the order assess
                                * pairs them (see pm_assess_row_pairs), '1' when the two
                                * labels agree; NULL when not kept */
    /* Rankings (doc/assess.md, "Rankings"). For an annotator with ranking
     * labels dup_pairs / consistent count ONE unit per repeated ranking
     * (a pair of responses chosen by a hash of annotator, item and repeat
     * index; 1 when both rankings order it the same way), and the test,
     * interval, eta_hat and sequential evidence use those units; the
     * fields below describe the repeats and decide nothing. */
    long rank_labels;        /* ranking labels among labels */
    long rank_repeats;       /* repeated rankings (units among dup_pairs) */
    long rank_pairs;         /* sum over them of C(k, 2) */
    long rank_pairs_agree;   /* ... pairs the two rankings order the same way (ties kept) */
    double rank_consistency; /* mean over repeats of agreeing pairs / C(k, 2); NaN: none */
    double tau_b_mean;       /* mean Kendall tau-b over the repeats where it is defined */
    long tau_b_n;            /* ... their number (rank_repeats - tau_b_n had an all-tie
                              * ranking: tau-b undefined) */
} pm_assess_row;

/* Repeats. A record on a key seen before is one of three things:
 *   exact duplicate  it has a timestamp, and an earlier record of the key
 *                    has the same label and timestamp (compared with every
 *                    earlier record while the annotator's labels all carry
 *                    timestamps, else with the key's latest): one record
 *                    exported twice. Dropped and counted, never paired.
 *   timestamped re-label  it has a timestamp, and is no exact duplicate:
 *                    paired (timestamp order, see above).
 *   repeat without timestamp: paired with the key's previous record; an
 *                    "identical line" when that record had the same label,
 *                    shown_left and duration (and no timestamp either; by a
 *                    32-bit hash of them, with the label compared exactly),
 *                    which a log without timestamps cannot tell from a
 *                    consistent re-label. drop_identical drops those.
 * The repeat test asks whether the repeats without timestamp agree more
 * than re-labelling can: a careful annotator disagrees with probability
 * >= delta on every repeat, so X, the disagreements among an annotator's
 * N such pairs, has P(X <= x) <= pbinom(x, N, delta) (e.g. (1 - delta)^N
 * when none disagrees). Per annotator with N >= 1 that bound is the
 * p-value, Holm-adjusted across them; repeats_flagged counts the
 * annotators whose adjusted p <= alpha, repeats_p is the bound for all
 * such pairs pooled. A flagged log most likely holds duplicated export
 * lines, which overstate consistency: drop_identical (or a log with
 * timestamps) removes them. With delta = 0 nothing is ever flagged. */
typedef struct pm_assess_summary {
    long rows;         /* records added */
    long rows_skipped; /* set by the caller (the reader's skips) */
    long annotators;
    long items; /* distinct item keys */
    long keys;  /* distinct (annotator, item) keys */
    long pairs;
    long decisions[PM_DECISION_COUNT];
    long flags[PM_FLAG_COUNT];
    double delta; /* the delta used (estimated or given) */
    int delta_estimated;
    /* Delta estimate (delta_estimated only; NaN/0 otherwise): the annotators
     * whose consistency interval reaches the largest lower bound of any
     * eligible annotator (dup_pairs >= 1, two or more distinct labels) are
     * taken as careful (eta = 1, pass probability 1 - delta); delta is their
     * pooled disagreement, with its Clopper-Pearson interval at level. */
    double delta_low, delta_high;
    long delta_annotators, delta_pairs, delta_disagree;
    size_t bytes; /* memory held by the accumulator at finish */
    /* Repeats (see above); rows counts the dropped records too. */
    long pairs_timestamped; /* pairs whose later record has a timestamp */
    long pairs_untimed;     /* pairs whose later record has none ... */
    long pairs_identical;   /* ... of them identical lines */
    long untimed_disagree;  /* ... of them with different labels */
    long dup_dropped;       /* exact duplicate records dropped */
    long identical_dropped; /* identical lines dropped (drop_identical) */
    double repeats_p;       /* pbinom(untimed_disagree, pairs_untimed, delta); NaN when none */
    long repeats_flagged;   /* annotators whose repeats agree implausibly often */
} pm_assess_summary;

/** A new accumulator (opt NULL: defaults). NULL with PM_EINVAL for an option
 *  out of its domain (named in err), PM_ENOMEM. */
PM_API pm_assess *pm_assess_new(const pm_assess_options *opt, pm_error *err);
PM_API void pm_assess_free(pm_assess *a);

/** Add one label event. PM_EINVAL for a missing annotator/item/label or
 *  shown_left other than 'A'/'B'/0 ("file:line: what"; the event is not
 *  counted and the handle stays usable); PM_ENOMEM, or PM_ELIMIT past
 *  max_bytes or 2^32 - 2 keys, items or events (2^29 - 2 annotators), after
 *  which the handle can only be freed; PM_EINVAL after finish.
 *  max_bytes is checked before every event against what the handle holds
 *  (tables, strings, events, histograms, durations, and the reader's bytes
 *  given by pm_assess_set_reader_bytes) plus the key table's next doubling
 *  when this event may trigger it; any other one growth step (a string
 *  table, a 4 MiB event chunk) may pass it before the next check. */
PM_API pm_status pm_assess_add(pm_assess *a, const pm_record *r, pm_error *err);

/** Add recs[0..n) in order, as n calls of pm_assess_add would, but with
 *  the table lookups of 16 records in flight at once (their strings must
 *  all be valid for the call). *done counts the records added; on an error
 *  it is the index of the failing record. */
PM_API pm_status pm_assess_add_batch(pm_assess *a, const pm_record *recs, size_t n, size_t *done,
                                     pm_error *err);

/** Add every remaining record of the file open in r (pm_records_open), in
 *  order, as pm_assess_add_batch would, until its end. Errors are the
 *  reader's or pm_assess_add's; the records before the failing one are
 *  added. The reader's skip counts stay in r (pm_records_stats_get). */
PM_API pm_status pm_assess_read(pm_assess *a, pm_records *r, pm_error *err);

/** A size hint: room in the key table for `more_keys` distinct (annotator,
 *  item) keys beyond those held, made now, so that adding them does not
 *  grow the table on the way (each doubling, made in place, rehashes every
 *  key and zeroes the new half). Rows bound keys,
 *  so a caller that can estimate the rows to come (the CLI: file size over
 *  the bytes per line of its first block) passes that. The table then holds
 *  16 / 0.7..16 / 0.35 bytes per reserved key whether or not the keys
 *  come; with max_bytes set the reservation is cut to half of it. Changes
 *  no result. PM_ENOMEM (the handle stays usable), PM_EINVAL after finish. */
PM_API pm_status pm_assess_reserve(pm_assess *a, size_t more_keys, pm_error *err);

/** Memory held by whatever feeds this handle (pm_records_bytes: a Label
 *  Studio tree), counted against max_bytes from now on; pm_assess_read
 *  sets it itself. */
PM_API void pm_assess_set_reader_bytes(pm_assess *a, size_t bytes);

/** Compute the rows (once; sorted by annotator name, bytewise). PM_ELIMIT,
 *  before anything is computed (the handle stays as it was), when what
 *  finish allocates per annotator would take the memory held past
 *  max_bytes. On failure
 *  (PM_EINVAL when the delta estimate finds no eligible annotator,
 *  PM_EMODEL when a q0 given for everyone leaves 1 - delta <= q0 at the
 *  estimated delta: no effort signal, the same refusal pm_assess_new makes
 *  for a fixed delta; PM_ENOMEM) the handle can only be freed. */
PM_API pm_status pm_assess_finish(pm_assess *a, pm_error *err);

/** The rows after finish (NULL before), and their number. */
PM_API const pm_assess_row *pm_assess_rows(const pm_assess *a, size_t *count);
PM_API const pm_assess_summary *pm_assess_summary_get(const pm_assess *a);
PM_API const pm_assess_options *pm_assess_options_get(const pm_assess *a);
PM_API void pm_assess_set_rows_skipped(pm_assess *a, long skipped);

/* Pairs in order (keep_pairs). An annotator's labels are put in pairing
 * order: timestamp order (ties in input order) when every label of the
 * annotator has a timestamp, else input order; exact duplicates dropped
 * (see Repeats) are not among them. Label number pos (0-based) of that
 * order forms a pair with the previous label of the same item, if any:
 * the annotator's pairs in order are those of the labels in order, and
 * they are exactly the dup_pairs and consistent of the row. */
typedef struct pm_assess_pair {
    const char *item;
    int agree; /* 1 when the two labels are equal; for two rankings, when they agree on the
                  repeat's sampled pair of responses (the decisions' unit, doc/assess.md) */
    long pos;  /* the position of the pair's later label in the annotator's order */
    /* Two rankings only (a repeat of a ranking item; else 0, 0 and NaN): this repeat's
     * C(k, 2) pairs of responses, those both rankings order the same way (ties kept),
     * and Kendall's tau-b between them (NaN when either ranking is all ties). */
    long rank_pairs, rank_agree;
    double tau_b;
} pm_assess_pair;

/* One (annotator, item) key of this log: its first and last label in
 * pairing order (the first forms a pair across logs with the last label
 * a store holds for the key; the last is what the store keeps next). */
typedef struct pm_assess_key_labels {
    const char *item;
    const char *first_label, *last_label;
    long first_pos; /* the position of the first label in the annotator's order */
    long labels;    /* labels of this key in the log */
} pm_assess_key_labels;

/** The pairs of rows[row] in order (*n of them), after finish with
 *  keep_pairs; NULL with *n = 0 otherwise (or row out of range). */
PM_API const pm_assess_pair *pm_assess_row_pairs(const pm_assess *a, size_t row, size_t *n);

/** The keys of rows[row] ordered by first_pos (*n of them), after finish
 *  with keep_pairs; NULL with *n = 0 otherwise. */
PM_API const pm_assess_key_labels *pm_assess_row_keys(const pm_assess *a, size_t row, size_t *n);

/**
 * Write the assessment file, one JSON object:
 *   {"format":"prefmon-assessment","format_version":1,"parameters":{...},
 *    "summary":{...},"annotators":[{row fields..., "flags":[names]}]}
 * with "pair_outcomes":"1101..." in a row when it has them (keep_pairs);
 * reading back checks its length against dup_pairs and its count of '1'
 * against consistent. A row with kept ranking repeats also has
 * "pair_tau_b": [tau-b or null per pair, in the same order] (checked on
 * reading back: same length, each in [-1, 1] or null; not kept). NaN is written as null. `name` is
 * used in messages. The caller owns fp (and makes the replacement atomic). PM_EINVAL before finish,
 * PM_EIO.
 */
PM_API pm_status pm_assess_save_json(const pm_assess *a, FILE *fp, const char *name, pm_error *err);

/** pm_assess_save_json through a pm_writer (writer.h): the same bytes. */
PM_API pm_status pm_assess_save_json_to(const pm_assess *a, const pm_writer *w, const char *name,
                                        pm_error *err);

/** Read an assessment file back into a finished handle (*out, caller frees).
 *  Every field is checked: "path: annotators[3].consistent: what"
 *  (PM_EPARSE), PM_EIO when unreadable. */
PM_API pm_status pm_assess_load_json(const char *path, pm_assess **out, pm_error *err);

/** pm_assess_load_json for an assessment file already in memory,
 *  buf[0..len) (no NUL needed; the caller keeps buf). `name` stands for the
 *  path in messages (NULL: "<memory>"). The same bytes give the same
 *  handle, or the same error, as from a file. */
PM_API pm_status pm_assess_load_json_mem(const char *buf, size_t len, const char *name,
                                         pm_assess **out, pm_error *err);

PM_END_DECLS

#endif
