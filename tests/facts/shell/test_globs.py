"""The literal pre-check never changes what fnmatch would answer."""

from __future__ import annotations

import fnmatch

from hypothesis import given
from hypothesis import strategies as st

from countersign.facts.shell.globs import fnmatches

_CHARS = st.sampled_from(list("ab./-*?[]!^x"))


@given(st.text(_CHARS, max_size=12), st.text(_CHARS, max_size=8))
def test_same_answer_as_fnmatchcase(name: str, pattern: str) -> None:
    assert fnmatches(name, pattern) == fnmatch.fnmatchcase(name, pattern)


def test_protected_path_globs() -> None:
    assert fnmatches(".bashrc", ".bashrc")
    assert fnmatches("id_ed25519.pub", "id_*")
    assert fnmatches("app.tfstate.backup", "*.tfstate.backup")
    assert fnmatches("release/1.2", "release/*")
    assert not fnmatches("build", "*.tfstate")
    assert not fnmatches("a.b", "a?b?")
    assert fnmatches("abab", "a*ab")
    assert not fnmatches("ab", "a*ab")  # the literals may not overlap
