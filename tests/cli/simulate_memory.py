#!/usr/bin/env python3
"""simulate with several --dup-rate values keeps one run in memory at a time.

Before, every run (plan, labels, assessment) stayed in memory until the end:
8 rates took 8 times the memory of one (6.3 GB at 200k annotators). Each run
is now scored and freed before the next, so the peak resident size of
8 rates stays close to that of the largest rate alone.

usage: tests/cli/simulate_memory.py PREFMON   (from the repository root)
"""
import resource
import subprocess
import sys

RATES = ["0.05", "0.06", "0.07", "0.08", "0.09", "0.1", "0.11", "0.12"]


def peak_kib(prefmon, rates):
    """Peak RSS (KiB) of one simulate run in a fresh child process."""
    cmd = [prefmon, "simulate", "--annotators", "2000", "--eta", "uniform:0.5,1",
           "--queue-length", "300", "--dup-rate", ",".join(rates), "--seed", "4",
           "--show", "detection", "--format", "csv"]
    # A fresh interpreter per measurement: RUSAGE_CHILDREN is the largest
    # child ever waited for, so each count needs its own parent.
    probe = ("import resource, subprocess, sys\n"
             "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL,"
             " stderr=subprocess.PIPE)\n"
             "sys.stderr.write(r.stderr.decode())\n"
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
             "sys.exit(r.returncode)\n")
    r = subprocess.run([sys.executable, "-c", probe] + cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("simulate_memory: %s failed (exit %d): %s" % (" ".join(cmd), r.returncode,
                                                               r.stderr.strip()))
    return int(r.stdout.strip())


def main():
    prefmon = sys.argv[1]
    one = peak_kib(prefmon, RATES[-1:])
    eight = peak_kib(prefmon, RATES)
    # 8 runs held together would take about 8 * (one - base); freed one by one
    # they take one run's worth plus the kept scores (a few bytes per
    # annotator). 1.5x leaves room for allocator noise, far below 8x.
    print("simulate_memory: peak RSS one rate %d KiB, eight rates %d KiB" % (one, eight))
    if eight > 1.5 * one:
        sys.exit("simulate_memory: eight --dup-rate runs peak at %d KiB, more than 1.5x one "
                 "run's %d KiB: runs are kept in memory" % (eight, one))


if __name__ == "__main__":
    main()
