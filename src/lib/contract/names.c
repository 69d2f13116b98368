/*
** Contract type and solve names: the bottom of the contract engine, so
** that every layer (the agent's messages included) can name what it holds.
*/
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
