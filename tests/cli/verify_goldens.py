#!/usr/bin/env python3
"""Independent cross-check of prefmon CLI goldens with mpmath (no Rmath).

usage: python3 verify.py PREFMON CASE_DIR...
For every successful case (exit 0, not --help) re-run the command with
--format json and recompute the key numbers from the command's options:
pass probabilities, thresholds k (LR rule by the exact log-likelihood ratio,
level rule by exact tails), exact binomial tails by direct summation at 60
digits, the sample size (checked at n and n-1, or by a full scan for the
level rule), Clopper-Pearson bounds by bisection, KL and the lower bound.
"""
import json, math, os, shlex, subprocess, sys
import mpmath as mp

mp.mp.dps = 60
RTOL = 1e-9
problems = []


def logpmf(x, n, p):
    return (mp.loggamma(n + 1) - mp.loggamma(x + 1) - mp.loggamma(n - x + 1)
            + x * mp.log(p) + (n - x) * mp.log(1 - p))


def _sum_up(k, n, p):  # sum_{x>=k} pmf, k >= mean: terms decrease
    s = mp.mpf(0)
    t = mp.exp(logpmf(k, n, p))
    r = p / (1 - p)
    x = k
    while x <= n:
        s += t
        if t < s * mp.mpf('1e-50'):
            break
        t *= (n - x) * r / (x + 1)
        x += 1
    return s


def _sum_down(j, n, p):  # sum_{x<=j} pmf, j <= mean: terms decrease going down
    s = mp.mpf(0)
    t = mp.exp(logpmf(j, n, p))
    r = (1 - p) / p
    x = j
    while x >= 0:
        s += t
        if t < s * mp.mpf('1e-50'):
            break
        t *= x * r / (n - x + 1)
        x -= 1
    return s


def sf(k, n, p):
    """P(X >= k), X ~ Bin(n, p), exact at 60 digits."""
    p = mp.mpf(p)
    if k <= 0:
        return mp.mpf(1)
    if k > n:
        return mp.mpf(0)
    if p == 0:
        return mp.mpf(0)
    if p == 1:
        return mp.mpf(1)
    if k >= n * p:
        return _sum_up(k, n, p)
    return 1 - _sum_down(k - 1, n, p)


def cdf(j, n, p):
    """P(X <= j)."""
    p = mp.mpf(p)
    if j < 0:
        return mp.mpf(0)
    if j >= n:
        return mp.mpf(1)
    if p == 0:
        return mp.mpf(1)
    if p == 1:
        return mp.mpf(0)
    if j <= n * p:
        return _sum_down(j, n, p)
    return 1 - _sum_up(j + 1, n, p)


def read_prefs(path):
    out = []
    with open(path, 'rb') as f:
        for raw in f:
            s = raw.decode('utf-8').strip()
            if not s or s.startswith('#'):
                continue
            if s.startswith('{'):
                row = json.loads(s)

                def get(names):
                    for obj in (row, row.get('metadata')):
                        if isinstance(obj, dict):
                            for nm in names:
                                if nm in obj:
                                    return mp.mpf(repr(float(obj[nm])))
                    raise ValueError('missing')
                c = get(['chosen_score', 'score_chosen'])
                r = get(['rejected_score', 'score_rejected'])
                p = 1 / (1 + mp.exp(-(c - r)))
            else:
                p = mp.mpf(s)
            out.append(max(p, 1 - p))
    return out


class Scheme:
    def __init__(self, o):
        self.kind = o.get('monitor', 'self')
        conv = o.get('convention', 'general')
        delta = mp.mpf(o.get('delta', '0.02'))
        q0 = mp.mpf(o.get('q0', '0.5'))
        if self.kind == 'expert':
            if 'cbar' in o:
                cbar = mp.mpf(o['cbar'])
            else:
                ps = read_prefs(o['pref-scores'])
                cbar = 2 * mp.fsum(abs(p - mp.mpf(0.5)) for p in ps) / len(ps)
            self.cbar = cbar
            self.q0, self.slope = mp.mpf(0.5), cbar / 2
        elif conv == 'paper':
            self.q0, self.slope = mp.mpf(0.5), (1 - delta) / 2
        else:
            self.q0, self.slope = q0, (1 - delta) - q0

    def m(self, eta):
        return self.q0 + mp.mpf(eta) * self.slope

    def fisher(self, eta):
        m = self.m(eta)
        if m <= 0 or m >= 1:
            return None
        return self.slope ** 2 / (m * (1 - m))


def lr_k(m0, m1, n):
    if m0 <= 0:
        return 1
    if m1 >= 1:
        return n
    A = mp.log(1 - m0) - mp.log(1 - m1)
    B = mp.log(m1) - mp.log(m0)
    kstar = n * A / (A + B)
    k = int(mp.ceil(kstar))
    if abs(kstar - mp.nint(kstar)) < mp.mpf('1e-9'):
        print(f'  note: LR boundary {mp.nstr(kstar, 20)} is (nearly) an integer at n={n}')
    return max(0, min(n, k))


