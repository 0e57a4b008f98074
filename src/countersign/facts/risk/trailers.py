"""What a Gerrit-era commit message declares in its trailers: the bugs it closes, partly fixes or
relates to, the blueprint it implements, the changes it depends on, its co-authors and impact
flags. OpenStack (and other Gerrit projects) write these as ``Key: value`` lines; they are known
when the change is made, so reading them never looks at later history. Pure.

Definitions (tested in tests/facts/risk/test_trailers.py), each a line of the message, the key
case-insensitive:

- ``tr_closes``: ``Closes-Bug:`` or ``Fixes-Bug:`` lines; ``tr_partial``: ``Partial-Bug:``;
  ``tr_related``: ``Related-Bug:`` (each a count of lines);
- ``tr_blueprint``: ``Implements:``, ``Partially-Implements:`` or ``Blueprint:`` (0/1);
- ``tr_depends``: ``Depends-On:`` lines; ``tr_coauthors``: ``Co-Authored-By:`` lines;
- ``tr_impact``: the ``DocImpact``, ``APIImpact``, ``UpgradeImpact``, ``SecurityImpact`` and
  ``*Impact`` flags (a word ending in ``Impact`` alone at the start of a line, or as a key);
- ``tr_change_id``: a ``Change-Id: I<hex>`` line (0/1);
- ``msg_body``: characters of the message after its first paragraph, lines of the form
  ``Key: value`` (trailers) and impact flags left out.

``bugs``: the bug numbers of the ``*-Bug:`` lines, each with whether the line closes it.
"""

from __future__ import annotations

import re

COLUMNS = (
    "tr_closes",
    "tr_partial",
    "tr_related",
    "tr_blueprint",
    "tr_depends",
    "tr_coauthors",
    "tr_impact",
    "tr_change_id",
    "msg_body",
)

_FLAGS = re.IGNORECASE | re.MULTILINE
_BUG = re.compile(r"^\s*(closes|fixes|partial|related)-bug\s*:\s*(.*)$", _FLAGS)
_BLUEPRINT = re.compile(r"^\s*(partially-)?implements\s*:|^\s*blueprint\s*:", _FLAGS)
_DEPENDS = re.compile(r"^\s*depends-on\s*:", _FLAGS)
_COAUTHOR = re.compile(r"^\s*co-authored-by\s*:", _FLAGS)
_IMPACT = re.compile(r"^\s*[A-Za-z-]*impact\b\s*(:|$)", _FLAGS)
_CHANGE_ID = re.compile(r"^\s*change-id\s*:\s*I[0-9a-f]{8,}", _FLAGS)
_TRAILER_LINE = re.compile(
    r"^\s*[A-Za-z][A-Za-z-]*\s*:\s*\S.*$|^\s*[A-Za-z-]*impact\s*$", re.IGNORECASE
)
_NUMBER = re.compile(r"\d{3,}")


def bugs(message: str) -> tuple[tuple[str, bool], ...]:
    """The bug numbers the message's ``*-Bug:`` lines name, each with whether the line closes
    it (``Closes-Bug``/``Fixes-Bug``), in order, each number once (closing wins)."""
    out: dict[str, bool] = {}
    for kind, rest in _BUG.findall(message):
        closes = kind.lower() in {"closes", "fixes"}
        for number in _NUMBER.findall(rest):
            out[number] = out.get(number, False) or closes
    return tuple(out.items())


def columns(message: str) -> dict[str, float]:
    """The trailer columns of one commit message."""
    kinds = [k.lower() for k, _ in _BUG.findall(message)]
    _, _, body = message.partition("\n\n")
    prose = [ln for ln in body.splitlines() if ln.strip() and not _TRAILER_LINE.match(ln)]
    return {
        "tr_closes": float(sum(1 for k in kinds if k in {"closes", "fixes"})),
        "tr_partial": float(kinds.count("partial")),
        "tr_related": float(kinds.count("related")),
        "tr_blueprint": float(bool(_BLUEPRINT.search(message))),
        "tr_depends": float(len(_DEPENDS.findall(message))),
        "tr_coauthors": float(len(_COAUTHOR.findall(message))),
        "tr_impact": float(len(_IMPACT.findall(message))),
        "tr_change_id": float(bool(_CHANGE_ID.search(message))),
        "msg_body": float(sum(len(ln.strip()) for ln in prose)),
    }
