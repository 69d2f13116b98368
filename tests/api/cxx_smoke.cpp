// The umbrella header from C++ (ctest `headers`): it compiles with
// -pedantic, and the calls link against the C library only when every
// header wraps its declarations in extern "C" (PM_BEGIN_DECLS).
#include <cmath>
#include <cstdio>

#include "prefmon/prefmon.h"

int main()
{
    pm_error err = pm_error();
    // P(X <= 2) for X ~ Bin(5, 1/2) is (1 + 5 + 10) / 32.
    double p = pm_pbinom(2, 5, 0.5, 1, 0);
    if (pm_version_number() != PM_VERSION_NUMBER || std::fabs(p - 16.0 / 32) > 1e-15) {
        std::fprintf(stderr, "cxx: version %lu, pbinom(2, 5, 0.5) = %g\n", pm_version_number(), p);
        return 1;
    }
    if (pm_error_set(&err, PM_EINVAL, "x = %d", 3) != PM_EINVAL) {
        std::fprintf(stderr, "cxx: pm_error_set\n");
        return 1;
    }
    std::printf("%s %s\n", pm_version(), err.text);
    return 0;
}
