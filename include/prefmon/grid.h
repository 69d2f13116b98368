/*
** prefmon — the paper's grid mode (arXiv 2502.06387, the Figure 3
** experiments, as the authors' Section4.py computes them).
**
** Reproduces the authors' exact-utility grid search (Section4.py,
** Util_compute_exact + FB_solve / SB_solve / SB_solve_tilde) on the 4-D grid
** effort x threshold fraction x slope-or-bonus x base, without materialising
** it. Grid axes are numpy aranges: value i = lo + i*d with d = (lo + step) - lo
** (numpy's fill rule), so e.g. the base lattice is -10 + j*0.05000000000000071.
**
**   linear   pay = base + slope * X/n          (tau axis unused, one point)
**   binary   pay = base + bonus * 1{X > floor(tau*n)}    (tau*n in double)
**
**   FB   max principal over all grid points with agent >= U0
**   SB   ... with agent + tol >= max over efforts of agent (C_n)
**   SBR  at the FB effort e*: contracts where max agent over effort indices
**        >= idx(e*) - 1 reaches the global max (the authors' slice runs to the
**        end of the array; for idx(e*) = 0 it is the last effort only) and
**        agent(e*) >= U0 (C~_n)
** Ties go to the first index in numpy's C order: (eta, tau, slope, base) for
** FB and SB, (tau, slope, base) for SBR. doc/grid.md has the details.
**
** Ownership: plain values owned by the caller; model and scheme are
** borrowed for the call. Thread-safe; spawns spec->threads worker threads.
*/
#ifndef PREFMON_GRID_H
#define PREFMON_GRID_H

#include "prefmon/export.h"
#include "prefmon/contract.h"
#include "prefmon/model.h"
#include "prefmon/monitor.h"
#include "prefmon/status.h"

PM_BEGIN_DECLS

typedef struct pm_grid_spec {
    int n_eta;
    double eta_step; /* effort i*eta_step, from 0 */
    int n_base;
    double base_lo, base_step; /* base (c2) */
    int n_pay;
    double pay_lo, pay_step; /* slope / bonus (c1) */
    int n_tau;
    double tau_step; /* threshold fraction i*tau_step, from 0 (binary only) */
    double tol;      /* best-response tolerance in agent utility (SB) */
    /* Additions. The *_first offsets select a window of the full arange:
     * value i of the axis is lattice point first + i, bit for bit the same
     * number numpy's arange(lo, ., step)[first + i] holds. */
    int eta_first, base_first, pay_first, tau_first;
    int threads; /* worker threads; 0: one per online CPU (at most 8) */
} pm_grid_spec;

/** The authors' grid: 101 efforts step 0.01; base arange(-10, 10, 0.05)
 *  (400); slope/bonus arange(0, 10, 0.05) (200); tau arange(0, 1.02, 0.02)
 *  (51); tol 0.01; offsets 0; threads 0. */
PM_API void pm_grid_spec_paper(pm_grid_spec *spec);

/** fb = grid first-best, sb = C_n, sbr = C~_n; *_tau the threshold
 *  fraction of each (binary: pass is X > floor(tau n), i.e. X >= k; NaN for
 *  linear contracts and infeasible problems). */
typedef struct pm_grid_result {
    pm_contract fb, sb, sbr;
    double fb_tau, sb_tau, sbr_tau;
} pm_grid_result;

/**
 * Run the grid search for one n, scheme and contract type.
 *
 * Every contract gets the terms type, n, base, slope or bonus and
 * k = floor(tau n) + 1 (pass is X >= k; linear: k = 0), solve (FIRST_BEST /
 * SECOND_BEST / RESTRICTED), feasible, eta, expected_pay,
 * principal_utility, agent_utility, first_best_utility and first_best_eta
 * (the grid FB), gap = FB - this, normalized_gap = gap / FB (NOT clipped;
 * the paper's plots clip it to [0,1]); the result gets each one's tau.
 * pm_scheme_fisher(sc, res->fb.eta) is the paper's I(eta*).
 *
 * A problem with no feasible grid point is reported with feasible = 0,
 * NaN contract terms and, as in the authors' code, principal_utility =
 * mu(0), eta = 0, agent_utility = U0; when any of fb, sb, sbr is
 * infeasible the call returns PM_EINFEASIBLE (naming which in err) with
 * all three filled, the feasible ones usable. When FB is infeasible, SBR
 * uses e* = 0 as the authors' code does.
 *
 * Wage bounds are applied to the lattice: only contracts whose every
 * wage (base, and base + slope or base + bonus) lies in [m->w_min,
 * m->w_max] are grid points. The paper's grid pays within [-10, 19.9], so
 * the default bounds [-10, 20] leave it whole.
 *
 * Model primitives are evaluated in the authors' expression forms (see
 * doc/grid.md), not with pm_utility_eval's expm1 form, so that every
 * comparison sees the same doubles NumPy does. PM_EINVAL on a bad spec,
 * n < 1 or bad scheme; PM_EMODEL from pm_model_check; PM_ENOMEM.
 */
PM_API pm_status pm_grid_solve(const pm_model *m, const pm_scheme *sc, long n,
                               pm_contract_type type, const pm_grid_spec *spec, pm_grid_result *res,
                               pm_error *err);

PM_END_DECLS

#endif
