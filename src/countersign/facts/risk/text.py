"""The words of a change: what its message says and where it touches, as tokens a linear model
weighs (``training`` fits the weights, ``model.Text`` adds them up). Known when the change is
made, so reading them never looks at later history. Plain Python; a live change and a mined
commit give the same tokens for the same message and paths (tested).

- ``w:<word>``: each distinct word (lower case, letters and ``_``, 2 to 31 characters) of the
  message, trailers such as ``Change-Id:`` and ``Signed-off-by:`` left out;
- ``d:<dir>``: each directory prefix (up to 3 levels) of a touched path;
- ``e:<ext>``: each touched file's extension;
- ``c+:<name>``, ``c-:<name>``: the identifiers of the lines its own patch adds and removes
  (``content.code_words``), weighed by a linear model of their own (``training``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_WORD = re.compile(r"[a-z][a-z_]{1,30}")
_TRAILER = re.compile(
    r"^(change-id|signed-off-by|co-authored-by|reviewed-on|reviewed-by|acked-by|tested-by|"
    r"cc|depends-on|story|task):.*$",
    re.IGNORECASE | re.MULTILINE,
)
DEPTH = 3


def tokens(message: str, paths: Iterable[str], code: Iterable[str] = ()) -> frozenset[str]:
    out = set(code)
    out |= {"w:" + w for w in _WORD.findall(_TRAILER.sub("", message).lower())}
    for p in paths:
        parts = p.split("/")
        for d in range(1, min(DEPTH + 1, len(parts))):
            out.add("d:" + "/".join(parts[:d]))
        name = parts[-1]
        if "." in name.strip("."):
            out.add("e:" + name.rsplit(".", 1)[1].lower())
    return frozenset(out)
