"""The cheap checks asked before the reading's patterns decide exactly as the patterns do."""

from hypothesis import given
from hypothesis import strategies as st

from countersign.facts.docs import blocks, extract

# the characters the patterns turn on, and a few others
MARKUP = st.text(alphabet=st.sampled_from(list("`[]():_-~ \tab1\n>*#=|.")), max_size=40)


@given(MARKUP)
def test_a_line_is_marked_exactly_when_the_marks_pattern_finds_a_mark(text: str):
    assert extract._marked(text) == (extract._MARKED.search(text) is not None)


@given(MARKUP)
def test_no_line_without_three_backquotes_or_tildes_opens_a_fence(text: str):
    if blocks._FENCE.match(text):
        assert "```" in text or "~~~" in text


def test_a_document_whose_lines_name_nothing_has_no_references_and_one_that_does_keeps_its_rules():
    vocab = extract.Vocabulary(commands=frozenset({"shipit"}))
    assert extract.references("docs/a.md", "# a\n\n- Do it:\n\n`tar cf {{x}}`\n", vocab) == ()
    text = "## History\n\nRun `shipit --old`.\n\n## Use\n\nRun `shipit --new`.\n"
    assert [r.text for r in extract.references("docs/a.md", text, vocab)] == ["--new"]
