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