def level_k(m0, n, alpha):
    lo, hi = 0, n + 1
    while lo < hi:
        mid = (lo + hi) // 2
        if sf(mid, n, m0) <= alpha:
            hi = mid
        else:
            lo = mid + 1
    return lo


def design(sc, eta0, eta1, n, alpha=None):
    m0, m1 = sc.m(eta0), sc.m(eta1)
    k = level_k(m0, n, mp.mpf(alpha)) if alpha else lr_k(m0, m1, n)
    t1, t2 = sf(k, n, m0), cdf(k - 1, n, m1)
    return dict(n=n, k=k, m0=m0, m1=m1, type1=t1, type2=t2, error_sum=t1 + t2)


def close(name, got, want, ctx):
    if want is None:
        ok = got is None
    elif isinstance(want, int) and not isinstance(want, bool):
        ok = got == want
    else:
        want = mp.mpf(want)
        if got is None:
            ok = False
        elif want == 0 or abs(want) < mp.mpf('1e-300'):
            ok = abs(mp.mpf(got)) <= mp.mpf('1e-300')
        else:
            ok = abs(mp.mpf(got) - want) <= RTOL * abs(want)
    if not ok:
        problems.append(f'{ctx}: {name}: prefmon {got!r}, independent {mp.nstr(want, 17) if want is not None and not isinstance(want, int) else want}')
    return ok


def check_test(ctx, got, want):
    for f in ('n', 'k', 'm0', 'm1', 'type1', 'type2', 'error_sum'):
        close(f, got[f], want[f], ctx)


def lb(kl, n):
    x = n * kl
    return max(mp.mpf(0), 1 - mp.sqrt(x / 2), 1 - mp.sqrt(1 - mp.exp(-x)))


def expert_kl(ps, eta0, eta1):
    def clip(q):
        return min(max(q, mp.mpf('1e-4')), 1 - mp.mpf('1e-4'))
    tot = mp.mpf(0)
    for p in ps:
        a = clip(mp.mpf(0.5) + mp.mpf(eta0) * (p - mp.mpf(0.5)))
        b = clip(mp.mpf(0.5) + mp.mpf(eta1) * (p - mp.mpf(0.5)))
        tot += a * mp.log(a / b) + (1 - a) * mp.log((1 - a) / (1 - b))
    return tot / len(ps)


def parse(args):
    o = {}
    i = 1
    while i < len(args):
        a = args[i]
        if a.startswith('--'):
            has_value = i + 1 < len(args) and not args[i + 1].startswith('--')
            o[a[2:]] = args[i + 1] if has_value else ''
            i += 2 if has_value else 1
        else:
            i += 1
    return o


def seq_oc(m0, m1, ap, af, m, horizon):
    """The sequential test's decision curves by a plain DP over (pairs,
    agreements) at 60 digits, every cell kept (no band, no rescaling)."""
    la, ld = mp.log(m1 / m0), mp.log((1 - m1) / (1 - m0))
    tp, tf = -mp.log(ap), -mp.log(af)
    row = {0: mp.mpf(1)}
    pass_by, fail_by = [mp.mpf(0)], [mp.mpf(0)]
    expected = mp.mpf(1)
    for j in range(1, horizon + 1):
        new = {}
        for a, v in row.items():
            new[a + 1] = new.get(a + 1, 0) + v * m
            new[a] = new.get(a, 0) + v * (1 - m)
        ps = fs = mp.mpf(0)
        row = {}
        for a, v in new.items():
            llr = a * la + (j - a) * ld
            if llr >= tp:
                ps += v
            elif -llr >= tf:
                fs += v
            elif v != 0:
                row[a] = v
        pass_by.append(pass_by[-1] + ps)
        fail_by.append(fail_by[-1] + fs)
        if j < horizon:
            expected += mp.fsum(row.values())
    return pass_by, fail_by, mp.fsum(row.values()), expected


def naive_fail(sc, eta0, eta1, max_error, m, per_look, looks):
    """P(failed at a look <= l) of the fixed-n LR test re-run on the pooled
    pairs, deciding when its error sum is <= max_error."""
    w = [mp.mpf(1)]
    failed, out = mp.mpf(0), []
    for l in range(1, looks + 1):
        for _ in range(per_look):
            w = [(w[a] if a < len(w) else 0) * (1 - m) + (w[a - 1] * m if a > 0 else 0)
                 for a in range(len(w) + 1)]
        d = design(sc, eta0, eta1, l * per_look)
        if d['error_sum'] <= max_error:
            for a in range(min(d['k'], len(w))):
                failed += w[a]
                w[a] = mp.mpf(0)
        out.append(failed)
    return out


