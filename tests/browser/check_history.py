#!/usr/bin/python3
"""Check the history page as Chromium laid it out (the DOM dumped with
tests/browser/history_probe.js appended, at a given window width).

    usage: check_history.py DOM.html ACTIONS.csv WIDTH PNG

Fails (exit 1, a line per problem) unless
  - the probe ran and the viewport is WIDTH CSS pixels wide;
  - the actions table's "decision" and "flags" columns (header and every
    body cell) lie within the viewport and within the table's scroll box,
    which is not scrolled: visible without horizontal scrolling;
  - the page itself does not scroll sideways (no wider than the viewport);
  - the table has one row per row of ACTIONS.csv (what report --history
    printed), in the same order of actions, and that order is block,
    review, hold, pay;
  - the PNG exists and is WIDTH pixels wide.
"""
import csv
import html
import json
import re
import struct
import sys

RANK = {"block": 0, "review": 1, "hold": 2, "pay": 3}


def main():
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    dom_path, actions_path, width, png = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    problems = []
    dom = open(dom_path, encoding="utf-8").read()
    m = re.search(r'data-history-probe="([^"]*)"', dom)
    if not m:
        print("check_history: the probe did not run (no data-history-probe)", file=sys.stderr)
        return 1
    p = json.loads(html.unescape(m.group(1)))
    vw = p["viewport"]
    if vw != width:
        problems.append(f"viewport {vw} px, want {width}")
    if p["page_width"] > vw:
        problems.append(f"the page scrolls sideways: {p['page_width']} px wide in {vw}")
    wrap = p.get("wrap")
    if not wrap:
        problems.append("no actions table")
    else:
        if wrap["scroll_left"] != 0:
            problems.append(f"the table is scrolled by {wrap['scroll_left']} px")
        for name in ("annotator", "action", "decision", "flags"):
            c = p["cols"].get(name)
            if not c:
                problems.append(f"no '{name}' column")
                continue
            edge = min(vw, wrap["right"])
            if c["left"] < max(0, wrap["left"]) - 0.5 or c["body_right"] > edge + 0.5:
                problems.append(f"column '{name}' [{c['left']:.1f}, {c['body_right']:.1f}] px is "
                                f"not within the visible [{max(0, wrap['left']):.1f}, {edge:.1f}]")
    with open(actions_path, newline="", encoding="utf-8") as fp:
        want = [r["action"] for r in csv.DictReader(fp)]
    got = [a.replace(" (replay)", "") for a in p["actions"]]
    if got != want:
        problems.append(f"table actions {got[:6]}... ({len(got)} rows) differ from "
                        f"{actions_path} {want[:6]}... ({len(want)} rows)")
    ranks = [RANK.get(a, 9) for a in got]
    if ranks != sorted(ranks):
        problems.append("actions are not in the order block, review, hold, pay")
    try:
        with open(png, "rb") as fp:
            head = fp.read(24)
        if head[:8] != b"\x89PNG\r\n\x1a\n" or struct.unpack(">I", head[16:20])[0] != width:
            problems.append(f"{png}: not a PNG {width} px wide")
    except OSError as e:
        problems.append(f"{png}: {e}")
    for pr in problems:
        print(f"check_history: {pr}", file=sys.stderr)
    if not problems:
        print(f"check_history: {len(got)} actions; decision and flags within {vw} px "
              f"(flags ends at {p['cols']['flags']['body_right']:.0f})")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
