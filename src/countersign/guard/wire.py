"""The JSON the hooks speak, read and written with the json package's own C parts (``_json``)
and not the package: importing ``json`` compiles its regular expressions and costs the fast
path about 5.7 M instructions (a seventh of a bare interpreter's start). ``loads`` and ``dumps``
give what ``json.loads`` and ``json.dumps`` give (a test holds them to it); without ``_json``
they are those functions.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing stays off the fast path
if TYPE_CHECKING:
    from typing import Any

_WHITESPACE = " \t\n\r"


class _Context:
    """What ``_json.make_scanner`` reads from a decoder: the defaults of ``json.loads``."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    memo: dict[str, str]

    def __init__(self) -> None:
        self.memo = {}

    @staticmethod
    def parse_constant(name: str) -> float:
        return {"-Infinity": float("-inf"), "Infinity": float("inf"), "NaN": float("nan")}[name]


def loads(raw: bytes | str) -> Any:
    """``json.loads`` of UTF-8 bytes or text; ValueError when it is not one JSON value."""
    try:
        from _json import make_scanner
    except ImportError:  # pragma: no cover - every CPython has it
        import json

        return json.loads(raw)
    text = raw.decode("utf-8", "surrogatepass") if isinstance(raw, bytes) else raw
    if text.startswith("\ufeff"):
        raise ValueError("a byte order mark before the JSON")
    start = len(text) - len(text.lstrip(_WHITESPACE))
    try:
        value, end = make_scanner(_Context())(text, start)  # type: ignore[arg-type]
    except StopIteration:
        raise ValueError("no JSON value") from None
    if text[end:].strip(_WHITESPACE):
        raise ValueError("more than one JSON value")
    return value


def dumps(value: Any) -> str:
    """``json.dumps(value)`` for what hooks answer: objects, arrays, text, whole numbers,
    booleans and null."""
    try:
        from _json import encode_basestring_ascii
    except ImportError:  # pragma: no cover
        import json

        return json.dumps(value)
    return _encode(value, encode_basestring_ascii)


def _encode(value: Any, quote: Any) -> str:
    if isinstance(value, str):
        return str(quote(value))
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, dict):
        items = []
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError("only text keys are written")
            items.append(f"{quote(key)}: {_encode(item, quote)}")
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_encode(item, quote) for item in value) + "]"
    raise TypeError(f"{type(value).__name__} is not written by the guard's hooks")
