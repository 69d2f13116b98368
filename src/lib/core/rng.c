/*
** xoshiro256** 1.0 and SplitMix64, transcribed from the public-domain
** reference code by David Blackman and Sebastiano Vigna
** (prng.di.unimi.it/xoshiro256starstar.c, prng.di.unimi.it/splitmix64.c).
*/
#include "prefmon/rng.h"

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t pm_splitmix64(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

void pm_rng_seed(pm_rng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = pm_splitmix64(&x);
}

void pm_rng_stream(pm_rng *r, uint64_t seed, uint64_t stream)
{
    pm_rng_seed(r, seed);
    for (uint64_t j = 0; j < stream; j++)
        pm_rng_jump(r);
}

uint64_t pm_rng_next(pm_rng *r)
{
    uint64_t *s = r->s;
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* The reference jump: the state after 2^k steps is a GF(2)-linear function
 * of the current one, given by the polynomial's bits. */
static void jump_by(pm_rng *r, const uint64_t poly[4])
{
    uint64_t acc[4] = {0, 0, 0, 0};
    for (int i = 0; i < 4; i++)
        for (int b = 0; b < 64; b++) {
            if (poly[i] & (UINT64_C(1) << b))
                for (int w = 0; w < 4; w++)
                    acc[w] ^= r->s[w];
            pm_rng_next(r);
        }
    for (int w = 0; w < 4; w++)
        r->s[w] = acc[w];
}

void pm_rng_jump(pm_rng *r)
{
    static const uint64_t JUMP[4] = {UINT64_C(0x180ec6d33cfd0aba), UINT64_C(0xd5a61266f0c9392c),
                                     UINT64_C(0xa9582618e03fc9aa), UINT64_C(0x39abdc4529b1661c)};
    jump_by(r, JUMP);
}

void pm_rng_long_jump(pm_rng *r)
{
    static const uint64_t LONG_JUMP[4] = {
        UINT64_C(0x76e15d3efefdcbbf), UINT64_C(0xc5004e441c522fb3), UINT64_C(0x77710069854ee241),
        UINT64_C(0x39109bb02acbe635)};
    jump_by(r, LONG_JUMP);
}

uint64_t pm_rng_below(pm_rng *r, uint64_t bound)
{
    if (bound == 0)
        return 0;
    /* Reject the lowest (2^64 mod bound) outputs so that every residue is
     * hit by exactly floor(2^64 / bound) values. */
    uint64_t threshold = (0 - bound) % bound;
    for (;;) {
        uint64_t x = pm_rng_next(r);
        if (x >= threshold)
            return x % bound;
    }
}

double pm_rng_unit(pm_rng *r)
{
    return (double)(pm_rng_next(r) >> 11) * 0x1.0p-53;
}
