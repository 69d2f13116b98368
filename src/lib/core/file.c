/* Opening input files (core/file.h). */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "core/file.h"

FILE *pmx_open_input(const char *path, pm_error *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        pm_error_at(err, PM_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    struct stat sb;
    if (fstat(fileno(fp), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        fclose(fp);
        pm_error_at(err, PM_EIO, path, 0, 0, "is a directory");
        return NULL;
    }
    return fp;
}
