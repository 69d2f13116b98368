/*
** Contract type and solve names: the bottom of the contract engine, so
** that every layer (the agent's messages included) can name what it holds.
*/
#include <string.h>

#include "prefmon/contract.h"

const char *pm_contract_type_name(pm_contract_type t)
{
    return t == PM_CONTRACT_BINARY ? "binary" : "linear";
}

const char *pm_solve_name(pm_solve s)
{
    switch (s) {
    case PM_SOLVE_FIRST_BEST:
        return "first-best";
    case PM_SOLVE_RESTRICTED:
        return "restricted";
    case PM_SOLVE_SECOND_BEST:
        return "second-best";
    }
    return "unknown";
}

const char *pm_threshold_rule_name(pm_threshold_rule r)
{
    return r == PM_THRESHOLD_FIRST_N ? "first-n" : r == PM_THRESHOLD_SCALED ? "scaled" : NULL;
}

pm_status pm_threshold_rule_parse(const char *s, pm_threshold_rule *out, pm_error *err)
{
    for (int r = PM_THRESHOLD_FIRST_N; r <= PM_THRESHOLD_SCALED; r++)
        if (s && strcmp(s, pm_threshold_rule_name((pm_threshold_rule)r)) == 0) {
            *out = (pm_threshold_rule)r;
            return PM_OK;
        }
    return pm_error_set(err, PM_EINVAL, "threshold rule '%s': not first-n or scaled", s ? s : "");
}
