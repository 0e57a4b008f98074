"""The replay's fast paths give what the plain definitions give: whitespace-free lines, the
significant-line test on bytes, and a merge's origins from runs of unchanged lines."""

from array import array

from hypothesis import given, settings
from hypothesis import strategies as st

from countersign.facts.risk.origins import blocks, combine, normalized, unchanged
from countersign.facts.risk.szz import significant, significant_bytes

# bytes rich in what the fast paths treat specially: every kind of space and line end,
# comment marks, and non-ASCII text
PIECES = st.sampled_from(
    [b" ", b"\t", b"\n", b"\r", b"\r\n", b"\x0b", b"\x0c", b"\x1c", b"\x1f", b"\xc2\xa0",
     b"#", b"//", b"/*", b"*", b"--", b";", b"%", b"<!--", b'"""', b"'''", b"x", b"y = 1",
     b"\xe2\x80\x83", b"\xff", b"\x85"]
)  # fmt: skip
TEXT = st.lists(PIECES, max_size=30).map(b"".join)
LINES = st.lists(st.sampled_from([b"a", b"b", b"c", b" a", b"a\t", b"}", b""]), max_size=25)


@given(TEXT)
def test_normalized_lines_are_the_split_lines_without_spaces(data):
    assert normalized(data) == [b"".join(x.split()) for x in data.splitlines()]


@given(TEXT)
def test_a_line_is_significant_as_bytes_as_it_is_decoded(data):
    line = data.replace(b"\n", b"")
    assert significant_bytes(line) == significant(line.decode("utf-8", "replace"))


@settings(max_examples=300)
@given(LINES, LINES, LINES)
def test_a_merge_from_runs_is_the_merge_from_line_pairs(left, right, merged):
    def by_pairs(parents, merge, length):
        out, taken = [merge] * length, [False] * length
        for got, pairs in parents:
            for new, old in pairs:
                if new < length and old < len(got) and not taken[new]:
                    out[new], taken[new] = got[old], True
        return out

    def norm(lines):
        return [b"".join(x.split()) for x in lines]

    # the left parent's origins are one short: a run may reach past them and is cut there
    sides = [(array("I", range(1, len(left))), left), (array("I", [500] * len(right)), right)]
    runs = [(got, blocks(norm(lines), norm(merged))) for got, lines in sides]
    pairs = [(got, unchanged(lines, merged)) for got, lines in sides]
    assert list(combine(runs, 9, len(merged))) == by_pairs(pairs, 9, len(merged))
    matched = [(n + k, o + k) for n, o, size in runs[0][1] for k in range(size)]
    assert matched == unchanged(left, merged)
    assert all(norm(merged)[n] == norm(left)[o] for n, o in matched)
    assert [n for n, _ in matched] == sorted({n for n, _ in matched})
    assert [o for _, o in matched] == sorted({o for _, o in matched})


def test_a_fix_and_any_other_commit_read_the_same_hunks_and_the_fix_its_removed_lines():
    """Fixes' hunks are read with their positions (for the removed lines), other commits' with
    one findall: the same hunks either way; the removed lines are the significant ones of each
    hunk's old side, as blame would be asked for them."""
    from countersign.facts.risk.origins import parse

    a, b, c, d, e = ("a" * 40, "b" * 40, "c" * 40, "d" * 40, "e" * 40)
    body = (
        f":100644 100644 {a} {b} M\tm.py\n:100644 100644 {c} {d} M\tlogo.bin\n"
        f":100644 100644 {e} {e} R100\told.py\tnew.py\n\n"
        f"diff --git a/m.py b/m.py\nindex {a}..{b} 100644\n--- a/m.py\n+++ b/m.py\n"
        "@@ -3 +3 @@ def f():\n-    return 1\n+    return 2\n"
        "@@ -7,4 +7,0 @@\n-# a comment\n-\n-    x = 'caf\xc3\xa9'\n-\xc2\xa0\n"
        "@@ -20,0 +17,2 @@\n+y = 1\n+z = 2\n"
        "@@ -30,2 +30 @@\n-last = 1\n-end\n\\ No newline at end of file\n+end\n"
        f"diff --git a/logo.bin b/logo.bin\nindex {c}..{d} 100644\nBinary files differ\n"
        "diff --git a/old.py b/new.py\nsimilarity index 100%\nrename from old.py\n"
        "rename to new.py\n"
    ).encode("latin-1")
    record = f"{'f' * 40}\x1f{'1' * 40}\x1fmessage\x1d".encode() + body
    fix = parse(record, fix=lambda _m: True)
    other = parse(record, fix=lambda _m: False)
    assert fix is not None
    assert other is not None
    assert [(f.hunks, f.binary) for f in fix.files] == [(f.hunks, f.binary) for f in other.files]
    m, logo, renamed = fix.files
    assert m.hunks == ((3, 1, 3, 1), (7, 4, 7, 0), (20, 0, 17, 2), (30, 2, 30, 1))
    assert m.removed == (3, 9, 30, 31)  # not the comment, the blank or the no-break space
    assert logo.binary
    assert (renamed.old_path, renamed.hunks) == ("old.py", ())
    assert all(not f.removed for f in other.files)


