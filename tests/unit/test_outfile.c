/* pm_outfile: complete or absent output, links written through, devices
 * written directly, permissions of a normal create. */
/* mknod() and S_IFCHR are XSI. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cmocka.h>

#include "prefmon/outfile.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/pm-outfile.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static pm_status write_text(const char *path, const char *text, pm_error *err)
{
    pm_outfile *of;
    pm_status st = pm_outfile_open(path, &of, err);
    if (st != PM_OK)
        return st;
    fputs(text, pm_outfile_stream(of));
    return pm_outfile_commit(of, err);
}

static void read_text(const char *path, char *buf, size_t size)
{
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    size_t n = fread(buf, 1, size - 1, fp);
    buf[n] = 0;
    fclose(fp);
}

/* Files in dir other than the ones named: a temporary left behind. */
static int stray_files(void)
{
    char cmd[160];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | grep -q tmp", dir);
    return system(cmd) == 0;
}

static void test_new_file_mode_follows_umask(void **state)
{
    (void)state;
    static const mode_t masks[] = {022, 077, 0};
    for (size_t i = 0; i < 3; i++) {
        char path[128], buf[64];
        struct stat st;
        snprintf(path, sizeof path, "%s/new%zu", dir, i);
        mode_t old = umask(masks[i]);
        assert_int_equal(write_text(path, "hello\n", NULL), PM_OK);
        umask(old);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0666 & ~masks[i]);
        read_text(path, buf, sizeof buf);
        assert_string_equal(buf, "hello\n");
    }
    assert_false(stray_files());
}

static void test_existing_file_keeps_mode(void **state)
{
    (void)state;
    char path[128], buf[64];
    struct stat st;
    snprintf(path, sizeof path, "%s/keep", dir);
    assert_int_equal(write_text(path, "old\n", NULL), PM_OK);
    assert_int_equal(chmod(path, 0640), 0);
    mode_t old = umask(077);
    assert_int_equal(write_text(path, "new\n", NULL), PM_OK);
    umask(old);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640);
    read_text(path, buf, sizeof buf);
    assert_string_equal(buf, "new\n");
}

static void test_symlink_target_replaced(void **state)
{
    (void)state;
    char target[128], link[128], buf[64];
    struct stat st;
    snprintf(target, sizeof target, "%s/target", dir);
    snprintf(link, sizeof link, "%s/link", dir);
    assert_int_equal(write_text(target, "before\n", NULL), PM_OK);
    assert_int_equal(symlink("target", link), 0);
    assert_int_equal(write_text(link, "after\n", NULL), PM_OK);
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    read_text(target, buf, sizeof buf);
    assert_string_equal(buf, "after\n");
    /* A link to nothing is refused, and nothing is created. */
    char dangling[128];
    snprintf(dangling, sizeof dangling, "%s/dangling", dir);
    assert_int_equal(symlink("missing", dangling), 0);
    pm_error err = {0};
    assert_int_equal(write_text(dangling, "x\n", &err), PM_EIO);
    assert_non_null(strstr(err.text, "missing file"));
    char missing[128];
    snprintf(missing, sizeof missing, "%s/missing", dir);
    assert_int_equal(access(missing, F_OK), -1);
}

/* As root a regression would replace the system's /dev/null and /dev/full
 * with regular files: use our own nodes of the same devices then. */
static void device(char *path, size_t size, const char *name, unsigned minor)
{
    snprintf(path, size, "%s/%s", dir, name);
    if (geteuid() != 0 || mknod(path, S_IFCHR | 0666, makedev(1, minor)) != 0)
        snprintf(path, size, "/dev/%s", name);
}

