#!/usr/bin/python3
"""Re-derive the golden tests/cli/cases/doc_budget_rule (prefmon budget
--dup-cost 1e-6 --type linear --solve restricted) with mpmath, from the
closed-form restricted linear CARA contract of arXiv 2502.06387 §7.3 and the
rule-of-thumb constant A = -G'' E'^2 / (2 G'^3 I) (doc/budget.md), at 40
digits, independently of the library: n* = argmax over n of
C_n - cost n (every n in 1..2000), V(n*) and sqrt(A / cost).

usage: /usr/bin/python3 tests/spec/gen/check_budget.py   (from the repo root)
Exit 0 when the golden agrees to 1e-12 relative, 1 otherwise.
"""
import csv
import sys

import mpmath as mp

mp.mp.dps = 40
COST = mp.mpf('1e-6')
C = mp.mpf('0.98')  # paper convention, delta 0.02: m = (1 + 0.98 eta) / 2

# Default model: G = 1 - e^{-w}, E = 0.18 eta^2, mu = 0.5 eta^0.8, U0 = 0.
eta = mp.findroot(lambda e: 0.4 * e ** mp.mpf(-0.2) - mp.mpf('0.36') * e / (1 - mp.mpf('0.18') * e * e),
                  mp.mpf('0.94'))
E = mp.mpf('0.18') * eta ** 2
Ed = mp.mpf('0.36') * eta
m = (1 + C * eta) / 2


def cn(n):
    K = Ed / ((1 - E) * n * C / 2)
    z = (1 - K * (1 - m)) / (1 + K * m)
    c1 = -n * mp.log(z)
    c2 = -(mp.log(1 - E) - n * mp.log(1 - m + m * z))
    return mp.mpf('0.5') * eta ** mp.mpf('0.8') - c2 - m * c1


best_v, best_n = max((cn(n) - COST * n, n) for n in range(1, 2001))
info = (C / 2) ** 2 / (m * (1 - m))
A = (1 - E) * Ed ** 2 / (2 * (1 - E) ** 3 * info)  # G' = -G'' = e^{-w*} = 1 - E
rule = mp.sqrt(A / COST)

row = next(csv.DictReader(open('tests/cli/cases/doc_budget_rule/stdout')))
ok = int(row['n_star']) == best_n
for name, want in (('net_utility', best_v), ('rule_n', rule)):
    got = mp.mpf(row[name])
    if abs(got - want) > mp.mpf('1e-12') * abs(want):
        ok = False
        print(f'{name}: golden {row[name]}, mpmath {mp.nstr(want, 17)}')
print(f'n* = {best_n} (golden {row["n_star"]}), V = {mp.nstr(best_v, 17)}, '
      f'rule_n = {mp.nstr(rule, 17)}, A = {mp.nstr(A, 17)}: {"ok" if ok else "MISMATCH"}')
sys.exit(0 if ok else 1)
