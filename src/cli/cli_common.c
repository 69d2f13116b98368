/* Shared CLI plumbing: messages, exit codes, strict numbers and choices. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"
#include "prefmon/status.h"
#include "prefmon/text.h"

const char *cli_cmd = "";

/* The columns of the terminal on stderr, 0 when stderr is no terminal. */
static int term_width(void)
{
    struct winsize ws;
    if (!isatty(STDERR_FILENO))
        return 0;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
        return ws.ws_col;
    return 80;
}

/* s on stderr, broken at spaces so that no line passes `width` columns
 * (a word longer than a line, a path say, is left whole); the lines after
 * the first are indented by two spaces. For a person at a terminal only:
 * a message to a file or a pipe stays one line, for grep. */
static void put_wrapped(const char *s, int width)
{
    size_t w = (size_t)width, col = 0;
    while (*s) {
        size_t word = strcspn(s, " ");
        if (col > 0 && col + 1 + word > w) {
            fputs("\n  ", stderr);
            col = 2;
        } else if (col > 0) {
            fputc(' ', stderr);
            col++;
        }
        fwrite(s, 1, word, stderr);
        col += word;
        s += word;
        while (*s == ' ')
            s++;
    }
    fputc('\n', stderr);
}

/* One line on stderr. The message is escaped (pm_text_escape) because it
 * quotes input (annotator names, keys, file names): an ESC, BEL, CR or LF
 * in a name must not act on the terminal or split the line. */
static void vmsg(const char *kind, const char *fmt, va_list ap)
{
    char small[1024], *text = small, *shown = NULL;
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n >= (int)sizeof small && (text = malloc((size_t)n + 1)) != NULL)
        vsnprintf(text, (size_t)n + 1, fmt, again);
    va_end(again);
    if (!text || n < 0)
        text = small; /* no memory: the message cut at its buffer */
    if (pm_text_needs_escape(text)) {
        size_t len = pm_text_escape(text, NULL, 0);
        if ((shown = malloc(len + 1)) != NULL)
            pm_text_escape(text, shown, len + 1);
    }
    const char *body = shown                        ? shown
                       : pm_text_needs_escape(text) ? "(message not shown: out of memory)"
                                                    : text;
    int width = term_width();
    size_t head = strlen("prefmon: ") + strlen(cli_cmd) + 1 + strlen(kind);
    char *line = NULL;
    if (width && head + strlen(body) > (size_t)width &&
        (line = malloc(head + strlen(body) + 1)) != NULL) {
        sprintf(line, "prefmon%s%s: %s%s", *cli_cmd ? " " : "", cli_cmd, kind, body);
        put_wrapped(line, width);
        free(line);
    } else {
        fprintf(stderr, "prefmon%s%s: %s%s\n", *cli_cmd ? " " : "", cli_cmd, kind, body);
    }
    free(shown);
    if (text != small)
        free(text);
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg("", fmt, ap);
    va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg("warning: ", fmt, ap);
    va_end(ap);
}

int cli_exit_for(int st)
{
    switch ((pm_status)st) {
    case PM_OK:
        return CLI_OK;
    case PM_EINVAL:
        return CLI_EUSAGE;
    case PM_EIO:
        return CLI_EIO;
    case PM_ENOMEM:
    case PM_ENOCONV:
        return CLI_EINTERNAL;
    case PM_EPARSE:
    case PM_ERANGE:
    case PM_EINFEASIBLE:
    case PM_EMODEL:
    case PM_ELIMIT:
        return CLI_EDATA;
    }
    return CLI_EINTERNAL;
}

int cli_fail(const char *what, pm_status st, const pm_error *err)
{
    const char *text = err && err->text[0] ? err->text : pm_strerror(st);
    if (what)
        cli_error("%s: %s", what, text);
    else
        cli_error("%s", text);
    return cli_exit_for(st);
}

/* What strtod would take but a command line should not: blanks around the
 * number (refused on both sides alike) and hex floats ("0x1p-3"). Prints
 * why and returns CLI_EUSAGE, or returns 0. */
static int plain_decimal(const char *opt, const char *arg, const char *what)
{
    size_t len = strlen(arg);
    if (len && (isspace((unsigned char)arg[0]) || isspace((unsigned char)arg[len - 1]))) {
        cli_error("%s: '%s' is not %s (remove the blanks around it)", opt, arg, what);
        return CLI_EUSAGE;
    }
    if (strpbrk(arg, "xX")) {
        cli_error("%s: '%s' is not %s (write it in decimal)", opt, arg, what);
        return CLI_EUSAGE;
    }
    return 0;
}