static void test_devices_written_through(void **state)
{
    (void)state;
    pm_error err = {0};
    struct stat st;
    char null[128], full[128];
    device(null, sizeof null, "null", 3);
    device(full, sizeof full, "full", 7);
    assert_int_equal(write_text(null, "x\n", NULL), PM_OK);
    assert_int_equal(stat(null, &st), 0);
    assert_true(S_ISCHR(st.st_mode)); /* still the device, not a file */
    pm_outfile *of;
    assert_int_equal(pm_outfile_open(full, &of, NULL), PM_OK);
    fputs("x\n", pm_outfile_stream(of));
    assert_int_equal(pm_outfile_commit(of, &err), PM_EIO);
    assert_non_null(strstr(err.text, strerror(ENOSPC)));
}

/* A failed or abandoned write leaves the old content and no temporary. */
static void test_abort_leaves_old_file(void **state)
{
    (void)state;
    char path[128], buf[64];
    snprintf(path, sizeof path, "%s/kept", dir);
    assert_int_equal(write_text(path, "old\n", NULL), PM_OK);
    pm_outfile *of;
    assert_int_equal(pm_outfile_open(path, &of, NULL), PM_OK);
    fputs("partial", pm_outfile_stream(of));
    pm_outfile_abort(of);
    read_text(path, buf, sizeof buf);
    assert_string_equal(buf, "old\n");
    assert_false(stray_files());
    pm_error err = {0};
    assert_int_equal(write_text(dir, "x", &err), PM_EIO);
    assert_non_null(strstr(err.text, "directory"));
}

/* pm_path_same: the same file however it is spelled, existing or not. */
static void test_path_same(void **state)
{
    (void)state;
    char a[128], b[128], sub[96], lnk[96];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    assert_int_equal(mkdir(sub, 0777), 0);
    snprintf(lnk, sizeof lnk, "%s/lnk", dir);
    assert_int_equal(symlink("sub", lnk), 0);

    /* Neither exists: the parent's real path plus the name. */
    snprintf(a, sizeof a, "%s/pl.jsonl", dir);
    snprintf(b, sizeof b, "%s/./pl.jsonl", dir);
    assert_true(pm_path_same(a, b));
    snprintf(b, sizeof b, "%s/sub/../pl.jsonl", dir);
    assert_true(pm_path_same(a, b));
    snprintf(a, sizeof a, "%s/sub/nx.csv", dir);
    snprintf(b, sizeof b, "%s/lnk/nx.csv", dir);
    assert_true(pm_path_same(a, b)); /* through a linked directory */
    snprintf(b, sizeof b, "%s/lnk/ny.csv", dir);
    assert_false(pm_path_same(a, b));
    snprintf(b, sizeof b, "%s/nx.csv", dir);
    assert_false(pm_path_same(a, b));

    /* One exists, the other not: never the same. */
    assert_int_equal(write_text(a, "x", NULL), PM_OK);
    assert_false(pm_path_same(a, b));
    /* Both exist: device and inode, so a hard link is the same file. */
    snprintf(b, sizeof b, "%s/hard.csv", dir);
    assert_int_equal(link(a, b), 0);
    assert_true(pm_path_same(a, b));
    snprintf(b, sizeof b, "%s/lnk/nx.csv", dir);
    assert_true(pm_path_same(a, b));

    /* A missing parent is compared as given. */
    assert_true(pm_path_same("/nonexistent-dir/x", "/nonexistent-dir/x"));
    assert_false(pm_path_same("/nonexistent-dir/x", "/nonexistent-dir/./x"));
    assert_false(pm_path_same(NULL, a));
    assert_false(pm_path_same(a, NULL));

    /* A relative name against the absolute one (the cwd is resolved). */
    char cwd[512], rel[600];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(sub), 0);
    snprintf(rel, sizeof rel, "%s/sub/new.csv", dir);
    assert_true(pm_path_same("new.csv", rel));
    assert_true(pm_path_same("./new.csv", "../sub/new.csv"));
    assert_int_equal(chdir(cwd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_file_mode_follows_umask),
        cmocka_unit_test(test_existing_file_keeps_mode),
        cmocka_unit_test(test_symlink_target_replaced),
        cmocka_unit_test(test_devices_written_through),
        cmocka_unit_test(test_abort_leaves_old_file),
        cmocka_unit_test(test_path_same),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
