/* core/hash: pmx_hash_bytes must give exactly the values of its first,
 * portable form (four 32-bit products per multiply, the tail read a byte at
 * a time), which is transcribed below as the reference: the fast form (one
 * 128-bit multiply, the tail in one load) is an optimisation, not a new
 * hash, so no table layout anywhere changes with it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/hash.h"

static uint64_t ref_mix(uint64_t a, uint64_t b)
{
    uint64_t al = a & 0xffffffffu, ah = a >> 32, bl = b & 0xffffffffu, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);
    uint64_t lo = (ll & 0xffffffffu) | (mid << 32);
    uint64_t hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
    return lo ^ hi;
}

static uint64_t ref_hash(const unsigned char *p, size_t len)
{
    const uint64_t k0 = 0xa0761d6478bd642fULL, k1 = 0xe7037ed1a0b428dbULL;
    uint64_t h = k0 ^ (uint64_t)len;
    while (len >= 8) {
        uint64_t w = 0;
        for (int i = 0; i < 8; i++)
            w |= (uint64_t)p[i] << (8 * i);
        h = ref_mix(h ^ w, k1);
        p += 8;
        len -= 8;
    }
    uint64_t tail = 0;
    for (size_t i = 0; i < len; i++)
        tail |= (uint64_t)p[i] << (8 * i);
    h = ref_mix(h ^ tail, k1 ^ (uint64_t)len);
    return pmx_hash_u64(h);
}

static void test_hash_matches_reference(void **state)
{
    (void)state;
    unsigned char buf[80];
    uint64_t x = 0x9E3779B97F4A7C15u;
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        size_t len = (size_t)(x % 70), off = (size_t)((x >> 8) % 8);
        for (size_t k = 0; k < len; k++)
            buf[off + k] = (unsigned char)((x >> (k % 56)) * 31 + k);
        /* A string at every alignment; bytes after it must not matter. */
        buf[off + len] = (unsigned char)i;
        uint64_t got = pmx_hash_bytes(buf + off, len), want = ref_hash(buf + off, len);
        if (got != want)
            fail_msg("length %zu: %016llx, reference %016llx", len, (unsigned long long)got,
                     (unsigned long long)want);
    }
    /* Fixed values (printed by the portable form before the fast one
     * existed), so that a change of the reference itself shows too. */
    assert_true(pmx_hash_bytes("", 0) == 0x4e6ae996bbe44404u);
    assert_true(pmx_hash_bytes("item-0156619", 12) == 0x17bf365ca727af31u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash_matches_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
