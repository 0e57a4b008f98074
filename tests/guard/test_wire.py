"""The hooks' JSON without the json package gives exactly what json gives."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from countersign.guard import wire

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(values)
def test_dumps_writes_what_json_writes(value):
    assert wire.dumps(value) == json.dumps(value)


@given(values | st.floats(allow_nan=False), st.sampled_from(["", " ", "\n\t ", "\r\n"]))
def test_loads_reads_what_json_reads(value, space):
    text = space + json.dumps(value) + space
    assert wire.loads(text.encode()) == json.loads(text.encode())
    assert wire.loads(text) == json.loads(text)


@pytest.mark.parametrize(
    "text", [b"", b"  ", b'{"a": 1} {"b": 2}', b'{"a": 1', b"\xef\xbb\xbf{}", b"\xff{}", b"[1,]"]
)
def test_loads_refuses_what_is_not_one_json_value(text):
    with pytest.raises(ValueError):
        wire.loads(text)