def _plain_blocks(a, b):
    """The patience diff anchor by anchor: each anchor a run of its own, merged into the run
    before it when they follow one another, and the longest chain found by bisecting always."""
    from bisect import bisect_left
    from collections import Counter
    from difflib import SequenceMatcher

    out = []

    def anchors(alo, ahi, blo, bhi):
        old, new = a[alo:ahi], b[blo:bhi]
        in_old, in_new = Counter(old), Counter(new)
        once = {x for x, n in in_new.items() if n == 1 and in_old.get(x) == 1}
        where = dict(zip(old, range(alo, ahi), strict=True))
        pairs = [(where[x], j) for j, x in enumerate(new, blo) if x in once]
        tails, back, at = [], [-1] * len(pairs), []
        for k, (ia, _) in enumerate(pairs):
            pos = bisect_left(tails, ia)
            if pos == len(tails):
                tails.append(ia)
                at.append(k)
            else:
                tails[pos], at[pos] = ia, k
            back[k] = at[pos - 1] if pos else -1
        chain, k = [], at[-1] if at else -1
        while k >= 0:
            chain.append(pairs[k])
            k = back[k]
        return chain[::-1]

    def common(i, j, most, step):
        n = 0
        while n < most and (a[i + n] == b[j + n] if step > 0 else a[i - n - 1] == b[j - n - 1]):
            n += 1
        return n

    def patience(alo, ahi, blo, bhi):
        head = common(alo, blo, min(ahi - alo, bhi - blo), 1)
        if head:
            out.append((blo, alo, head))
            alo, blo = alo + head, blo + head
        tail = common(ahi, bhi, min(ahi - alo, bhi - blo), -1)
        ahi, bhi = ahi - tail, bhi - tail
        if alo < ahi and blo < bhi:
            chain = anchors(alo, ahi, blo, bhi)
            if chain:
                for ia, ib in chain:
                    if ia > alo and ib > blo:
                        patience(alo, ia, blo, ib)
                    if out and out[-1][0] + out[-1][2] == ib and out[-1][1] + out[-1][2] == ia:
                        last = out.pop()
                        out.append((last[0], last[1], last[2] + 1))
                    else:
                        out.append((ib, ia, 1))
                    alo, blo = ia + 1, ib + 1
                patience(alo, ahi, blo, bhi)
            elif (ahi - alo) * (bhi - blo) <= 40_000:
                m = SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False)
                out.extend((blo + y, alo + x, n) for x, y, n in m.get_matching_blocks() if n)
        if tail:
            out.append((bhi, ahi, tail))

    patience(0, len(a), 0, len(b))
    return out


# versions as a merge sees them: unique lines (anchors), a few lines that repeat, and edits
# that insert, delete, replace and move runs of lines
VERSION = st.lists(
    st.one_of(st.integers(0, 60).map(lambda n: b"u%d" % n), st.sampled_from([b"", b"}", b"r"])),
    max_size=80,
)


@st.composite
def _edited(draw):
    old = draw(VERSION)
    new = list(old)
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(new)))
        cut = draw(st.integers(0, 8))
        kind = draw(st.sampled_from(["insert", "delete", "replace", "move"]))
        piece = new[at : at + cut]
        if kind in ("delete", "replace", "move"):
            del new[at : at + cut]
        if kind in ("insert", "replace"):
            new[at:at] = draw(VERSION)[:cut]
        if kind == "move":
            to = draw(st.integers(0, len(new)))
            new[to:to] = piece
    return old, new


@settings(max_examples=500)
@given(_edited())
def test_the_patience_diff_by_runs_of_anchors_is_the_diff_anchor_by_anchor(versions):
    old, new = versions
    assert blocks(old, new) == _plain_blocks(old, new)


@given(st.lists(TEXT.map(lambda data: b"-" + data.replace(b"\n", b"")), max_size=6))
def test_a_hunks_removed_lines_are_significant_as_each_line_is_alone(gone):
    from countersign.facts.risk.origins import _significant

    expected = [7 + k for k, line in enumerate(gone) if significant_bytes(line[1:])]
    assert _significant(gone, 7) == expected
