/*
** prefmon — a seeded pseudo-random generator with independent streams.
**
** The generator is xoshiro256** 1.0 (Blackman & Vigna, "Scrambled linear
** pseudorandom number generators", ACM TOMS 47(4), 2021; reference code
** prng.di.unimi.it/xoshiro256starstar.c), transcribed unchanged:
**   - pm_rng_seed fills the 256-bit state with four consecutive outputs of
**     SplitMix64 (prng.di.unimi.it/splitmix64.c) started at the seed, as the
**     authors recommend; a seed never gives the all-zero state.
**   - Streams are made by JUMPING, not by re-seeding: pm_rng_jump advances
**     the state by 2^128 steps (the reference jump polynomial), so stream j
**     (the seed's state jumped j times) is a non-overlapping block of 2^128
**     outputs of one sequence. Independence of streams is therefore a
**     property of the sequence, not a hope about hash collisions.
**     pm_rng_stream(seed, j) costs j jumps (256 steps each); a caller that
**     walks streams in order copies the previous stream and jumps once.
** Everything is deterministic under the seed and the same on every
** platform (64-bit unsigned arithmetic only; no floating point in the
** integer draws).
**
** Ownership: pm_rng is a plain value owned by the caller; no global state.
** Not thread-safe per value (each thread owns its own stream).
*/
#ifndef PREFMON_RNG_H
#define PREFMON_RNG_H

#include <stdint.h>

#include "prefmon/export.h"

PM_BEGIN_DECLS

typedef struct pm_rng {
    uint64_t s[4];
} pm_rng;

/** The name recorded in outputs so that a run can be reproduced. */
#define PM_RNG_NAME "xoshiro256** 1.0, SplitMix64-seeded, stream j = 2^128 * j jump"

/** One SplitMix64 step: advances *x and returns the next output. */
PM_API uint64_t pm_splitmix64(uint64_t *x);

/** State from a 64-bit seed (SplitMix64 expansion). */
PM_API void pm_rng_seed(pm_rng *r, uint64_t seed);

/** Stream `stream` of `seed`: pm_rng_seed then `stream` jumps. */
PM_API void pm_rng_stream(pm_rng *r, uint64_t seed, uint64_t stream);

/** Next 64-bit output (the reference next()). */
PM_API uint64_t pm_rng_next(pm_rng *r);

/** Advance by 2^128 outputs (the reference jump()). */
PM_API void pm_rng_jump(pm_rng *r);

/** Advance by 2^192 outputs (the reference long_jump()). */
PM_API void pm_rng_long_jump(pm_rng *r);

/** Uniform integer in [0, bound), exactly unbiased (rejection of the lowest
 *  2^64 mod bound values, then modulo, as OpenBSD arc4random_uniform);
 *  bound 0 returns 0. */
PM_API uint64_t pm_rng_below(pm_rng *r, uint64_t bound);

/** Uniform double in [0, 1) with 53 random bits: (next >> 11) * 2^-53. */
PM_API double pm_rng_unit(pm_rng *r);

PM_END_DECLS

#endif
