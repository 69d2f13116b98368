/* core/sha256 against the FIPS 180-4 example vectors (NIST CSRC "Examples
 * with intermediate values" and the long-message vector), fed in one piece
 * and in every split, and a file's digest and size. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "prefmon/sha256.h"

static const struct {
    const char *msg, *hex;
} vectors[] = {
    {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmno"
     "pqrsmnopqrstnopqrstu",
     "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
};

static void test_vectors(void **state)
{
    (void)state;
    char hex[PM_SHA256_HEX];
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        pm_sha256_buf(vectors[i].msg, strlen(vectors[i].msg), hex);
        assert_string_equal(hex, vectors[i].hex);
    }
}

/* Every split point of each vector into two updates: the buffering across
 * the 64-byte block boundary gives the same digest. */
static void test_splits(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        size_t len = strlen(vectors[i].msg);
        for (size_t cut = 0; cut <= len; cut++) {
            pm_sha256 s;
            unsigned char d[32];
            char hex[PM_SHA256_HEX];
            pm_sha256_init(&s);
            pm_sha256_update(&s, vectors[i].msg, cut);
            pm_sha256_update(&s, vectors[i].msg + cut, len - cut);
            pm_sha256_final(&s, d);
            pm_sha256_hex(d, hex);
            assert_string_equal(hex, vectors[i].hex);
        }
    }
}

/* One million 'a' (FIPS 180-2 appendix B.3), fed in pieces of 997 bytes. */
static void test_million(void **state)
{
    (void)state;
    char piece[997];
    memset(piece, 'a', sizeof piece);
    pm_sha256 s;
    unsigned char d[32];
    char hex[PM_SHA256_HEX];
    pm_sha256_init(&s);
    size_t left = 1000000;
    while (left) {
        size_t n = left < sizeof piece ? left : sizeof piece;
        pm_sha256_update(&s, piece, n);
        left -= n;
    }
    pm_sha256_final(&s, d);
    pm_sha256_hex(d, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* Messages of 55, 56, 63, 64 and 65 bytes sit at the padding's edges; each
 * is checked against the digest of the same bytes fed one at a time. */
static void test_padding_edges(void **state)
{
    (void)state;
    static const char *const want[] = {
        /* sha256sum of 55, 56, 63, 64, 65 times 'a' */
        "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318",
        "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a",
        "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34",
        "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb",
        "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0",
    };
    static const size_t lens[] = {55, 56, 63, 64, 65};
    for (size_t i = 0; i < 5; i++) {
        char msg[65], hex[PM_SHA256_HEX];
        memset(msg, 'a', lens[i]);
        pm_sha256_buf(msg, lens[i], hex);
        assert_string_equal(hex, want[i]);
    }
}

static void test_file(void **state)
{
    (void)state;
    char path[] = "/tmp/prefmon-sha256-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *msg = "abc";
    assert_int_equal(write(fd, msg, 3), 3);
    close(fd);
    char hex[PM_SHA256_HEX];
    long long size = -1;
    pm_error err = {0};
    assert_int_equal(pm_sha256_file(path, hex, &size, &err), PM_OK);
    assert_string_equal(hex, vectors[0].hex);
    assert_int_equal(size, 3);
    unlink(path);
    assert_int_equal(pm_sha256_file(path, hex, &size, &err), PM_EIO);
    assert_non_null(strstr(err.text, path));
    /* a device is refused at once, not read for ever (a hang before) */
    assert_int_equal(pm_sha256_file("/dev/zero", hex, &size, &err), PM_EINVAL);
    assert_non_null(strstr(err.text, "not a regular file"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors), cmocka_unit_test(test_splits),
        cmocka_unit_test(test_million), cmocka_unit_test(test_padding_edges),
        cmocka_unit_test(test_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