def sequential_check(ctx, sc, o, rows):
    eta0 = mp.mpf(o.get('eta0', '0.8'))
    eta1 = mp.mpf(o.get('eta1', '0.9'))
    ap, af = mp.mpf(o.get('alpha-pass', '0.05')), mp.mpf(o.get('alpha-fail', '0.05'))
    horizon, b = int(o.get('horizon', '1000')), int(o.get('per-look', '5'))
    max_error = mp.mpf(o.get('max-error', '0.2'))
    m0, m1 = sc.m(eta0), sc.m(eta1)
    grid = sorted(set([mp.mpf(i) / 10 for i in range(11)] + [eta0, eta1]))
    if [r['eta'] for r in rows] != [float(e) for e in grid]:
        problems.append(f'{ctx}: efforts {[r["eta"] for r in rows]} are not 0, 0.1, ..., 1 with eta0, eta1')
        return
    for r, eta in zip(rows, grid):
        c2 = f'{ctx} eta={float(eta)}'
        m = sc.m(eta)
        close('m', r['m'], m, c2)
        pb, fb, und, exp = seq_oc(m0, m1, ap, af, m, max(horizon, 52 * b))
        close('p_pass', r['p_pass'], pb[horizon], c2)
        close('p_fail', r['p_fail'], fb[horizon], c2)
        if horizon >= 52 * b:
            close('p_undecided', r['p_undecided'], und, c2)
            close('expected_pairs', r['expected_pairs'], exp, c2)
        for L in (4, 12, 52):
            close(f'seq_fail_{L}', r[f'seq_fail_{L}'], fb[L * b], c2)
        nf = naive_fail(sc, eta0, eta1, max_error, m, b, 52)
        for L in (4, 12, 52):
            close(f'naive_fail_{L}', r[f'naive_fail_{L}'], nf[L - 1], c2)
        want = 'p_pass' if m <= m0 else 'p_fail' if m >= m1 else 'none'
        if r['ville_bounds'] != want:
            problems.append(f'{c2}: ville_bounds {r["ville_bounds"]}, independent {want}')
        if want != 'none':
            bound = ap if want == 'p_pass' else af
            if mp.mpf(r[want]) > bound:
                problems.append(f'{c2}: {want} {r[want]} exceeds Ville\'s bound {bound}')


def samplesize_check(ctx, sc, eta0, eta1, target, got, alpha=None, max_n=10**7):
    n = got['n']
    w = design(sc, eta0, eta1, n, alpha)
    check_test(ctx, got, w)
    crit = 'type2' if alpha else 'error_sum'
    if not w[crit] <= target:
        problems.append(f'{ctx}: at n={n} independent {crit} {mp.nstr(w[crit], 17)} > target')
    if alpha:  # not monotone: scan every smaller n
        for m in range(1, n):
            if design(sc, eta0, eta1, m, alpha)['type2'] <= target:
                problems.append(f'{ctx}: n={m} < {n} already reaches type2 <= target')
                break
    elif n > 1:
        prev = design(sc, eta0, eta1, n - 1)
        if prev['error_sum'] <= target:
            problems.append(f'{ctx}: n-1={n-1} already reaches error_sum {mp.nstr(prev["error_sum"], 17)}')


# The commands whose numbers this script re-derives; the other commands'
# goldens have their own checkers (check_assess.py, check_budget.py, the
# spec tables) or are checked by hand (tests/cli/README.md).
CHECKED = ('power', 'samplesize', 'estimate', 'bound', 'compare')


