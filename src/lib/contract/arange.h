/*
** Internal: numpy's arange fill rule, the one definition shared by grid
** mode (grid.c), its tests (test_grid.c, spec_grid.c) and bench_grid.c.
**
** numpy fills arange(lo, stop, step) as a[0] = lo, a[1] = lo + step, then
** a[i] = lo + i * (a[1] - a[0]); the grid's base lattice step is therefore
** 0.05000000000000071, not 0.05, and only this rule reproduces its doubles.
*/
#ifndef PREFMON_CONTRACT_ARANGE_H
#define PREFMON_CONTRACT_ARANGE_H

/** Value i of numpy's arange(lo, ., step). */
static inline double pmx_arange_at(double lo, double step, long i)
{
    double next = lo + step;
    if (i == 0)
        return lo;
    if (i == 1)
        return next;
    return lo + (double)i * (next - lo);
}

/** The index i in [0, count) with pmx_arange_at(lo, step, first + i) == v
 *  exactly, or -1 (reading grid answers back as lattice indices). */
static inline int pmx_arange_index(double v, double lo, double step, int first, int count)
{
    for (int i = 0; i < count; i++)
        if (pmx_arange_at(lo, step, (long)first + i) == v)
            return i;
    return -1;
}

#endif
