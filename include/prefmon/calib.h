/*
** prefmon — preference probabilities from a preference dataset, as the
** paper builds them (arXiv 2502.06387, appendix "Dataset and Preference
** Probability"; the authors' build_dataset / get_data / calibration_module):
**
**   1. p = sigmoid(chosen_score - rejected_score) per row (pm_prefs reads
**      it; pm_prefs_raw_values gives it unfolded);
**   2. a seeded split: shuffle, the first floor(N/2) items are the "eval"
**      half, the rest the "train" half;
**   3. a random orientation per item: flip ~ Bernoulli(1/2), label = 1 -
**      flip (1 when y1 is the dataset's chosen response), score = |flip - p|
**      (P(y1 > y2) after the possible swap);
**   4. optionally, histogram-binning calibration (Zadrozny & Elkan 2001)
**      fitted on the train half and applied to the eval half: sort the
**      train scores, split them into B nearly equal chunks (numpy's
**      array_split: the first N mod B chunks hold one more), boundary i =
**      midpoint of chunk i's last and chunk i+1's first score, the last
**      boundary is 1.0, bin value = mean label of the chunk; a score is
**      predicted by the bin of searchsorted(boundaries, score, 'left');
**   5. the eval half's probabilities folded to max(p, 1 - p) >= 1/2, and the
**      majority-side expert's alignment coefficient cbar = 2 mean |p - 1/2|
**      (pm_cbar).
**
** The shuffle and the flips use prefmon's generator (include/prefmon/rng.h),
** not numpy's: the procedure is the authors', the particular split is not
** (their seed 42 under numpy's generator picks other items). Stream 0 of
** the seed draws the shuffle (Fisher–Yates from the last position), stream 1
** the flips, one per item in input order (flip = top bit of one output).
**
** Ownership: result arrays are malloc'd by pm_calib_run and freed by
** pm_calib_result_free; inputs are borrowed for the call. Pure, no global
** state, thread-safe.
*/
#ifndef PREFMON_CALIB_H
#define PREFMON_CALIB_H

#include <stddef.h>
#include <stdint.h>

#include "prefmon/export.h"
#include "prefmon/status.h"

PM_BEGIN_DECLS

#define PM_CALIB_DEFAULT_BINS 30 /* the paper's 30 bins */
#define PM_CALIB_MAX_BINS 1000   /* histogram bins, a sanity cap */
#define PM_CALIB_DEFAULT_SEED 42 /* the authors' seed (under another generator) */
#define PM_CALIB_RELIABILITY_BINS 10

/** perm = a permutation of 0..n-1 drawn from stream 0 of seed; the eval
 *  half is perm[0 .. n/2), the train half perm[n/2 .. n). */
PM_API void pm_calib_shuffle(size_t n, uint64_t seed, size_t *perm);

/** Orientation of each item i (input order) from stream 1 of seed:
 *  label[i] = 1 - flip, score[i] = |flip - p[i]|. */
PM_API void pm_calib_orient(const double *p, size_t n, uint64_t seed, double *score,
                            unsigned char *label);

/** A fitted histogram-binning calibrator: bin i covers scores up to
 *  upper[i] (upper[bins-1] = 1.0) and predicts value[i]. */
typedef struct pm_histbin {
    int bins;
    double upper[PM_CALIB_MAX_BINS];
    double value[PM_CALIB_MAX_BINS];
    size_t count[PM_CALIB_MAX_BINS]; /* training items in the chunk */
} pm_histbin;

/** Fit on n (score, label) pairs. PM_EINVAL unless 1 <= bins <=
 *  PM_CALIB_MAX_BINS, n >= bins (every chunk non-empty) and every score is
 *  in [0, 1]; PM_ENOMEM. */
PM_API pm_status pm_histbin_fit(const double *score, const unsigned char *label, size_t n, int bins,
                                pm_histbin *h, pm_error *err);

/** The calibrated probability of a score in [0, 1]. */
PM_API double pm_histbin_predict(const pm_histbin *h, double score);

/** One bin of a reliability table: predictions in [lo, hi) (the last bin
 *  includes 1), their mean, the observed frequency of label 1 among them
 *  and their count (mean and frequency NaN when the bin is empty). */
typedef struct pm_reliability_bin {
    double lo, hi;
    size_t count;
    double mean_pred, freq;
} pm_reliability_bin;

/** Equal-width reliability table of `bins` bins over [0, 1] into out[0..bins).
 *  PM_EINVAL unless bins >= 1 and every prediction is in [0, 1]. */
PM_API pm_status pm_reliability(const double *pred, const unsigned char *label, size_t n, int bins,
                                pm_reliability_bin *out, pm_error *err);

typedef struct pm_calib_opts {
    uint64_t seed; /* split and orientation */
    int calibrate; /* fit histogram binning on the train half */
    int bins;      /* histogram bins (default 30) */
    int rel_bins;  /* reliability-table bins (default 10) */
} pm_calib_opts;

/** seed 42, no calibration, 30 bins, 10 reliability bins. */
PM_API void pm_calib_opts_default(pm_calib_opts *o);

typedef struct pm_calib_result {
    size_t n_total, n_eval, n_train;
    int calibrated;
    double *p_eval;   /* eval half, folded to >= 1/2, calibrated when asked */
    double mean_p;    /* mean of p_eval */
    double cbar;      /* 2 mean |p_eval - 1/2| */
    pm_histbin *hist; /* the fitted calibrator, NULL without calibration */
    int rel_bins;
    /* Reliability on the eval half, oriented scores against labels: raw
     * scores (before) and calibrated ones (after; NULL without calibration). */
    pm_reliability_bin *before, *after;
} pm_calib_result;

/** Steps 2-5 on the unfolded probabilities p[0..n). PM_EINVAL when n < 2,
 *  a value is outside [0, 1], or calibration is asked with fewer training
 *  items than bins; PM_ENOMEM. On failure *r holds nothing to free. */
PM_API pm_status pm_calib_run(const double *p, size_t n, const pm_calib_opts *o, pm_calib_result *r,
                              pm_error *err);

PM_API void pm_calib_result_free(pm_calib_result *r);

PM_END_DECLS

#endif