int cli_double(const char *opt, const char *arg, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(arg, &end);
    /* strtod reports ERANGE for subnormal results too: those are numbers
     * (range-checked below); only an overflow or a total underflow of a
     * non-zero number is not representable. */
    int unrepresentable = errno == ERANGE && (isinf(v) || v == 0);
    if (plain_decimal(opt, arg, "a number"))
        return CLI_EUSAGE;
    if (end == arg || *end != '\0' || unrepresentable || isnan(v)) {
        cli_error("%s: '%s' is not a number", opt, arg);
        return CLI_EUSAGE;
    }
    if (!(v >= lo && v <= hi)) {
        cli_error("%s: %s is outside [%g, %g]", opt, arg, lo, hi);
        return CLI_EUSAGE;
    }
    *out = v;
    return 0;
}

int cli_open_unit(const char *opt, const char *arg, double *out)
{
    if (cli_double(opt, arg, 0, 1, out))
        return CLI_EUSAGE;
    if (!(*out > 0 && *out < 1)) {
        cli_error("%s: %s must be strictly between 0 and 1", opt, arg);
        return CLI_EUSAGE;
    }
    return 0;
}

static int parse_long(const char *opt, const char *arg, const char *end_ok, long lo, long hi,
                      long *out, char **endp)
{
    char *end;
    errno = 0;
    /* Accept 1e6-style whole numbers too: people write n that way. */
    long long v = strtoll(arg, &end, 10);
    if (end != arg && (*end == 'e' || *end == 'E' || *end == '.')) {
        double d = strtod(arg, &end);
        if (d != floor(d) || fabs(d) > 9e18) {
            cli_error("%s: '%s' is not a whole number", opt, arg);
            return CLI_EUSAGE;
        }
        v = (long long)d;
    }
    if (plain_decimal(opt, arg, "a whole number"))
        return CLI_EUSAGE;
    if (end == arg || errno == ERANGE || !strchr(end_ok, *end)) {
        cli_error("%s: '%s' is not a whole number", opt, arg);
        return CLI_EUSAGE;
    }
    if (v < lo || v > hi) {
        cli_error("%s: %lld is outside [%ld, %ld]", opt, v, lo, hi);
        return CLI_EUSAGE;
    }
    *out = (long)v;
    if (endp)
        *endp = end;
    return 0;
}

int cli_long(const char *opt, const char *arg, long lo, long hi, long *out)
{
    return parse_long(opt, arg, "", lo, hi, out, NULL);
}

int cli_long_list(const char *opt, const char *arg, long lo, long hi, long **out, size_t *count)
{
    size_t n = 0, cap = 8;
    long *v = malloc(cap * sizeof *v);
    const char *s = arg;
    if (!v)
        return CLI_EINTERNAL;
    for (;;) {
        char *end;
        long x;
        int rc = parse_long(opt, s, ",", lo, hi, &x, &end);
        if (rc) {
            free(v);
            return rc;
        }
        if (n == cap) {
            long *nv = realloc(v, 2 * cap * sizeof *v);
            if (!nv) {
                free(v);
                return CLI_EINTERNAL;
            }
            v = nv;
            cap *= 2;
        }
        v[n++] = x;
        if (*end != ',')
            break;
        s = end + 1;
    }
    *out = v;
    *count = n;
    return 0;
}

int cli_choice(const char *opt, const char *arg, const char *const *names, int *index)
{
    char list[256] = "";
    for (int i = 0; names[i]; i++) {
        if (!strcmp(arg, names[i])) {
            *index = i;
            return 0;
        }
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", names[i]);
    }
    cli_error("%s: '%s' is not one of %s", opt, arg, list);
    return CLI_EUSAGE;
}

int cli_contract_types(const char *arg, int *mask)
{
    static const char *const names[] = {"linear", "binary", "both", NULL};
    int i = 0;
    int r = cli_choice("--type", arg, names, &i);
    *mask = i + 1; /* bit mask: 1 linear, 2 binary, 3 both */
    return r;
}

int cli_solve_choice(const char *arg, pm_solve *solve)
{
    static const char *const names[] = {"restricted", "second-best", NULL};
    int i = 0;
    int r = cli_choice("--solve", arg, names, &i);
    *solve = i ? PM_SOLVE_SECOND_BEST : PM_SOLVE_RESTRICTED;
    return r;
}

void cli_num_finite(out_table *t, double v)
{
    if (isinf(v))
        out_null(t);
    else
        out_num(t, v);
}
