/* Plan-shaping group: --queue-length --dup-rate --dup-count --min-gap
 * --gold-rate --seed, for every command that lays out queues the way
 * prefmon plan does (plan, simulate): one parser and one set of limits, so
 * that a plan and its simulation are asked for with the same words. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "prefmon/plan.h"

void cli_planopts_init(cli_planopts *p, size_t max_rates)
{
    memset(p, 0, sizeof *p);
    p->max_rates = max_rates < CLI_PLAN_MAX_RATES ? max_rates : CLI_PLAN_MAX_RATES;
    p->dup_count = -1; /* not given */
    p->min_gap = 10;
}

/* A seed is the whole uint64 range, so cli_long (a long) cannot read it. */
static int parse_seed(const char *arg, uint64_t *seed)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(arg, &end, 10);
    if (!*arg || arg[0] == '-' || arg[0] == '+' || *end || errno == ERANGE) {
        cli_error("--seed: '%s' is not a whole number in 0 .. 18446744073709551615", arg);
        return CLI_EUSAGE;
    }
    *seed = (uint64_t)v;
    return 0;
}

/* One rate, or up to max_rates comma-separated (one run each). */
static int parse_rates(const char *arg, cli_planopts *p)
{
    if (p->max_rates <= 1) {
        p->nrates = 1;
        return cli_double("--dup-rate", arg, 0, 0.5, &p->dup_rates[0]);
    }
    char buf[256];
    snprintf(buf, sizeof buf, "%s", arg);
    p->nrates = 0;
    for (char *s = buf, *next; s; s = next) {
        next = strchr(s, ',');
        if (next)
            *next++ = '\0';
        if (p->nrates == p->max_rates) {
            cli_error("--dup-rate: at most %zu rates", p->max_rates);
            return CLI_EUSAGE;
        }
        int rc = cli_double("--dup-rate", s, 0, 0.5, &p->dup_rates[p->nrates++]);
        if (rc)
            return rc;
    }
    return 0;
}

static int planopts_opt(void *self, int code, const char *arg)
{
    cli_planopts *p = self;
    switch (code) {
    case CLI_OPT_QUEUE_LENGTH:
        return cli_long("--queue-length", arg, 1, PM_PLAN_MAX_ROWS, &p->length);
    case CLI_OPT_DUP_COUNT:
        return cli_long("--dup-count", arg, 0, PM_PLAN_MAX_ROWS, &p->dup_count);
    case CLI_OPT_MIN_GAP:
        return cli_long("--min-gap", arg, 1, PM_PLAN_MAX_ROWS, &p->min_gap);
    case CLI_OPT_DUP_RATE:
        return parse_rates(arg, p);
    case CLI_OPT_GOLD_RATE:
        p->have_gold_rate = 1;
        return cli_double("--gold-rate", arg, 0, 1, &p->gold_rate);
    case CLI_OPT_SEED:
        p->have_seed = 1;
        return parse_seed(arg, &p->seed);
    }
    return CLI_NOT_MINE;
}

cli_group cli_planopts_group(cli_planopts *p)
{
    static const struct option longopts[] = {
        {"queue-length", required_argument, NULL, CLI_OPT_QUEUE_LENGTH},
        {"dup-rate", required_argument, NULL, CLI_OPT_DUP_RATE},
        {"dup-count", required_argument, NULL, CLI_OPT_DUP_COUNT},
        {"min-gap", required_argument, NULL, CLI_OPT_MIN_GAP},
        {"gold-rate", required_argument, NULL, CLI_OPT_GOLD_RATE},
        {"seed", required_argument, NULL, CLI_OPT_SEED},
        {NULL, 0, NULL, 0}};
    /* No finish: each command checks the shape at its place among its own
     * required options (cli_planopts_error), so the first message stays
     * the first missing thing. */
    return (cli_group){longopts, planopts_opt, NULL, p};
}

const char *cli_planopts_error(const cli_planopts *p)
{
    if (!p->length)
        return "--queue-length L is required";
    if ((p->nrates > 0) == (p->dup_count >= 0))
        return "give one of --dup-rate R and --dup-count D";
    return NULL;
}

pm_plan_request cli_planopts_request(const cli_planopts *p, const pm_plan_pool *items,
                                     const pm_plan_pool *gold, const char *const *names,
                                     size_t n_annotators, double dup_rate)
{
    return (pm_plan_request){.items = items,
                             .gold = gold && pm_plan_pool_count(gold) ? gold : NULL,
                             .annotators = names,
                             .n_annotators = n_annotators,
                             .length = p->length,
                             .duplicates = p->nrates ? -1 : p->dup_count,
                             .dup_rate = dup_rate,
                             .min_gap = p->min_gap,
                             .gold_rate = p->gold_rate,
                             .seed = p->seed};
}
