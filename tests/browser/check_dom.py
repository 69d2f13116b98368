#!/usr/bin/python3
"""Check the DOM Chromium built from the weekly report (its --dump-dom).

    usage: check_dom.py DOM.html ASSESSMENT.json PNG:WIDTH...

Fails (exit 1, a line per problem) unless
  - the <title> is "prefmon weekly report";
  - <html> carries data-sorted-tables >= 1: the sort script ran in the page;
  - the table in section#annotators has one body row per annotator of the
    assessment file, and its first row's first cell is an annotator name;
  - at least one svg.plot holds drawn marks (circle, rect or path with
    class "mark", a path with a non-empty d);
  - every PNG exists, is a PNG, and is WIDTH pixels wide.
"""
import json
import struct
import sys
from html.parser import HTMLParser


class Dom(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.title = ""
        self.sorted_tables = None
        self.section = None
        self.annot_rows = 0
        self.first_cells = []
        self.in_tbody = False
        self.cell_depth = None
        self.cell_text = []
        self.plots = 0
        self.plots_with_marks = 0
        self.marks_here = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        if tag == "html":
            self.sorted_tables = a.get("data-sorted-tables")
        if tag == "section":
            self.section = a.get("id")
        if tag == "tbody" and self.section == "annotators":
            self.in_tbody = True
        if tag == "tr" and self.in_tbody:
            self.annot_rows += 1
            self.cell_depth = 0
        if tag == "td" and self.in_tbody and self.cell_depth == 0:
            self.cell_depth = 1
            self.cell_text = []
        if tag == "svg" and "plot" in cls:
            self.plots += 1
            self.marks_here = 0
        if "mark" in cls and tag in ("circle", "rect", "path"):
            if tag != "path" or (a.get("d") or "").strip():
                self.marks_here += 1
        if tag not in ("meta", "link", "br", "img", "input", "hr"):
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag == "td" and self.cell_depth == 1:
            if self.annot_rows == 1 or len(self.first_cells) < 1:
                self.first_cells.append("".join(self.cell_text).strip())
            self.cell_depth = 2
        if tag == "tbody":
            self.in_tbody = False
        if tag == "svg" and self.marks_here:
            self.plots_with_marks += 1
            self.marks_here = 0
        while self.stack:
            if self.stack.pop() == tag:
                break

    def handle_data(self, data):
        if self.stack and self.stack[-1] == "title" and "svg" not in self.stack:
            self.title += data
        if self.cell_depth == 1:
            self.cell_text.append(data)


def png_width(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">I", head[16:20])[0]


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    dom_path, assess_path = sys.argv[1], sys.argv[2]
    problems = []
    d = Dom()
    d.feed(open(dom_path, encoding="utf-8").read())
    d.close()
    annotators = json.load(open(assess_path, encoding="utf-8"))["annotators"]
    names = {a["annotator"] for a in annotators}
    if d.title.strip() != "prefmon weekly report":
        problems.append(f"title is {d.title.strip()!r}, not 'prefmon weekly report'")
    if not d.sorted_tables or int(d.sorted_tables) < 1:
        problems.append(f"data-sorted-tables = {d.sorted_tables!r}: the sort script did not run")
    if d.annot_rows != len(annotators):
        problems.append(f"{d.annot_rows} annotator rows in the page, {len(annotators)} "
                        f"annotators in {assess_path}")
    if not d.first_cells or d.first_cells[0] not in names:
        problems.append(f"first annotator cell {d.first_cells[:1]!r} is not an annotator")
    if d.plots_with_marks < 1:
        problems.append(f"{d.plots} svg.plot elements, none with drawn marks")
    for spec in sys.argv[3:]:
        path, _, width = spec.rpartition(":")
        try:
            w = png_width(path)
        except OSError as e:
            problems.append(f"{path}: {e}")
            continue
        if w is None:
            problems.append(f"{path}: not a PNG")
        elif w != int(width):
            problems.append(f"{path}: {w} pixels wide, not {width}")
    for p in problems:
        print(f"check_dom.py: FAIL: {p}")
    if not problems:
        print(f"check_dom.py: ok: title, sort script ran, {d.annot_rows} annotator rows, "
              f"{d.plots_with_marks} of {d.plots} plots with marks")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
