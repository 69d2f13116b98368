#!/usr/bin/python3
"""Strict structural check of a prefmon HTML report (html.parser, stdlib).

    usage: check_html.py FILE.html [--min-plots N]

Fails (exit 1, one line per problem) unless the file
  - starts with <!DOCTYPE html> and is valid UTF-8 without control bytes;
  - closes every element it opens, in order (void elements excepted,
    SVG elements may self-close);
  - has exactly one <title>, non-empty, and at most one <script> (ours:
    the table sorter, present iff a table.sortable is);
  - has no event-handler attribute (on*) and no reference to anything
    outside the file (src, href other than #anchor, url() other than #id);
  - gives every <svg> class="plot" and a non-empty <title> as first child;
  - has at least N svg.plot elements (default 0).
Hostile caller text in the report must come out as text, so any of these
failing means the renderer let input change the page's structure.
"""
import re
import sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.problems = []
        self.titles = 0
        self.title_text = []
        self.scripts = 0
        self.sortable = 0
        self.plots = 0
        self.svg_first = None  # waiting for the first child of an svg
        self.svg_title = None

    def where(self):
        line, col = self.getpos()
        return f"line {line}:{col + 1}"

    def attrs_ok(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{self.where()}: event attribute {name} on <{tag}>")
            if name in ("src", "srcset", "action", "formaction", "data", "poster"):
                self.problems.append(f"{self.where()}: external reference {name}= on <{tag}>")
            if name in ("href", "xlink:href") and not (value or "").startswith("#"):
                self.problems.append(f"{self.where()}: link {value!r} leaves the file")
            if value and "url(" in value and not re.fullmatch(r"url\(#[\w-]+\)", value):
                self.problems.append(f"{self.where()}: {name}={value!r} fetches a url")

    def open(self, tag, attrs, closes):
        self.attrs_ok(tag, attrs)
        a = dict(attrs)
        if self.svg_first is not None:
            if tag != "title":
                self.problems.append(f"{self.where()}: <svg> does not start with <title>")
            else:
                self.svg_title = []
            self.svg_first = None
        if tag == "title" and not self.stack_has("svg"):
            self.titles += 1
        if tag == "script":
            self.scripts += 1
        if tag == "table" and "sortable" in (a.get("class") or "").split():
            self.sortable += 1
        if tag == "svg":
            if "plot" not in (a.get("class") or "").split():
                self.problems.append(f"{self.where()}: <svg> without class=\"plot\"")
            else:
                self.plots += 1
            self.svg_first = True
        if not closes and tag not in VOID:
            self.stack.append(tag)

    def stack_has(self, tag):
        return tag in self.stack

    def handle_starttag(self, tag, attrs):
        self.open(tag, attrs, False)

    def handle_startendtag(self, tag, attrs):
        if tag not in VOID and not self.stack_has("svg"):
            self.problems.append(f"{self.where()}: <{tag}/> self-closes outside SVG")
        self.open(tag, attrs, True)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            top = self.stack[-1] if self.stack else "nothing"
            self.problems.append(f"{self.where()}: </{tag}> closes <{top}>")
            if tag in self.stack:
                while self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()
        if tag == "title" and self.svg_title is not None:
            if not "".join(self.svg_title).strip():
                self.problems.append(f"{self.where()}: empty <title> in <svg>")
            self.svg_title = None

    def handle_data(self, data):
        if self.svg_title is not None:
            self.svg_title.append(data)
        if self.stack and self.stack[-1] == "title" and not self.stack_has("svg"):
            self.title_text.append(data)


def main():
    if len(sys.argv) < 2:
        print("usage: check_html.py FILE.html [--min-plots N]", file=sys.stderr)
        return 2
    path = sys.argv[1]
    min_plots = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[2] == "--min-plots" else 0
    raw = open(path, "rb").read()
    problems = []
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        print(f"{path}: not UTF-8: {e}")
        return 1
    bad = re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)
    if bad:
        problems.append(f"control character U+{ord(bad.group()):04X} at offset {bad.start()}")
    if not text.startswith("<!DOCTYPE html>"):
        problems.append("does not start with <!DOCTYPE html>")
    c = Checker()
    c.feed(text)
    c.close()
    problems += c.problems
    if c.stack:
        problems.append(f"unclosed at end: {' > '.join(c.stack)}")
    if c.titles != 1 or not "".join(c.title_text).strip():
        problems.append(f"{c.titles} <title> elements (want one, non-empty)")
    if c.scripts != (1 if c.sortable else 0):
        problems.append(f"{c.scripts} <script> elements for {c.sortable} sortable tables")
    if c.plots < min_plots:
        problems.append(f"{c.plots} svg.plot elements, want at least {min_plots}")
    for p in problems:
        print(f"{path}: {p}")
    if not problems:
        print(f"{path}: ok ({c.plots} plots, {c.sortable} sortable tables)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
