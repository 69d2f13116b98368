/* Output files written completely or not at all (see prefmon/outfile.h). */
/* realpath() is XSI. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "prefmon/outfile.h"

struct pm_outfile {
    FILE *fp;
    char *target; /* the file replaced on commit (a link's resolved target) */
    char *tmp;    /* NULL when writing through (devices, FIFOs, sockets) */
};

static void outfile_free(pm_outfile *of)
{
    free(of->target);
    free(of->tmp);
    free(of);
}

/* Create a fresh file next to target with mode 0666: open() applies the
 * umask, so the permissions are what a plain create would give. The name
 * is made unique by O_EXCL and a retry, not by a counter (no global state). */
static int create_temp(pm_outfile *of)
{
    size_t len = strlen(of->target) + 48;
    of->tmp = malloc(len);
    if (!of->tmp)
        return -1;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    for (unsigned attempt = 0; attempt < 100; attempt++) {
        unsigned long tag = (unsigned long)ts.tv_nsec * 2654435761UL + attempt * 40503UL;
        snprintf(of->tmp, len, "%s.tmp%ld.%lx", of->target, (long)getpid(), tag & 0xffffffUL);
        int fd = open(of->tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
        if (fd >= 0)
            return fd;
        if (errno != EEXIST)
            return -1;
    }
    return -1;
}

pm_status pm_outfile_open(const char *path, pm_outfile **out, pm_error *err)
{
    if (!path || !out)
        return pm_error_set(err, PM_EINVAL, "pm_outfile_open: NULL argument");
    if (!*path)
        return pm_error_set(err, PM_EINVAL, "empty path"); /* the caller names the option */
    pm_outfile *of = calloc(1, sizeof *of);
    if (!of)
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    struct stat st, lst;
    int exists = stat(path, &st) == 0;
    int fd = -1;
    if (!exists && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
        outfile_free(of);
        return pm_error_set(err, PM_EIO,
                            "%s: a symbolic link to a missing file; give the target's path", path);
    }
    if (exists && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) {
            outfile_free(of);
            return pm_error_set(err, PM_EIO, "%s: is a directory", path);
        }
        /* A device, FIFO or socket: write through, nothing to rename. */
        of->target = strdup(path);
        fd = of->target ? open(path, O_WRONLY) : -1;
    } else {
        /* A regular file (through any links) or a new path. */
        of->target = exists ? realpath(path, NULL) : strdup(path);
        fd = of->target ? create_temp(of) : -1;
        if (fd >= 0 && exists && fchmod(fd, st.st_mode & 07777) != 0) {
            int e = errno;
            close(fd);
            unlink(of->tmp);
            errno = e;
            fd = -1;
        }
    }
    if (fd >= 0 && !(of->fp = fdopen(fd, "w")))
        close(fd);
    if (!of->fp) {
        pm_status st2 = pm_error_set(err, PM_EIO, "%s: %s", path, strerror(errno));
        if (of->tmp && fd >= 0)
            unlink(of->tmp);
        outfile_free(of);
        return st2;
    }
    *out = of;
    return PM_OK;
}

FILE *pm_outfile_stream(pm_outfile *of)
{
    return of ? of->fp : NULL;
}

pm_status pm_outfile_commit(pm_outfile *of, pm_error *err)
{
    if (!of)
        return pm_error_set(err, PM_EINVAL, "pm_outfile_commit: NULL handle");
    int bad = ferror(of->fp) || fflush(of->fp) != 0;
    int e = errno;
    /* fsync only regular files: a device or FIFO may refuse it. */
    if (!bad && of->tmp && fsync(fileno(of->fp)) != 0) {
        bad = 1;
        e = errno;
    }
    if (fclose(of->fp) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    if (!bad && of->tmp && rename(of->tmp, of->target) != 0) {
        bad = 1;
        e = errno;
    }
    pm_status st = PM_OK;
    if (bad) {
        st = pm_error_set(err, PM_EIO, "%s: %s", of->target, strerror(e ? e : EIO));
        if (of->tmp)
            unlink(of->tmp);
    }
    outfile_free(of);
    return st;
}

void pm_outfile_abort(pm_outfile *of)
{
    if (!of)
        return;
    fclose(of->fp);
    if (of->tmp)
        unlink(of->tmp);
    outfile_free(of);
}

/* PATH resolved as far as the file system allows: realpath of the whole
 * path when it exists (links followed), else realpath of its parent plus
 * the final name; NULL when neither resolves (or out of memory). */
static char *resolve(const char *path)
{
    char *r = realpath(path, NULL);
    if (r)
        return r;
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/')
        len--; /* "x/" names x */
    size_t slash = len;
    while (slash > 0 && path[slash - 1] != '/')
        slash--;
    const char *name = path + slash;
    size_t nlen = len - slash;
    if (nlen == 0 || (nlen == 1 && name[0] == '.') || (nlen == 2 && !strncmp(name, "..", 2)))
        return NULL; /* "." or ".." of a missing directory: nothing to compare */
    char *dir = slash == 0 ? strdup(".") : strndup(path, slash);
    char *rdir = dir ? realpath(dir, NULL) : NULL;
    free(dir);
    if (!rdir)
        return NULL;
    size_t dlen = strlen(rdir);
    r = malloc(dlen + nlen + 2);
    if (r) {
        memcpy(r, rdir, dlen);
        size_t at = dlen;
        if (dlen == 0 || rdir[dlen - 1] != '/')
            r[at++] = '/';
        memcpy(r + at, name, nlen);
        r[at + nlen] = '\0';
    }
    free(rdir);
    return r;
}

int pm_path_same(const char *a, const char *b)
{
    if (!a || !b)
        return 0;
    if (!strcmp(a, b))
        return 1;
    struct stat sa, sb;
    int ea = stat(a, &sa) == 0, eb = stat(b, &sb) == 0;
    if (ea && eb)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    char *ra = resolve(a), *rb = resolve(b);
    int same = ra && rb && !strcmp(ra, rb);
    free(ra);
    free(rb);
    return same;
}