def verify(prefmon, case):
    args = shlex.split(open(os.path.join(case, 'cmd')).read())
    if (not args or args[0] not in CHECKED or '--help' in args
            or open(os.path.join(case, 'exit')).read().strip() != '0'):
        return False
    # The case's own --format (table, csv or json) is replaced by json: an
    # option given twice is refused. --columns and --wide are dropped: every
    # column is checked.
    plain = []
    i = 0
    while i < len(args):
        if args[i] in ('--format', '--columns'):
            i += 2
            continue
        if not args[i].startswith(('--format=', '--columns=', '--wide')):
            plain.append(args[i])
        i += 1
    args = plain
    r = subprocess.run([prefmon] + args + ['--format', 'json'], capture_output=True, text=True)
    if r.returncode != 0:
        problems.append(f'{os.path.basename(case.rstrip("/"))}: --format json exits '
                        f'{r.returncode}: {r.stderr.strip()}')
        return True
    out = json.loads(r.stdout)
    cmd, o = args[0], parse(args)
    ctx = os.path.basename(case.rstrip('/'))
    eta0 = mp.mpf(o.get('eta0', '0'))
    eta1 = mp.mpf(o['eta1']) if 'eta1' in o else None
    if cmd == 'power' and 'sequential' in o:
        eta0 = mp.mpf(o.get('eta0', '0.8'))
    if cmd in ('power', 'samplesize', 'estimate'):
        sc = Scheme(o)
        for row in (out if isinstance(out, list) else [out]):
            close('c', row['c'], 2 * sc.slope, ctx)
            if sc.kind == 'expert':
                close('cbar', row['cbar'], sc.cbar, ctx)
    if cmd == 'power' and 'sequential' in o:
        sequential_check(ctx, sc, o, out)
    elif cmd == 'power':
        w = design(sc, eta0, eta1, int(float(o['n'])), o.get('alpha'))
        check_test(ctx, out, w)
        close('fisher_info0', out['fisher_info0'], sc.fisher(eta0), ctx)
        close('fisher_info1', out['fisher_info1'], sc.fisher(eta1), ctx)
    elif cmd == 'samplesize':
        samplesize_check(ctx, sc, eta0, eta1, mp.mpf(o['target']), out, o.get('alpha'))
    elif cmd == 'estimate':
        n, x = int(o['n']), int(o['passes'])
        level = mp.mpf(o.get('level', '0.95'))
        a2 = (1 - level) / 2

        def bisect(f):  # f increasing in m, root in (0,1)
            lo, hi = mp.mpf(0), mp.mpf(1)
            for _ in range(200):
                mid = (lo + hi) / 2
                if f(mid) < 0:
                    lo = mid
                else:
                    hi = mid
            return (lo + hi) / 2
        mlow = mp.mpf(0) if x == 0 else bisect(lambda m: sf(x, n, m) - a2)
        mhigh = mp.mpf(1) if x == n else bisect(lambda m: a2 - cdf(x, n, m))
        clip = lambda e: min(max(e, mp.mpf(0)), mp.mpf(1))
        eta = lambda m: clip((m - sc.q0) / sc.slope)
        close('m_hat', out['m_hat'], mp.mpf(x) / n, ctx)
        close('m_low', out['m_low'], mlow, ctx)
        close('m_high', out['m_high'], mhigh, ctx)
        close('eta_hat', out['eta_hat'], eta(mp.mpf(x) / n), ctx)
        close('ci_low', out['ci_low'], eta(mlow), ctx)
        close('ci_high', out['ci_high'], eta(mhigh), ctx)
        close('p_value', out['p_value'], sf(x, n, sc.m(eta0)), ctx)
    elif cmd == 'bound':
        ps = read_prefs(o['pref-scores'])
        kl = expert_kl(ps, eta0, eta1)
        for row in out:
            c2 = f'{ctx} n={row["n"]}'
            close('items', row['items'], len(ps), c2)
            close('kl', row['kl'], kl, c2)
            close('lower_bound', row['lower_bound'], lb(kl, row['n']), c2)
            close('lower_bound_paper', row['lower_bound_paper'], mp.exp(-row['n'] * kl) / 2, c2)
    elif cmd == 'compare':
        target = mp.mpf(o['target'])
        ps = read_prefs(o['pref-scores'])
        max_n = int(float(o.get('max-n', '1e7')))
        for row in out:
            c2 = f'{ctx} {row["monitor"]}'
            if row['monitor'] == 'self':
                sc = Scheme({k: v for k, v in o.items() if k != 'pref-scores'})
            else:
                sc = Scheme({'monitor': 'expert', 'pref-scores': o['pref-scores']})
                kl = expert_kl(ps, eta0, eta1)
                close('kl', row['kl'], kl, c2)
                nm = row['n_min_any_test']
                if nm is not None:
                    if not lb(kl, nm) <= target or (nm > 1 and lb(kl, nm - 1) <= target):
                        problems.append(f'{c2}: n_min_any_test {nm} is not the smallest n with bound <= target')
            close('m0', row['m0'], sc.m(eta0), c2)
            close('m1', row['m1'], sc.m(eta1), c2)
            close('fisher_info0', row['fisher_info0'], sc.fisher(eta0), c2)
            close('fisher_info1', row['fisher_info1'], sc.fisher(eta1), c2)
            if row['reached']:
                samplesize_check(c2, sc, eta0, eta1, target, row)
            else:
                w = design(sc, eta0, eta1, max_n)
                if w['error_sum'] <= target:
                    problems.append(f'{c2}: marked unreached but n={max_n} reaches the target')
    return True


def main():
    prefmon = sys.argv[1]
    n = 0
    for case in sys.argv[2:]:
        before = len(problems)
        if verify(prefmon, case):
            n += 1
            print(('ok   ' if len(problems) == before else 'FAIL ') + os.path.basename(case.rstrip('/')))
    for p in problems:
        print('DISAGREE', p)
    print(f'{n} cases checked, {len(problems)} disagreements')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
