/*
** prefmon — SHA-256 (FIPS 180-4), for naming the files a history batch was
** imported from (prefmon/history.h) and the payment uploads in its ledger.
**
** Ownership: pm_sha256 is a plain value owned by the caller; every function
** writes into caller-owned memory and allocates nothing.
*/
#ifndef PREFMON_SHA256_H
#define PREFMON_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "prefmon/export.h"
#include "prefmon/status.h"

PM_BEGIN_DECLS

/** Room for the hex form of a digest with its NUL (64 + 1). */
#define PM_SHA256_HEX 65

/** A running hash: pm_sha256_init, any number of updates, pm_sha256_final. */
typedef struct pm_sha256 {
    uint32_t h[8];
    uint64_t bytes; /* message length so far */
    unsigned char buf[64];
    size_t used; /* bytes in buf */
} pm_sha256;

PM_API void pm_sha256_init(pm_sha256 *s);
PM_API void pm_sha256_update(pm_sha256 *s, const void *data, size_t len);
/** The 32-byte digest; s must be initialised again before reuse. */
PM_API void pm_sha256_final(pm_sha256 *s, unsigned char digest[32]);

/** Lower-case hex of a 32-byte digest into hex[PM_SHA256_HEX]. */
PM_API void pm_sha256_hex(const unsigned char digest[32], char hex[PM_SHA256_HEX]);

/** The hex digest of len bytes at data. */
PM_API void pm_sha256_buf(const void *data, size_t len, char hex[PM_SHA256_HEX]);

/** The hex digest and size in bytes of the file at path (size may be NULL).
 *  PM_EIO naming the file when it cannot be opened or read; PM_EINVAL when
 *  it is not a regular file (a device or a pipe: /dev/zero would be read
 *  for ever, and a pipe read here is gone for the reader after). */
PM_API pm_status pm_sha256_file(const char *path, char hex[PM_SHA256_HEX], long long *size,
                                pm_error *err);

PM_END_DECLS

#endif
