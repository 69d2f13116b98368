#!/usr/bin/python3
"""Read the column orders tests/browser/sort_probe.js recorded after clicking
the annotator table's headers in Chromium, and check the sort script:

    usage: check_sort.py DOM.html

  - "pairs" (a number column) ascending, then descending after a second click;
  - "consistency" likewise, with its empty cells (no pairs) last both ways;
  - "annotator" (a text column) ascending: a permutation of the rows, in order
    under a case-insensitive comparison (localeCompare), aria-sort set.
"""
import json
import re
import sys
from html import unescape


def nums(cells):
    return [float(c) for c in cells if c.strip() not in ("", "-")]


def blanks_last(cells):
    seen_blank = False
    for c in cells:
        if c.strip() in ("", "-"):
            seen_blank = True
        elif seen_blank:
            return False
    return True


def main():
    dom = open(sys.argv[1], encoding="utf-8").read()
    m = re.search(r'data-sort-probe="([^"]*)"', dom)
    if not m:
        print("check_sort.py: FAIL: no data-sort-probe: the probe (or the sort script) did not run")
        return 1
    p = json.loads(unescape(m.group(1)))
    problems = []
    for col in ("pairs", "consistency"):
        up, down = p[col + "_up"], p[col + "_down"]
        if nums(up) != sorted(nums(up)):
            problems.append(f"{col} ascending is not in order")
        if nums(down) != sorted(nums(down), reverse=True):
            problems.append(f"{col} descending is not in order")
        if not (blanks_last(up) and blanks_last(down)):
            problems.append(f"{col}: empty cells are not last")
        if sorted(up) != sorted(down):
            problems.append(f"{col}: the two orders hold different cells")
    names = p["names_up"]
    if [n.lower() for n in names] != sorted(n.lower() for n in names):
        problems.append("annotator ascending is not in (case-insensitive) order")
    if len(set(names)) != len(names):
        problems.append("annotator column lost or duplicated rows")
    if p.get("aria") != "ascending":
        problems.append(f"aria-sort of the sorted header is {p.get('aria')!r}")
    for q in problems:
        print(f"check_sort.py: FAIL: {q}")
    if not problems:
        print(f"check_sort.py: ok: {len(names)} rows sorted by pairs, consistency (blanks last) "
              "and name, both directions")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
