/*
** Corpus replay driver (after zstd's regression driver): runs
** LLVMFuzzerTestOneInput once on every file named on the command line, or on
** every regular file of a directory. Built by CMake as fuzz_<name>_replay
** and run by ctest over tests/fuzz/corpus/fuzz_<name>/, so the corpus is a
** regression suite without clang or libFuzzer. An invariant violation
** aborts; an empty or unreadable corpus is an error.
*/
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        perror(path);
        return -1;
    }
    size_t cap = 4096, len = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            fclose(fp);
            fprintf(stderr, "%s: out of memory\n", path);
            return -1;
        }
        len += fread(buf + len, 1, cap - len, fp);
        if (len < cap)
            break;
        uint8_t *nb = realloc(buf, 2 * cap);
        if (!nb)
            free(buf);
        buf = nb;
        cap *= 2;
    }
    int err = ferror(fp);
    fclose(fp);
    if (err) {
        fprintf(stderr, "%s: read error\n", path);
        free(buf);
        return -1;
    }
    /* A copy of exactly `len` bytes, so ASan sees reads past the input. */
    uint8_t *exact = malloc(len ? len : 1);
    if (!exact) {
        free(buf);
        return -1;
    }
    memcpy(exact, buf, len);
    free(buf);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    return 0;
}

static int run_path(const char *path, size_t *files)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        if (run_file(path) != 0)
            return -1;
        ++*files;
        return 0;
    }
    DIR *dir = opendir(path);
    if (!dir) {
        perror(path);
        return -1;
    }
    int rc = 0;
    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        size_t n = strlen(path) + strlen(de->d_name) + 2;
        char *full = malloc(n);
        if (!full) {
            rc = -1;
            break;
        }
        snprintf(full, n, "%s/%s", path, de->d_name);
        if (stat(full, &st) == 0 && S_ISREG(st.st_mode)) {
            if (run_file(full) != 0)
                rc = -1;
            else
                ++*files;
        }
        free(full);
    }
    closedir(dir);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
        return 2;
    }
    size_t files = 0;
    int rc = 0;
    for (int i = 1; i < argc; i++)
        if (run_path(argv[i], &files) != 0)
            rc = 1;
    if (files == 0) {
        fprintf(stderr, "%s: no corpus files found\n", argv[0]);
        return 1;
    }
    printf("%s: replayed %zu inputs\n", argv[0], files);
    return rc;
}
