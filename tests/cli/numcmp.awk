# numcmp.awk: compare two text files line by line, allowing numbers to
# differ by a relative 1e-12 (absolute 1e-300 near zero). Everything that is
# not a number must match exactly, and so must the number of lines.
#   awk -f tests/cli/numcmp.awk EXPECTED ACTUAL   (exit 0 same, 1 differ)
# Why: goldens print 15-17 significant digits so that nothing is hidden,
# but a more accurate evaluation order legitimately moves the last digit;
# the values themselves are checked against mpmath by verify_goldens.py.
function split_nums(s, nums,    n, re, out) {
    n = 0
    out = ""
    re = "-?(inf|nan|[0-9]+(\\.[0-9]*)?([eE][-+]?[0-9]+)?|\\.[0-9]+([eE][-+]?[0-9]+)?)"
    while (match(s, re)) {
        out = out substr(s, 1, RSTART - 1) "#"
        nums[++n] = substr(s, RSTART, RLENGTH)
        s = substr(s, RSTART + RLENGTH)
    }
    skel = out s
    return n
}
function close_enough(a, b,    x, y, d, m) {
    if (a == b)
        return 1
    if (a ~ /inf|nan/ || b ~ /inf|nan/)
        return 0
    x = a + 0
    y = b + 0
    d = x - y
    if (d < 0) d = -d
    m = (x < 0 ? -x : x)
    if ((y < 0 ? -y : y) > m) m = (y < 0 ? -y : y)
    return d <= 1e-12 * m || d <= 1e-300
}
BEGIN {
    want = ARGV[1]
    got = ARGV[2]
    line = 0
    for (;;) {
        r1 = (getline a < want)
        r2 = (getline b < got)
        if (r1 <= 0 && r2 <= 0)
            exit 0
        line++
        if (r1 <= 0 || r2 <= 0)
            exit 1
        if (a == b)
            continue
        delete na
        delete nb
        ka = split_nums(a, na); sa = skel
        kb = split_nums(b, nb); sb = skel
        # Column alignment in text tables may shift with a digit: compare
        # skeletons with runs of blanks folded.
        gsub(/[ \t]+/, " ", sa)
        gsub(/[ \t]+/, " ", sb)
        if (ka != kb || sa != sb)
            exit 1
        for (i = 1; i <= ka; i++)
            if (!close_enough(na[i], nb[i]))
                exit 1
    }
}
